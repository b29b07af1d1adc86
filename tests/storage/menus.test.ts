import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import type { PendingMenu } from "../../src/core/menu.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { incident } from "./helpers.ts";

const clock = new FakeClock("2026-03-02T08:00:00Z");
const KEY = "T1\nslack:T1:C1\nU1";

function menu(over: Partial<PendingMenu> = {}): PendingMenu {
  return {
    text: "Daten verloren nach Serverabsturz",
    drill: false,
    force: false,
    options: ["serverausfall", "geraeteverlust"],
    full: false,
    at: "2026-03-02T08:00:00.000Z",
    ...over,
  };
}

describeBackends("waiting menus (Commit.menu, pendingMenu)", (b) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await b.open({ clock });
  });

  it("a menu committed with its event is read back by another connection; a newer one replaces it; null removes it", async () => {
    expect(await store.pendingMenu(KEY)).toBeUndefined();
    expect(await store.commit({ deliveryId: { platform: "slack", id: "Ev1" }, menu: { key: KEY, pending: menu() } })).toEqual({ ok: true });
    const other = await b.open({ clock });
    expect(await other.pendingMenu(KEY)).toEqual(menu());
    const full = menu({
      options: ["verschluesselung", "serverausfall", "datenabfluss"],
      full: true,
      drill: true,
      at: "2026-03-02T08:05:00.000Z",
    });
    await other.commit({ menu: { key: KEY, pending: full } });
    expect(await store.pendingMenu(KEY)).toEqual(full);
    expect(await b.count("menus")).toBe(1);
    // a menu of another person or channel is another row
    await store.commit({ menu: { key: `${KEY}x`, pending: menu() } });
    expect(await b.count("menus")).toBe(2);
    await store.commit({ menu: { key: KEY, pending: null } });
    expect(await other.pendingMenu(KEY)).toBeUndefined();
    expect(await other.pendingMenu(`${KEY}x`)).toEqual(menu());
  });

  it("a refused commit writes no menu and removes none", async () => {
    await store.commit({
      deliveryId: { platform: "slack", id: "Ev1" },
      incident: { record: incident() },
      menu: { key: KEY, pending: menu() },
    });
    // the same delivery again (a platform retry): refused, its menu change with it
    const again = await store.commit({ deliveryId: { platform: "slack", id: "Ev1" }, menu: { key: KEY, pending: null } });
    expect(again).toEqual({ ok: false, reason: "duplicate" });
    expect(await store.pendingMenu(KEY)).toEqual(menu());
    // a stale incident version: refused, its new menu with it
    const stale = await store.commit({
      incident: { record: incident({ phase: "sofort" }), expectedVersion: 7 },
      menu: { key: `${KEY}2`, pending: menu() },
    });
    expect(stale).toEqual({ ok: false, reason: "conflict" });
    expect(await store.pendingMenu(`${KEY}2`)).toBeUndefined();
  });

  it("each tenant sees its own menus only", async () => {
    const other = await b.open({ clock, tenant: "kanzlei" });
    await store.commit({ menu: { key: KEY, pending: menu() } });
    expect(await other.pendingMenu(KEY)).toBeUndefined();
    await other.commit({ menu: { key: KEY, pending: menu({ drill: true }) } });
    expect(await store.pendingMenu(KEY)).toEqual(menu());
    await other.commit({ menu: { key: KEY, pending: null } });
    expect(await store.pendingMenu(KEY)).toEqual(menu());
  });
});
