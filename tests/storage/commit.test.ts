import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { entry, incident, out, task, timer } from "./helpers.ts";

const clock = new FakeClock("2026-03-02T08:00:00Z");

describeBackends("commit", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open({ clock });
  });
  const count = (table: string) => b.count(table);

  it("writes incident, timeline, tasks, timers and outbox together and reads them back", async () => {
    const rec = incident();
    const res = await store.commit({
      deliveryId: { platform: "slack", id: "Ev1" },
      incident: { record: rec },
      timeline: [entry(1, { data: { nested: [1, "zwei", null] } }), entry(2, { data: undefined })],
      tasks: [task("t1"), task("t2", { nr: 2, critical: false })],
      timers: [timer("deadline", "art33", "2026-03-05T08:00:00.000Z")],
      outbox: [out("NF-2026-0001/root")],
    });
    expect(res).toEqual({ ok: true });
    expect(await store.getIncident(rec.id)).toEqual(rec);
    expect(await store.timeline(rec.id)).toEqual([entry(1, { data: { nested: [1, "zwei", null] } }), entry(2, { data: null })]);
    expect(await store.tasks(rec.id)).toEqual([task("t1"), task("t2", { nr: 2, critical: false })]);
    expect(await store.pendingTimers()).toEqual([timer("deadline", "art33", "2026-03-05T08:00:00.000Z")]);
    const due = await store.dueOutbox("2026-03-02T08:00:00.000Z", 10, new Set());
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ key: "NF-2026-0001/root", status: "pending", attempts: 0, lastError: null, ref: null });
    expect(due[0]?.message).toEqual(out("NF-2026-0001/root").message);
    expect(await store.hasDelivery("slack", "Ev1")).toBe(true);
    expect(await store.hasDelivery("teams", "Ev1")).toBe(false);
  });

  it("an empty commit succeeds and writes nothing", async () => {
    expect(await store.commit({})).toEqual({ ok: true });
    expect((await count("incidents")) + (await count("outbox")) + (await count("deliveries"))).toBe(0);
  });

  it("refuses a delivery id seen before and writes nothing of the second commit", async () => {
    expect(await store.commit({ deliveryId: { platform: "slack", id: "Ev1" }, incident: { record: incident() } })).toEqual({ ok: true });
    const again = await store.commit({
      deliveryId: { platform: "slack", id: "Ev1" },
      incident: { record: incident({ phase: "sofort", version: 2 }), expectedVersion: 1 },
      timeline: [entry(1)],
      outbox: [out("x")],
    });
    expect(again).toEqual({ ok: false, reason: "duplicate" });
    expect((await store.getIncident("NF-2026-0001"))?.phase).toBe("triage");
    expect(await store.timeline("NF-2026-0001")).toEqual([]);
    expect(await count("outbox")).toBe(0);
    // The same id from another platform is a different delivery.
    expect(await store.commit({ deliveryId: { platform: "teams", id: "Ev1" } })).toEqual({ ok: true });
  });

  it("checks the expected version optimistically and increments it", async () => {
    await store.commit({ incident: { record: incident() } });
    expect(await store.commit({ incident: { record: incident({ phase: "sofort" }), expectedVersion: 1 } })).toEqual({ ok: true });
    expect(await store.getIncident("NF-2026-0001")).toMatchObject({ phase: "sofort", version: 2 });

    // A writer that read version 1 lost the race: nothing of its commit is written.
    const stale = await store.commit({
      deliveryId: { platform: "slack", id: "Ev9" },
      incident: { record: incident({ phase: "eindaemmung" }), expectedVersion: 1 },
      timeline: [entry(1)],
      tasks: [task("t1")],
      outbox: [out("stale")],
    });
    expect(stale).toEqual({ ok: false, reason: "conflict" });
    expect(await store.getIncident("NF-2026-0001")).toMatchObject({ phase: "sofort", version: 2 });
    expect(await store.hasDelivery("slack", "Ev9")).toBe(false);
    expect(await store.timeline("NF-2026-0001")).toEqual([]);
    expect(await store.tasks("NF-2026-0001")).toEqual([]);
    expect(await count("outbox")).toBe(0);

    // The version stored does not depend on what the caller put in the record.
    expect(await store.commit({ incident: { record: incident({ version: 99 }), expectedVersion: 2 } })).toEqual({ ok: true });
    expect((await store.getIncident("NF-2026-0001"))?.version).toBe(3);
  });

  it("refuses a new incident whose id already exists (two openers took the same number)", async () => {
    await store.commit({ incident: { record: incident({ title: "erster" }) } });
    const res = await store.commit({ incident: { record: incident({ title: "zweiter" }) }, timeline: [entry(1)] });
    expect(res).toEqual({ ok: false, reason: "conflict" });
    expect((await store.getIncident("NF-2026-0001"))?.title).toBe("erster");
    expect(await store.timeline("NF-2026-0001")).toEqual([]);
  });

  it("an update of an unknown incident is a conflict", async () => {
    expect(await store.commit({ incident: { record: incident(), expectedVersion: 1 } })).toEqual({ ok: false, reason: "conflict" });
    expect(await store.getIncident("NF-2026-0001")).toBeUndefined();
  });

  it("rolls back everything when a later part fails (repeated timeline seq)", async () => {
    await store.commit({ incident: { record: incident() }, timeline: [entry(1)] });
    await expect(
      store.commit({
        deliveryId: { platform: "slack", id: "Ev2" },
        incident: { record: incident({ phase: "sofort", lastSeq: 2 }), expectedVersion: 1 },
        timeline: [entry(2), entry(1, { text: "doppelt" })],
        tasks: [task("t1")],
        timers: [timer("reminder", "r1", "2026-03-02T09:00:00.000Z")],
        outbox: [out("a")],
      }),
    ).rejects.toThrow(b.errors.unique("timeline"));
    expect(await store.hasDelivery("slack", "Ev2")).toBe(false);
    expect(await store.getIncident("NF-2026-0001")).toMatchObject({ phase: "triage", version: 1, lastSeq: 0 });
    expect((await store.timeline("NF-2026-0001")).map((e) => e.text)).toEqual(["Eintrag 1"]);
    expect(await store.tasks("NF-2026-0001")).toEqual([]);
    expect(await store.pendingTimers()).toEqual([]);
    expect(await count("outbox")).toBe(0);
    // The delivery can be handled again after the failure.
    expect(await store.commit({ deliveryId: { platform: "slack", id: "Ev2" }, timeline: [entry(2)] })).toEqual({ ok: true });
  });

  it("rolls back everything when a row refers to an unknown incident (foreign key)", async () => {
    await expect(
      store.commit({
        deliveryId: { platform: "slack", id: "Ev3" },
        outbox: [out("a")],
        tasks: [task("t1", { incidentId: "NF-2026-0404" })],
      }),
    ).rejects.toThrow(b.errors.foreignKey);
    expect(await store.hasDelivery("slack", "Ev3")).toBe(false);
    expect(await count("outbox")).toBe(0);
  });

  it("rolls back writes made before a fired timer turns out to be fired already", async () => {
    await store.commit({ incident: { record: incident() }, timers: [timer("reminder", "r1", "2026-03-02T09:00:00.000Z")] });
    expect(await store.commit({ firedTimers: ["NF-2026-0001:reminder:r1"] })).toEqual({ ok: true });
    const res = await store.commit({
      deliveryId: { platform: "timer", id: "NF-2026-0001:reminder:r1" },
      incident: { record: incident({ phase: "sofort" }), expectedVersion: 1 },
      firedTimers: ["NF-2026-0001:reminder:r1"],
      timeline: [entry(1)],
      outbox: [out("erinnerung")],
    });
    expect(res).toEqual({ ok: false, reason: "timer-already-fired" });
    expect(await store.getIncident("NF-2026-0001")).toMatchObject({ phase: "triage", version: 1 });
    expect(await store.hasDelivery("timer", "NF-2026-0001:reminder:r1")).toBe(false);
    expect(await store.timeline("NF-2026-0001")).toEqual([]);
    expect(await count("outbox")).toBe(0);
  });

  it("upserts tasks by incident and task id", async () => {
    await store.commit({ incident: { record: incident() }, tasks: [task("t1"), task("t2", { nr: 2 })] });
    await store.commit({ tasks: [task("t1", { state: "erledigt", by: "U2", at: "2026-03-02T08:05:00.000Z" })] });
    await store.commit({ tasks: [task("t2", { nr: 2, state: "übersprungen", by: "U1", reason: "kein Backup-Server vorhanden" })] });
    expect(await store.tasks("NF-2026-0001")).toEqual([
      task("t1", { state: "erledigt", by: "U2", at: "2026-03-02T08:05:00.000Z" }),
      task("t2", { nr: 2, state: "übersprungen", by: "U1", reason: "kein Backup-Server vorhanden" }),
    ]);
  });

  it("writes many tasks and timers of one commit; a repeated task keeps its last row, a repeated timer its first", async () => {
    const tasks = Array.from({ length: 60 }, (_, i) => task(`t${i}`, { nr: i + 1 }));
    const timers = [
      timer("reminder", "r1", "2026-03-02T09:00:00.000Z", { payload: { b: 2, a: [1, { x: null }] } }),
      timer("deadline", "art33", "2026-03-05T08:00:00.000Z", { payload: null }),
      timer("reminder", "r1", "2026-03-02T10:00:00.000Z", { payload: { zweiter: true } }),
    ];
    const res = await store.commit({
      incident: { record: incident() },
      tasks: [...tasks, task("t3", { nr: 4, state: "erledigt", by: "U2", reason: "gleich erledigt" })],
      timers,
    });
    expect(res).toEqual({ ok: true });
    const stored = await store.tasks("NF-2026-0001");
    expect(stored).toHaveLength(60);
    expect(stored.find((t) => t.taskId === "t3")).toEqual(task("t3", { nr: 4, state: "erledigt", by: "U2", reason: "gleich erledigt" }));
    expect(stored.find((t) => t.taskId === "t59")).toEqual(task("t59", { nr: 60 }));
    expect(await store.pendingTimers()).toEqual([timers[0], timers[1]]);
    expect(JSON.stringify((await store.pendingTimers())[0]?.payload)).toBe('{"b":2,"a":[1,{"x":null}]}');
  });

  it("stamps the delivery with the injected clock", async () => {
    await store.commit({ deliveryId: { platform: "slack", id: "Ev1" } });
    expect(await b.rows("select received_at as at from deliveries")).toEqual([{ at: "2026-03-02T08:00:00.000Z" }]);
  });
});
