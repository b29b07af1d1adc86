/**
 * The core's storage port on PostgreSQL (drizzle-orm + node-postgres), plus what several processes sharing one
 * database need: leases on outbox rows and timers, and leadership locks.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { Clock } from "../../core/clock.ts";
import type { PendingMenu } from "../../core/menu.ts";
import {
  type AdapterStatePort,
  type Commit,
  type CommitResult,
  FIRST_TIMER,
  type IncidentRecord,
  type ListIncidents,
  type OutboxRow,
  type StoragePort,
  type TaskRow,
  type TimelineEntry,
  type TimerKey,
  type TimerRow,
} from "../../core/ports.ts";
import { orm } from "../drizzle.ts";
import { DEFAULT_TENANT } from "../schema.ts";
import { type ClaimStatements, claimStatements } from "./claims.ts";
import { applyPgMigrations, createPool, type PoolOptions } from "./connection.ts";
import { nodePostgres } from "./drizzle.ts";
import { PgInstallations } from "./installations.ts";
import { Leadership, type LeadershipOptions } from "./leadership.ts";
import { adapterState, incidents } from "./schema.ts";
import { type CommitStatements, commitStatements, incidentFields, type PoolStatements, poolStatements } from "./statements.ts";

const { and, desc, eq, isNotNull, isNull } = orm;

/** Options for {@link openPgStorage}. */
export interface PgStorageOptions extends PoolOptions {
  /** Source of `received_at`, `created_at`, `fired_at`, `cancelled_at` stamps; default: system time. */
  clock?: Pick<Clock, "now">;
  /** The tenant the returned store reads and writes (others: {@link PgStorage.forTenant}); default `default`. */
  tenant?: string;
  /** This process's name on its leases (default `<host>:<pid>:<random>`): unique per running process. */
  owner?: string;
  /** Folder with the drizzle-kit migrations; default: the committed `drizzle-pg/` folder. */
  migrationsFolder?: string;
  /** Errors of idle pool connections (e.g. the server restarted), for the log; they never throw. */
  onError?: (err: Error) => void;
}

/** An outbox row claimed by this process, with its tenant and lease end. */
export type ClaimedOutboxRow = OutboxRow & { tenant: string; claimedUntil: string };

/** A due timer claimed by this process, with its tenant and lease end. */
export type ClaimedTimer = TimerRow & { tenant: string; claimedUntil: string };

/**
 * The last row of each key, in the order of those last rows: one upsert statement may not touch a row twice,
 * and row by row the last one would win.
 */
function lastPerKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const last = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    last.delete(k);
    last.set(k, r);
  }
  return [...last.values()];
}

/** A commit that writes nothing needs no transaction. */
function isEmpty(c: Commit): boolean {
  const lists = [c.timeline, c.tasks, c.timers, c.cancelTimers, c.firedTimers, c.outbox];
  return !c.deliveryId && !c.incident && !c.menu && lists.every((l) => !l || l.length === 0);
}

type RefusalReason = Extract<CommitResult, { ok: false }>["reason"];
const OK: CommitResult = { ok: true };

/** One pool and its statements, shared by the stores of all tenants of a process. */
interface Shared {
  url: string;
  pool: pg.Pool;
  db: NodePgDatabase;
  writes: CommitStatements;
  reads: PoolStatements;
  claims: ClaimStatements;
  clock: Pick<Clock, "now">;
  owner: string;
  closed: boolean;
}

/**
 * Connects (pool), applies pending migrations (once across processes starting together) and returns the store of
 * `opts.tenant`. Throws with the server's message when the database cannot be reached or migrated.
 */
export async function openPgStorage(url: string, opts: PgStorageOptions = {}): Promise<PgStorage> {
  const pool = createPool(url, opts, opts.onError);
  try {
    await applyPgMigrations(pool, opts.migrationsFolder);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const db = nodePostgres.drizzle({ client: pool });
  const shared: Shared = {
    url,
    pool,
    db,
    writes: commitStatements(db),
    reads: poolStatements(db),
    claims: claimStatements(db),
    clock: opts.clock ?? { now: () => new Date() },
    owner: opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    closed: false,
  };
  return new PgStorage(shared, opts.tenant ?? DEFAULT_TENANT);
}

/**
 * PostgreSQL storage of one tenant (the port's methods), and of the deployment (claims, leadership, pruning of all
 * tenants). Stores of other tenants share the pool: {@link forTenant}. Safe for any number of processes.
 */
export class PgStorage implements StoragePort, AdapterStatePort {
  /** The tenant whose rows the port's methods read and write. */
  readonly tenant: string;
  private readonly s: Shared;

  /** Use {@link openPgStorage}. */
  constructor(shared: Shared, tenant: string) {
    this.s = shared;
    this.tenant = tenant;
  }

  /** The same database as another tenant (no new connections). */
  forTenant(tenant: string): PgStorage {
    return new PgStorage(this.s, tenant);
  }

  /** The connection pool (health checks, tests). */
  get pool(): pg.Pool {
    return this.s.pool;
  }

  /** The deployment's OAuth installations (Slack), shared by every process; not per tenant. */
  installations(): PgInstallations {
    return new PgInstallations(this.s.db, this.s.clock);
  }

  /** This process's name on its leases. */
  get owner(): string {
    return this.s.owner;
  }

  /**
   * Writes everything in one transaction (READ COMMITTED: every check is a conditional write that waits for a
   * concurrent writer of the same row and then sees its result). Refusals (`duplicate`, `conflict`,
   * `timer-already-fired`) roll back and write nothing; any other failure rolls back and is thrown.
   */
  async commit(c: Commit): Promise<CommitResult> {
    if (isEmpty(c)) return OK;
    const client = await this.s.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const refused = await this.apply(client, c);
      await client.query(refused ? "ROLLBACK" : "COMMIT");
      return refused ? { ok: false, reason: refused } : OK;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: Error) => {
        broken = e; // the connection itself is gone: do not hand it out again
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Same order as SQLite: delivery dedup, incident (version check), fired timers, then the plain writes. */
  private async apply(client: pg.PoolClient, c: Commit): Promise<RefusalReason | undefined> {
    const w = this.s.writes;
    const _tenant = this.tenant;
    const now = this.s.clock.now().toISOString();

    if (c.deliveryId) {
      const n = await w.insertDelivery.run(client, { _tenant, platform: c.deliveryId.platform, id: c.deliveryId.id, receivedAt: now });
      if (n === 0) return "duplicate";
    }
    if (c.incident) {
      const { record, expectedVersion } = c.incident;
      if (expectedVersion === undefined) {
        if ((await w.insertIncident.run(client, { ...record, _tenant })) === 0) return "conflict";
      } else {
        const n = await w.updateIncident.run(client, { ...record, _tenant, version: expectedVersion + 1, expectedVersion });
        if (n === 0) return "conflict";
      }
    }
    for (const id of c.firedTimers ?? []) {
      if ((await w.fireTimer.run(client, { _tenant, id, at: now })) === 0) return "timer-already-fired";
    }
    for (const e of c.timeline ?? []) await w.insertTimeline.run(client, { ...e, data: e.data ?? null, _tenant });
    const tasks = c.tasks ?? [];
    if (tasks.length === 1) await w.upsertTask.run(client, { ...tasks[0], _tenant });
    else if (tasks.length > 1) {
      const rows = lastPerKey(tasks, (t) => `${t.incidentId}\n${t.taskId}`);
      await w.upsertTasks.run(client, { _tenant, rows: JSON.stringify(rows) });
    }
    const timers = c.timers ?? [];
    if (timers.length === 1) {
      const t = timers[0]!;
      await w.insertTimer.run(client, {
        _tenant,
        id: t.id,
        incidentId: t.incidentId,
        kind: t.kind,
        dueAt: t.dueAt,
        payload: t.payload ?? null,
      });
    } else if (timers.length > 1) {
      await w.insertTimers.run(client, { _tenant, rows: JSON.stringify(timers.map((t) => ({ ...t, payload: t.payload ?? null }))) });
    }
    for (const id of c.cancelTimers ?? []) await w.cancelTimer.run(client, { _tenant, id, at: now });
    for (const o of c.outbox ?? []) {
      await w.insertOutbox.run(client, {
        _tenant,
        key: o.key,
        incidentId: o.incidentId,
        lane: o.lane,
        platform: o.platform,
        channel: o.message.channel,
        message: o.message,
        nextAttemptAt: o.nextAttemptAt,
        createdAt: now,
      });
    }
    if (c.menu) {
      const { key, pending } = c.menu;
      if (pending) await w.upsertMenu.run(client, { _tenant, key, menu: pending, shownAt: pending.at });
      else await w.deleteMenu.run(client, { _tenant, key });
    }
    return undefined;
  }

  async getAdapterState(platform: string, kind: string, key: string): Promise<string | undefined> {
    const rows = await this.s.db
      .select({ value: adapterState.value })
      .from(adapterState)
      .where(and(eq(adapterState.platform, platform), eq(adapterState.kind, kind), eq(adapterState.key, key)));
    return rows[0]?.value;
  }

  async putAdapterState(platform: string, kind: string, key: string, value: string): Promise<void> {
    const updatedAt = this.s.clock.now().toISOString();
    await this.s.db
      .insert(adapterState)
      .values({ platform, kind, key, value, updatedAt })
      .onConflictDoUpdate({ target: [adapterState.platform, adapterState.kind, adapterState.key], set: { value, updatedAt } });
  }

  async hasDelivery(platform: string, id: string): Promise<boolean> {
    return (await this.s.reads.hasDelivery.execute({ _tenant: this.tenant, platform, id })).length > 0;
  }

  /** This tenant's delivery ids received before `before`; {@link pruneAllDeliveries} for every tenant. */
  async pruneDeliveries(before: string): Promise<number> {
    return (await this.s.reads.pruneDeliveries.execute({ _tenant: this.tenant, before })).rowCount ?? 0;
  }

  /** Highest number used in this tenant's ids of the form `<prefix>-<year>-<n>`, plus one. */
  async nextIncidentNumber(year: number): Promise<number> {
    const pattern = `-${String(year).padStart(4, "0")}-([0-9]+)$`;
    const [row] = await this.s.reads.maxIncidentNumber.execute({ _tenant: this.tenant, pattern });
    return Number(row?.max ?? 0) + 1;
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const [row] = await this.s.reads.incidentById.execute({ _tenant: this.tenant, id });
    return row;
  }

  /** As in SQLite: by thread root ref, else by the ref of a delivered message (its incident, or its thread key's). */
  async findIncidentByRef(channel: string, ref: string): Promise<IncidentRecord | undefined> {
    const r = this.s.reads;
    const _tenant = this.tenant;
    const [byThread] = await r.incidentByThreadRef.execute({ _tenant, channel, ref });
    if (byThread) return byThread;
    const [sent] = await r.sentByRef.execute({ _tenant, channel, ref });
    if (!sent) return undefined;
    if (sent.incidentId !== null) return this.getIncident(sent.incidentId);
    const [byKey] = await r.incidentByThreadKey.execute({ _tenant, channel, key: sent.key });
    return byKey;
  }

  async openIncidentsInChannel(channel: string): Promise<IncidentRecord[]> {
    return this.s.reads.openIncidentsInChannel.execute({ _tenant: this.tenant, channel });
  }

  /** Newest first. `open: true` only open incidents, `open: false` only closed ones, absent: all. */
  async listIncidents(opts: ListIncidents = {}): Promise<IncidentRecord[]> {
    const where = and(
      opts.open === true ? isNull(incidents.closedAt) : opts.open === false ? isNotNull(incidents.closedAt) : undefined,
      opts.drill === undefined ? undefined : eq(incidents.drill, opts.drill),
      opts.playbookId === undefined ? undefined : eq(incidents.playbookId, opts.playbookId),
    );
    const q = this.s.db
      .select(incidentFields)
      .from(incidents)
      .where(and(eq(incidents.tenant, this.tenant), where))
      .orderBy(desc(incidents.openedAt), desc(incidents.id))
      .$dynamic();
    return opts.limit !== undefined ? q.limit(opts.limit) : q;
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    return this.s.reads.timeline.execute({ _tenant: this.tenant, id: incidentId });
  }

  async tasks(incidentId: string): Promise<TaskRow[]> {
    return this.s.reads.tasks.execute({ _tenant: this.tenant, id: incidentId });
  }

  async pendingTimers(incidentId?: string): Promise<TimerRow[]> {
    const r = this.s.reads;
    if (incidentId !== undefined) return r.pendingTimersOf.execute({ _tenant: this.tenant, id: incidentId });
    return r.pendingTimers.execute({ _tenant: this.tenant });
  }

  async pendingTimersAfter(after: TimerKey | undefined, limit: number): Promise<TimerRow[]> {
    const r = this.s.reads;
    const from = after ?? FIRST_TIMER;
    return r.pendingTimersAfter.execute({ _tenant: this.tenant, due: from.dueAt, id: from.id, limit });
  }

  async pendingMenu(key: string): Promise<PendingMenu | undefined> {
    const [row] = await this.s.reads.menuByKey.execute({ _tenant: this.tenant, key });
    return row?.menu;
  }

  async keyForRef(channel: string, ref: string): Promise<{ key: string; incidentId: string | null } | undefined> {
    const [row] = await this.s.reads.sentByRef.execute({ _tenant: this.tenant, channel, ref });
    return row;
  }

  /** Ref of the FIRST delivered row with this key: in-place updates keep addressing the original message. */
  async refForKey(key: string): Promise<string | undefined> {
    const [row] = await this.s.reads.firstRefForKey.execute({ _tenant: this.tenant, key });
    return row?.ref ?? undefined;
  }

  /**
   * This tenant's due lane heads, skipping busy lanes (one process; several processes use {@link claimOutbox}).
   * Heads of busy lanes are read and dropped here: a process has a handful of lanes in flight.
   */
  async dueOutbox(now: string, limit: number, busyLanes: ReadonlySet<string>): Promise<OutboxRow[]> {
    if (limit <= 0) return [];
    const rows = await this.s.reads.dueLaneHeads.execute({ _tenant: this.tenant, now, limit: limit + busyLanes.size });
    return rows.filter((r) => !busyLanes.has(r.lane)).slice(0, limit);
  }

  async nextOutboxAttempt(): Promise<string | undefined> {
    const [row] = await this.s.reads.nextLaneHeadAttempt.execute({ _tenant: this.tenant });
    return row?.at ?? undefined;
  }

  async markSent(id: number, ref: string, at: string): Promise<void> {
    await this.s.reads.markSent.execute({ _tenant: this.tenant, id, ref, at });
  }

  /** Ignored for a row no longer pending, or whose lease another process has taken over. */
  async markRetry(id: number, nextAttemptAt: string, error: string): Promise<void> {
    await this.s.reads.markRetry.execute({ _tenant: this.tenant, id, nextAttemptAt, error, owner: this.s.owner });
  }

  /** Ignored for a row no longer pending, or whose lease another process has taken over. */
  async markFailed(id: number, error: string): Promise<void> {
    await this.s.reads.markFailed.execute({ _tenant: this.tenant, id, error, owner: this.s.owner });
  }

  // --- deployment-wide: several processes on one database ---

  /**
   * Claims up to `limit` due outbox rows of any tenant for `leaseMs`: only lane heads (the oldest pending row of
   * its lane), so a lane has at most one row in flight across all processes and its order holds. A row whose lease
   * ran out (its holder died) is claimable again. Oldest first. Finish each with markSent/markRetry/markFailed
   * of the row's tenant store. `platforms`: only rows for these platforms (those this process can deliver to now).
   */
  async claimOutbox(now: string, limit: number, leaseMs: number, platforms?: readonly string[]): Promise<ClaimedOutboxRow[]> {
    if (limit <= 0 || platforms?.length === 0) return [];
    const until = new Date(Date.parse(now) + leaseMs).toISOString();
    const rows = await this.s.claims.claimOutbox.execute({
      now,
      limit,
      owner: this.s.owner,
      until,
      platforms: platforms ? [...platforms] : null,
    });
    return (rows as ClaimedOutboxRow[]).sort((a, b) => a.id - b.id);
  }

  /** When the next outbox row of any tenant becomes claimable (for arming the dispatcher); undefined: none pending. */
  async nextOutboxClaimable(): Promise<string | undefined> {
    const [row] = await this.s.claims.nextOutboxClaimable.execute();
    return row?.at ?? undefined;
  }

  /**
   * Claims up to `limit` due timers of any tenant for `leaseMs`, in due order. Fire each with a commit of its
   * tenant (`firedTimers`), which ends the claim; one not fired before the lease runs out goes to another process.
   */
  async claimTimers(now: string, limit: number, leaseMs: number): Promise<ClaimedTimer[]> {
    if (limit <= 0) return [];
    const until = new Date(Date.parse(now) + leaseMs).toISOString();
    const rows = (await this.s.claims.claimTimers.execute({ now, limit, owner: this.s.owner, until })) as ClaimedTimer[];
    return rows.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** When the next timer of any tenant becomes claimable (for arming the scheduler); undefined: none pending. */
  async nextTimerClaimable(): Promise<string | undefined> {
    const [row] = await this.s.claims.nextTimerClaimable.execute();
    return row?.at ?? undefined;
  }

  /** Hands back this process's open claims (at shutdown), so other processes need not wait for the leases. */
  async releaseClaims(): Promise<{ outbox: number; timers: number }> {
    const owner = this.s.owner;
    const o = await this.s.claims.releaseOutbox.execute({ owner });
    const t = await this.s.claims.releaseTimers.execute({ owner });
    return { outbox: o.rowCount ?? 0, timers: t.rowCount ?? 0 };
  }

  /** Forgets inbound delivery ids of every tenant received before `before`. */
  async pruneAllDeliveries(before: string): Promise<number> {
    return (await this.s.claims.pruneDeliveries.execute({ before })).rowCount ?? 0;
  }

  /** A role held by one process at a time (e.g. `matrix-sync`), on its own connection; call `start()`. */
  leadership(name: string, opts: LeadershipOptions = {}): Leadership {
    return new Leadership(this.s.url, name, opts);
  }

  /** Closes the pool (for every tenant's store of this process). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.s.closed) return;
    this.s.closed = true;
    await this.s.pool.end();
  }
}
