/**
 * The multi-process primitives on the real server: two stores with their own pools and owner names stand for two
 * `serve` processes on one database. Outbox rows and due timers are claimed by one process at a time, lanes keep
 * their order across processes, an expired lease hands a row to the other process, inbound deduplication is shared.
 * Times are the callers' (a lease "expires" when the caller's clock passes it): nothing sleeps.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPgStorage, type PgStorage } from "../../src/storage/pg/index.ts";
import { CHANNEL, entry, incident, out, timer } from "../storage/helpers.ts";
import { freshDatabase } from "./context.ts";

const T0 = "2026-03-02T08:00:00.000Z";
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const LEASE = 60_000;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let p1: PgStorage;
let p2: PgStorage;

beforeAll(async () => {
  db = await freshDatabase("claims");
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  p1 = await openPgStorage(db.url, { owner: "prozess-1", max: 4 });
  p2 = await openPgStorage(db.url, { owner: "prozess-2", max: 4 });
  await p1.pool.query("TRUNCATE outbox, timeline, tasks, timers, deliveries, incidents RESTART IDENTITY");
  await p1.commit({ incident: { record: incident() } });
});
afterEach(async () => {
  await p1.close();
  await p2.close();
});

const keys = (rows: { key: string }[]) => rows.map((r) => r.key);
const laneOf = (n: number) => `${CHANNEL}/lane-${n}`;

describe("outbox claims across processes", () => {
  it("a row goes to one process only; each gets other lanes' heads", async () => {
    await p1.commit({ outbox: [out("a1", { lane: laneOf(1) }), out("b1", { lane: laneOf(2) }), out("c1", { lane: laneOf(3) })] });
    const first = await p1.claimOutbox(T0, 2, LEASE);
    expect(keys(first)).toEqual(["a1", "b1"]);
    expect(first[0]).toMatchObject({ tenant: "default", status: "pending", attempts: 0, claimedUntil: at(60) });
    expect(first[0]!.message).toEqual(out("a1").message);
    expect(keys(await p2.claimOutbox(T0, 10, LEASE))).toEqual(["c1"]);
    expect(await p1.claimOutbox(T0, 10, LEASE)).toEqual([]);
  });

  it("claims only rows for the platforms a process can deliver to now (Matrix only where the sync runs)", async () => {
    await p1.commit({
      outbox: [
        out("m1", { lane: laneOf(1), platform: "matrix" }),
        out("s1", { lane: laneOf(2) }),
        out("m2", { lane: laneOf(3), platform: "matrix" }),
      ],
    });
    expect(keys(await p1.claimOutbox(T0, 10, LEASE, ["slack", "teams"]))).toEqual(["s1"]);
    expect(await p1.claimOutbox(T0, 10, LEASE, [])).toEqual([]);
    expect(keys(await p2.claimOutbox(T0, 10, LEASE, ["matrix", "slack"]))).toEqual(["m1", "m2"]);
  });

  it("keeps the order of a lane across processes: its next row waits until the head is finished", async () => {
    await p1.commit({ outbox: [out("a1", { lane: laneOf(1) }), out("a2", { lane: laneOf(1) }), out("a3", { lane: laneOf(1) })] });
    const [a1] = await p1.claimOutbox(T0, 10, LEASE);
    expect(a1?.key).toBe("a1");
    expect(await p2.claimOutbox(T0, 10, LEASE)).toEqual([]); // a2 is behind a1, which is in flight
    await p1.markSent(a1!.id, "ts-a1", T0);
    const [a2] = await p2.claimOutbox(T0, 10, LEASE);
    expect(a2?.key).toBe("a2");
    await p2.markRetry(a2!.id, at(30), "rate_limited");
    expect(await p1.claimOutbox(at(10), 10, LEASE)).toEqual([]); // a2 waits for its retry time, a3 behind it
    expect(await p1.nextOutboxClaimable()).toBe(at(30));
    expect(keys(await p1.claimOutbox(at(30), 10, LEASE))).toEqual(["a2"]);
  });

  it("an expired lease hands the row to the other process; the first one's late retry is ignored", async () => {
    await p1.commit({ outbox: [out("a1", { lane: laneOf(1) }), out("a2", { lane: laneOf(1) })] });
    const [mine] = await p1.claimOutbox(T0, 10, LEASE);
    expect(await p2.claimOutbox(at(59), 10, LEASE)).toEqual([]);
    expect(await p2.nextOutboxClaimable()).toBe(at(60));
    // p1 hangs (or died): at the end of its lease p2 takes the row over.
    const [taken] = await p2.claimOutbox(at(60), 10, LEASE);
    expect(taken).toMatchObject({ id: mine!.id, key: "a1", attempts: 0, claimedUntil: at(120) });
    await p1.markRetry(mine!.id, at(61), "timeout");
    await p1.markFailed(mine!.id, "timeout");
    const [row] = (await p1.pool.query("select status, attempts, claimed_by from outbox where id = $1", [mine!.id])).rows;
    expect(row).toEqual({ status: "pending", attempts: 0, claimed_by: "prozess-2" });
    await p2.markSent(taken!.id, "ts-a1", at(61));
    expect(keys(await p1.claimOutbox(at(61), 10, LEASE))).toEqual(["a2"]);
  });

  it("handing back the claims at shutdown frees the rows at once", async () => {
    await p1.commit({ outbox: [out("a1", { lane: laneOf(1) }), out("b1", { lane: laneOf(2) })] });
    expect(await p1.claimOutbox(T0, 10, LEASE)).toHaveLength(2);
    expect(await p1.releaseClaims()).toEqual({ outbox: 2, timers: 0 });
    expect(keys(await p2.claimOutbox(T0, 10, LEASE))).toEqual(["a1", "b1"]);
  });

  it("two processes racing over 300 messages in 12 lanes: each delivered once, every lane in order", async () => {
    const lanes = 12;
    const perLane = 25;
    const rows = Array.from({ length: lanes * perLane }, (_, i) => out(`m${i}`, { lane: laneOf(i % lanes) }));
    for (let i = 0; i < rows.length; i += 50) await p1.commit({ outbox: rows.slice(i, i + 50) });
    const delivered: { key: string; lane: string; by: string }[] = [];
    const inFlight = new Set<string>();
    const worker = async (p: PgStorage, name: string) => {
      for (let idle = 0; idle < 3; ) {
        const claimed = await p.claimOutbox(T0, 4, LEASE);
        if (claimed.length === 0) {
          idle++;
          await new Promise((r) => setImmediate(r));
          continue;
        }
        idle = 0;
        await Promise.all(
          claimed.map(async (r) => {
            expect(inFlight.has(r.lane)).toBe(false); // never two rows of a lane in flight at once
            inFlight.add(r.lane);
            delivered.push({ key: r.key, lane: r.lane, by: name });
            await new Promise((res) => setImmediate(res)); // "delivering"
            // Delivered: the lane is free from here on (the next row can only be claimed after markSent commits).
            inFlight.delete(r.lane);
            await p.markSent(r.id, `ts-${r.key}`, T0);
          }),
        );
      }
    };
    await Promise.all([worker(p1, "p1"), worker(p2, "p2"), worker(p1, "p1b"), worker(p2, "p2b")]);
    expect(delivered).toHaveLength(rows.length);
    expect(new Set(delivered.map((d) => d.key)).size).toBe(rows.length);
    for (let l = 0; l < lanes; l++) {
      const order = delivered.filter((d) => d.lane === laneOf(l)).map((d) => Number(d.key.slice(1)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    // Both processes did part of the work.
    expect(new Set(delivered.map((d) => d.by.slice(0, 2)))).toEqual(new Set(["p1", "p2"]));
  });
});

describe("timer claims across processes", () => {
  const r1 = timer("reminder", "r1", at(60));
  const r2 = timer("reminder", "r2", at(120));
  const r3 = timer("deadline", "d1", at(3600));

  it("a due timer is claimed by one process only, in due order; not-yet-due ones wait", async () => {
    await p1.commit({ timers: [r3, r2, r1] });
    expect(await p1.nextTimerClaimable()).toBe(at(60));
    expect(await p1.claimTimers(at(59), 10, LEASE)).toEqual([]);
    const [claims1, claims2] = await Promise.all([p1.claimTimers(at(120), 10, LEASE), p2.claimTimers(at(120), 10, LEASE)]);
    const all = [...claims1, ...claims2].map((t) => t.id).sort();
    expect(all).toEqual([r1.id, r2.id].sort());
    expect([...claims1, ...claims2].find((t) => t.id === r1.id)).toMatchObject({
      tenant: "default",
      kind: "reminder",
      payload: { key: "r1" },
    });
    expect(await p1.nextTimerClaimable()).toBe(at(180)); // r1's lease (claimed at 120 s) ends first; r3 is due later
  });

  it("firing ends the claim; a timer not fired before its lease ends goes to the other process", async () => {
    await p1.commit({ timers: [r1, r2] });
    const mine = await p1.claimTimers(at(120), 10, LEASE);
    expect(mine.map((t) => t.id)).toEqual([r1.id, r2.id]);
    expect(await p1.commit({ firedTimers: [r1.id], timeline: [entry(1)] })).toEqual({ ok: true });
    // p1 dies before firing r2: after the lease p2 gets r2 and only r2.
    expect(await p2.claimTimers(at(179), 10, LEASE)).toEqual([]);
    const taken = await p2.claimTimers(at(180), 10, LEASE);
    expect(taken.map((t) => t.id)).toEqual([r2.id]);
    expect(await p2.commit({ firedTimers: [r2.id] })).toEqual({ ok: true });
    // And if p1 comes back and tries to fire it anyway, it has fired once already.
    expect(await p1.commit({ firedTimers: [r2.id] })).toEqual({ ok: false, reason: "timer-already-fired" });
    expect(await p1.nextTimerClaimable()).toBeUndefined();
  });

  it("cancelled timers are never claimed; released claims are free at once", async () => {
    await p1.commit({ timers: [r1, r2] });
    await p1.commit({ cancelTimers: [r1.id] });
    expect((await p1.claimTimers(at(120), 10, LEASE)).map((t) => t.id)).toEqual([r2.id]);
    expect(await p1.releaseClaims()).toEqual({ outbox: 0, timers: 1 });
    expect((await p2.claimTimers(at(120), 10, LEASE)).map((t) => t.id)).toEqual([r2.id]);
  });
});

describe("inbound deduplication across processes", () => {
  it("the same delivery handled by both processes at once lands once", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? p1 : p2).commit({ deliveryId: { platform: "slack", id: "Ev-doppelt" }, outbox: [out(`antwort-${i}`)] }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 5 }, () => ({ ok: false, reason: "duplicate" })));
    expect((await p1.pool.query("select count(*)::int as n from outbox")).rows[0].n).toBe(1);
  });

  it("two processes opening the same incident number: one wins, the other gets a conflict", async () => {
    const rec = incident({ id: "NF-2026-0002", threadKey: "NF-2026-0002/root" });
    const results = await Promise.all([
      p1.commit({ incident: { record: { ...rec, title: "eins" } } }),
      p2.commit({ incident: { record: { ...rec, title: "zwei" } } }),
    ]);
    expect(results).toContainEqual({ ok: true });
    expect(results).toContainEqual({ ok: false, reason: "conflict" });
  });
});

describe("pool", () => {
  it("never opens more connections than its limit, however many commits wait", async () => {
    const small = await openPgStorage(db.url, { max: 3 });
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => small.commit({ deliveryId: { platform: "slack", id: `Ev${i}` } })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(small.pool.totalCount).toBeLessThanOrEqual(3);
    } finally {
      await small.close();
    }
  });
});
