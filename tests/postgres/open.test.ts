/** Opening PostgreSQL storage: migrations applied once, also by several processes starting together. */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openPgStorage } from "../../src/storage/pg/index.ts";
import { incident } from "../storage/helpers.ts";
import { freshDatabase } from "./context.ts";

const migrationFiles = readdirSync(fileURLToPath(new URL("../../drizzle-pg", import.meta.url))).filter((f) => f.endsWith(".sql"));
let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeEach(async () => {
  db = await freshDatabase("open");
});
afterEach(async () => {
  await db.drop();
});

async function appliedMigrations(url: string): Promise<number> {
  const s = await openPgStorage(url, { max: 1 });
  try {
    return (await s.pool.query("select count(*)::int as n from drizzle.__drizzle_migrations")).rows[0].n;
  } finally {
    await s.close();
  }
}

describe("openPgStorage", () => {
  it("migrates a fresh database once; data survives reopening", async () => {
    const first = await openPgStorage(db.url);
    expect(await first.commit({ incident: { record: incident() } })).toEqual({ ok: true });
    await first.close();
    await first.close(); // closing twice is harmless
    const again = await openPgStorage(db.url);
    try {
      expect(await again.getIncident("NF-2026-0001")).toEqual(incident());
    } finally {
      await again.close();
    }
    expect(await appliedMigrations(db.url)).toBe(migrationFiles.length);
  });

  it("several processes opening a fresh database at once all succeed and migrate it once", async () => {
    const moduleUrl = new URL("../../src/storage/pg/index.ts", import.meta.url).href;
    const script = `const { openPgStorage } = await import(${JSON.stringify(moduleUrl)}); await (await openPgStorage(process.argv[1], { max: 1 })).close();`;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, db.url], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += String(d);
      });
      return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
    });
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 4 }, () => ({ code: 0, stderr: "" })));
    expect(await appliedMigrations(db.url)).toBe(migrationFiles.length);
  });

  it("an unreachable server fails the open with the driver's reason, and leaves nothing open", async () => {
    const u = new URL(db.url);
    u.port = "1"; // nothing listens there
    await expect(openPgStorage(u.toString(), { connectionTimeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
