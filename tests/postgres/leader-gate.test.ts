/**
 * The Matrix sync in exactly one of several processes, as `serve` wires it: each process wraps its adapter in a
 * LeaderGatedAdapter over the PostgreSQL leadership role `matrix-sync`. Only the holder runs (starts) the adapter
 * and takes Matrix messages from the outbox (canDeliver); when the holder's database session dies, another process
 * takes over within seconds and the old holder stops its adapter.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, ChatAdapter, DeliveryResult, InboundHandler } from "../../src/core/adapter.ts";
import { LeaderGatedAdapter } from "../../src/leader-gate.ts";
import { Leadership } from "../../src/storage/pg/index.ts";
import { freshDatabase } from "./context.ts";

let db: Awaited<ReturnType<typeof freshDatabase>>;
const gates: LeaderGatedAdapter[] = [];

beforeAll(async () => {
  db = await freshDatabase("gate");
});
afterEach(async () => {
  await Promise.all(gates.splice(0).map((g) => g.stop()));
});
afterAll(async () => {
  await db.drop();
});

/** Stands for the Matrix adapter: records whether it runs. */
class FakeSync implements ChatAdapter {
  readonly platform = "matrix" as const;
  readonly capabilities = { buttons: false, update: true, reactions: true, ephemeral: false, threads: true } as unknown as Capabilities;
  running = false;
  starts = 0;
  /** Start attempts that failed (e.g. the Matrix key file missing on this machine). */
  failing = false;
  failed = 0;
  async start(_on: InboundHandler): Promise<void> {
    if (this.running) throw new Error("already started");
    if (this.failing) {
      this.failed++;
      throw new Error("Schlüsseldatei fehlt");
    }
    this.running = true;
    this.starts++;
  }
  async stop(): Promise<void> {
    this.running = false;
  }
  async deliver(): Promise<DeliveryResult> {
    return { ref: "$e" };
  }
  health() {
    return { ok: true, detail: "sync syncing" };
  }
}

function gate(_name: string, opts: { failing?: boolean; log?: string[] } = {}): { gate: LeaderGatedAdapter; sync: FakeSync } {
  const sync = new FakeSync();
  sync.failing = opts.failing === true;
  const g = new LeaderGatedAdapter(
    sync,
    // rejoinMs: a holder that lost its session keeps out for 2 s, so the follower (polling every 100 ms) takes over
    (hooks) => new Leadership(db.url, "matrix-sync", { pollMs: 100, checkMs: 100, rejoinMs: 2000, ...hooks, onError: () => {} }),
    (level, msg) => void opts.log?.push(`${level}: ${msg}`),
    undefined,
    { stepDownMs: 1000 },
  );
  gates.push(g);
  return { gate: g, sync };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`nicht eingetreten nach ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

describe("Matrix sync behind the leadership role", () => {
  it("runs in one process only; when its session dies the other takes over within seconds", async () => {
    const a = gate("a");
    const b = gate("b");
    await a.gate.start(async () => {});
    await b.gate.start(async () => {});
    expect(a.sync.running).toBe(true);
    expect(b.sync.running).toBe(false);
    expect(a.gate.canDeliver()).toBe(true);
    expect(b.gate.canDeliver()).toBe(false);
    expect(b.gate.health().detail).toMatch(/anderen Prozess/);
    // the holder's database session ends as when its process is killed
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      // only the holder's session (b's own session has the same application_name but holds no lock)
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'notfallbot leader:matrix-sync' and pid in (select pid from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database()))",
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // within seconds (pollMs and checkMs 100 ms here; more under the load of a whole test run)
    await until(() => b.sync.running && !a.sync.running, 10_000, "b übernimmt, a hält an");
    expect(b.gate.canDeliver()).toBe(true);
    expect(a.gate.canDeliver()).toBe(false);
    // never both at once afterwards
    await until(() => a.gate.role.isLeader === false, 1000, "a ohne Rolle");
    await new Promise((r) => setTimeout(r, 400));
    expect([a.sync.running, b.sync.running]).toEqual([false, true]);
  });

  it("a holder whose adapter does not start hands the role over instead of keeping Matrix off everywhere", async () => {
    const log: string[] = [];
    const a = gate("a", { failing: true, log });
    const b = gate("b");
    await a.gate.start(async () => {});
    await until(() => a.sync.failed === 1, 3000, "a versucht zu starten");
    await b.gate.start(async () => {});
    // was: a kept the role with its adapter stopped, b stayed in standby for good
    await until(() => b.sync.running, 5000, "b übernimmt");
    expect(b.gate.canDeliver()).toBe(true);
    expect(a.gate.role.isLeader).toBe(false);
    expect(log.some((l) => l.startsWith("error:") && /startet nicht; die Rolle geht für 1 s an einen anderen Prozess/.test(l))).toBe(true);
    // a competes again after its pause, but b holds the role: a stays in standby and never runs
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.sync.running, b.sync.running]).toEqual([false, true]);
    expect(a.sync.failed).toBe(1);
  });

  it("a lone process whose adapter does not start tries again after its pause", async () => {
    const a = gate("a", { failing: true });
    await a.gate.start(async () => {});
    await until(() => a.sync.failed === 1, 3000, "erster Versuch");
    a.sync.failing = false; // e.g. the key file was put back
    await until(() => a.sync.running, 5000, "zweiter Versuch nach der Pause");
    expect(a.gate.canDeliver()).toBe(true);
  });

  it("stopping the holder hands the sync over", async () => {
    const a = gate("a");
    const b = gate("b");
    await a.gate.start(async () => {});
    await b.gate.start(async () => {});
    expect(a.sync.running).toBe(true);
    await a.gate.stop();
    expect(a.sync.running).toBe(false);
    await until(() => b.sync.running, 3000, "b übernimmt");
    expect(b.sync.starts).toBe(1);
  });
});
