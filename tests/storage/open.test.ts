import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStorage } from "../../src/storage/index.ts";
import { CHANNEL, entry, incident, out, tempDir } from "./helpers.ts";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const migrationFiles = readdirSync(fileURLToPath(new URL("../../drizzle", import.meta.url))).filter((f) => f.endsWith(".sql"));

describe("openStorage", () => {
  it("creates missing parent directories and sets the pragmas", async () => {
    const file = join(tmp.dir, "a", "b", "notfall.db");
    const store = openStorage(file);
    try {
      const p = (name: string) => store.db.$client.pragma(name, { simple: true });
      expect(p("journal_mode")).toBe("wal");
      expect(p("synchronous")).toBe(1); // NORMAL
      expect(p("foreign_keys")).toBe(1);
      expect(p("busy_timeout")).toBe(5000);
      // 512 KB page cache, not the 16 MB of better-sqlite3's build: the whole file of 1,000 incidents stayed resident (#17)
      expect(p("cache_size")).toBe(-512);
    } finally {
      await store.close();
    }
    expect(readdirSync(join(tmp.dir, "a", "b"))).toContain("notfall.db");
  });

  it("synchronous FULL can be chosen; anything else is refused", async () => {
    const store = openStorage(tmp.file, { synchronous: "FULL" });
    try {
      expect(store.db.$client.pragma("synchronous", { simple: true })).toBe(2);
    } finally {
      await store.close();
    }
    expect(() => openStorage(tmp.file, { synchronous: "OFF" as "FULL" })).toThrow(/NORMAL or FULL/);
  });

  it("data survives reopening and migrations are applied once", async () => {
    const first = openStorage(tmp.file);
    await first.commit({
      deliveryId: { platform: "slack", id: "Ev1" },
      incident: { record: incident() },
      timeline: [entry(1)],
      outbox: [out("NF-2026-0001/root")],
    });
    await first.close();
    await first.close(); // closing twice is harmless

    for (let i = 0; i < 2; i++) {
      const again = openStorage(tmp.file);
      try {
        expect(await again.getIncident("NF-2026-0001")).toEqual(incident());
        expect(await again.timeline("NF-2026-0001")).toEqual([entry(1)]);
        expect(await again.hasDelivery("slack", "Ev1")).toBe(true);
        expect(await again.dueOutbox("2026-03-02T08:00:00.000Z", 5, new Set())).toHaveLength(1);
        const applied = again.db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
        expect(applied.n).toBe(migrationFiles.length);
      } finally {
        await again.close();
      }
    }
  });

  it("a second process writing at the same time: every commit lands, nothing is lost", async () => {
    const n = 500;
    const setup = openStorage(tmp.file);
    await setup.commit({ incident: { record: incident() } });
    const storageUrl = new URL("../../src/storage/index.ts", import.meta.url).href;
    const script = `
      const { openStorage } = await import(${JSON.stringify(storageUrl)});
      const s = openStorage(process.argv[1]);
      for (let i = 0; i < ${n}; i++) {
        const r = await s.commit({ deliveryId: { platform: "child", id: String(i) }, outbox: [{ key: "child/" + i, incidentId: null, lane: "child", platform: "slack", message: { channel: "c", key: "child/" + i, text: "x", blocks: [], locale: "de" }, nextAttemptAt: "2026-03-02T08:00:00.000Z" }] });
        if (!r.ok) throw new Error("child commit refused: " + r.reason);
      }
      await s.close();
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, tmp.file], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    let exited = false;
    const done = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => {
        exited = true;
        resolve(code);
      }),
    );
    // Keep writing until the child is done, so that both really write at the same time.
    let i = 0;
    for (; !exited || i < n; i++) {
      expect(
        await setup.commit({ deliveryId: { platform: "parent", id: String(i) }, outbox: [out(`parent/${i}`, { lane: CHANNEL })] }),
      ).toEqual({
        ok: true,
      });
      // a real pause now and then: SQLite's busy handler polls with growing sleeps, and a writer that takes the lock
      // again within microseconds for seconds on end starves the other process past its 5 s busy_timeout (no real
      // process writes like that; the commits still interleave)
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect({ code: await done, stderr }).toEqual({ code: 0, stderr: "" });
    const counts = setup.db.$client.prepare("select lane, count(*) as n from outbox group by lane order by lane").all();
    expect(counts).toEqual([
      { lane: "child", n },
      { lane: CHANNEL, n: i },
    ]);
    await setup.close();
  });
  it("several processes opening a fresh file at once all succeed and migrate it once", async () => {
    const storageUrl = new URL("../../src/storage/index.ts", import.meta.url).href;
    const script = `const { openStorage } = await import(${JSON.stringify(storageUrl)}); openStorage(process.argv[1]).close();`;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, tmp.file], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += String(d);
      });
      return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
    });
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 4 }, () => ({ code: 0, stderr: "" })));
    const store = openStorage(tmp.file);
    try {
      const applied = store.db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
      expect(applied.n).toBe(migrationFiles.length);
    } finally {
      await store.close();
    }
  });
});
