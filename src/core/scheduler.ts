import type { Clock, TimerHandle } from "./clock.ts";
import { DEFAULT_TENANT_ID } from "./dispatcher.ts";
import type { OfTenant, SharedWorkPort, StoragePort, TimerKey, TimerRow } from "./ports.ts";

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

/** Pending timers kept in memory per tenant (the earliest); later ones are read from the database when due nearer. */
export const TIMER_WINDOW = 1000;
/** After a failed read of the next window: try again this much later (ms). */
const REFILL_RETRY_MS = 5000;

/**
 * A place in the queue: a timer, or the end of a tenant's window (`refill`, at the key of its last timer read): when
 * it falls due, the next window of that tenant is read.
 */
type Entry = OfTenant<TimerRow> & { refill?: true };

/**
 * Timers live in the database; this keeps the earliest pending ones in memory in due order and arms exactly one
 * clock timer for the first. At start it reads a window of the earliest {@link TIMER_WINDOW} per tenant, so
 * reminders and deadlines survive restarts (overdue ones fire at once) without holding every timer of every open
 * incident: when the last timer of a window has fired, the next window is read. Each fires once: the service marks
 * it fired in the same transaction as its effects.
 */
export class Scheduler implements TimerRunner {
  private readonly storage: StoragePort;
  private readonly tenants: { ids(): Iterable<string>; storeOf(tenant: string): StoragePort } | undefined;
  private readonly clock: Clock;
  private readonly fire: Fire;
  private readonly window: number;
  /** Sorted by dueAt ascending (equal ones in the order they came). */
  private queue: Entry[] = [];
  /** The queued timers by tenant and id (timer ids repeat across tenants). */
  private readonly byId = new Map<string, Entry>();
  /**
   * Tenants whose pending timers did not all fit: the key of the last one read. A timer due later than it waits in
   * the database until the window reaches it. `reading`: the next window is being read (everything added is kept).
   */
  private readonly horizon = new Map<string, { key: TimerKey; reading: boolean }>();
  /** Queued timers per tenant. */
  private readonly count = new Map<string, number>();
  /** Reads of a next window under way. */
  private readonly reads = new Set<Promise<void>>();
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
    /** Timers in memory per tenant (default {@link TIMER_WINDOW}; tests use a few). */
    window?: number;
  }) {
    this.storage = o.storage;
    this.tenants = o.tenants;
    this.clock = o.clock;
    this.fire = o.fire;
    this.window = o.window ?? TIMER_WINDOW;
  }

  /** Reads the first window of every tenant and arms the earliest; resolves to the number of timers in memory. */
  async start(): Promise<number> {
    // timers added while loading (none in practice: start runs before the adapters) are kept
    const added = this.queue.filter((e) => !e.refill);
    this.queue = [];
    this.byId.clear();
    this.count.clear();
    this.horizon.clear();
    for (const tenant of this.tenants ? this.tenants.ids() : [DEFAULT_TENANT_ID]) {
      const rows = await this.storeOf(tenant).pendingTimersAfter(undefined, this.window);
      this.take(tenant, rows);
    }
    this.running = true;
    for (const t of added) this.add([t], t.tenant);
    this.arm();
    return this.pending();
  }

  add(rows: readonly TimerRow[], tenant = DEFAULT_TENANT_ID): void {
    const h = this.horizon.get(tenant);
    for (const row of rows) {
      // later than the window: it is in the database and read with the window that reaches it
      if (h && !h.reading && after(row, h.key)) continue;
      this.insert({ ...row, tenant });
    }
    if ((this.count.get(tenant) ?? 0) > this.window + (this.window >> 1)) this.trim(tenant);
    if (this.running) this.arm();
  }

  /**
   * Commits added more timers than the window holds: keep the earliest `window` of the tenant in the database's order
   * (due time, then id) and leave the rest to the database, as after a fresh start. The cut is a key, not a due time:
   * many timers due at the same instant (a burst of incidents declared together) are cut among themselves too.
   */
  private trim(tenant: string): void {
    const h = this.horizon.get(tenant);
    if (h?.reading) return; // a read is under way: it ends with a window of its own
    const mine = this.queue.filter((e) => e.tenant === tenant && !e.refill).sort(byKey);
    const last = mine[this.window - 1];
    if (!last) return;
    // never beyond the window read last: timers after it that were not added here are only in the database
    const cut: TimerKey = h && after(last, h.key) ? h.key : { dueAt: last.dueAt, id: last.id };
    const drop = new Set<Entry>(mine.filter((e) => after(e, cut)));
    if (drop.size === 0) return;
    for (const e of drop) this.byId.delete(keyOf(tenant, e.id));
    this.count.set(tenant, mine.length - drop.size);
    this.queue = this.queue.filter((e) => !drop.has(e) && !(e.refill && e.tenant === tenant));
    this.horizon.set(tenant, { key: cut, reading: false });
    this.insert({ ...last, dueAt: cut.dueAt, id: cut.id, tenant, refill: true });
  }

  /** Drops queued timers by id (unknown ids are ignored); finds each by binary search instead of scanning the queue. */
  remove(ids: readonly string[], tenant = DEFAULT_TENANT_ID): void {
    let removed = false;
    for (const id of ids) {
      const k = keyOf(tenant, id);
      const row = this.byId.get(k);
      if (!row) continue;
      this.byId.delete(k);
      this.drop(row);
      removed = true;
    }
    if (removed && this.running) this.arm();
  }

  /** Resolves when no next window is being read (tests, the terminal). */
  async idle(): Promise<void> {
    while (this.reads.size > 0) await Promise.all(this.reads);
  }

  /** Timers waiting in memory (the rest of a long list waits in the database). */
  pending(): number {
    return this.byId.size;
  }

  private storeOf(tenant: string): StoragePort {
    return this.tenants ? this.tenants.storeOf(tenant) : this.storage;
  }

  /** Queues a window read from the database; a full one ends in a `refill` mark at its last timer. */
  private take(tenant: string, rows: readonly TimerRow[]): void {
    for (const r of rows) this.insert({ ...r, tenant });
    const last = rows.at(-1);
    if (rows.length < this.window || !last) {
      this.horizon.delete(tenant);
      return;
    }
    const key = { dueAt: last.dueAt, id: last.id };
    this.horizon.set(tenant, { key, reading: false });
    this.insert({ ...last, tenant, refill: true });
  }

  private insert(e: Entry): void {
    if (!e.refill) {
      const k = keyOf(e.tenant, e.id);
      if (this.byId.has(k)) return;
      this.byId.set(k, e);
      this.count.set(e.tenant, (this.count.get(e.tenant) ?? 0) + 1);
    }
    // after the queued ones due at the same instant
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.queue[mid]!.dueAt <= e.dueAt) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }

  private drop(e: Entry): void {
    this.count.set(e.tenant, (this.count.get(e.tenant) ?? 1) - 1);
    let i = this.firstDue(e.dueAt);
    while (i < this.queue.length && this.queue[i] !== e) i++;
    if (i < this.queue.length) this.queue.splice(i, 1);
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

  /**
   * The window of `tenant` is used up: read the next one. Until it is queued, every timer a commit adds is kept (the
   * read may have missed it); one read twice is queued once, and a timer fired or cancelled meanwhile is refused by
   * its commit.
   */
  private async refill(tenant: string, mark: Entry): Promise<void> {
    const h = this.horizon.get(tenant);
    if (!h) return;
    h.reading = true;
    try {
      const rows = await this.storeOf(tenant).pendingTimersAfter(h.key, this.window);
      if (!this.running) return;
      this.take(tenant, rows);
    } catch {
      // the database did not answer: the same window again a little later
      h.reading = false;
      if (this.running) this.insert({ ...mark, dueAt: new Date(this.clock.now().getTime() + REFILL_RETRY_MS).toISOString() });
    }
    if (this.running) this.arm();
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
      if (t.refill) {
        const read = this.refill(t.tenant, t).finally(() => this.reads.delete(read));
        this.reads.add(read);
        continue;
      }
      this.byId.delete(keyOf(t.tenant, t.id));
      this.count.set(t.tenant, (this.count.get(t.tenant) ?? 1) - 1);
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

/**
 * Whether timer `a` comes after the key `b` in the database's order: due time, then id (byte order in both databases,
 * `COLLATE "C"` in PostgreSQL; the same as JavaScript's for the ASCII of timer ids and ISO times).
 */
function after(a: TimerKey, b: TimerKey): boolean {
  return a.dueAt > b.dueAt || (a.dueAt === b.dueAt && a.id > b.id);
}

function byKey(a: TimerKey, b: TimerKey): number {
  return after(a, b) ? 1 : after(b, a) ? -1 : 0;
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
