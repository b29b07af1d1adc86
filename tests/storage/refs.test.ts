import { beforeEach, expect, it } from "vitest";
import { describeBackends, type TestStore } from "./backends.ts";
import { CHANNEL, incident, message, out } from "./helpers.ts";

const T0 = "2026-03-02T08:00:00.000Z";

describeBackends("refs", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open();
  });

  /** Delivers every pending row, giving each the ref `refs[key]` (or `ref-<key>`). */
  async function deliverAll(refs: Record<string, string> = {}): Promise<void> {
    for (;;) {
      const due = await store.dueOutbox(T0, 100, new Set());
      if (due.length === 0) return;
      for (const r of due) await store.markSent(r.id, refs[r.key] ?? `ref-${r.key}`, T0);
    }
  }

  it("finds an incident declared by a platform message (thread_ref), only in its channel", async () => {
    await store.commit({ incident: { record: incident({ threadRef: "1700000000.0001", threadKey: null }) } });
    expect((await store.findIncidentByRef(CHANNEL, "1700000000.0001"))?.id).toBe("NF-2026-0001");
    expect(await store.findIncidentByRef("slack:T1:C2", "1700000000.0001")).toBeUndefined();
    expect(await store.findIncidentByRef(CHANNEL, "1700000000.9999")).toBeUndefined();
  });

  it("finds a thread_key incident by the delivered ref of its root message", async () => {
    await store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root")] });
    expect(await store.findIncidentByRef(CHANNEL, "1700000000.0002")).toBeUndefined(); // not delivered yet
    await deliverAll({ "NF-2026-0001/root": "1700000000.0002" });
    expect((await store.findIncidentByRef(CHANNEL, "1700000000.0002"))?.id).toBe("NF-2026-0001");
    expect(await store.findIncidentByRef("slack:T1:C2", "1700000000.0002")).toBeUndefined();
  });

  it("finds the incident of a root message queued without incident id through its thread_key", async () => {
    await store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root", { incidentId: null })] });
    await deliverAll({ "NF-2026-0001/root": "$root:hs" });
    expect((await store.findIncidentByRef(CHANNEL, "$root:hs"))?.id).toBe("NF-2026-0001");
  });

  it("finds the incident of any delivered message (a reply in a thread started on a task message)", async () => {
    await store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root"), out("NF-2026-0001/tasks/sofort")] });
    await deliverAll();
    expect((await store.findIncidentByRef(CHANNEL, "ref-NF-2026-0001/tasks/sofort"))?.id).toBe("NF-2026-0001");
  });

  it("maps refs to keys and keys to the FIRST delivered ref", async () => {
    const key = "NF-2026-0001/tasks/sofort/koordinator";
    await store.commit({ incident: { record: incident() }, outbox: [out(key)] });
    expect(await store.refForKey(key)).toBeUndefined();
    await deliverAll({ [key]: "ts-1" });
    // An update of the same message that the platform answered with a new ref.
    await store.commit({ outbox: [out(key, { message: message(key, { replace: true }) })] });
    await deliverAll({ [key]: "ts-2" });
    expect(await store.refForKey(key)).toBe("ts-1");
    expect(await store.keyForRef(CHANNEL, "ts-1")).toEqual({ key, incidentId: "NF-2026-0001" });
    expect(await store.keyForRef(CHANNEL, "ts-2")).toEqual({ key, incidentId: "NF-2026-0001" });
    expect(await store.keyForRef("slack:T1:C2", "ts-1")).toBeUndefined();
    expect(await store.keyForRef(CHANNEL, "ts-3")).toBeUndefined();
    expect(await store.refForKey("unbekannt")).toBeUndefined();
  });

  it("ignores failed rows", async () => {
    await store.commit({ incident: { record: incident() }, outbox: [out("k")] });
    const [row] = await store.dueOutbox(T0, 10, new Set());
    await store.markFailed(row!.id, "boom");
    expect(await store.refForKey("k")).toBeUndefined();
    expect(await store.keyForRef(CHANNEL, "ref-k")).toBeUndefined();
  });

  it("keyForRef of a message without incident", async () => {
    await store.commit({ outbox: [out("hilfe/U1", { incidentId: null, lane: CHANNEL })] });
    await deliverAll({ "hilfe/U1": "ts-help" });
    expect(await store.keyForRef(CHANNEL, "ts-help")).toEqual({ key: "hilfe/U1", incidentId: null });
    expect(await store.findIncidentByRef(CHANNEL, "ts-help")).toBeUndefined();
  });
});
