/**
 * The PostgreSQL statements, built by drizzle once per process from src/storage/pg/schema.ts.
 *
 * - Writes of a commit are {@link Named} statements: drizzle renders their SQL once; each runs on the
 *   connection that holds the commit's transaction, as a named (server-side prepared) statement.
 * - Reads and the dispatcher's single-statement updates are drizzle prepared queries on the pool.
 *
 * The tenant is the placeholder `_tenant` in every statement (the record's `workspace` is the platform's, column
 * `workspace`).
 */

import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type pg from "pg";
import { orm } from "../drizzle.ts";
import { deliveries, incidents, menus, outbox, tasks, timeline, timers } from "./schema.ts";

const { and, asc, desc, eq, fillPlaceholders, getTableColumns, gt, gte, isNull, lt, lte, notExists, or, Param, sql } = orm;
const ph = sql.placeholder;

/** A statement rendered once and run as a named prepared statement on a given connection. */
export class Named {
  readonly name: string;
  readonly text: string;
  private readonly params: unknown[];

  constructor(name: string, query: { toSQL(): { sql: string; params: unknown[] } }) {
    const q = query.toSQL();
    this.name = name;
    this.text = q.sql;
    this.params = q.params;
  }

  /** Runs with the placeholder values; resolves to the number of rows written or returned. */
  async run(client: pg.ClientBase, values: Record<string, unknown>): Promise<number> {
    const res = await client.query({ name: this.name, text: this.text, values: fillPlaceholders(this.params, values) });
    return res.rowCount ?? 0;
  }
}

/** `{ col: placeholder("col") }` for every column of a table. */
function placeholdersFor<T extends PgTable>(table: T): Record<keyof T["$inferInsert"], ReturnType<typeof ph>> {
  const out: Record<string, ReturnType<typeof ph>> = {};
  for (const key of Object.keys(getTableColumns(table))) out[key] = ph(key);
  return out as Record<keyof T["$inferInsert"], ReturnType<typeof ph>>;
}

/** A placeholder bound through the column's encoder (JSON), as in an insert. */
function bound(col: PgColumn, name: string) {
  return sql`${new Param(ph(name), col)}`;
}

/** `excluded.<column>` in an upsert. */
function excluded(col: PgColumn) {
  return sql.raw(`excluded."${col.name}"`);
}

/** Every column of a table but `tenant` (implied by the store): what the core's row types hold. */
function withoutTenant<T extends PgTable>(table: T): Omit<T["_"]["columns"], "tenant"> {
  const { tenant: _, ...rest } = getTableColumns(table) as Record<string, PgColumn>;
  return rest as unknown as Omit<T["_"]["columns"], "tenant">;
}

/** An incident as the core's `IncidentRecord` (its `workspace` is the platform's; the organisation tenant is the store's). */
export const incidentFields = withoutTenant(incidents);

/** An outbox row as the core's `OutboxRow`. */
export const outboxFields = {
  id: outbox.id,
  key: outbox.key,
  incidentId: outbox.incidentId,
  lane: outbox.lane,
  platform: outbox.platform,
  message: outbox.message,
  status: outbox.status,
  attempts: outbox.attempts,
  nextAttemptAt: outbox.nextAttemptAt,
  lastError: outbox.lastError,
  ref: outbox.ref,
};

/** A timer as the core's `TimerRow`. */
export const timerFields = {
  id: timers.id,
  incidentId: timers.incidentId,
  kind: timers.kind,
  dueAt: timers.dueAt,
  payload: timers.payload,
};

/** A pending row with no older pending row in its lane (per tenant): the only row of a lane that may go out. */
export function laneHead(db: NodePgDatabase) {
  const older = orm.aliasedTable(outbox, "older");
  return notExists(
    db
      .select({ one: sql`1` })
      .from(older)
      .where(and(eq(older.tenant, outbox.tenant), eq(older.lane, outbox.lane), eq(older.status, "pending"), lt(older.id, outbox.id))),
  );
}

const timerOpen = and(isNull(timers.firedAt), isNull(timers.cancelledAt));
const T = ph("_tenant");

/**
 * A statement over many rows at once: `rows` is a JSON array, read in order with `json_array_elements` (one round trip for all
 * of a commit's tasks or timers instead of one each; opening an incident writes ~60 task rows).
 */
function batch(name: string, text: string): Named {
  return new Named(name, { toSQL: () => ({ sql: text, params: [ph("_tenant"), ph("rows")] }) });
}

/** The writes of a commit. */
export function commitStatements(db: NodePgDatabase) {
  return {
    upsertTasks: batch(
      "nf_upsert_tasks",
      `insert into "tasks" ("tenant", "incident_id", "task_id", "nr", "phase", "role", "critical", "state", "by", "at", "reason")
       select $1, r."incidentId", r."taskId", r."nr", r."phase", r."role", r."critical", r."state", r."by", r."at", r."reason"
       from json_array_elements($2::json) with ordinality as e(v, ord),
         json_to_record(e.v) as r("incidentId" text, "taskId" text, "nr" integer, "phase" text, "role" text,
         "critical" boolean, "state" text, "by" text, "at" text, "reason" text)
       order by e.ord
       on conflict ("tenant", "incident_id", "task_id") do update set "nr" = excluded."nr", "phase" = excluded."phase",
         "role" = excluded."role", "critical" = excluded."critical", "state" = excluded."state", "by" = excluded."by",
         "at" = excluded."at", "reason" = excluded."reason"`,
    ),
    insertTimers: batch(
      "nf_insert_timers",
      `insert into "timers" ("tenant", "id", "incident_id", "kind", "due_at", "payload", "fired_at", "cancelled_at", "claimed_by", "claimed_until")
       select $1, r."id", r."incidentId", r."kind", r."dueAt", r."payload", null, null, null, null
       from json_array_elements($2::json) with ordinality as e(v, ord),
         json_to_record(e.v) as r("id" text, "incidentId" text, "kind" text, "dueAt" text, "payload" json)
       order by e.ord
       on conflict do nothing`,
    ),
    insertDelivery: new Named(
      "nf_insert_delivery",
      db
        .insert(deliveries)
        .values({ ...placeholdersFor(deliveries), tenant: T })
        .onConflictDoNothing(),
    ),
    insertIncident: new Named(
      "nf_insert_incident",
      db
        .insert(incidents)
        .values({ ...placeholdersFor(incidents), tenant: T })
        .onConflictDoNothing(),
    ),
    updateIncident: new Named(
      "nf_update_incident",
      db
        .update(incidents)
        .set({
          workspace: bound(incidents.workspace, "workspace"),
          platform: bound(incidents.platform, "platform"),
          channel: bound(incidents.channel, "channel"),
          threadRef: bound(incidents.threadRef, "threadRef"),
          threadKey: bound(incidents.threadKey, "threadKey"),
          playbookId: bound(incidents.playbookId, "playbookId"),
          title: bound(incidents.title, "title"),
          level: bound(incidents.level, "level"),
          phase: bound(incidents.phase, "phase"),
          drill: bound(incidents.drill, "drill"),
          openedAt: bound(incidents.openedAt, "openedAt"),
          awareAt: bound(incidents.awareAt, "awareAt"),
          closedAt: bound(incidents.closedAt, "closedAt"),
          declaredBy: bound(incidents.declaredBy, "declaredBy"),
          snapshot: bound(incidents.snapshot, "snapshot"),
          lastHash: bound(incidents.lastHash, "lastHash"),
          lastSeq: bound(incidents.lastSeq, "lastSeq"),
          version: bound(incidents.version, "version"),
        })
        .where(and(eq(incidents.tenant, T), eq(incidents.id, ph("id")), eq(incidents.version, ph("expectedVersion")))),
    ),
    fireTimer: new Named(
      "nf_fire_timer",
      db
        .update(timers)
        .set({ firedAt: bound(timers.firedAt, "at"), claimedBy: null, claimedUntil: null })
        .where(and(eq(timers.tenant, T), eq(timers.id, ph("id")), timerOpen)),
    ),
    insertTimeline: new Named("nf_insert_timeline", db.insert(timeline).values({ ...placeholdersFor(timeline), tenant: T })),
    upsertTask: new Named(
      "nf_upsert_task",
      db
        .insert(tasks)
        .values({ ...placeholdersFor(tasks), tenant: T })
        .onConflictDoUpdate({
          target: [tasks.tenant, tasks.incidentId, tasks.taskId],
          set: {
            nr: excluded(tasks.nr),
            phase: excluded(tasks.phase),
            role: excluded(tasks.role),
            critical: excluded(tasks.critical),
            state: excluded(tasks.state),
            by: excluded(tasks.by),
            at: excluded(tasks.at),
            reason: excluded(tasks.reason),
          },
        }),
    ),
    insertTimer: new Named(
      "nf_insert_timer",
      db
        .insert(timers)
        .values({
          tenant: T,
          id: ph("id"),
          incidentId: ph("incidentId"),
          kind: ph("kind"),
          dueAt: ph("dueAt"),
          payload: ph("payload"),
          firedAt: null,
          cancelledAt: null,
          claimedBy: null,
          claimedUntil: null,
        })
        .onConflictDoNothing(),
    ),
    cancelTimer: new Named(
      "nf_cancel_timer",
      db
        .update(timers)
        .set({ cancelledAt: bound(timers.cancelledAt, "at") })
        .where(and(eq(timers.tenant, T), eq(timers.id, ph("id")), timerOpen)),
    ),
    upsertMenu: new Named(
      "nf_upsert_menu",
      db
        .insert(menus)
        .values({ tenant: T, key: ph("key"), menu: ph("menu"), shownAt: ph("shownAt") })
        .onConflictDoUpdate({ target: [menus.tenant, menus.key], set: { menu: excluded(menus.menu), shownAt: excluded(menus.shownAt) } }),
    ),
    deleteMenu: new Named("nf_delete_menu", db.delete(menus).where(and(eq(menus.tenant, T), eq(menus.key, ph("key"))))),
    insertOutbox: new Named(
      "nf_insert_outbox",
      db.insert(outbox).values({
        tenant: T,
        key: ph("key"),
        incidentId: ph("incidentId"),
        lane: ph("lane"),
        platform: ph("platform"),
        channel: ph("channel"),
        message: ph("message"),
        status: "pending",
        attempts: 0,
        nextAttemptAt: ph("nextAttemptAt"),
        lastError: null,
        ref: null,
        createdAt: ph("createdAt"),
        sentAt: null,
        claimedBy: null,
        claimedUntil: null,
      }),
    ),
  };
}

/** Reads and single-statement updates, prepared on the pool. */
export function poolStatements(db: NodePgDatabase) {
  const isLaneHead = laneHead(db);
  const inOutbox = eq(outbox.tenant, T);
  const inTimers = eq(timers.tenant, T);
  const inIncidents = eq(incidents.tenant, T);
  const sent = eq(outbox.status, "sent");
  // A process whose lease ran out and was taken over must not reschedule or fail the row under the new holder
  // (recording a delivery as sent is always right: it happened).
  const notClaimedByOther = sql`(${outbox.claimedBy} IS NULL OR ${outbox.claimedBy} = ${ph("owner")})`;
  return {
    menuByKey: db
      .select({ menu: menus.menu })
      .from(menus)
      .where(and(eq(menus.tenant, T), eq(menus.key, ph("key"))))
      .prepare("nf_menu_by_key"),
    hasDelivery: db
      .select({ one: sql<number>`1` })
      .from(deliveries)
      .where(and(eq(deliveries.tenant, T), eq(deliveries.platform, ph("platform")), eq(deliveries.id, ph("id"))))
      .prepare("nf_has_delivery"),
    pruneDeliveries: db
      .delete(deliveries)
      .where(and(eq(deliveries.tenant, T), lt(deliveries.receivedAt, ph("before"))))
      .prepare("nf_prune_deliveries"),
    maxIncidentNumber: db
      .select({ max: sql<string | null>`max(substring(${incidents.id} from ${ph("pattern")})::bigint)` })
      .from(incidents)
      .where(and(inIncidents, sql`${incidents.id} ~ ${ph("pattern")}`))
      .prepare("nf_max_incident_number"),
    incidentById: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.id, ph("id"))))
      .prepare("nf_incident_by_id"),
    incidentByThreadRef: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), eq(incidents.threadRef, ph("ref"))))
      .orderBy(desc(incidents.openedAt))
      .limit(1)
      .prepare("nf_incident_by_thread_ref"),
    incidentByThreadKey: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), eq(incidents.threadKey, ph("key"))))
      .orderBy(desc(incidents.openedAt))
      .limit(1)
      .prepare("nf_incident_by_thread_key"),
    openIncidentsInChannel: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), isNull(incidents.closedAt)))
      .orderBy(desc(incidents.openedAt), desc(incidents.id))
      .prepare("nf_open_incidents_in_channel"),
    timeline: db
      .select(withoutTenant(timeline))
      .from(timeline)
      .where(and(eq(timeline.tenant, T), eq(timeline.incidentId, ph("id"))))
      .orderBy(asc(timeline.seq))
      .prepare("nf_timeline"),
    tasks: db
      .select(withoutTenant(tasks))
      .from(tasks)
      .where(and(eq(tasks.tenant, T), eq(tasks.incidentId, ph("id"))))
      .orderBy(asc(tasks.nr), asc(tasks.taskId))
      .prepare("nf_tasks"),
    pendingTimers: db
      .select(timerFields)
      .from(timers)
      .where(and(inTimers, timerOpen))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .prepare("nf_pending_timers"),
    /** The scheduler's window: pending timers after a key in due order (due time, then id); the first after ("", ""). */
    pendingTimersAfter: db
      .select(timerFields)
      .from(timers)
      // a range on the due time (the partial index), then the id among timers due at the same instant
      .where(and(inTimers, timerOpen, gte(timers.dueAt, ph("due")), or(gt(timers.dueAt, ph("due")), gt(timers.id, ph("id")))))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .limit(ph("limit"))
      .prepare("nf_pending_timers_after"),
    pendingTimersOf: db
      .select(timerFields)
      .from(timers)
      .where(and(inTimers, eq(timers.incidentId, ph("id")), timerOpen))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .prepare("nf_pending_timers_of"),
    sentByRef: db
      .select({ key: outbox.key, incidentId: outbox.incidentId })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.ref, ph("ref")), eq(outbox.channel, ph("channel")), sent))
      .orderBy(asc(outbox.id))
      .limit(1)
      .prepare("nf_sent_by_ref"),
    firstRefForKey: db
      .select({ ref: outbox.ref })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.key, ph("key")), sent))
      .orderBy(asc(outbox.id))
      .limit(1)
      .prepare("nf_first_ref_for_key"),
    dueLaneHeads: db
      .select(outboxFields)
      .from(outbox)
      .where(and(inOutbox, eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, ph("now")), isLaneHead))
      .orderBy(asc(outbox.id))
      .limit(ph("limit"))
      .prepare("nf_due_lane_heads"),
    nextLaneHeadAttempt: db
      .select({ at: sql<string | null>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.status, "pending"), isLaneHead))
      .prepare("nf_next_lane_head_attempt"),
    markSent: db
      .update(outbox)
      .set({
        status: "sent",
        ref: bound(outbox.ref, "ref"),
        sentAt: bound(outbox.sentAt, "at"),
        attempts: sql`${outbox.attempts} + 1`,
        claimedBy: null,
        claimedUntil: null,
      })
      .where(and(inOutbox, eq(outbox.id, ph("id"))))
      .prepare("nf_mark_sent"),
    markRetry: db
      .update(outbox)
      .set({
        nextAttemptAt: bound(outbox.nextAttemptAt, "nextAttemptAt"),
        lastError: bound(outbox.lastError, "error"),
        attempts: sql`${outbox.attempts} + 1`,
        claimedBy: null,
        claimedUntil: null,
      })
      .where(and(inOutbox, eq(outbox.id, ph("id")), eq(outbox.status, "pending"), notClaimedByOther))
      .prepare("nf_mark_retry"),
    markFailed: db
      .update(outbox)
      .set({
        status: "failed",
        lastError: bound(outbox.lastError, "error"),
        attempts: sql`${outbox.attempts} + 1`,
        claimedBy: null,
        claimedUntil: null,
      })
      .where(and(inOutbox, eq(outbox.id, ph("id")), eq(outbox.status, "pending"), notClaimedByOther))
      .prepare("nf_mark_failed"),
  };
}

export type CommitStatements = ReturnType<typeof commitStatements>;
export type PoolStatements = ReturnType<typeof poolStatements>;
