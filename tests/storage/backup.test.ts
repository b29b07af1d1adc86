/**
 * Backup and restore as docs/operations.md describes them, on both backends: back up while the bot is writing,
 * restore into a fresh database, and the incident's hash chain still verifies.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GENESIS, hashEntry, verifyChain } from "../../src/core/chain.ts";
import type { StoragePort, TimelineEntry } from "../../src/core/ports.ts";
import { openStorage } from "../../src/storage/index.ts";
import { openPgStorage } from "../../src/storage/pg/index.ts";
import { freshDatabase, postgres } from "../postgres/context.ts";
import { incident, out, tempDir } from "./helpers.ts";

/** Writes an incident with `n` chained timeline entries (one commit each, as the bot does). */
async function incidentWithChain(store: StoragePort, n: number): Promise<TimelineEntry[]> {
  await store.commit({ incident: { record: incident({ lastHash: GENESIS, lastSeq: 0 }) } });
  const entries: TimelineEntry[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      incidentId: "NF-2026-0001",
      seq,
      at: `2026-03-02T08:${String(seq).padStart(2, "0")}:00.000Z`,
      actorId: "U1",
      actorName: "Anna",
      platform: "slack",
      kind: "note",
      text: `Notiz ${seq}: Server vom Netz, Änderungen „protokolliert“`,
      data: { seq, zuletzt: { b: 2, a: 1 } }, // key order matters to the hash
      prevHash: prev,
    };
    const entry = { ...e, hash: hashEntry(e) };
    const res = await store.commit({
      incident: { record: incident({ lastHash: entry.hash, lastSeq: seq }), expectedVersion: seq },
      timeline: [entry],
      outbox: [out(`NF-2026-0001/note/${seq}`)],
    });
    expect(res).toEqual({ ok: true });
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

describe("backup and restore [sqlite]", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("VACUUM INTO while the bot is running: the restored file verifies", async () => {
    const live = openStorage(tmp.file);
    const entries = await incidentWithChain(live, 12);
    const backup = join(tmp.dir, "notfall-backup.db");
    // What the operator runs (sqlite3 ./data/notfall.db "VACUUM INTO '…'"), here through the bot's own connection.
    live.db.$client.prepare("VACUUM INTO ?").run(backup);
    await live.commit({ outbox: [out("nach dem Backup")] }); // the bot goes on writing
    await live.close();

    const restoredFile = join(tmp.dir, "restored", "notfall.db");
    mkdirSync(join(tmp.dir, "restored"));
    copyFileSync(backup, restoredFile);
    const restored = openStorage(restoredFile);
    try {
      const timeline = await restored.timeline("NF-2026-0001");
      expect(timeline).toEqual(entries);
      expect(verifyChain(timeline)).toEqual({ ok: true, entries: 12, head: entries[11]!.hash });
      expect((await restored.getIncident("NF-2026-0001"))?.lastHash).toBe(entries[11]!.hash);
    } finally {
      await restored.close();
    }
  });

  it("the online backup API (better-sqlite3 backup()): the restored file verifies", async () => {
    const live = openStorage(tmp.file);
    const entries = await incidentWithChain(live, 5);
    const backup = join(tmp.dir, "online-backup.db");
    await live.db.$client.backup(backup);
    await live.close();
    const restored = openStorage(backup);
    try {
      expect(verifyChain(await restored.timeline("NF-2026-0001"))).toEqual({ ok: true, entries: 5, head: entries[4]!.hash });
    } finally {
      await restored.close();
    }
  });
});

describe("backup and restore [postgres]", () => {
  it("pg_dump -Fc while the bot is running, pg_restore into a new database: the chain verifies", async () => {
    const { binDir } = postgres();
    const source = await freshDatabase("backup");
    const target = await freshDatabase("restore");
    const tmp = tempDir();
    try {
      const live = await openPgStorage(source.url, { max: 2 });
      const entries = await incidentWithChain(live, 12);
      const dump = join(tmp.dir, "notfall.dump");
      execFileSync(join(binDir, "pg_dump"), ["--format=custom", "--no-owner", `--file=${dump}`, `--dbname=${source.url}`]);
      await live.commit({ outbox: [out("nach dem Backup")] });
      await live.close();

      execFileSync(join(binDir, "pg_restore"), ["--no-owner", "--exit-on-error", `--dbname=${target.url}`, dump]);
      const restored = await openPgStorage(target.url, { max: 2 });
      try {
        const timeline = await restored.timeline("NF-2026-0001");
        expect(timeline).toEqual(entries);
        expect(verifyChain(timeline)).toEqual({ ok: true, entries: 12, head: entries[11]!.hash });
        // The restored database carries its migration state: opening it applied nothing, and it takes new commits.
        const applied = await restored.pool.query("select count(*)::int as n from drizzle.__drizzle_migrations");
        expect(applied.rows[0].n).toBeGreaterThan(0);
        expect(await restored.commit({ outbox: [out("nach der Wiederherstellung")] })).toEqual({ ok: true });
        const ids = await restored.pool.query<{ id: number }>("select id from outbox order by id");
        expect(ids.rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1)); // identity continues
      } finally {
        await restored.close();
      }
    } finally {
      tmp.cleanup();
      await source.drop();
      await target.drop();
    }
  });
});
