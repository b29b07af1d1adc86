import { AdapterError, type ChatAdapter } from "./adapter.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { Outbound } from "./message.ts";
import type { OutboxRow, StoragePort } from "./ports.ts";

export interface DispatcherOptions {
  storage: StoragePort;
  clock: Clock;
  adapters: ReadonlyMap<string, ChatAdapter>;
  /** A message that can never be delivered (permanent error or retries exhausted). */
  onFailed: (row: OutboxRow, code: string) => unknown;
  log?: (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;
  /** Deliveries in flight at once (one per lane at most). */
  concurrency?: number;
  /** Attempts for transient errors before giving up. Rate limits do not count against this. */
  maxAttempts?: number;
}

const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Delivers the outbox: strictly in order within a lane (one incident thread), lanes in parallel.
 * 429 waits for Retry-After, 5xx and network errors back off exponentially, permanent errors are
 * recorded and reported. A crash between send and mark can repeat one message; everything else is exactly once.
 */
export class Dispatcher {
  private readonly o: DispatcherOptions;
  private readonly busy = new Set<string>();
  private inflight = 0;
  private scheduled = false;
  /** A pump is reading the outbox; a kick meanwhile makes it look again instead of starting a second one. */
  private pumping = false;
  private again = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private waiters: (() => void)[] = [];

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
        const rows = await this.o.storage.dueOutbox(this.o.clock.now().toISOString(), limit, this.busy);
        for (const row of rows) {
          this.busy.add(row.lane);
          this.inflight++;
          void this.deliver(row).finally(() => {
            this.busy.delete(row.lane);
            this.inflight--;
            this.next();
          });
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.o.log?.("error", "Postausgang konnte nicht gelesen werden", err);
    } finally {
      this.pumping = false;
    }
    // after the deliveries' own continuations (which mark rows sent): keeps the window between a completed
    // write and its mark as small as possible (a kill -9 there repeats that one message after restart)
    queueMicrotask(() => {
      void this.armRetry();
      void this.notifyIfIdle();
    });
  }

  private async armRetry(): Promise<void> {
    const next = await this.o.storage.nextOutboxAttempt();
    const at = next ? new Date(next).getTime() : Number.POSITIVE_INFINITY;
    if (at === this.timerAt) return;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Number.POSITIVE_INFINITY || at <= this.o.clock.now().getTime()) return;
    this.timer = this.o.clock.setTimer(new Date(at), () => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.kick();
    });
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const adapter = this.o.adapters.get(row.platform);
    if (!adapter) {
      await this.o.storage.markFailed(row.id, `no adapter for ${row.platform}`);
      return;
    }
    const msg: Outbound = { ...row.message };
    if (msg.thread?.key && !msg.thread.ref) {
      const ref = await this.o.storage.refForKey(msg.thread.key);
      msg.thread = ref ? { ref } : {};
      if (!ref) delete msg.thread;
    }
    if (msg.replace) {
      const ref = await this.o.storage.refForKey(row.key);
      if (ref) msg.replaceRef = ref;
      else delete msg.replace; // never delivered before: post it new
    }
    try {
      const res = await adapter.deliver(msg);
      // Marked in the continuation of the delivery itself: the storage port's SQLite implementation writes inside
      // the call (before the promise it returns), so nothing runs between the platform's answer and the mark.
      await this.o.storage.markSent(row.id, res.ref, this.o.clock.now().toISOString());
    } catch (err) {
      const e =
        err instanceof AdapterError ? err : new AdapterError("transient", err instanceof Error ? err.message : String(err), { cause: err });
      const now = this.o.clock.now().getTime();
      const code = e.platformCode ?? e.code;
      if (e.code === "rate_limited") {
        await this.o.storage.markRetry(row.id, new Date(now + (e.retryAfterMs ?? BASE_BACKOFF_MS)).toISOString(), `rate_limited`);
      } else if (e.code === "transient" && row.attempts + 1 < (this.o.maxAttempts ?? 12)) {
        const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** row.attempts);
        await this.o.storage.markRetry(row.id, new Date(now + backoff).toISOString(), `${code}: ${e.message}`.slice(0, 500));
        this.o.log?.("warn", `Zustellung wird wiederholt (${code})`, { key: row.key, attempt: row.attempts + 1 });
      } else {
        await this.o.storage.markFailed(row.id, `${code}: ${e.message}`.slice(0, 500));
        this.o.log?.("error", `Zustellung endgültig fehlgeschlagen (${code})`, { key: row.key });
        void this.o.onFailed(row, code);
      }
    }
  }

  /** Resolves when nothing is in flight and nothing is due now (later retries do not count). */
  idle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      // waiting first, then looking: the end of every pump looks again, so no wake-up is missed in between
      this.waiters.push(resolve);
      void this.notifyIfIdle();
    });
  }

  private async isIdle(): Promise<boolean> {
    if (this.inflight > 0 || this.scheduled || this.pumping) return false;
    return (await this.o.storage.dueOutbox(this.o.clock.now().toISOString(), 1, this.busy)).length === 0;
  }

  private async notifyIfIdle(): Promise<void> {
    if (!this.waiters.length || !(await this.isIdle())) return;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    for (let i = 0; i < 200 && this.inflight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    for (const r of this.waiters) r();
    this.waiters = [];
  }
}
