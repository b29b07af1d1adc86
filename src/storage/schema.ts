/**
 * The SQLite schema: the single source of truth for its tables and indexes (PostgreSQL's mirror:
 * src/storage/pg/schema.ts). Migrations in `drizzle/` are generated from this file with `npm run db:generate`
 * (drizzle-kit) and committed; they are applied when the storage is opened.
 *
 * Conventions: times are ISO-8601 UTC strings (they sort correctly as text),
 * JSON values are stored as text (`mode: "json"`), booleans as 0/1 integers.
 *
 * Tenancy (docs/storage.md): `tenant` is the organisation a row belongs to and leads every key of incident
 * data, so incident ids (`NF-2026-0001`), message keys and timer ids are unique per tenant only. Without
 * tenants configured everything lives in {@link DEFAULT_TENANT}. The platform's workspace (Slack team,
 * Teams tenant, Matrix server; the core's `IncidentRecord.workspace`) is the column `workspace`.
 */
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { PendingMenu } from "../core/menu.ts";
import type { Outbound } from "../core/message.ts";
import { orm, sqliteCore } from "./drizzle.ts";

const { sql } = orm;
const { foreignKey, index, integer, primaryKey, sqliteTable, text } = sqliteCore;

/** The tenant of a deployment without tenants configured (and of every row written before tenancy). */
export const DEFAULT_TENANT = "default";

/** One row per incident; `snapshot` is the persisted XState snapshot. */
export const incidents = sqliteTable(
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
    drill: integer("drill", { mode: "boolean" }).notNull(),
    openedAt: text("opened_at").notNull(),
    awareAt: text("aware_at").notNull(),
    closedAt: text("closed_at"),
    declaredBy: text("declared_by").notNull(),
    snapshot: text("snapshot", { mode: "json" }).$type<unknown>().notNull(),
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
function ofIncident(table: string, t: { tenant: AnySQLiteColumn; incidentId: AnySQLiteColumn }) {
  return foreignKey({ name: `${table}_incident_fk`, columns: [t.tenant, t.incidentId], foreignColumns: [incidents.tenant, incidents.id] });
}

/** Append-only, hash-chained timeline. */
export const timeline = sqliteTable(
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
    data: text("data", { mode: "json" }).$type<unknown>(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.incidentId, t.seq] }), ofIncident("timeline", t)],
);

/** Current state of each playbook task of an incident (upserted). */
export const tasks = sqliteTable(
  "tasks",
  {
    tenant: text("tenant").notNull(),
    incidentId: text("incident_id").notNull(),
    taskId: text("task_id").notNull(),
    nr: integer("nr").notNull(),
    phase: text("phase").notNull(),
    role: text("role").notNull(),
    critical: integer("critical", { mode: "boolean" }).notNull(),
    state: text("state").notNull(),
    by: text("by"),
    at: text("at"),
    reason: text("reason"),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.incidentId, t.taskId] }), ofIncident("tasks", t)],
);

/** Durable timers (reminders, deadlines). A timer fires at most once. */
export const timers = sqliteTable(
  "timers",
  {
    tenant: text("tenant").notNull(),
    id: text("id").notNull(),
    incidentId: text("incident_id").notNull(),
    kind: text("kind").notNull(),
    dueAt: text("due_at").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>(),
    firedAt: text("fired_at"),
    cancelledAt: text("cancelled_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    ofIncident("timers", t),
    // Partial index: only timers still to fire, in due order (all tenants: one scheduler per process).
    index("timers_pending_due_idx").on(t.dueAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    index("timers_incident_idx").on(t.tenant, t.incidentId),
  ],
);

/**
 * Transactional outbox. Rows of one `lane` are delivered strictly in id order.
 * `channel` is copied from `message.channel` so delivered refs can be looked up per channel.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tenant: text("tenant").notNull(),
    key: text("key").notNull(),
    incidentId: text("incident_id"),
    lane: text("lane").notNull(),
    platform: text("platform").notNull(),
    channel: text("channel").notNull(),
    message: text("message", { mode: "json" }).$type<Outbound>().notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    ref: text("ref"),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [
    index("outbox_status_next_idx").on(t.status, t.nextAttemptAt),
    index("outbox_lane_status_id_idx").on(t.tenant, t.lane, t.status, t.id),
    index("outbox_ref_idx").on(t.ref),
    index("outbox_key_idx").on(t.tenant, t.key),
  ],
);

/**
 * Inbound delivery ids already handled (platform retries must have no second effect). Per tenant: a platform
 * event always maps to the same tenant, and the scheduler's own ids (`timer` + timer id) repeat across tenants.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    tenant: text("tenant").notNull(),
    platform: text("platform").notNull(),
    id: text("id").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.platform, t.id] })],
);

/**
 * "Which kind of emergency?" menus waiting for a typed answer (`1`, a name), one per person and channel: `key` is the
 * core's `menuKey` (platform workspace, channel, person). Written in the commit of the event that showed the menu,
 * deleted by the one that answered it; a newer menu replaces an older one. Whether one still counts is decided
 * from `shown_at` by the core (30 minutes).
 */
export const menus = sqliteTable(
  "menus",
  {
    tenant: text("tenant").notNull(),
    key: text("key").notNull(),
    menu: text("menu", { mode: "json" }).$type<PendingMenu>().notNull(),
    shownAt: text("shown_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.key] })],
);

/**
 * What an adapter keeps beyond one process, by platform, kind and key (Teams: conversation references, display
 * names, welcomed conversations). Not incident data and not per tenant: the keys carry the platform's own tenant
 * (`teams:<tenant id>:<conversation>`), so one row serves whichever organisation covers that chat. `value` is
 * JSON text written and read by the adapter only.
 */
export const adapterState = sqliteTable(
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

/**
 * Installations of the bot through the platform's OAuth flow (Slack "Add to Slack"), one per workspace or, for an
 * org-wide install, per organisation. Deployment-wide: which tenant a workspace belongs to is decided by the tenants'
 * `covers:`. `key` is `ws:<team id>` or `org:<enterprise id>`. The bot token lives here (docs/operations.md: the
 * database is backed up and protected like the secrets in the environment).
 */
export const installations = sqliteTable(
  "installations",
  {
    platform: text("platform").notNull(),
    key: text("key").notNull(),
    workspace: text("workspace"),
    organisation: text("organisation"),
    orgWide: integer("org_wide", { mode: "boolean" }).notNull(),
    botToken: text("bot_token").notNull(),
    botUserId: text("bot_user_id").notNull(),
    botId: text("bot_id"),
    appId: text("app_id"),
    installedBy: text("installed_by").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    raw: text("raw", { mode: "json" }).$type<unknown>().notNull(),
    installedAt: text("installed_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.key] }), index("installations_organisation_idx").on(t.platform, t.organisation)],
);

/** Workspaces seen in events of an organisation that installed the bot org-wide: their messages use its token. */
export const installationWorkspaces = sqliteTable(
  "installation_workspaces",
  {
    platform: text("platform").notNull(),
    workspace: text("workspace").notNull(),
    organisation: text("organisation").notNull(),
    seenAt: text("seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspace] })],
);
