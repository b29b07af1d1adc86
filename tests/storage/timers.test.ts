import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { incident, timer } from "./helpers.ts";

const clock = new FakeClock("2026-03-02T08:00:00Z");

const r1 = timer("reminder", "rolle-koordinator", "2026-03-02T08:15:00.000Z");
const d33 = timer("deadline", "art33", "2026-03-05T08:00:00.000Z");
const d33warn = timer("reminder", "art33-24h", "2026-03-04T08:00:00.000Z");

describeBackends("timers", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open({ clock });
    await store.commit({ incident: { record: incident() } });
  });

  it("lists pending timers ordered by due time", async () => {
    await store.commit({ timers: [d33, r1, d33warn] });
    expect((await store.pendingTimers()).map((t) => t.id)).toEqual([r1.id, d33warn.id, d33.id]);
    expect((await store.pendingTimers())[0]).toEqual(r1);
  });

  it("scheduling the same timer twice is a no-op (the first one stays)", async () => {
    await store.commit({ timers: [r1] });
    expect(await store.commit({ timers: [{ ...r1, dueAt: "2026-03-02T10:00:00.000Z", payload: { other: true } }] })).toEqual({ ok: true });
    expect(await store.pendingTimers()).toEqual([r1]);
  });

  it("fires a timer exactly once", async () => {
    await store.commit({ timers: [r1, d33] });
    expect(await store.commit({ firedTimers: [r1.id] })).toEqual({ ok: true });
    expect(await store.pendingTimers()).toEqual([d33]);
    expect(await store.commit({ firedTimers: [r1.id] })).toEqual({ ok: false, reason: "timer-already-fired" });
    // Scheduling it again after it fired does not revive it.
    await store.commit({ timers: [r1] });
    expect(await store.pendingTimers()).toEqual([d33]);
  });

  it("a cancelled timer cannot fire, and cancelling twice or an unknown id is harmless", async () => {
    await store.commit({ timers: [r1, d33] });
    expect(await store.commit({ cancelTimers: [r1.id, r1.id, "NF-2026-0001:reminder:gibt-es-nicht"] })).toEqual({ ok: true });
    expect(await store.pendingTimers()).toEqual([d33]);
    expect(await store.commit({ firedTimers: [r1.id] })).toEqual({ ok: false, reason: "timer-already-fired" });
  });

  it("firing an unknown timer is refused", async () => {
    expect(await store.commit({ firedTimers: ["NF-2026-0001:reminder:nie-geplant"] })).toEqual({
      ok: false,
      reason: "timer-already-fired",
    });
  });

  it("one commit may fire a timer, cancel its family (itself included) and schedule the next", async () => {
    await store.commit({ timers: [d33warn, d33] });
    const next = timer("reminder", "art33-1h", "2026-03-05T07:00:00.000Z");
    expect(await store.commit({ firedTimers: [d33warn.id], cancelTimers: [d33warn.id], timers: [next] })).toEqual({ ok: true });
    expect(await store.pendingTimers()).toEqual([next, d33]);
    const rows = await b.rows("select id, fired_at, cancelled_at from timers where id = ?", d33warn.id);
    expect(rows).toEqual([{ id: d33warn.id, fired_at: "2026-03-02T08:00:00.000Z", cancelled_at: null }]);
  });

  it("if one of several fired timers was already fired, none is marked", async () => {
    await store.commit({ timers: [r1, d33] });
    await store.commit({ firedTimers: [d33.id] });
    expect(await store.commit({ firedTimers: [r1.id, d33.id] })).toEqual({ ok: false, reason: "timer-already-fired" });
    expect(await store.pendingTimers()).toEqual([r1]);
  });

  it("two instances racing to fire the same timer: exactly one wins", async () => {
    await store.commit({ timers: [r1] });
    const other = await b.open({ clock });
    const results = await Promise.all([await store.commit({ firedTimers: [r1.id] }), await other.commit({ firedTimers: [r1.id] })]);
    expect(results).toContainEqual({ ok: true });
    expect(results).toContainEqual({ ok: false, reason: "timer-already-fired" });
    expect(await other.pendingTimers()).toEqual([]);
  });
});
