/**
 * Upgrading an existing `./data/notfall.db` in place: the fixture was written by the bot before tenancy
 * (main at 8d474e4: `notfallbot console` declared a ransomware incident, took a role, ticked a task, added a note).
 * Opening it with today's storage migrates it; everything is still there, in the default tenant.
 */
import { copyFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/core/chain.ts";
import { openStorage } from "../../src/storage/index.ts";
import { tempDir } from "./helpers.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/storage/notfall-before-tenancy.db", import.meta.url));
const migrations = readdirSync(fileURLToPath(new URL("../../drizzle", import.meta.url))).filter((f) => f.endsWith(".sql"));

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  copyFileSync(FIXTURE, tmp.file);
});
afterEach(() => tmp.cleanup());

describe("SQLite upgrade of a database from before tenancy", async () => {
  it("keeps every incident, its hash chain, tasks, timers, messages and delivery ids, in the default tenant", async () => {
    const store = openStorage(tmp.file);
    try {
      const applied = store.db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
      expect(applied.n).toBe(migrations.length);
      const rec = await store.getIncident("NF-2026-0001");
      // The platform workspace (the old incidents.tenant) is the incident's workspace.
      expect(rec).toMatchObject({ id: "NF-2026-0001", workspace: "local", platform: "console", playbookId: "verschluesselung" });
      const chain = verifyChain(await store.timeline("NF-2026-0001"));
      expect(chain).toMatchObject({ ok: true, entries: 4, head: rec?.lastHash });
      expect(await store.tasks("NF-2026-0001")).toHaveLength(54);
      expect((await store.pendingTimers("NF-2026-0001")).length).toBeGreaterThan(0);
      expect((await store.listIncidents()).map((i) => i.id)).toEqual(["NF-2026-0001"]);
      expect((await store.openIncidentsInChannel(rec!.channel)).map((i) => i.id)).toEqual(["NF-2026-0001"]);
      expect(await store.refForKey(rec!.threadKey!)).toBeDefined();
      const ids = store.db.$client.prepare("select platform, id from deliveries").all() as { platform: string; id: string }[];
      expect(ids.length).toBeGreaterThan(0);
      for (const d of ids) expect(await store.hasDelivery(d.platform, d.id)).toBe(true);
      expect(await store.nextIncidentNumber(2026)).toBe(2);
      const tenants = store.db.$client
        .prepare(
          "select distinct tenant from (select tenant from incidents union all select tenant from timeline union all select tenant from tasks union all select tenant from timers union all select tenant from outbox union all select tenant from deliveries)",
        )
        .all();
      expect(tenants).toEqual([{ tenant: "default" }]);
      expect(store.db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(store.db.$client.pragma("integrity_check", { simple: true })).toBe("ok");

      // The upgraded file keeps working: the next commit chains onto the migrated timeline.
      expect(await store.commit({ deliveryId: { platform: "console", id: "nach-upgrade" } })).toEqual({ ok: true });
    } finally {
      await store.close();
    }
  });

  it("another tenant on the upgraded file sees none of it", async () => {
    const other = openStorage(tmp.file, { tenant: "praxis-b" });
    try {
      expect(await other.getIncident("NF-2026-0001")).toBeUndefined();
      expect(await other.listIncidents()).toEqual([]);
      expect(await other.pendingTimers()).toEqual([]);
      expect(await other.nextIncidentNumber(2026)).toBe(1);
    } finally {
      await other.close();
    }
  });
});
