/**
 * The core's {@link StoragePort} on drizzle-orm + better-sqlite3.
 */
import type { Clock } from "../core/clock.ts";
import type { PendingMenu } from "../core/menu.ts";
import {
  type AdapterStatePort,
  type Commit,
  type CommitResult,
  FIRST_TIMER,
  type IncidentRecord,
  type ListIncidents,
  type OfTenant,
  type OutboxRow,
  type StoragePort,
  type TaskRow,
  type TimelineEntry,
  type TimerKey,
  type TimerRow,
} from "../core/ports.ts";
import { type CheckpointDone, Checkpointer } from "./checkpointer.ts";
import { type ConnectionOptions, openConnection, type StorageDb } from "./connection.ts";
import { orm } from "./drizzle.ts";
import { SqliteInstallations } from "./installations.ts";
import { adapterState, DEFAULT_TENANT, incidents } from "./schema.ts";
import { incidentFields, prepareDeploymentStatements, prepareStatements, type Statements } from "./statements.ts";

/** Options for {@link openStorage}. */
export interface StorageOptions extends ConnectionOptions {
  /** Source of `received_at`, `created_at`, `fired_at`, `cancelled_at` stamps; default: system time. */
  clock?: Pick<Clock, "now">;
  /**
   * WAL checkpoints between events instead of inside a commit: SQLite's automatic checkpoint runs in whichever
   * commit crosses 1,000 WAL pages and costs that event two fsyncs. Every `checkpointMs` the WAL file is looked at;
   * if it was written, a PASSIVE checkpoint runs on this connection, TRUNCATE once the writes stop
   * (`checkpointer.ts`). 0 = SQLite's automatic checkpoint. Default 1000.
   */
  checkpointMs?: number;
  /** Each checkpoint the timer ran (diagnostics and benchmarks). */
  onCheckpoint?: (done: CheckpointDone) => void;
  /** The organisation whose rows this store reads and writes (docs/storage.md); default {@link DEFAULT_TENANT}. */
  tenant?: string;
}

type RefusalReason = Extract<CommitResult, { ok: false }>["reason"];

/** Thrown inside the commit transaction to roll it back with a result instead of an error. */
class CommitRefused extends Error {
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason) {
    super(reason);
    this.reason = reason;
  }
}

const OK: CommitResult = { ok: true };
const { and, desc, eq, isNotNull, isNull } = orm;

/**
 * SQLite storage of one tenant. Safe to open the same file from several instances or processes (WAL;
 * writers wait up to 5 s for each other; every commit takes the write lock at its start).
 *
 * The port is asynchronous; better-sqlite3 is not. Every method does its whole work synchronously inside the
 * call (a commit is one IMMEDIATE transaction that no other event can interleave with) and returns a settled
 * promise. The dispatcher relies on this: `markSent` is written in the same turn as the delivery's result.
 */
export class SqliteStorage implements StoragePort, AdapterStatePort {
  /** The drizzle database, for queries outside the port (exports, health checks). */
  readonly db: StorageDb;
  /** The tenant whose rows this store reads and writes. */
  readonly tenant: string;
  private readonly st: Statements;
  private readonly clock: Pick<Clock, "now">;
  private readonly commitTx: { immediate(c: Commit): void };

  /** Whether this store opened the connection (and so checkpoints and closes it); false for {@link forTenant}. */
  private readonly owns: boolean;
  private readonly opts: StorageOptions;
  private readonly others = new Map<string, SqliteStorage>();

  constructor(file: string, opts: StorageOptions = {}, shared?: StorageDb) {
    this.opts = opts;
    this.owns = !shared;
    this.db = shared ?? openConnection(file, opts);
    this.clock = opts.clock ?? { now: () => new Date() };
    this.tenant = opts.tenant ?? DEFAULT_TENANT;
    this.st = prepareStatements(this.db, this.tenant);
    this.commitTx = this.db.$client.transaction((c: Commit) => this.apply(c));
    const every = opts.checkpointMs ?? 1000;
    if (every > 0 && this.owns) {
      this.db.$client.pragma("wal_autocheckpoint = 0");
      this.checkpointer = new Checkpointer({
        file: this.db.$client.name,
        everyMs: every,
        run: (mode) => this.runCheckpoint(mode),
        ...(opts.onCheckpoint ? { onCheckpoint: opts.onCheckpoint } : {}),
      });
    }
  }

  private readonly checkpointer: Checkpointer | undefined;

  /** The deployment's OAuth installations (Slack), in this file; not per tenant. */
  installations(): SqliteInstallations {
    return new SqliteInstallations(this.db, this.clock);
  }

  /** One look at the WAL now, as the checkpoint timer does (tests): the checkpoint it ran, if any. */
  checkpointTick(): CheckpointDone | undefined {
    return this.checkpointer?.tick();
  }

  private runCheckpoint(mode: CheckpointDone["mode"]): CheckpointDone {
    const t0 = performance.now();
    try {
      const [r] = this.db.$client.pragma(`wal_checkpoint(${mode === "truncate" ? "TRUNCATE" : "PASSIVE"})`) as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      return { mode, ms: performance.now() - t0, frames: r?.log ?? 0, copied: r?.checkpointed ?? 0, busy: r?.busy === 1 };
    } catch (err) {
      // busy or a locked file: the next tick tries again
      return { mode, ms: performance.now() - t0, frames: 0, copied: 0, busy: true, error: String(err) };
    }
  }

  /** PASSIVE checkpoint of the WAL into the database file on this connection (at close). */
  checkpoint(): void {
    if (!this.db.$client.open) return;
    try {
      this.db.$client.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // busy or closing: the next tick or another connection will do it
    }
  }

  /**
   * Writes everything in one IMMEDIATE transaction. Refusals (`duplicate`, `conflict`,
   * `timer-already-fired`) roll back and write nothing. Any other failure (a constraint
   * violation such as a repeated timeline seq, or a row for an unknown incident) also rolls
   * back everything and is thrown: it is a bug in the caller, not an expected outcome.
   */
  async commit(c: Commit): Promise<CommitResult> {
    try {
      this.commitTx.immediate(c);
      return OK;
    } catch (err) {
      if (err instanceof CommitRefused) return { ok: false, reason: err.reason };
      throw err;
    }
  }

  /**
   * Order: delivery dedup, incident (version check), fired timers (before cancellations, so a
   * commit may fire a timer and cancel the rest of its family, itself included), then the plain writes.
   */
  private apply(c: Commit): void {
    const st = this.st;
    const now = this.clock.now().toISOString();

    if (c.deliveryId) {
      const r = st.insertDelivery.run({ platform: c.deliveryId.platform, id: c.deliveryId.id, receivedAt: now });
      if (r.changes === 0) throw new CommitRefused("duplicate");
    }

    if (c.incident) {
      const { record, expectedVersion } = c.incident;
      if (expectedVersion === undefined) {
        if (st.insertIncident.run({ ...record }).changes === 0) throw new CommitRefused("conflict");
      } else {
        const r = st.updateIncident.run({ ...record, version: expectedVersion + 1, expectedVersion });
        if (r.changes === 0) throw new CommitRefused("conflict");
      }
    }

    if (c.firedTimers) {
      for (const id of c.firedTimers) {
        if (st.fireTimer.run({ id, at: now }).changes === 0) throw new CommitRefused("timer-already-fired");
      }
    }

    if (c.timeline) {
      for (const e of c.timeline) {
        st.insertTimeline.run({
          incidentId: e.incidentId,
          seq: e.seq,
          at: e.at,
          actorId: e.actorId,
          actorName: e.actorName,
          platform: e.platform,
          kind: e.kind,
          text: e.text,
          data: e.data ?? null,
          prevHash: e.prevHash,
          hash: e.hash,
        });
      }
    }

    if (c.tasks) for (const t of c.tasks) st.upsertTask.run({ ...t });

    if (c.timers) {
      for (const t of c.timers) {
        st.insertTimer.run({ id: t.id, incidentId: t.incidentId, kind: t.kind, dueAt: t.dueAt, payload: t.payload ?? null });
      }
    }

    if (c.cancelTimers) for (const id of c.cancelTimers) st.cancelTimer.run({ id, at: now });

    if (c.outbox) {
      for (const o of c.outbox) {
        st.insertOutbox.run({
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
    }

    if (c.menu) {
      const { key, pending } = c.menu;
      if (pending) st.upsertMenu.run({ key, menu: pending, shownAt: pending.at });
      else st.deleteMenu.run({ key });
    }
  }

  async pruneDeliveries(before: string): Promise<number> {
    return this.st.pruneDeliveries.run({ before }).changes;
  }

  async getAdapterState(platform: string, kind: string, key: string): Promise<string | undefined> {
    const row = this.db
      .select({ value: adapterState.value })
      .from(adapterState)
      .where(and(eq(adapterState.platform, platform), eq(adapterState.kind, kind), eq(adapterState.key, key)))
      .get();
    return row?.value;
  }

  async putAdapterState(platform: string, kind: string, key: string, value: string): Promise<void> {
    const updatedAt = this.clock.now().toISOString();
    this.db
      .insert(adapterState)
      .values({ platform, kind, key, value, updatedAt })
      .onConflictDoUpdate({ target: [adapterState.platform, adapterState.kind, adapterState.key], set: { value, updatedAt } })
      .run();
  }

  async hasDelivery(platform: string, id: string): Promise<boolean> {
    return this.st.hasDelivery.get({ platform, id }) !== undefined;
  }

  /** Highest number used in ids of the form `<prefix>-<year>-<n>` (e.g. NF-2026-0007), plus one. */
  async nextIncidentNumber(year: number): Promise<number> {
    const row = this.st.maxIncidentNumber.get({ infix: `-${String(year).padStart(4, "0")}-` });
    return (row?.max ?? 0) + 1;
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    return this.st.incidentById.get({ id });
  }

  /**
   * The incident whose thread root is `ref` in `channel`: declared by that platform message
   * (`thread_ref`), or one of its delivered messages has that ref. A delivered message without
   * an incident id still finds the incident whose `thread_key` is that message's key.
   */
  async findIncidentByRef(channel: string, ref: string): Promise<IncidentRecord | undefined> {
    const byThread = this.st.incidentByThreadRef.get({ channel, ref });
    if (byThread) return byThread;
    const sent = this.st.sentByRef.get({ channel, ref });
    if (!sent) return undefined;
    if (sent.incidentId !== null) return this.st.incidentById.get({ id: sent.incidentId });
    return this.st.incidentByThreadKey.get({ channel, key: sent.key });
  }

  async openIncidentsInChannel(channel: string): Promise<IncidentRecord[]> {
    return this.st.openIncidentsInChannel.all({ channel });
  }

  /** Newest first. `open: true` only open incidents, `open: false` only closed ones, absent: all. */
  async listIncidents(opts: ListIncidents = {}): Promise<IncidentRecord[]> {
    const where = and(
      opts.open === true ? isNull(incidents.closedAt) : opts.open === false ? isNotNull(incidents.closedAt) : undefined,
      opts.drill === undefined ? undefined : eq(incidents.drill, opts.drill),
      opts.playbookId === undefined ? undefined : eq(incidents.playbookId, opts.playbookId),
    );
    const q = this.db
      .select(incidentFields)
      .from(incidents)
      .where(and(eq(incidents.tenant, this.tenant), where))
      .orderBy(desc(incidents.openedAt), desc(incidents.id))
      .$dynamic();
    return (opts.limit !== undefined ? q.limit(opts.limit) : q).all();
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    return this.st.timeline.all({ id: incidentId });
  }

  async tasks(incidentId: string): Promise<TaskRow[]> {
    return this.st.tasks.all({ id: incidentId });
  }

  async pendingTimers(incidentId?: string): Promise<TimerRow[]> {
    if (incidentId !== undefined) return this.st.pendingTimersOf.all({ id: incidentId }) as TimerRow[];
    return this.st.pendingTimers.all() as TimerRow[];
  }

  async pendingTimersAfter(after: TimerKey | undefined, limit: number): Promise<TimerRow[]> {
    const from = after ?? FIRST_TIMER;
    return this.st.pendingTimersAfter.all({ due: from.dueAt, id: from.id, limit }) as TimerRow[];
  }

  async pendingMenu(key: string): Promise<PendingMenu | undefined> {
    return this.st.menuByKey.get({ key })?.menu;
  }

  async keyForRef(channel: string, ref: string): Promise<{ key: string; incidentId: string | null } | undefined> {
    return this.st.sentByRef.get({ channel, ref });
  }

  /** Ref of the FIRST delivered row with this key: in-place updates keep addressing the original message. */
  async refForKey(key: string): Promise<string | undefined> {
    return this.st.firstRefForKey.get({ key })?.ref ?? undefined;
  }

  async dueOutbox(now: string, limit: number, busyLanes: ReadonlySet<string>): Promise<OutboxRow[]> {
    if (limit <= 0) return [];
    if (busyLanes.size === 0) return this.st.dueLaneHeads.all({ now, limit });
    // Heads of busy lanes come back too and are skipped: pick by id and lane first, then read (and parse) only the
    // messages that will be delivered (each is a few KB of JSON; the dispatcher asks after every delivery).
    const out: OutboxRow[] = [];
    for (const h of this.st.dueLaneHeadLanes.all({ now, limit: limit + busyLanes.size })) {
      if (busyLanes.has(h.lane)) continue;
      const row = this.st.outboxRow.get({ id: h.id });
      if (row) out.push(row);
      if (out.length === limit) break;
    }
    return out;
  }

  /** Earliest next attempt among lane heads (rows queued behind another row cannot go first). */
  async nextOutboxAttempt(): Promise<string | undefined> {
    return this.st.nextLaneHeadAttempt.get()?.at ?? undefined;
  }

  async markSent(id: number, ref: string, at: string): Promise<void> {
    this.st.markSent.run({ id, ref, at });
  }

  async markRetry(id: number, nextAttemptAt: string, error: string): Promise<void> {
    this.st.markRetry.run({ id, nextAttemptAt, error });
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.st.markFailed.run({ id, error });
  }

  /**
   * The store of another tenant on the same connection (one connection per process, whatever the number of
   * tenants); built once per tenant. Closing it does nothing: {@link close} the store that opened the file.
   */
  forTenant(tenant: string): SqliteStorage {
    if (tenant === this.tenant) return this;
    let s = this.others.get(tenant);
    if (!s) {
      s = new SqliteStorage("", { ...this.opts, tenant }, this.db);
      this.others.set(tenant, s);
    }
    return s;
  }

  private deployment: ReturnType<typeof prepareDeploymentStatements> | undefined;

  /**
   * Due lane heads of every tenant in the file, oldest first, skipping lanes `busy` says are in flight in this
   * process (several tenants, one process: one query per pump instead of one per tenant).
   */
  async dueOutboxAllTenants(now: string, limit: number, busy: (tenant: string, lane: string) => boolean): Promise<OfTenant<OutboxRow>[]> {
    if (limit <= 0) return [];
    this.deployment ??= prepareDeploymentStatements(this.db);
    const out: OfTenant<OutboxRow>[] = [];
    // busy lanes are a handful: ask for that many more heads than wanted and skip them
    for (const h of this.deployment.dueLaneHeadLanes.all({ now, limit: limit + 64 })) {
      if (busy(h.tenant, h.lane)) continue;
      const row = this.deployment.outboxRow.get({ id: h.id });
      if (row) out.push(row);
      if (out.length === limit) break;
    }
    return out;
  }

  /** Earliest next attempt among the lane heads of every tenant in the file. */
  async nextOutboxAttemptAllTenants(): Promise<string | undefined> {
    this.deployment ??= prepareDeploymentStatements(this.db);
    return this.deployment.nextLaneHeadAttempt.get()?.at ?? undefined;
  }

  async close(): Promise<void> {
    if (!this.owns) return;
    this.checkpointer?.close();
    this.checkpoint();
    if (this.db.$client.open) this.db.$client.close();
  }
}
