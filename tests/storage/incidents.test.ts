import { beforeEach, expect, it } from "vitest";
import { describeBackends, type TestStore } from "./backends.ts";
import { CHANNEL, entry, incident } from "./helpers.ts";

describeBackends("incident queries", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open();
  });

  it("numbers incidents per year from the highest id used", async () => {
    expect(await store.nextIncidentNumber(2026)).toBe(1);
    await store.commit({ incident: { record: incident({ id: "NF-2026-0001" }) } });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0012" }) } });
    await store.commit({ incident: { record: incident({ id: "NF-2025-0099" }) } });
    expect(await store.nextIncidentNumber(2026)).toBe(13);
    expect(await store.nextIncidentNumber(2025)).toBe(100);
    expect(await store.nextIncidentNumber(2027)).toBe(1);
  });

  it("lists open incidents of a channel newest first, and all incidents with filters", async () => {
    await store.commit({ incident: { record: incident({ id: "NF-2026-0001", openedAt: "2026-03-01T08:00:00.000Z" }) } });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0002", openedAt: "2026-03-02T08:00:00.000Z" }) } });
    await store.commit({
      incident: { record: incident({ id: "NF-2026-0003", openedAt: "2026-03-03T08:00:00.000Z", closedAt: "2026-03-04T08:00:00.000Z" }) },
    });
    await store.commit({
      incident: { record: incident({ id: "NF-2026-0004", channel: "slack:T1:C2", openedAt: "2026-03-04T08:00:00.000Z" }) },
    });
    const ids = (rs: { id: string }[]) => rs.map((r) => r.id);
    expect(ids(await store.openIncidentsInChannel(CHANNEL))).toEqual(["NF-2026-0002", "NF-2026-0001"]);
    expect(ids(await store.openIncidentsInChannel("slack:T9:C9"))).toEqual([]);
    expect(ids(await store.listIncidents())).toEqual(["NF-2026-0004", "NF-2026-0003", "NF-2026-0002", "NF-2026-0001"]);
    expect(ids(await store.listIncidents({ open: true }))).toEqual(["NF-2026-0004", "NF-2026-0002", "NF-2026-0001"]);
    expect(ids(await store.listIncidents({ open: false }))).toEqual(["NF-2026-0003"]);
    expect(ids(await store.listIncidents({ open: true, limit: 2 }))).toEqual(["NF-2026-0004", "NF-2026-0002"]);
    expect(await store.getIncident("NF-2026-0404")).toBeUndefined();
  });

  it("lists drills apart from real incidents, per playbook (drills stay out of real incidents' figures)", async () => {
    const at = (d: number) => `2026-03-0${d}T08:00:00.000Z`;
    const closed = (d: number) => `2026-03-0${d}T09:00:00.000Z`;
    await store.commit({ incident: { record: incident({ id: "NF-2026-0001", drill: true, openedAt: at(1), closedAt: closed(1) }) } });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0002", openedAt: at(2), closedAt: closed(2) }) } });
    await store.commit({
      incident: { record: incident({ id: "NF-2026-0003", drill: true, playbookId: "stromausfall", openedAt: at(3), closedAt: closed(3) }) },
    });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0004", drill: true, openedAt: at(4), closedAt: closed(4) }) } });
    await store.commit({ incident: { record: incident({ id: "NF-2026-0005", drill: true, openedAt: at(5) }) } });
    const ids = (rs: { id: string }[]) => rs.map((r) => r.id);
    const pb = incident().playbookId;
    expect(ids(await store.listIncidents({ drill: false }))).toEqual(["NF-2026-0002"]);
    expect(ids(await store.listIncidents({ drill: true }))).toEqual(["NF-2026-0005", "NF-2026-0004", "NF-2026-0003", "NF-2026-0001"]);
    expect(ids(await store.listIncidents({ open: false, drill: true, playbookId: pb }))).toEqual(["NF-2026-0004", "NF-2026-0001"]);
    expect(ids(await store.listIncidents({ open: false, drill: true, playbookId: pb, limit: 1 }))).toEqual(["NF-2026-0004"]);
    expect(ids(await store.listIncidents({ playbookId: "stromausfall" }))).toEqual(["NF-2026-0003"]);
  });

  it("two stores on the same database see each other's commits and conflict on stale versions", async () => {
    const a = store;
    const other = await b.open();
    expect(await a.commit({ incident: { record: incident() }, timeline: [entry(1)] })).toEqual({ ok: true });
    expect((await other.getIncident("NF-2026-0001"))?.version).toBe(1);
    expect(await other.timeline("NF-2026-0001")).toHaveLength(1);

    expect(await other.commit({ incident: { record: incident({ phase: "sofort" }), expectedVersion: 1 } })).toEqual({ ok: true });
    expect(await a.getIncident("NF-2026-0001")).toMatchObject({ phase: "sofort", version: 2 });
    expect(await a.commit({ incident: { record: incident({ phase: "x" }), expectedVersion: 1 } })).toEqual({
      ok: false,
      reason: "conflict",
    });

    await other.commit({ deliveryId: { platform: "slack", id: "Ev7" } });
    expect(await a.hasDelivery("slack", "Ev7")).toBe(true);
    expect(await a.commit({ deliveryId: { platform: "slack", id: "Ev7" } })).toEqual({ ok: false, reason: "duplicate" });
  });

  it("forgets delivery ids received before a given time", async () => {
    const early = await b.open({ clock: { now: () => new Date("2026-03-01T08:00:00Z") } });
    const late = await b.open({ clock: { now: () => new Date("2026-03-20T08:00:00Z") } });
    await early.commit({ deliveryId: { platform: "slack", id: "alt" } });
    await late.commit({ deliveryId: { platform: "slack", id: "neu" } });
    expect(await store.pruneDeliveries("2026-03-10T00:00:00.000Z")).toBe(1);
    expect(await store.hasDelivery("slack", "alt")).toBe(false);
    expect(await store.hasDelivery("slack", "neu")).toBe(true);
  });
});
