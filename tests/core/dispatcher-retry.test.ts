/**
 * The outbox dispatcher after a rate limit whose Retry-After is short: the retry time can pass between the pump that
 * finds nothing due yet and the moment the dispatcher arms its wake-up. Found on Synapse with its default message
 * rate limit (tests/adapters/matrix/default-ratelimit.test.ts hung for good after a 429 in CI): the wake-up was
 * "due already, a pump will come", but with nothing in flight no pump came, and the lane stayed stuck.
 */
import { afterEach, expect, it } from "vitest";
import { AdapterError, type ChatAdapter } from "../../src/core/adapter.ts";
import type { Clock, TimerHandle } from "../../src/core/clock.ts";
import { Dispatcher } from "../../src/core/dispatcher.ts";
import type { Outbound } from "../../src/core/message.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { incident, out, tempDir } from "../storage/helpers.ts";

/** A fake clock that moves on by `tick` ms every time it is read, as a real one does while work runs. */
class TickingClock implements Clock {
  private t = new Date("2026-03-02T08:00:00Z").getTime();
  private timers = new Map<number, { at: number; fn: () => void }>();
  private id = 0;
  private readonly tick: number;
  constructor(tick: number) {
    this.tick = tick;
  }
  now(): Date {
    const d = new Date(this.t);
    this.t += this.tick;
    return d;
  }
  setTimer(at: Date, fn: () => void): TimerHandle {
    const id = ++this.id;
    this.timers.set(id, { at: at.getTime(), fn });
    return { id };
  }
  clearTimer(h: TimerHandle): void {
    this.timers.delete(h.id);
  }
  sleep(): Promise<void> {
    return new Promise(() => {});
  }
  /** Jump `ms` ahead and fire what fell due. */
  fire(ms: number): void {
    this.t += ms;
    for (const [id, e] of [...this.timers]) {
      if (e.at > this.t) continue;
      this.timers.delete(id);
      e.fn();
    }
  }
}

const tmp = tempDir();
let storage: SqliteStorage | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  await storage?.close();
  tmp.cleanup();
});

const settle = () => new Promise((r) => setTimeout(r, 20));

it("delivers after a short Retry-After that has passed by the time the wake-up is armed", async () => {
  const clock = new TickingClock(3);
  storage = openStorage(tmp.file, { clock });
  await storage.commit({ incident: { record: incident() } });
  await storage.commit({ outbox: [out("NF-2026-0001/root", { nextAttemptAt: clock.now().toISOString() })] });
  const attempts: string[] = [];
  const adapter = {
    platform: "slack",
    capabilities: {},
    async start() {},
    async stop() {},
    async deliver(m: Outbound) {
      attempts.push(m.key);
      await new Promise((r) => setTimeout(r, 1)); // the platform answers later, as over the network
      if (attempts.length === 1) throw new AdapterError("rate_limited", "slow down", { retryAfterMs: 5 });
      return { ref: "1700000000.0001" };
    },
  } as unknown as ChatAdapter;
  dispatcher = new Dispatcher({ storage, clock, adapters: new Map([["slack", adapter]]), onFailed: () => {} });
  dispatcher.kick();
  await settle();
  // no new event arrives; only the dispatcher's own wake-up (or none) can bring the retry
  for (let i = 0; i < 5; i++) {
    clock.fire(60_000);
    await settle();
  }
  expect(attempts).toEqual(["NF-2026-0001/root", "NF-2026-0001/root"]);
  expect(await storage.dueOutbox(clock.now().toISOString(), 10, new Set())).toEqual([]);
});
