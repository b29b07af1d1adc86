import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { CHANNEL, incident, message, out, tempDir } from "./helpers.ts";

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStorage;
const T0 = "2026-03-02T08:00:00.000Z";

beforeEach(() => {
  tmp = tempDir();
  store = openStorage(tmp.file);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

/** Delivers every pending row, giving each the ref `refs[key]` (or `ref-<key>`). */
function deliverAll(refs: Record<string, string> = {}): void {
  for (;;) {
    const due = store.dueOutbox(T0, 100, new Set());
    if (due.length === 0) return;
    for (const r of due) store.markSent(r.id, refs[r.key] ?? `ref-${r.key}`, T0);
  }
}

describe("refs", () => {
  it("finds an incident declared by a platform message (thread_ref), only in its channel", () => {
    store.commit({ incident: { record: incident({ threadRef: "1700000000.0001", threadKey: null }) } });
    expect(store.findIncidentByRef(CHANNEL, "1700000000.0001")?.id).toBe("NF-2026-0001");
    expect(store.findIncidentByRef("slack:T1:C2", "1700000000.0001")).toBeUndefined();
    expect(store.findIncidentByRef(CHANNEL, "1700000000.9999")).toBeUndefined();
  });

  it("finds a thread_key incident by the delivered ref of its root message", () => {
    store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root")] });
    expect(store.findIncidentByRef(CHANNEL, "1700000000.0002")).toBeUndefined(); // not delivered yet
    deliverAll({ "NF-2026-0001/root": "1700000000.0002" });
    expect(store.findIncidentByRef(CHANNEL, "1700000000.0002")?.id).toBe("NF-2026-0001");
    expect(store.findIncidentByRef("slack:T1:C2", "1700000000.0002")).toBeUndefined();
  });

  it("finds the incident of a root message queued without incident id through its thread_key", () => {
    store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root", { incidentId: null })] });
    deliverAll({ "NF-2026-0001/root": "$root:hs" });
    expect(store.findIncidentByRef(CHANNEL, "$root:hs")?.id).toBe("NF-2026-0001");
  });

  it("finds the incident of any delivered message (a reply in a thread started on a task message)", () => {
    store.commit({ incident: { record: incident() }, outbox: [out("NF-2026-0001/root"), out("NF-2026-0001/tasks/sofort")] });
    deliverAll();
    expect(store.findIncidentByRef(CHANNEL, "ref-NF-2026-0001/tasks/sofort")?.id).toBe("NF-2026-0001");
  });

  it("maps refs to keys and keys to the FIRST delivered ref", () => {
    const key = "NF-2026-0001/tasks/sofort/koordinator";
    store.commit({ incident: { record: incident() }, outbox: [out(key)] });
    expect(store.refForKey(key)).toBeUndefined();
    deliverAll({ [key]: "ts-1" });
    // An update of the same message that the platform answered with a new ref.
    store.commit({ outbox: [out(key, { message: message(key, { replace: true }) })] });
    deliverAll({ [key]: "ts-2" });
    expect(store.refForKey(key)).toBe("ts-1");
    expect(store.keyForRef(CHANNEL, "ts-1")).toEqual({ key, incidentId: "NF-2026-0001" });
    expect(store.keyForRef(CHANNEL, "ts-2")).toEqual({ key, incidentId: "NF-2026-0001" });
    expect(store.keyForRef("slack:T1:C2", "ts-1")).toBeUndefined();
    expect(store.keyForRef(CHANNEL, "ts-3")).toBeUndefined();
    expect(store.refForKey("unbekannt")).toBeUndefined();
  });

  it("ignores failed rows", () => {
    store.commit({ incident: { record: incident() }, outbox: [out("k")] });
    const [row] = store.dueOutbox(T0, 10, new Set());
    store.markFailed(row!.id, "boom");
    expect(store.refForKey("k")).toBeUndefined();
    expect(store.keyForRef(CHANNEL, "ref-k")).toBeUndefined();
  });

  it("keyForRef of a message without incident", () => {
    store.commit({ outbox: [out("hilfe/U1", { incidentId: null, lane: CHANNEL })] });
    deliverAll({ "hilfe/U1": "ts-help" });
    expect(store.keyForRef(CHANNEL, "ts-help")).toEqual({ key: "hilfe/U1", incidentId: null });
    expect(store.findIncidentByRef(CHANNEL, "ts-help")).toBeUndefined();
  });
});
