import type { Clock, TimerHandle } from "./clock.ts";
import type { StoragePort, TimerRow } from "./ports.ts";

/**
 * Timers live in the database; this keeps the pending ones in memory in due order and arms exactly one
 * clock timer for the earliest. At start it loads every pending timer, so reminders and deadlines
 * survive restarts; overdue ones fire at once. Each fires once: the service marks it fired in the
 * same transaction as its effects.
 */
export class Scheduler {
  private readonly storage: StoragePort;
  private readonly clock: Clock;
  private readonly fire: (t: TimerRow) => unknown;
  /** Sorted by dueAt ascending. */
  private queue: TimerRow[] = [];
  /** The queued rows by id. */
  private readonly byId = new Map<string, TimerRow>();
  private handle: TimerHandle | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;

  /**
   * `fire` hands a due timer to the service, which queues it behind the events before it (in due order when several
   * fall due together) and resolves later; the scheduler does not wait for it.
   */
  constructor(o: { storage: StoragePort; clock: Clock; fire: (t: TimerRow) => unknown }) {
    this.storage = o.storage;
    this.clock = o.clock;
    this.fire = o.fire;
  }

  /** Loads every pending timer and arms the earliest; resolves to their number. */
  async start(): Promise<number> {
    const rows = await this.storage.pendingTimers();
    // timers added while loading (none in practice: start runs before the adapters) are kept
    const added = this.queue;
    this.queue = rows;
    this.byId.clear();
    for (const t of rows) this.byId.set(t.id, t);
    this.running = true;
    this.add(added);
    this.arm();
    return this.queue.length;
  }

  add(rows: readonly TimerRow[]): void {
    for (const r of rows) {
      if (this.byId.has(r.id)) continue;
      this.byId.set(r.id, r);
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
  remove(ids: readonly string[]): void {
    let removed = false;
    for (const id of ids) {
      const row = this.byId.get(id);
      if (!row) continue;
      this.byId.delete(id);
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
      this.byId.delete(t.id);
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
