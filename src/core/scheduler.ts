import type { Clock, TimerHandle } from "./clock.ts";
import { DEFAULT_TENANT_ID } from "./dispatcher.ts";
import type { OfTenant, SharedWorkPort, StoragePort, TimerRow } from "./ports.ts";

/** What the bot needs of a scheduler; {@link Scheduler} in one process, {@link ClaimingScheduler} for several. */
export interface TimerRunner {
  /** Starts arming; resolves to the number of timers known (0 where they stay in the database). */
  start(): Promise<number>;
  /** Timers a commit of `tenant` added. */
  add(rows: readonly TimerRow[], tenant?: string): void;
  /** Timers a commit of `tenant` cancelled. */
  remove(ids: readonly string[], tenant?: string): void;
  /** Timers waiting in memory. */
  pending(): number;
  /** Resolves when a claim in progress has handed its timers to the service (tests, the terminal). */
  idle?(): Promise<void>;
  stop(): void;
}

type Fire = (t: OfTenant<TimerRow>) => unknown;

/**
 * Timers live in the database; this keeps the pending ones in memory in due order and arms exactly one
 * clock timer for the earliest. At start it loads every pending timer, so reminders and deadlines
 * survive restarts; overdue ones fire at once. Each fires once: the service marks it fired in the
 * same transaction as its effects.
 */
export class Scheduler implements TimerRunner {
  private readonly storage: StoragePort;
  private readonly tenants: { ids(): Iterable<string>; storeOf(tenant: string): StoragePort } | undefined;
  private readonly clock: Clock;
  private readonly fire: Fire;
  /** Sorted by dueAt ascending. */
  private queue: OfTenant<TimerRow>[] = [];
  /** The queued rows by tenant and id (timer ids repeat across tenants). */
  private readonly byId = new Map<string, OfTenant<TimerRow>>();
  private handle: TimerHandle | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;

  /**
   * `fire` hands a due timer to the service, which queues it behind the events before it (in due order when several
   * fall due together) and resolves later; the scheduler does not wait for it.
   */
  constructor(o: {
    storage: StoragePort;
    /** Several tenants in one process: the timers of each are loaded at start. */
    tenants?: { ids(): Iterable<string>; storeOf(tenant: string): StoragePort };
    clock: Clock;
    fire: Fire;
  }) {
    this.storage = o.storage;
    this.tenants = o.tenants;
    this.clock = o.clock;
    this.fire = o.fire;
  }

  /** Loads every pending timer and arms the earliest; resolves to their number. */
  async start(): Promise<number> {
    let rows: OfTenant<TimerRow>[];
    if (!this.tenants) rows = (await this.storage.pendingTimers()).map((r) => Object.assign(r, { tenant: DEFAULT_TENANT_ID }));
    else {
      rows = [];
      for (const tenant of this.tenants.ids()) {
        for (const r of await this.tenants.storeOf(tenant).pendingTimers()) rows.push(Object.assign(r, { tenant }));
      }
      rows.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
    }
    // timers added while loading (none in practice: start runs before the adapters) are kept
    const added = this.queue;
    this.queue = rows;
    this.byId.clear();
    for (const t of rows) this.byId.set(keyOf(t.tenant, t.id), t);
    this.running = true;
    for (const t of added) this.add([t], t.tenant);
    this.arm();
    return this.queue.length;
  }

  add(rows: readonly TimerRow[], tenant = DEFAULT_TENANT_ID): void {
    for (const row of rows) {
      const k = keyOf(tenant, row.id);
      if (this.byId.has(k)) continue;
      const r = { ...row, tenant };
      this.byId.set(k, r);
      const due = r.dueAt;
      let lo = 0;
      let hi = this.queue.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.queue[mid]!.dueAt <= due) lo = mid + 1;
        else hi = mid;
      }
      this.queue.splice(lo, 0, r);
    }
    if (this.running) this.arm();
  }

  /** Drops queued timers by id (unknown ids are ignored); finds each by binary search instead of scanning the queue. */
  remove(ids: readonly string[], tenant = DEFAULT_TENANT_ID): void {
    let removed = false;
    for (const id of ids) {
      const k = keyOf(tenant, id);
      const row = this.byId.get(k);
      if (!row) continue;
      this.byId.delete(k);
      let i = this.firstDue(row.dueAt);
      while (i < this.queue.length && this.queue[i] !== row) i++;
      if (i < this.queue.length) this.queue.splice(i, 1);
      removed = true;
    }
    if (removed && this.running) this.arm();
  }

  /** Index of the first queued timer due at or after `due`. */
  private firstDue(due: string): number {
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.queue[mid]!.dueAt < due) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  pending(): number {
    return this.queue.length;
  }

  private arm(): void {
    const first = this.queue[0];
    const at = first ? new Date(first.dueAt).getTime() : Number.POSITIVE_INFINITY;
    if (at === this.armedAt && this.handle) return;
    if (this.handle) this.clock.clearTimer(this.handle);
    this.handle = undefined;
    this.armedAt = at;
    if (!first) return;
    this.handle = this.clock.setTimer(new Date(at), () => {
      this.handle = undefined;
      this.armedAt = Number.POSITIVE_INFINITY;
      this.runDue();
    });
  }

  private runDue(): void {
    const now = this.clock.now().toISOString();
    while (this.running && this.queue[0] && this.queue[0].dueAt <= now) {
      const t = this.queue.shift()!;
      this.byId.delete(keyOf(t.tenant, t.id));
      this.fire(t);
    }
    if (this.running) this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.handle) this.clock.clearTimer(this.handle);
    this.handle = undefined;
  }
}

function keyOf(tenant: string, id: string): string {
  return `${tenant}\n${id}`;
}

/**
 * Timers for several processes on one database: nothing is kept in memory. One clock timer is armed for the
 * earliest claimable timer of any tenant (and at least every `pollMs`, for timers other processes committed);
 * due timers are claimed with a lease and fired here. A timer whose process died before firing it is claimable
 * again when its lease runs out; the firing commit refuses a second firing (`timer-already-fired`).
 */
export class ClaimingScheduler implements TimerRunner {
  private readonly o: { shared: SharedWorkPort; clock: Clock; fire: Fire; leaseMs: number; pollMs: number; batch?: number };
  private handle: TimerHandle | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;
  private busy = false;
  private again = false;
  private readonly onError: (err: unknown) => void;

  constructor(
    o: { shared: SharedWorkPort; clock: Clock; fire: Fire; leaseMs: number; pollMs: number; batch?: number },
    onError: (err: unknown) => void = () => {},
  ) {
    this.o = o;
    this.onError = onError;
  }

  async start(): Promise<number> {
    this.running = true;
    await this.run();
    return 0;
  }

  /** A commit added timers: arm earlier if one of them is due before the armed time. */
  add(rows: readonly TimerRow[]): void {
    if (!this.running) return;
    let first = Number.POSITIVE_INFINITY;
    for (const r of rows) first = Math.min(first, new Date(r.dueAt).getTime());
    if (first <= this.o.clock.now().getTime())
      void this.run(); // due already: now, not at the next tick of a clock
    else if (first < this.armedAt) this.armAt(first);
  }

  /** Cancelled timers are skipped by the claim; nothing to do. */
  remove(): void {}

  pending(): number {
    return 0;
  }

  private current: Promise<void> = Promise.resolve();

  idle(): Promise<void> {
    return this.current;
  }

  /** Claims and fires what is due, then arms for the next. One run at a time; a request meanwhile runs again. */
  private run(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.current;
    }
    this.current = this.runNow();
    return this.current;
  }

  private async runNow(): Promise<void> {
    this.busy = true;
    const batch = this.o.batch ?? 50;
    try {
      for (let round = 0; ; round++) {
        this.again = false;
        const due = await this.o.shared.claimTimers(this.o.clock.now().toISOString(), batch, this.o.leaseMs);
        for (const t of due) this.o.fire(t);
        const more = due.length === batch;
        // a claimed timer is claimable again only when its lease ends: "claimable now" means due and unclaimed,
        // e.g. committed by a firing meanwhile (a chain of immediate timers). Bounded, then the poll takes over.
        const next = more ? undefined : await this.o.shared.nextTimerClaimable();
        const now = this.o.clock.now().getTime();
        const dueNow = more || this.again || (next !== undefined && Date.parse(next) <= now);
        if (dueNow && this.running && round < 20) continue;
        const poll = now + this.o.pollMs;
        const at = next ? Math.min(Date.parse(next), poll) : poll;
        this.armAt(at <= now ? poll : at);
        break;
      }
    } catch (err) {
      this.onError(err);
      this.armAt(this.o.clock.now().getTime() + this.o.pollMs);
    } finally {
      this.busy = false;
    }
  }

  private armAt(at: number): void {
    if (!this.running) return;
    if (this.handle) this.o.clock.clearTimer(this.handle);
    this.armedAt = at;
    this.handle = this.o.clock.setTimer(new Date(at), () => {
      this.handle = undefined;
      this.armedAt = Number.POSITIVE_INFINITY;
      void this.run();
    });
  }

  stop(): void {
    this.running = false;
    if (this.handle) this.o.clock.clearTimer(this.handle);
    this.handle = undefined;
  }
}
