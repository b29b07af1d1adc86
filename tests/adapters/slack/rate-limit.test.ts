import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/core/clock.ts";
import { type SlackHarness, slackHarness } from "./harness.ts";

/** What people see, per successful Slack call: which call, where, and what. */
function delivered(h: SlackHarness): string[] {
  return h.api.calls
    .filter((c) => c.status === 200 && c.response.ok === true && c.method.startsWith("chat."))
    .map((c) => JSON.stringify([c.method, c.args.thread_ts ?? null, c.args.ts ?? null, c.args.user ?? null, c.args.text, c.args.blocks]));
}

/** Settle; while the outbox still has rows waiting for a retry, move the fake clock by a second (never sleep). */
async function drain(h: SlackHarness, clock: FakeClock): Promise<number> {
  let advanced = 0;
  for (let i = 0; i < 100; i++) {
    await h.settle();
    if ((await h.storage.nextOutboxAttempt()) === undefined) return advanced;
    await clock.advance(1000);
    advanced += 1000;
  }
  throw new Error("outbox did not drain");
}

async function scenario(storm: boolean): Promise<{ h: SlackHarness; clock: FakeClock; advanced: number }> {
  const h = slackHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");
  await h.start(clock);
  let advanced = 0;
  if (storm) h.api.failNext("chat.postMessage", 5, { status: 429, retryAfter: 1 });
  await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
  advanced += await drain(h, clock);
  if (storm) h.api.failNext("chat.postMessage", 5, { status: 429, retryAfter: 1 });
  await h.reply("anna", "rolle koordinator");
  await h.reply("ben", "rolle technik");
  await h.reply("cem", "rolle kommunikation");
  await h.reply("cem", "notiz Telefonanlage geht noch");
  await h.reply("anna", "status");
  await h.reply("anna", "aufgaben");
  advanced += await drain(h, clock);
  return { h, clock, advanced };
}

describe("Slack: a 429 storm on chat.postMessage", () => {
  it("still delivers every message exactly once and in order per thread, retry waits driven by the fake clock", async () => {
    const t0 = performance.now();
    const calm = await scenario(false);
    const stormy = await scenario(true);
    try {
      const expected = delivered(calm.h);
      const got = delivered(stormy.h);
      expect(expected.length).toBeGreaterThan(8);
      expect(got).toEqual(expected); // same messages, same threads, same order, none twice
      const rejected = stormy.h.api.callsOf("chat.postMessage").filter((c) => c.status === 429);
      expect(rejected).toHaveLength(10);
      expect(stormy.advanced).toBeGreaterThanOrEqual(10_000); // ten Retry-After waits of 1 s, all on the fake clock
      expect(calm.advanced).toBe(0);
      // per thread: messages keep their relative order (thread_ts groups)
      const byThread = new Map<string, string[]>();
      for (const c of stormy.h.api.callsOf("chat.postMessage").filter((x) => x.status === 200)) {
        const k = String(c.args.thread_ts ?? "channel");
        byThread.set(k, [...(byThread.get(k) ?? []), String(c.response.ts)]);
      }
      for (const tss of byThread.values()) expect(tss).toEqual([...tss].sort());
      expect(performance.now() - t0).toBeLessThan(10_000); // no real sleeping
    } finally {
      await calm.h.stop();
      await stormy.h.stop();
    }
  });
});
