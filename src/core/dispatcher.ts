import { AdapterError, type ChatAdapter } from "./adapter.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import { type Catalog, de } from "./i18n/de.ts";
import type { Outbound } from "./message.ts";
import type { OfTenant, OutboxRow, SharedWorkPort, StoragePort } from "./ports.ts";

export interface DispatcherOptions {
  /** The store of the only tenant, or of {@link DEFAULT_TENANT_ID} when {@link tenants} is given. */
  storage: StoragePort;
  /**
   * Several tenants in one process: their ids (read at every pump, so tenants added while running are delivered)
   * and the store of each. Without it, only `storage` is delivered.
   */
  tenants?: {
    ids(): Iterable<string>;
    storeOf(tenant: string): StoragePort;
    /** The due lane heads of every tenant in one query (SQLite, one file for all tenants); else one query per tenant. */
    dueAll?(now: string, limit: number, busy: (tenant: string, lane: string) => boolean): Promise<OfTenant<OutboxRow>[]>;
    /** The earliest next attempt of every tenant in one query. */
    nextAll?(): Promise<string | undefined>;
  };
  /**
   * Several processes on one database: claim due rows of every tenant with a lease instead of reading one store's
   * outbox; `tenants.storeOf` marks them. `leaseMs` must exceed the slowest delivery attempt; `pollMs`: how often
   * to look for rows no process has claimed (committed by a process that died before delivering them).
   */
  shared?: { port: SharedWorkPort; leaseMs: number; pollMs: number };
  clock: Clock;
  adapters: ReadonlyMap<string, ChatAdapter>;
  /** A message that can never be delivered (permanent error or retries exhausted). */
  onFailed: (row: OfTenant<OutboxRow>, code: string) => unknown;
  log?: (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;
  /** The log lines' words, in the process's language (default German). */
  ops?: Catalog["ops"];
  /** Deliveries in flight at once (one per lane at most). */
  concurrency?: number;
  /** Attempts for transient errors before giving up. Rate limits do not count against this. */
  maxAttempts?: number;
}

const BASE_BACKOFF_MS = 1000;
/** The tenant of a deployment without tenants configured (the storage's `default`). */
export const DEFAULT_TENANT_ID = "default";
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Delivers the outbox: strictly in order within a lane (one incident thread), lanes in parallel.
 * 429 waits for Retry-After, 5xx and network errors back off exponentially, permanent errors are
 * recorded and reported. A crash between send and mark can repeat one message; everything else is exactly once.
 */
export class Dispatcher {
  private readonly o: DispatcherOptions;
  private get ops(): Catalog["ops"] {
    return this.o.ops ?? de.ops;
  }
  /** Lanes in flight, per tenant (lanes are named per tenant). */
  private readonly busy = new Map<string, Set<string>>();
  private inflight = 0;
  private scheduled = false;
  /** A pump is reading the outbox; a kick meanwhile makes it look again instead of starting a second one. */
  private pumping = false;
  private again = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private waiters: (() => void)[] = [];
  private recheck: NodeJS.Timeout | undefined;
  /** Pumps in a row started because something was due, that found nothing to deliver (see {@link armAt}). */
  private dueKicks = 0;

  constructor(o: DispatcherOptions) {
    this.o = o;
  }

  /**
   * Look for work soon: after the current turn of the event loop, so that whoever waits for a commit (an adapter
   * acknowledging a request, the next queued event) goes first; a microtask would run the outbox queries and the
   * start of every delivery before the caller's own continuation.
   */
  kick(): void {
    this.schedule(setImmediate);
  }

  /** After a delivery: the next message of its lane follows at once. */
  private next(): void {
    this.schedule(queueMicrotask);
  }

  private schedule(later: (fn: () => void) => unknown): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    later(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const limit = (this.o.concurrency ?? 8) - this.inflight;
        if (limit <= 0) break;
        // one reader at a time: two could hand out the same row while `busy` does not know it yet
        const rows = await this.take(this.o.clock.now().toISOString(), limit);
        if (rows.length) this.dueKicks = 0;
        for (const row of rows) {
          const lanes = this.lanesOf(row.tenant);
          lanes.add(row.lane);
          this.inflight++;
          void this.deliver(row)
            .catch((err) => this.o.log?.("error", this.ops.deliveryNotRecorded, err))
            .finally(() => {
              lanes.delete(row.lane);
              this.inflight--;
              this.next();
            });
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.o.log?.("error", this.ops.outboxUnreadable, err);
    } finally {
      this.pumping = false;
    }
    // after the deliveries' own continuations (which mark rows sent): keeps the window between a completed
    // write and its mark as small as possible (a kill -9 there repeats that one message after restart)
    queueMicrotask(() => {
      this.armRetry().catch((err) => {
        // the database is unreachable: look again after a while instead of never
        this.o.log?.("error", this.ops.outboxUnreadable, err);
        this.armAt(this.o.clock.now().getTime() + (this.o.shared?.pollMs ?? BASE_BACKOFF_MS));
      });
      this.notifyIfIdle().catch(() => {});
    });
  }

  private lanesOf(tenant: string): Set<string> {
    let lanes = this.busy.get(tenant);
    if (!lanes) {
      lanes = new Set();
      this.busy.set(tenant, lanes);
    }
    return lanes;
  }

  private storeOf(tenant: string): StoragePort {
    return this.o.tenants ? this.o.tenants.storeOf(tenant) : this.o.storage;
  }

  private tenantIds(): Iterable<string> {
    return this.o.tenants ? this.o.tenants.ids() : [DEFAULT_TENANT_ID];
  }

  /** Due rows for this process: claimed with a lease (several processes), else the lane heads of each tenant. */
  private async take(now: string, limit: number): Promise<OfTenant<OutboxRow>[]> {
    const sh = this.o.shared;
    if (sh) {
      const platforms = [...this.o.adapters.values()].filter((a) => a.canDeliver?.() !== false).map((a) => a.platform as string);
      return sh.port.claimOutbox(now, limit, sh.leaseMs, platforms);
    }
    if (!this.o.tenants) {
      const rows = await this.o.storage.dueOutbox(now, limit, this.lanesOf(DEFAULT_TENANT_ID));
      return rows.map((r) => Object.assign(r, { tenant: DEFAULT_TENANT_ID }));
    }
    if (this.o.tenants.dueAll) return this.o.tenants.dueAll(now, limit, (t, lane) => this.busy.get(t)?.has(lane) === true);
    const out: OfTenant<OutboxRow>[] = [];
    for (const tenant of this.o.tenants.ids()) {
      if (out.length >= limit) break;
      const rows = await this.o.tenants.storeOf(tenant).dueOutbox(now, limit - out.length, this.lanesOf(tenant));
      for (const r of rows) out.push(Object.assign(r, { tenant }));
    }
    return out;
  }

  /** When to look again: the next attempt of any tenant; with several processes also every `pollMs`. */
  private async nextAt(): Promise<number> {
    const sh = this.o.shared;
    if (sh) {
      const next = await sh.port.nextOutboxClaimable();
      const poll = this.o.clock.now().getTime() + sh.pollMs;
      return next ? Math.min(new Date(next).getTime(), poll) : poll;
    }
    if (this.o.tenants?.nextAll) {
      const next = await this.o.tenants.nextAll();
      return next ? new Date(next).getTime() : Number.POSITIVE_INFINITY;
    }
    let at = Number.POSITIVE_INFINITY;
    for (const tenant of this.tenantIds()) {
      const next = await this.storeOf(tenant).nextOutboxAttempt();
      if (next) at = Math.min(at, new Date(next).getTime());
    }
    return at;
  }

  private async armRetry(): Promise<void> {
    let at = await this.nextAt();
    // several processes: something claimable now that this pump did not get (claimed meanwhile by another process,
    // or beyond the limit) is looked at again with the next poll, not in a busy loop
    if (this.o.shared && at <= this.o.clock.now().getTime()) at = this.o.clock.now().getTime() + this.o.shared.pollMs;
    this.armAt(at);
  }

  private armAt(at: number): void {
    if (at !== Number.POSITIVE_INFINITY && at <= this.o.clock.now().getTime()) {
      // Due already. With a delivery in flight, its end pumps again (the due row may be that delivery's lane head).
      // With none in flight nobody else would: the retry time passed between this pump's look and now (a short
      // Retry-After); look again instead of waiting for an event that may never come.
      if (this.timer) this.o.clock.clearTimer(this.timer);
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      if (this.inflight > 0) return;
      // never a busy loop: should the store call something due that it then does not hand out, poll instead
      if (++this.dueKicks > 3) this.armAt(this.o.clock.now().getTime() + BASE_BACKOFF_MS);
      else this.kick();
      return;
    }
    if (at === this.timerAt) return;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.timer = this.o.clock.setTimer(new Date(at), () => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.kick();
    });
  }

  private async deliver(row: OfTenant<OutboxRow>): Promise<void> {
    const store = this.storeOf(row.tenant);
    const adapter = this.o.adapters.get(row.platform);
    if (!adapter) {
      await store.markFailed(row.id, `no adapter for ${row.platform}`);
      return;
    }
    const msg: Outbound = { ...row.message };
    if (msg.thread?.key && !msg.thread.ref) {
      const ref = await store.refForKey(msg.thread.key);
      msg.thread = ref ? { ref } : {};
      if (!ref) delete msg.thread;
    }
    if (msg.replace) {
      const ref = await store.refForKey(row.key);
      if (ref) msg.replaceRef = ref;
      else delete msg.replace; // never delivered before: post it new
    }
    let res: Awaited<ReturnType<ChatAdapter["deliver"]>>;
    try {
      res = await adapter.deliver(msg);
    } catch (err) {
      const e =
        err instanceof AdapterError ? err : new AdapterError("transient", err instanceof Error ? err.message : String(err), { cause: err });
      const now = this.o.clock.now().getTime();
      const code = e.platformCode ?? e.code;
      if (e.code === "rate_limited") {
        await store.markRetry(row.id, new Date(now + (e.retryAfterMs ?? BASE_BACKOFF_MS)).toISOString(), `rate_limited`);
      } else if (e.code === "transient" && row.attempts + 1 < (this.o.maxAttempts ?? 12)) {
        const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** row.attempts);
        await store.markRetry(row.id, new Date(now + backoff).toISOString(), `${code}: ${e.message}`.slice(0, 500));
        this.o.log?.("warn", this.ops.deliveryRetry(code), { key: row.key, attempt: row.attempts + 1 });
      } else {
        await store.markFailed(row.id, `${code}: ${e.message}`.slice(0, 500));
        this.o.log?.("error", this.ops.deliveryFailed(code), { key: row.key });
        void this.o.onFailed(row, code);
      }
      return;
    }
    // Marked in the continuation of the delivery itself: the storage port's SQLite implementation writes inside
    // the call (before the promise it returns), so nothing runs between the platform's answer and the mark. A failed
    // mark (database unreachable) is not a failed delivery: the row stays pending and is delivered again later.
    await store.markSent(row.id, res.ref, this.o.clock.now().toISOString());
  }

  /** Resolves when nothing is in flight and nothing is due now (later retries do not count). */
  idle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      // waiting first, then looking: the end of every pump looks again, so no wake-up is missed in between
      this.waiters.push(resolve);
      // several processes: rows another process committed are only looked for at the next poll; look now
      if (this.o.shared) this.kick();
      this.notifyIfIdle().catch(() => {});
    });
  }

  private async isIdle(): Promise<boolean> {
    if (this.inflight > 0 || this.scheduled || this.pumping) return false;
    const now = this.o.clock.now().toISOString();
    if (this.o.shared) {
      // rows claimed by other processes are theirs; what is claimable now is (also) ours to deliver
      const next = await this.o.shared.port.nextOutboxClaimable();
      return next === undefined || next > now;
    }
    if (this.o.tenants) return (await this.take(now, 1)).length === 0;
    return (await this.o.storage.dueOutbox(now, 1, this.lanesOf(DEFAULT_TENANT_ID))).length === 0;
  }

  private async notifyIfIdle(): Promise<void> {
    if (!this.waiters.length) return;
    if (!(await this.isIdle())) {
      // several processes: what is claimable now may be claimed and delivered by another process, which does not
      // wake this one; whoever waits for idle looks again shortly (real time: idle() serves tests and the terminal)
      if (this.o.shared && !this.recheck && this.inflight === 0) {
        this.recheck = setTimeout(() => {
          this.recheck = undefined;
          this.kick();
        }, 5);
      }
      return;
    }
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    if (this.recheck) clearTimeout(this.recheck);
    for (let i = 0; i < 200 && this.inflight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    for (const r of this.waiters) r();
    this.waiters = [];
  }
}
