/**
 * "Matrix sync runs in exactly one process": the leadership lock on the real server. A real child process holds it
 * and is killed with SIGKILL; the server ends its session and a waiting process takes over within seconds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Leadership } from "../../src/storage/pg/index.ts";
import { freshDatabase } from "./context.ts";

let db: Awaited<ReturnType<typeof freshDatabase>>;
const running: Leadership[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase("leader");
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});
afterAll(async () => {
  await db.drop();
});

function leader(name: string, log: string[], who: string): Leadership {
  const l = new Leadership(db.url, name, {
    pollMs: 100,
    checkMs: 100,
    onAcquired: () => log.push(`${who}+`),
    onLost: (why) => log.push(`${who}- ${why}`),
  });
  running.push(l);
  return l;
}

/** Resolves when `cond()` holds, checking every 20 ms; rejects after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`nicht eingetreten nach ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

describe("leadership", () => {
  it("exactly one of two processes holds a role; stopping hands it over", async () => {
    const log: string[] = [];
    const a = leader("matrix-sync", log, "a");
    const b = leader("matrix-sync", log, "b");
    await a.start();
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    // Another role is independent.
    const other = leader("andere-rolle", log, "c");
    await other.start();
    expect(other.isLeader).toBe(true);

    await a.stop();
    expect(a.isLeader).toBe(false);
    await until(() => b.isLeader, 5000, "b übernimmt");
    expect(log).toEqual(["a+", "c+", "a- stopped", "b+"]);
  });

  it("a process killed with SIGKILL loses the role; another takes over within seconds", async () => {
    const moduleUrl = new URL("../../src/storage/pg/index.ts", import.meta.url).href;
    const script = `
      const { Leadership } = await import(${JSON.stringify(moduleUrl)});
      const l = new Leadership(process.argv[1], "matrix-sync", { pollMs: 100, onAcquired: () => console.log("leader") });
      await l.start();
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, db.url], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      out += String(d);
    });
    await until(() => out.includes("leader"), 15_000, `Kindprozess wird Leader (Ausgabe: ${out})`);

    const log: string[] = [];
    const me = leader("matrix-sync", log, "ich");
    await me.start();
    expect(me.isLeader).toBe(false);
    await new Promise((r) => setTimeout(r, 300)); // several polls: still held by the child
    expect(me.isLeader).toBe(false);

    child.kill("SIGKILL");
    const ms = await until(() => me.isLeader, 5000, "Übernahme nach kill -9");
    expect(ms).toBeLessThan(5000);
    expect(log).toEqual(["ich+"]);
  });

  it("the holder notices when its connection is cut and gives the role up; another takes over", async () => {
    const log: string[] = [];
    const a = leader("matrix-sync", log, "a");
    const b = leader("matrix-sync", log, "b");
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    // The server ends a's session (as after a network cut noticed by the server, or an admin).
    const pg = (await import("pg")).default;
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'notfallbot leader:matrix-sync' and pid <> pg_backend_pid() and pid in (select pid from pg_locks where locktype = 'advisory' and granted)",
      );
    } finally {
      await admin.end();
    }
    await until(() => !a.isLeader, 5000, "a merkt den Verlust");
    await until(() => b.isLeader || a.isLeader, 5000, "jemand übernimmt");
    expect(log[0]).toBe("a+");
    expect(log[1]).toMatch(/^a- connection lost/);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
  });
});
