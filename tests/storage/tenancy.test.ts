/**
 * Two organisations in one database: the same incident number, message keys, timer ids and delivery ids exist
 * once per tenant, and nothing of one tenant is visible, addressable or changeable through the other's store.
 */
import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { CHANNEL, entry, incident, out, task, timer } from "./helpers.ts";

const clock = new FakeClock("2026-03-02T08:00:00Z");
const T0 = "2026-03-02T08:00:00.000Z";

describeBackends("tenancy", (b) => {
  let praxisA: TestStore;
  let praxisB: TestStore;
  beforeEach(async () => {
    praxisA = await b.open({ clock, tenant: "praxis-a" });
    praxisB = await b.open({ clock, tenant: "praxis-b" });
  });

  /** The same incident, written by each tenant with its own title. */
  async function sameIncidentInBoth(): Promise<void> {
    for (const [store, title] of [
      [praxisA, "Praxis A"],
      [praxisB, "Praxis B"],
    ] as const) {
      const res = await store.commit({
        deliveryId: { platform: "slack", id: "Ev1" },
        incident: { record: incident({ title }) },
        timeline: [entry(1, { text: title })],
        tasks: [task("t1")],
        timers: [timer("reminder", "r1", "2026-03-02T09:00:00.000Z")],
        outbox: [out("NF-2026-0001/root")],
      });
      expect(res).toEqual({ ok: true });
    }
  }

  it("the same number, keys, timer ids and delivery ids exist once per tenant", async () => {
    await sameIncidentInBoth();
    expect((await praxisA.getIncident("NF-2026-0001"))?.title).toBe("Praxis A");
    expect((await praxisB.getIncident("NF-2026-0001"))?.title).toBe("Praxis B");
    expect((await praxisA.timeline("NF-2026-0001")).map((e) => e.text)).toEqual(["Praxis A"]);
    expect((await praxisB.timeline("NF-2026-0001")).map((e) => e.text)).toEqual(["Praxis B"]);
    expect(await praxisA.pendingTimers()).toHaveLength(1);
    expect(await praxisB.nextIncidentNumber(2026)).toBe(2);
    expect(await b.count("incidents")).toBe(2);
  });

  it("numbering is per tenant", async () => {
    await praxisA.commit({ incident: { record: incident({ id: "NF-2026-0007" }) } });
    expect(await praxisA.nextIncidentNumber(2026)).toBe(8);
    expect(await praxisB.nextIncidentNumber(2026)).toBe(1);
  });

  it("a tenant cannot see, find, list or change another tenant's incident", async () => {
    await praxisA.commit({ incident: { record: incident({ threadRef: "1700000000.0001" }) }, outbox: [out("NF-2026-0001/root")] });
    const [row] = await praxisA.dueOutbox(T0, 10, new Set());
    await praxisA.markSent(row!.id, "ts-root", T0);

    expect(await praxisB.getIncident("NF-2026-0001")).toBeUndefined();
    expect(await praxisB.findIncidentByRef(CHANNEL, "1700000000.0001")).toBeUndefined();
    expect(await praxisB.findIncidentByRef(CHANNEL, "ts-root")).toBeUndefined();
    expect(await praxisB.keyForRef(CHANNEL, "ts-root")).toBeUndefined();
    expect(await praxisB.refForKey("NF-2026-0001/root")).toBeUndefined();
    expect(await praxisB.openIncidentsInChannel(CHANNEL)).toEqual([]);
    expect(await praxisB.listIncidents()).toEqual([]);
    expect(await praxisB.dueOutbox(T0, 10, new Set())).toEqual([]);
    expect(await praxisB.nextOutboxAttempt()).toBeUndefined();

    // Writes addressed to A's incident through B's store are refused or fail; A's data stays.
    expect(await praxisB.commit({ incident: { record: incident({ title: "übernommen" }), expectedVersion: 1 } })).toEqual({
      ok: false,
      reason: "conflict",
    });
    await expect(praxisB.commit({ timeline: [entry(1)] })).rejects.toThrow(b.errors.foreignKey);
    await praxisB.markFailed(row!.id, "fremd");
    expect((await praxisA.getIncident("NF-2026-0001"))?.title).toBe("Verschlüsselte Dateien am Empfang");
    expect(await praxisA.refForKey("NF-2026-0001/root")).toBe("ts-root");
  });

  it("timers and deliveries of one tenant do not stop the other's", async () => {
    await sameIncidentInBoth();
    const r1 = timer("reminder", "r1", "2026-03-02T09:00:00.000Z").id;
    expect(await praxisA.commit({ firedTimers: [r1], deliveryId: { platform: "timer", id: r1 } })).toEqual({ ok: true });
    expect(await praxisA.pendingTimers()).toEqual([]);
    expect(await praxisB.pendingTimers()).toHaveLength(1);
    expect(await praxisB.hasDelivery("timer", r1)).toBe(false);
    expect(await praxisB.commit({ firedTimers: [r1], deliveryId: { platform: "timer", id: r1 } })).toEqual({ ok: true });
    await praxisA.commit({ cancelTimers: [r1] });
    expect(await praxisB.pruneDeliveries("2026-03-03T00:00:00.000Z")).toBe(2);
    expect(await praxisA.hasDelivery("slack", "Ev1")).toBe(true);
  });

  it("lanes are per tenant: one tenant's pending head does not hold back the other's lane", async () => {
    const lane = `${CHANNEL}/NF-2026-0001`;
    await praxisA.commit({ incident: { record: incident() }, outbox: [out("a1", { lane }), out("a2", { lane })] });
    await praxisB.commit({ incident: { record: incident() }, outbox: [out("b1", { lane })] });
    expect((await praxisA.dueOutbox(T0, 10, new Set())).map((r) => r.key)).toEqual(["a1"]);
    expect((await praxisB.dueOutbox(T0, 10, new Set())).map((r) => r.key)).toEqual(["b1"]);
  });
});
