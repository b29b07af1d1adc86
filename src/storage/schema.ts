/**
 * The database schema: the single source of truth for tables and indexes.
 * Migrations in `drizzle/` are generated from this file with `npm run db:generate`
 * (drizzle-kit) and committed; they are applied when the storage is opened.
 *
 * Conventions: times are ISO-8601 UTC strings (they sort correctly as text),
 * JSON values are stored as text (`mode: "json"`), booleans as 0/1 integers.
 */
import type { Outbound } from "../core/message.ts";
import { orm, sqliteCore } from "./drizzle.ts";

const { sql } = orm;
const { index, integer, primaryKey, sqliteTable, text } = sqliteCore;

/** One row per incident; `snapshot` is the persisted XState snapshot. */
export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    tenant: text("tenant").notNull(),
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
    index("incidents_channel_closed_idx").on(t.channel, t.closedAt),
    index("incidents_channel_thread_ref_idx").on(t.channel, t.threadRef),
    index("incidents_thread_key_idx").on(t.threadKey),
  ],
);

/** Append-only, hash-chained timeline. */
export const timeline = sqliteTable(
  "timeline",
  {
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id),
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
  (t) => [primaryKey({ columns: [t.incidentId, t.seq] })],
);

/** Current state of each playbook task of an incident (upserted). */
export const tasks = sqliteTable(
  "tasks",
  {
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id),
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
  (t) => [primaryKey({ columns: [t.incidentId, t.taskId] })],
);

/** Durable timers (reminders, deadlines). A timer fires at most once. */
export const timers = sqliteTable(
  "timers",
  {
    id: text("id").primaryKey(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id),
    kind: text("kind").notNull(),
    dueAt: text("due_at").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>(),
    firedAt: text("fired_at"),
    cancelledAt: text("cancelled_at"),
  },
  (t) => [
    // Partial index: only timers still to fire, in due order.
    index("timers_pending_due_idx").on(t.dueAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    index("timers_incident_idx").on(t.incidentId),
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
    index("outbox_lane_status_id_idx").on(t.lane, t.status, t.id),
    index("outbox_ref_idx").on(t.ref),
    index("outbox_key_idx").on(t.key),
  ],
);

/** Inbound delivery ids already handled (platform retries must have no second effect). */
export const deliveries = sqliteTable(
  "deliveries",
  {
    platform: text("platform").notNull(),
    id: text("id").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.id] })],
);
