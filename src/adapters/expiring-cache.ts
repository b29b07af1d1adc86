import type { Clock } from "../core/clock.ts";

/**
 * Answers of a platform API kept for a while (display names, channel members), per key: a fresh answer is returned
 * from memory, one lookup per key runs at a time (callers asking meanwhile share it), and the oldest entry goes when
 * the cache is full. `keep` decides whether an answer is worth keeping (e.g. not when the platform could not answer).
 */
export class ExpiringCache<V> {
  private readonly o: { clock: Pick<Clock, "now">; ttlMs: number; max: number; keep?: (value: V) => boolean };
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(o: { clock: Pick<Clock, "now">; ttlMs: number; max: number; keep?: (value: V) => boolean }) {
    this.o = o;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.o.clock.now().getTime()) return Promise.resolve(hit.value);
    let p = this.inflight.get(key);
    if (!p) {
      p = load()
        .then((value) => {
          if (this.o.keep?.(value) ?? true) this.keep(key, value);
          return value;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private keep(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.o.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: this.o.clock.now().getTime() + this.o.ttlMs });
  }
}
