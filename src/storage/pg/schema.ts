/**
 * The PostgreSQL schema: the mirror of src/storage/schema.ts (SQLite), table by table and column by column
 * (drizzle has no dialect-neutral table builder). Migrations in `drizzle-pg/` are generated from this file with
 * `npm run db:generate` (drizzle-kit) and committed; they are applied when the storage is opened.
 *
 * Conventions, chosen so that both backends hand the core identical rows:
 * - times are ISO-8601 UTC strings in `text` (they sort correctly, come back byte for byte as the core wrote
 *   them, and leases compare against the injectable clock's `now` instead of the server's);
 * - JSON values are `json`, not `jsonb`: `json` keeps the text as written, and the timeline's hash chain covers
 *   `JSON.stringify(data)` including key order, which `jsonb` would not keep;
 * - booleans are `boolean`; the outbox id is a `bigint` identity, read as a JS number.
 *
 * Tenancy as in SQLite (docs/storage.md): `tenant` leads every key of incident data.
 * Only here: lease columns (`claimed_by`, `claimed_until`) on outbox rows and timers, for several processes
 * sharing one database (src/storage/pg/claims.ts).
 */
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { PendingMenu } from "../../core/menu.ts";
import type { Outbound } from "../../core/message.ts";
import { orm } from "../drizzle.ts";
import { pgCore } from "./drizzle.ts";

const { sql } = orm;

const { bigint, boolean, customType, foreignKey, index, integer, json, pgTable, primaryKey } = pgCore;

/**
 * `text COLLATE "C"`: byte order, as in SQLite, whatever collation the database was created with (ids, keys and
 * ISO times then sort and compare the same on both backends, and comparisons are cheaper).
 */
const textC = customType<{ data: string; driverData: string }>({ dataType: () => 'text COLLATE "C"' });

/** A text column in byte order; `enum` narrows the type as drizzle's `text` does. */
function text<const E extends string = string>(name: string, _opts?: { enum: readonly E[] }) {
  return textC(name).$type<E>();
}

/** One row per incident; `snapshot` is the persisted XState snapshot. */
export const incidents = pgTable(
  "incidents",
  {
    tenant: text("tenant").notNull(),
    id: text("id").notNull(),
    workspace: text("workspace").notNull(),
    platform: text("platform").notNull(),
    channel: text("channel").notNull(),
    threadRef: text("thread_ref"),
    threadKey: text("thread_key"),
    playbookId: text("playbook_id").notNull(),
    title: text("title").notNull(),
    level: text("level").notNull(),
    phase: text("phase").notNull(),
    drill: boolean("drill").notNull(),
    openedAt: text("opened_at").notNull(),
    awareAt: text("aware_at").notNull(),
    closedAt: text("closed_at"),
    declaredBy: text("declared_by").notNull(),
    snapshot: json("snapshot").$type<unknown>().notNull(),
    lastHash: text("last_hash").notNull(),
    lastSeq: integer("last_seq").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    index("incidents_channel_closed_idx").on(t.tenant, t.channel, t.closedAt),
    index("incidents_channel_thread_ref_idx").on(t.tenant, t.channel, t.threadRef),
    index("incidents_thread_key_idx").on(t.tenant, t.threadKey),
  ],
);

/** The foreign key of a child row to its incident: (tenant, incident_id) → incidents (tenant, id). */
function ofIncident(table: string, t: { tenant: AnyPgColumn; incidentId: AnyPgColumn }) {
  return foreignKey({ name: `${table}_incident_fk`, columns: [t.tenant, t.incidentId], foreignColumns: [incidents.tenant, incidents.id] });
}

/** Append-only, hash-chained timeline. */
export const timeline = pgTable(
  "timeline",
  {
    tenant: text("tenant").notNull(),
    incidentId: text("incident_id").notNull(),
    seq: integer("seq").notNull(),
    at: text("at").notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    platform: text("platform").notNull(),
    kind: text("kind").notNull(),
    text: text("text").notNull(),
    data: json("data").$type<unknown>(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.incidentId, t.seq] }), ofIncident("timeline", t)],
);

/** Current state of each playbook task of an incident (upserted). */
export const tasks = pgTable(
  "tasks",
  {
    tenant: text("tenant").notNull(),
    incidentId: text("incident_id").notNull(),
    taskId: text("task_id").notNull(),
    nr: integer("nr").notNull(),
    phase: text("phase").notNull(),
    role: text("role").notNull(),
    critical: boolean("critical").notNull(),
    state: text("state").notNull(),
    by: text("by"),
    at: text("at"),
    reason: text("reason"),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.incidentId, t.taskId] }), ofIncident("tasks", t)],
);

/** Durable timers (reminders, deadlines). A timer fires at most once; a process claims a due one with a lease. */
export const timers = pgTable(
  "timers",
  {
    tenant: text("tenant").notNull(),
    id: text("id").notNull(),
    incidentId: text("incident_id").notNull(),
    kind: text("kind").notNull(),
    dueAt: text("due_at").notNull(),
    payload: json("payload").$type<unknown>(),
    firedAt: text("fired_at"),
    cancelledAt: text("cancelled_at"),
    claimedBy: text("claimed_by"),
    claimedUntil: text("claimed_until"),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    ofIncident("timers", t),
    // Partial index: only timers still to fire, in due order (all tenants: the schedulers of all processes).
    index("timers_pending_due_idx").on(t.dueAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    index("timers_incident_idx").on(t.tenant, t.incidentId),
  ],
);

/**
 * Transactional outbox. Rows of one lane (per tenant) are delivered strictly in id order; a process claims a
 * lane's head with a lease. `channel` is copied from `message.channel` so delivered refs can be looked up per channel.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenant: text("tenant").notNull(),
    key: text("key").notNull(),
    incidentId: text("incident_id"),
    lane: text("lane").notNull(),
    platform: text("platform").notNull(),
    channel: text("channel").notNull(),
    message: json("message").$type<Outbound>().notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    ref: text("ref"),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
    claimedBy: text("claimed_by"),
    claimedUntil: text("claimed_until"),
  },
  (t) => [
    // Only pending rows are ever looked for by time or lane: partial indexes stay small as sent rows pile up.
    index("outbox_pending_next_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("outbox_pending_lane_idx").on(t.tenant, t.lane, t.id).where(sql`status = 'pending'`),
    index("outbox_ref_idx").on(t.ref),
    index("outbox_key_idx").on(t.tenant, t.key),
  ],
);

/** Inbound delivery ids already handled, per tenant (see src/storage/schema.ts). */
export const deliveries = pgTable(
  "deliveries",
  {
    tenant: text("tenant").notNull(),
    platform: text("platform").notNull(),
    id: text("id").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.platform, t.id] })],
);

/** Menus waiting for a typed answer, one per person and channel (see src/storage/schema.ts). */
export const menus = pgTable(
  "menus",
  {
    tenant: text("tenant").notNull(),
    key: text("key").notNull(),
    menu: json("menu").$type<PendingMenu>().notNull(),
    shownAt: text("shown_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.key] })],
);

/** Mirror of SQLite's `adapter_state`: an adapter's routing data shared by every process (Teams references). */
export const adapterState = pgTable(
  "adapter_state",
  {
    platform: text("platform").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.kind, t.key] })],
);

/** OAuth installations, deployment-wide (see src/storage/schema.ts). */
export const installations = pgTable(
  "installations",
  {
    platform: text("platform").notNull(),
    key: text("key").notNull(),
    workspace: text("workspace"),
    organisation: text("organisation"),
    orgWide: boolean("org_wide").notNull(),
    botToken: text("bot_token").notNull(),
    botUserId: text("bot_user_id").notNull(),
    botId: text("bot_id"),
    appId: text("app_id"),
    installedBy: text("installed_by").notNull(),
    scopes: json("scopes").$type<string[]>().notNull(),
    raw: json("raw").$type<unknown>().notNull(),
    installedAt: text("installed_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.key] }), index("installations_organisation_idx").on(t.platform, t.organisation)],
);

/** Workspaces of organisations installed org-wide (see src/storage/schema.ts). */
export const installationWorkspaces = pgTable(
  "installation_workspaces",
  {
    platform: text("platform").notNull(),
    workspace: text("workspace").notNull(),
    organisation: text("organisation").notNull(),
    seenAt: text("seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspace] })],
);
