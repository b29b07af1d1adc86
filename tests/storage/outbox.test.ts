import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { incident, out } from "./helpers.ts";

const clock = new FakeClock("2026-03-02T08:00:00Z");

const T0 = "2026-03-02T08:00:00.000Z";
const T1 = "2026-03-02T08:01:00.000Z";
const T2 = "2026-03-02T08:02:00.000Z";
const A = "slack:T1:C1/NF-2026-0001";
const B = "slack:T1:C1/NF-2026-0002";
const C = "slack:T1:C2";

const keys = (rows: { key: string }[]) => rows.map((r) => r.key);

describeBackends("outbox", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open({ clock });
    await store.commit({ incident: { record: incident() } });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0002", threadKey: "NF-2026-0002/root" }) } });
  });

  it("gives only the oldest pending row of each lane, oldest lanes first", async () => {
    await store.commit({ outbox: [out("a1", { lane: A }), out("b1", { lane: B, incidentId: "NF-2026-0002" }), out("a2", { lane: A })] });
    await store.commit({ outbox: [out("c1", { lane: C, incidentId: null })] });
    expect(keys(await store.dueOutbox(T0, 10, new Set()))).toEqual(["a1", "b1", "c1"]);
    const first = (await store.dueOutbox(T0, 10, new Set()))[0]!;
    await store.markSent(first.id, "1700000000.0001", T0);
    expect(keys(await store.dueOutbox(T0, 10, new Set()))).toEqual(["b1", "a2", "c1"]);
  });

  it("respects the limit, keeping the oldest rows", async () => {
    await store.commit({ outbox: [out("a1", { lane: A }), out("b1", { lane: B }), out("c1", { lane: C })] });
    expect(keys(await store.dueOutbox(T0, 2, new Set()))).toEqual(["a1", "b1"]);
    expect(await store.dueOutbox(T0, 0, new Set())).toEqual([]);
  });

  it("skips busy lanes without letting their later rows overtake", async () => {
    await store.commit({ outbox: [out("a1", { lane: A }), out("a2", { lane: A }), out("b1", { lane: B }), out("c1", { lane: C })] });
    expect(keys(await store.dueOutbox(T0, 10, new Set([A])))).toEqual(["b1", "c1"]);
    // The limit counts only rows returned, not skipped busy lanes.
    expect(keys(await store.dueOutbox(T0, 1, new Set([A])))).toEqual(["b1"]);
    expect(keys(await store.dueOutbox(T0, 2, new Set([A, B])))).toEqual(["c1"]);
  });

  it("a lane waits for its head's retry time; later rows do not overtake it", async () => {
    await store.commit({ outbox: [out("a1", { lane: A }), out("a2", { lane: A }), out("b1", { lane: B })] });
    const [a1] = await store.dueOutbox(T0, 10, new Set());
    await store.markRetry(a1!.id, T2, "rate limited");
    expect(keys(await store.dueOutbox(T1, 10, new Set()))).toEqual(["b1"]);
    expect(await store.nextOutboxAttempt()).toBe(T0); // b1 is due now
    await store.markSent((await store.dueOutbox(T1, 10, new Set()))[0]!.id, "ref-b1", T1);
    // Only a1's retry time counts: a2 is queued behind it.
    expect(await store.nextOutboxAttempt()).toBe(T2);
    const retried = await store.dueOutbox(T2, 10, new Set());
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ key: "a1", attempts: 1, lastError: "rate limited", nextAttemptAt: T2, status: "pending" });
  });

  it("rows not yet due are not given out", async () => {
    await store.commit({ outbox: [out("later", { lane: A, nextAttemptAt: T2 })] });
    expect(await store.dueOutbox(T1, 10, new Set())).toEqual([]);
    expect(keys(await store.dueOutbox(T2, 10, new Set()))).toEqual(["later"]);
  });

  it("a failed row unblocks its lane", async () => {
    await store.commit({ outbox: [out("a1", { lane: A }), out("a2", { lane: A })] });
    const [a1] = await store.dueOutbox(T0, 10, new Set());
    await store.markFailed(a1!.id, "channel_not_found");
    expect(keys(await store.dueOutbox(T0, 10, new Set()))).toEqual(["a2"]);
    // A late retry or failure mark cannot resurrect a finished row.
    await store.markRetry(a1!.id, T0, "late");
    expect(keys(await store.dueOutbox(T0, 10, new Set()))).toEqual(["a2"]);
  });

  it("counts attempts and has nothing left when all is sent", async () => {
    await store.commit({ outbox: [out("a1", { lane: A })] });
    const [a1] = await store.dueOutbox(T0, 10, new Set());
    await store.markRetry(a1!.id, T0, "timeout");
    await store.markSent(a1!.id, "ref-a1", T1);
    expect(await store.dueOutbox(T2, 10, new Set())).toEqual([]);
    expect(await store.nextOutboxAttempt()).toBeUndefined();
    const rows = await b.rows("select status, attempts, ref, sent_at from outbox where id = ?", a1!.id);
    expect(rows).toEqual([{ status: "sent", attempts: 2, ref: "ref-a1", sent_at: T1 }]);
  });

  it("keeps delivery order across many rows of one lane", async () => {
    await store.commit({ outbox: Array.from({ length: 20 }, (_, i) => out(`m${i}`, { lane: A })) });
    const sent: string[] = [];
    for (;;) {
      const due = await store.dueOutbox(T0, 10, new Set());
      if (due.length === 0) break;
      expect(due).toHaveLength(1);
      sent.push(due[0]!.key);
      await store.markSent(due[0]!.id, `ref-${due[0]!.key}`, T0);
    }
    expect(sent).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });
});
