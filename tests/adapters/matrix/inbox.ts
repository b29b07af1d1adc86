import type { InboundHandler } from "../../../src/core/adapter.ts";
import type { Inbound } from "../../../src/core/inbound.ts";

/** Collects what an adapter hands to the core; waiting is event-driven (resolves when a matching event arrives). */
export class Inbox {
  readonly all: Inbound[] = [];
  private waiters: { match: (e: Inbound) => boolean; resolve: (e: Inbound) => void }[] = [];

  readonly handler: InboundHandler = async (ev) => {
    this.all.push(ev);
    const hit = this.waiters.filter((w) => w.match(ev));
    this.waiters = this.waiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve(ev);
  };

  waitFor(match: (e: Inbound) => boolean, what: string, timeoutMs = 20_000): Promise<Inbound> {
    const have = this.all.find(match);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const done = (e: Inbound) => {
        clearTimeout(timer);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for inbound ${what}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Wait for the event with this Matrix event id. */
  byRef(eventId: string, timeoutMs?: number): Promise<Inbound> {
    return this.waitFor((e) => e.messageRef === eventId, eventId, timeoutMs);
  }

  count(match: (e: Inbound) => boolean): number {
    return this.all.filter(match).length;
  }
}
