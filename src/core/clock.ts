/** Injectable time. Production uses {@link systemClock}; tests use {@link FakeClock} and never sleep. */
export interface Clock {
  now(): Date;
  /** Call `fn` at (or as soon as possible after) `at`. */
  setTimer(at: Date, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Wait `ms` (used for retry backoff); a fake clock resolves when advanced. */
  sleep(ms: number): Promise<void>;
}
export type TimerHandle = { readonly id: number };

let nextId = 1;
const MAX_DELAY = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    const handle = { id: nextId++, t: undefined as NodeJS.Timeout | undefined };
    const arm = () => {
      const delay = at.getTime() - Date.now();
      if (delay > MAX_DELAY) {
        handle.t = setTimeout(arm, MAX_DELAY);
      } else {
        handle.t = setTimeout(fn, Math.max(0, delay));
      }
      handle.t.unref?.();
    };
    arm();
    return handle;
  },
  clearTimer(handle) {
    const t = (handle as { t?: NodeJS.Timeout }).t;
    if (t) clearTimeout(t);
  },
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
};

/** A clock that only moves when told to. `advance()` fires due timers in time order. */
export class FakeClock implements Clock {
  private t: number;
  private timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start: Date | string = "2026-03-02T08:00:00Z") {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  setTimer(at: Date, fn: () => void): TimerHandle {
    const id = nextId++;
    this.timers.set(id, { at: at.getTime(), fn });
    return { id };
  }
  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(new Date(this.t + ms), resolve));
  }
  /** Move time forward by `ms`, firing every timer that falls due on the way (awaiting in-between microtasks). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
  set(to: Date | string): Promise<void> {
    return this.advance(new Date(to).getTime() - this.t);
  }
  pending(): number {
    return this.timers.size;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
