/**
 * Prepared drizzle statements, built once per connection and tenant. Everything on the hot path
 * (commit, dispatcher, scheduler) runs through these: no SQL is re-rendered per call. The tenant is bound into
 * every statement when it is prepared: a store reads and writes the rows of its tenant only.
 */
import type { Placeholder, SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { StorageDb } from "./connection.ts";
import { orm, sqliteCore } from "./drizzle.ts";
import { deliveries, incidents, menus, outbox, tasks, timeline, timers } from "./schema.ts";

const { and, asc, desc, eq, getTableColumns, gt, gte, isNull, lt, lte, notExists, or, Param, sql } = orm;
const { alias } = sqliteCore;

const ph = sql.placeholder;

/** `{ col: placeholder("col") }` for every column of a table. */
function placeholdersFor<T extends SQLiteTable>(table: T): { [K in keyof T["$inferInsert"]]-?: Placeholder } {
  const out: Record<string, Placeholder> = {};
  for (const key of Object.keys(getTableColumns(table))) out[key] = ph(key);
  return out as { [K in keyof T["$inferInsert"]]-?: Placeholder };
}

/**
 * A named placeholder for `UPDATE … SET`, bound through the column's encoder (JSON, boolean)
 * exactly as in an insert (drizzle's `set()` types do not admit bare placeholders).
 */
function bound(col: SQLiteColumn, name: string): SQL {
  return sql`${new Param(ph(name), col)}`;
}

/**
 * `{ col: bound(col, "col") }` for every column of a table except its key columns: setting a parent
 * key (even to itself) makes SQLite check every child row referencing it (foreign keys), which grows
 * with the timeline.
 */
function setPlaceholdersFor<T extends SQLiteTable>(table: T, keys: readonly string[]): { [K in keyof T["$inferInsert"]]?: SQL } {
  const out: Record<string, SQL> = {};
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    if (!keys.includes(key)) out[key] = bound(col as SQLiteColumn, key);
  }
  return out as { [K in keyof T["$inferInsert"]]?: SQL };
}

/** Every column of a table but `tenant` (the store's tenant is implied): what the core's row types hold. */
function withoutTenant<T extends SQLiteTable>(table: T): Omit<T["_"]["columns"], "tenant"> {
  const { tenant: _, ...rest } = getTableColumns(table) as Record<string, SQLiteColumn>;
  return rest as unknown as Omit<T["_"]["columns"], "tenant">;
}

/** An incident as the core's `IncidentRecord` (its `workspace` is the platform's; the organisation tenant is the store's). */
export const incidentFields = withoutTenant(incidents);

/** `excluded.<column>` in an upsert. */
function excluded(col: SQLiteColumn) {
  return sql.raw(`excluded."${col.name}"`);
}

const outboxFields = {
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

const timerFields = {
  id: timers.id,
  incidentId: timers.incidentId,
  kind: timers.kind,
  dueAt: timers.dueAt,
  payload: timers.payload,
};

/** Builds all prepared statements for one connection and one tenant. */
export function prepareStatements(db: StorageDb, tenant: string) {
  const older = alias(outbox, "older");
  const isLaneHead = notExists(
    db
      .select({ one: sql`1` })
      .from(older)
      .where(and(eq(older.tenant, outbox.tenant), eq(older.lane, outbox.lane), eq(older.status, "pending"), lt(older.id, outbox.id))),
  );
  const timerOpen = and(isNull(timers.firedAt), isNull(timers.cancelledAt));
  const inIncidents = eq(incidents.tenant, tenant);
  const inTimers = eq(timers.tenant, tenant);
  const inOutbox = eq(outbox.tenant, tenant);

  return {
    // --- commit ---
    insertDelivery: db
      .insert(deliveries)
      .values({ ...placeholdersFor(deliveries), tenant })
      .onConflictDoNothing()
      .prepare(),
    pruneDeliveries: db
      .delete(deliveries)
      .where(and(eq(deliveries.tenant, tenant), lt(deliveries.receivedAt, ph("before"))))
      .prepare(),
    insertIncident: db
      .insert(incidents)
      .values({ ...placeholdersFor(incidents), tenant })
      .onConflictDoNothing()
      .prepare(),
    updateIncident: db
      .update(incidents)
      .set(setPlaceholdersFor(incidents, ["tenant", "id"]))
      .where(and(inIncidents, eq(incidents.id, ph("id")), eq(incidents.version, ph("expectedVersion"))))
      .prepare(),
    insertTimeline: db
      .insert(timeline)
      .values({ ...placeholdersFor(timeline), tenant })
      .prepare(),
    upsertTask: db
      .insert(tasks)
      .values({ ...placeholdersFor(tasks), tenant })
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
      })
      .prepare(),
    insertTimer: db
      .insert(timers)
      .values({ ...placeholdersFor(timers), tenant, firedAt: null, cancelledAt: null })
      .onConflictDoNothing()
      .prepare(),
    cancelTimer: db
      .update(timers)
      .set({ cancelledAt: bound(timers.cancelledAt, "at") })
      .where(and(inTimers, eq(timers.id, ph("id")), timerOpen))
      .prepare(),
    fireTimer: db
      .update(timers)
      .set({ firedAt: bound(timers.firedAt, "at") })
      .where(and(inTimers, eq(timers.id, ph("id")), timerOpen))
      .prepare(),
    insertOutbox: db
      .insert(outbox)
      .values({
        tenant,
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
      })
      .prepare(),
    upsertMenu: db
      .insert(menus)
      .values({ tenant, key: ph("key"), menu: ph("menu"), shownAt: ph("shownAt") })
      .onConflictDoUpdate({ target: [menus.tenant, menus.key], set: { menu: excluded(menus.menu), shownAt: excluded(menus.shownAt) } })
      .prepare(),
    deleteMenu: db
      .delete(menus)
      .where(and(eq(menus.tenant, tenant), eq(menus.key, ph("key"))))
      .prepare(),

    // --- reads ---
    menuByKey: db
      .select({ menu: menus.menu })
      .from(menus)
      .where(and(eq(menus.tenant, tenant), eq(menus.key, ph("key"))))
      .prepare(),
    hasDelivery: db
      .select({ one: sql<number>`1` })
      .from(deliveries)
      .where(and(eq(deliveries.tenant, tenant), eq(deliveries.platform, ph("platform")), eq(deliveries.id, ph("id"))))
      .prepare(),
    maxIncidentNumber: db
      .select({ max: sql<number | null>`max(cast(substr(${incidents.id}, instr(${incidents.id}, ${ph("infix")}) + 6) as integer))` })
      .from(incidents)
      .where(and(inIncidents, sql`instr(${incidents.id}, ${ph("infix")}) > 0`))
      .prepare(),
    incidentById: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.id, ph("id"))))
      .prepare(),
    incidentByThreadRef: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), eq(incidents.threadRef, ph("ref"))))
      .orderBy(desc(incidents.openedAt))
      .limit(1)
      .prepare(),
    incidentByThreadKey: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), eq(incidents.threadKey, ph("key"))))
      .orderBy(desc(incidents.openedAt))
      .limit(1)
      .prepare(),
    openIncidentsInChannel: db
      .select(incidentFields)
      .from(incidents)
      .where(and(inIncidents, eq(incidents.channel, ph("channel")), isNull(incidents.closedAt)))
      .orderBy(desc(incidents.openedAt), desc(incidents.id))
      .prepare(),
    timeline: db
      .select(withoutTenant(timeline))
      .from(timeline)
      .where(and(eq(timeline.tenant, tenant), eq(timeline.incidentId, ph("id"))))
      .orderBy(asc(timeline.seq))
      .prepare(),
    tasks: db
      .select(withoutTenant(tasks))
      .from(tasks)
      .where(and(eq(tasks.tenant, tenant), eq(tasks.incidentId, ph("id"))))
      .orderBy(asc(tasks.nr), asc(tasks.taskId))
      .prepare(),
    pendingTimers: db.select(timerFields).from(timers).where(and(inTimers, timerOpen)).orderBy(asc(timers.dueAt), asc(timers.id)).prepare(),
    /** The scheduler's window: pending timers after a key in due order (due time, then id); the first after ("", ""). */
    pendingTimersAfter: db
      .select(timerFields)
      .from(timers)
      // a range on the due time (the partial index), then the id among timers due at the same instant
      .where(and(inTimers, timerOpen, gte(timers.dueAt, ph("due")), or(gt(timers.dueAt, ph("due")), gt(timers.id, ph("id")))))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .limit(ph("limit"))
      .prepare(),
    pendingTimersOf: db
      .select(timerFields)
      .from(timers)
      .where(and(inTimers, eq(timers.incidentId, ph("id")), timerOpen))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .prepare(),
    /** Delivered message by ref in a channel (first one if a ref was reused by in-place updates). */
    sentByRef: db
      .select({ key: outbox.key, incidentId: outbox.incidentId })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.ref, ph("ref")), eq(outbox.channel, ph("channel")), eq(outbox.status, "sent")))
      .orderBy(asc(outbox.id))
      .limit(1)
      .prepare(),
    firstRefForKey: db
      .select({ ref: outbox.ref })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.key, ph("key")), eq(outbox.status, "sent")))
      .orderBy(asc(outbox.id))
      .limit(1)
      .prepare(),
    /** Lane heads (oldest pending row of their lane) that are due, oldest first. */
    dueLaneHeads: db
      .select(outboxFields)
      .from(outbox)
      .where(and(inOutbox, eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, ph("now")), isLaneHead))
      .orderBy(asc(outbox.id))
      .limit(ph("limit"))
      .prepare(),
    /** The same lane heads, only id and lane: the dispatcher skips busy lanes before any message is parsed. */
    dueLaneHeadLanes: db
      .select({ id: outbox.id, lane: outbox.lane })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, ph("now")), isLaneHead))
      .orderBy(asc(outbox.id))
      .limit(ph("limit"))
      .prepare(),
    outboxRow: db
      .select(outboxFields)
      .from(outbox)
      .where(and(inOutbox, eq(outbox.id, ph("id"))))
      .prepare(),
    nextLaneHeadAttempt: db
      .select({ at: sql<string | null>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(and(inOutbox, eq(outbox.status, "pending"), isLaneHead))
      .prepare(),

    // --- dispatcher results ---
    markSent: db
      .update(outbox)
      .set({ status: "sent", ref: bound(outbox.ref, "ref"), sentAt: bound(outbox.sentAt, "at"), attempts: sql`${outbox.attempts} + 1` })
      .where(and(inOutbox, eq(outbox.id, ph("id"))))
      .prepare(),
    markRetry: db
      .update(outbox)
      .set({
        nextAttemptAt: bound(outbox.nextAttemptAt, "nextAttemptAt"),
        lastError: bound(outbox.lastError, "error"),
        attempts: sql`${outbox.attempts} + 1`,
      })
      .where(and(inOutbox, eq(outbox.id, ph("id")), eq(outbox.status, "pending")))
      .prepare(),
    markFailed: db
      .update(outbox)
      .set({ status: "failed", lastError: bound(outbox.lastError, "error"), attempts: sql`${outbox.attempts} + 1` })
      .where(and(inOutbox, eq(outbox.id, ph("id")), eq(outbox.status, "pending")))
      .prepare(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/**
 * Outbox statements over every tenant of the file, for the one process that delivers them all (several tenants on
 * SQLite): one query per pump instead of one per tenant.
 */
export function prepareDeploymentStatements(db: StorageDb) {
  const older = alias(outbox, "older");
  const isLaneHead = notExists(
    db
      .select({ one: sql`1` })
      .from(older)
      .where(and(eq(older.tenant, outbox.tenant), eq(older.lane, outbox.lane), eq(older.status, "pending"), lt(older.id, outbox.id))),
  );
  return {
    dueLaneHeadLanes: db
      .select({ id: outbox.id, lane: outbox.lane, tenant: outbox.tenant })
      .from(outbox)
      .where(and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, ph("now")), isLaneHead))
      .orderBy(asc(outbox.id))
      .limit(ph("limit"))
      .prepare(),
    outboxRow: db
      .select({ ...outboxFields, tenant: outbox.tenant })
      .from(outbox)
      .where(eq(outbox.id, ph("id")))
      .prepare(),
    nextLaneHeadAttempt: db
      .select({ at: sql<string | null>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(and(eq(outbox.status, "pending"), isLaneHead))
      .prepare(),
  };
}
