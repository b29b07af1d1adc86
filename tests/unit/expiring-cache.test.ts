import { describe, expect, it } from "vitest";
import { ExpiringCache } from "../../src/adapters/expiring-cache.ts";
import { FakeClock } from "../../src/core/clock.ts";

/** The one cache of platform answers (Slack names and channel members, Teams members). */
describe("ExpiringCache", () => {
  it("answers from memory until the time is up, then asks again", async () => {
    const clock = new FakeClock(new Date("2026-12-07T09:00:00Z"));
    const cache = new ExpiringCache<number>({ clock, ttlMs: 60_000, max: 10 });
    let calls = 0;
    const load = async () => ++calls;
    expect(await cache.get("a", load)).toBe(1);
    clock.advance(59_000);
    expect(await cache.get("a", load)).toBe(1);
    clock.advance(2_000);
    expect(await cache.get("a", load)).toBe(2);
  });

  it("one lookup per key at a time; an answer `keep` refuses is not kept; the oldest goes when full", async () => {
    const clock = new FakeClock(new Date("2026-12-07T09:00:00Z"));
    const cache = new ExpiringCache<string | undefined>({ clock, ttlMs: 60_000, max: 2, keep: (v) => v !== undefined });
    let calls = 0;
    let release!: (v: string) => void;
    const slow = () => {
      calls++;
      return new Promise<string>((r) => {
        release = r;
      });
    };
    const both = Promise.all([cache.get("a", slow), cache.get("a", slow)]);
    release("A");
    expect(await both).toEqual(["A", "A"]);
    expect(calls).toBe(1);

    expect(await cache.get("b", async () => undefined)).toBeUndefined();
    expect(await cache.get("b", async () => "B")).toBe("B"); // the failed answer was not kept
    await cache.get("c", async () => "C"); // full: "a" (the oldest) goes
    expect(await cache.get("a", async () => "A2")).toBe("A2");
    expect(await cache.get("c", async () => "C2")).toBe("C");
  });
});
