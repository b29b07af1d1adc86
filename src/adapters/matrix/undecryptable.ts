import type { Clock, TimerHandle } from "../../core/clock.ts";

/** An encrypted event the bot could not decrypt yet (kept in the adapter state across restarts). */
export interface PendingUnreadable {
  roomId: string;
  eventId: string;
  sender: string;
  /** Thread root from the unencrypted `m.relates_to` (relations stay readable), if the event is in a thread. */
  threadRoot?: string;
  /** A reaction (m.annotation). */
  reaction?: boolean;
  /** When the homeserver says it was sent (ms since epoch). */
  sentTs: number;
  /** When the bot first failed to read it (ms since epoch, adapter clock). */
  firstSeen: number;
  /** The SDK's reason for the last failure (e.g. MEGOLM_UNKNOWN_INBOUND_SESSION_ID). */
  reason?: string;
}

/** How long the bot waits for a missing room key before it says so (keys often trail the message by seconds). */
export const DEFAULT_KEY_WAIT_MS = 60_000;
/** How many "already told" event ids are remembered. */
const TOLD_LIMIT = 1_000;

/**
 * Undecryptable events waiting for their room key. When a key arrives the SDK decrypts the event again and the
 * adapter calls {@link resolved}; when the wait runs out, `tell` posts the notice (once per event: event ids that
 * were told are remembered) and the event is no longer pending. Deadlines run on the adapter's clock.
 */
export class UnreadableTracker {
  private readonly pending = new Map<string, PendingUnreadable>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly told: string[] = [];
  private readonly clock: Clock;
  private readonly waitMs: number;
  private readonly tell: (p: PendingUnreadable) => Promise<boolean>;
  private readonly changed: () => void;

  constructor(opts: {
    clock: Clock;
    waitMs?: number;
    /** Post the notice; false when it could not be sent (tried again at the next deadline check). */
    tell: (p: PendingUnreadable) => Promise<boolean>;
    /** Something worth persisting changed. */
    changed: () => void;
  }) {
    this.clock = opts.clock;
    this.waitMs = opts.waitMs ?? DEFAULT_KEY_WAIT_MS;
    this.tell = opts.tell;
    this.changed = opts.changed;
  }

  /** Start waiting for the key of this event (no-op when it is already pending or was told). */
  track(p: PendingUnreadable): void {
    const have = this.pending.get(p.eventId);
    if (have) {
      if (p.reason) have.reason = p.reason;
      return;
    }
    if (this.told.includes(p.eventId)) return;
    this.pending.set(p.eventId, p);
    this.arm(p);
    this.changed();
  }

  /** The event was decrypted after all. */
  resolved(eventId: string): void {
    if (!this.pending.delete(eventId)) return;
    const t = this.timers.get(eventId);
    if (t) this.clock.clearTimer(t);
    this.timers.delete(eventId);
    this.changed();
  }

  /** What to persist. */
  snapshot(): { pending: PendingUnreadable[]; told: string[] } {
    return { pending: [...this.pending.values()].map((p) => ({ ...p })), told: [...this.told] };
  }

  /**
   * Restore after a restart: remembered notices, and pending events (their deadlines still count from first seen).
   * Re-arms every pending deadline that has no timer (also after stop and start of the same adapter). Returns all
   * pending events, to be fetched and tried again.
   */
  restore(s: { pending?: PendingUnreadable[]; told?: string[] }): PendingUnreadable[] {
    for (const id of s.told ?? []) this.remember(id);
    for (const p of s.pending ?? []) {
      if (!this.pending.has(p.eventId) && !this.told.includes(p.eventId)) this.pending.set(p.eventId, p);
    }
    for (const p of this.pending.values()) if (!this.timers.has(p.eventId)) this.arm(p);
    return [...this.pending.values()];
  }

  /** Stop all deadlines (adapter stopped); pending events stay in the snapshot. */
  stop(): void {
    for (const t of this.timers.values()) this.clock.clearTimer(t);
    this.timers.clear();
  }

  private arm(p: PendingUnreadable): void {
    const at = new Date(Math.max(p.firstSeen + this.waitMs, this.clock.now().getTime()));
    this.timers.set(
      p.eventId,
      this.clock.setTimer(at, () => {
        this.timers.delete(p.eventId);
        void this.due(p.eventId);
      }),
    );
  }

  private async due(eventId: string): Promise<void> {
    const p = this.pending.get(eventId);
    if (!p) return;
    let sent = false;
    try {
      sent = await this.tell(p);
    } catch {
      sent = false;
    }
    if (!this.pending.has(eventId)) return; // decrypted meanwhile
    if (!sent) {
      // try again after another wait (homeserver away?)
      p.firstSeen = this.clock.now().getTime();
      this.arm(p);
      return;
    }
    this.pending.delete(eventId);
    this.remember(eventId);
    this.changed();
  }

  private remember(eventId: string): void {
    if (this.told.includes(eventId)) return;
    this.told.push(eventId);
    if (this.told.length > TOLD_LIMIT) this.told.shift();
  }
}
