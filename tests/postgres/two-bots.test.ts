/**
 * Two whole bots (createBot, as `serve` wires them) on one PostgreSQL, each with its own pool and owner name, for
 * three tenants: any process may receive any tenant's event; every outbox message reaches the platform once and in
 * order per thread; every timer fires once; numbering is per tenant; a redelivered event has one effect, whichever
 * process gets it. One fake clock for both (nothing sleeps).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Bot, createBot, type Tenancy, type TenantSetup } from "../../src/app.ts";
import type { Capabilities, ChatAdapter, DeliveryResult, InboundHandler } from "../../src/core/adapter.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import type { Outbound } from "../../src/core/message.ts";
import type { Commit } from "../../src/core/ports.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openPgStorage, type PgStorage } from "../../src/storage/pg/index.ts";
import { freshDatabase } from "./context.ts";

const playbooks = loadPlaybooks();
const TENANTS = ["praxis-a", "praxis-b", "kanzlei-c"] as const;
/** Each tenant's chat workspace (the platform's own id). */
const workspaceOf = (t: string) => `W-${t}`;
const channelOf = (t: string) => `memory:${workspaceOf(t)}:c1`;

/** One chat platform both processes talk to: refs are unique across processes, every call is recorded in order. */
class Platform {
  readonly calls: { channel: string; key: string; text: string; ref: string; by: string }[] = [];
  private n = 0;
  deliver(msg: Outbound, by: string): DeliveryResult {
    const ref = msg.replace && msg.replaceRef ? msg.replaceRef : `m${++this.n}`;
    this.calls.push({ channel: msg.channel, key: msg.key, text: msg.text, ref, by });
    return { ref };
  }
  /** The root message of a tenant's incident (the header the bot posted first in its channel). */
  rootOf(tenant: string): string {
    return this.calls.find((c) => c.channel === channelOf(tenant) && c.key.endsWith("/header"))!.ref;
  }
}

class PlatformAdapter implements ChatAdapter {
  readonly platform = "memory" as const;
  readonly capabilities: Capabilities = {
    buttons: true,
    update: true,
    reactions: true,
    ephemeral: true,
    threads: true,
    threadRoot: "bot",
  } as Capabilities;
  handler: InboundHandler | undefined;
  private readonly p: Platform;
  private readonly name: string;
  constructor(p: Platform, name: string) {
    this.p = p;
    this.name = name;
  }
  async start(onEvent: InboundHandler): Promise<void> {
    this.handler = onEvent;
  }
  async stop(): Promise<void> {}
  async deliver(msg: Outbound): Promise<DeliveryResult> {
    await new Promise((r) => setImmediate(r)); // a real platform answers later: lets the other process interleave
    return this.p.deliver(msg, this.name);
  }
}

/** Successful firings per `tenant/timer id`, over both processes (a firing is a commit with `firedTimers`). */
let firings: Map<string, number>;
let refusedFirings = 0;
let firedBy: Map<string, number>;

/** A tenant's store whose commits count timer firings. */
function counting(store: PgStorage, tenant: string, proc: string): PgStorage {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== "commit") return Reflect.get(target, prop, receiver);
      return async (c: Commit) => {
        const res = await target.commit(c);
        for (const id of c.firedTimers ?? []) {
          if (res.ok) {
            firings.set(`${tenant}/${id}`, (firings.get(`${tenant}/${id}`) ?? 0) + 1);
            firedBy.set(proc, (firedBy.get(proc) ?? 0) + 1);
          } else if (res.reason === "timer-already-fired") refusedFirings++;
        }
        return res;
      };
    },
  });
}

function tenancyOn(pg: PgStorage, proc: string): Tenancy {
  const setups = new Map<string, TenantSetup>(
    TENANTS.map((t) => [t, { id: t, storage: counting(pg.forTenant(t), t, proc), config: { name: t } }]),
  );
  return {
    resolve: (ev) => TENANTS.find((t) => workspaceOf(t) === ev.tenant),
    get: (id) => setups.get(id),
    ids: () => setups.keys(),
  };
}

interface Proc {
  pg: PgStorage;
  bot: Bot;
  adapter: PlatformAdapter;
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let clock: FakeClock;
let platform: Platform;
let procs: Proc[];
let n = 0;

beforeAll(async () => {
  db = await freshDatabase("twobots");
});
afterAll(async () => {
  await db.drop();
});

async function startProc(name: string): Promise<Proc> {
  const pg = await openPgStorage(db.url, { owner: name, clock, max: 4 });
  const adapter = new PlatformAdapter(platform, name);
  const bot = createBot({
    storage: pg,
    tenancy: tenancyOn(pg, name),
    shared: { port: pg, pollMs: 2000, outboxLeaseMs: 60_000, timerLeaseMs: 60_000 },
    adapters: [adapter],
    clock,
    playbooks,
  });
  await bot.start();
  return { pg, bot, adapter };
}

beforeEach(async () => {
  clock = new FakeClock("2026-03-02T08:00:00Z");
  platform = new Platform();
  firings = new Map();
  firedBy = new Map();
  refusedFirings = 0;
  const admin = await openPgStorage(db.url, { max: 1 });
  await admin.pool.query("TRUNCATE outbox, timeline, tasks, timers, deliveries, incidents RESTART IDENTITY");
  await admin.close();
  procs = [await startProc("prozess-1"), await startProc("prozess-2")];
});
afterEach(async () => {
  for (const p of procs) {
    await p.bot.stop();
    await p.pg.close();
  }
});

async function idle(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.all(procs.map((p) => p.bot.idle()));
}

function event(tenant: string, text: string, opts: { kind?: Inbound["kind"]; thread?: boolean; deliveryId?: string } = {}): Inbound {
  return {
    platform: "memory",
    tenant: workspaceOf(tenant),
    channel: channelOf(tenant),
    actor: { id: `u-${tenant}`, displayName: `Anna ${tenant}` },
    kind: opts.kind ?? "reply",
    text,
    receivedAt: clock.now(),
    deliveryId: opts.deliveryId ?? `ev-${++n}`,
    ...(opts.thread ? { threadRef: platform.rootOf(tenant) } : {}),
  };
}

/** Every outbox row of every tenant, in id order, with what identifies its platform call. */
async function outboxRows(): Promise<
  { id: number; tenant: string; lane: string; status: string; channel: string; key: string; text: string }[]
> {
  const r = await procs[0]!.pg.pool.query(
    "select id::int as id, tenant, lane, status, channel, key, message->>'text' as text from outbox order by id",
  );
  return r.rows;
}

/** Each row delivered exactly once, and the calls of a lane in the order of its rows. */
async function expectEachDeliveredOnceInOrder(): Promise<void> {
  const rows = await outboxRows();
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
  const ident = (x: { channel: string; key: string; text: string }) => `${x.channel}\n${x.key}\n${x.text}`;
  expect(platform.calls.map(ident).sort()).toEqual(rows.map(ident).sort());
  const queue = new Map<string, typeof rows>();
  for (const r of rows) queue.set(ident(r), [...(queue.get(ident(r)) ?? []), r]);
  const lastIdOfLane = new Map<string, number>();
  for (const c of platform.calls) {
    const row = queue.get(ident(c))!.shift()!;
    const lane = `${row.tenant}\n${row.lane}`;
    expect(row.id, `lane ${lane}`).toBeGreaterThan(lastIdOfLane.get(lane) ?? 0);
    lastIdOfLane.set(lane, row.id);
  }
}

describe("two bots on one PostgreSQL, three tenants", () => {
  it("events of every tenant arrive at either process; each message is delivered once, in order per thread", async () => {
    // each tenant declares at the first process, then its people write to either process
    for (const [i, t] of TENANTS.entries())
      await procs[i % 2]!.adapter.handler!(event(t, "verschlüsselung Server zeigt Erpressernachricht", { kind: "command" }));
    await idle();
    for (const [i, t] of TENANTS.entries()) {
      for (const [j, text] of ["rolle koordinator", "rolle technik", "erledigt 1", "status"].entries()) {
        await procs[(i + j) % 2]!.adapter.handler!(event(t, text, { thread: true }));
      }
    }
    await idle();
    await expectEachDeliveredOnceInOrder();
    // both processes delivered (the work was shared), and numbering is per tenant
    expect(new Set(platform.calls.map((c) => c.by))).toEqual(new Set(["prozess-1", "prozess-2"]));
    for (const t of TENANTS) {
      const ids = (await procs[1]!.pg.forTenant(t).listIncidents()).map((r) => r.id);
      expect(ids).toEqual(["NF-2026-0001"]);
    }
  });

  it("every timer fires once, whichever process claims it", async () => {
    for (const [i, t] of TENANTS.entries())
      await procs[i % 2]!.adapter.handler!(event(t, "verschlüsselung Erpressernachricht", { kind: "command" }));
    await idle();
    const before = await procs[0]!.pg.pool.query("select count(*)::int as n from timers where fired_at is null and cancelled_at is null");
    expect(before.rows[0].n).toBeGreaterThan(0);
    // four hours in steps: reminders and the first deadlines fall due while both processes poll
    for (let m = 0; m < 240; m += 5) {
      await clock.advance(5 * 60_000);
      await idle();
    }
    const fired = await procs[0]!.pg.pool.query("select tenant, id, claimed_by from timers where fired_at is not null order by tenant, id");
    expect(fired.rows.length).toBeGreaterThan(TENANTS.length);
    // each fired timer was fired by exactly one successful commit, in one of the two processes
    expect(firings.size).toBe(fired.rows.length);
    expect([...firings.values()].every((k) => k === 1)).toBe(true);
    expect(refusedFirings).toBe(0); // claims keep the processes from even trying the same timer
    expect([...firedBy.values()].reduce((a, b) => a + b, 0)).toBe(fired.rows.length);
    const overdue = await procs[0]!.pg.pool.query(
      "select count(*)::int as n from timers where fired_at is null and cancelled_at is null and due_at <= $1",
      [clock.now().toISOString()],
    );
    expect(overdue.rows[0].n).toBe(0);
    await expectEachDeliveredOnceInOrder();
  });

  it("a platform event redelivered to the other process has no second effect", async () => {
    await procs[0]!.adapter.handler!(event("praxis-a", "verschlüsselung Erpressernachricht", { kind: "command" }));
    await idle();
    const note = event("praxis-a", "notiz Server vom Netz getrennt", { thread: true, deliveryId: "slack-retry-1" });
    await Promise.all([procs[0]!.adapter.handler!(note), procs[1]!.adapter.handler!({ ...note })]);
    await idle();
    const timeline = await procs[0]!.pg.forTenant("praxis-a").timeline("NF-2026-0001");
    expect(timeline.filter((e) => e.kind === "note")).toHaveLength(1);
    await expectEachDeliveredOnceInOrder();
  });

  it("an event of one tenant never reaches another tenant's incident of the same number", async () => {
    await procs[0]!.adapter.handler!(event("praxis-a", "verschlüsselung Erpressernachricht", { kind: "command" }));
    await procs[1]!.adapter.handler!(event("praxis-b", "phishing Mail mit Link geklickt", { kind: "command" }));
    await idle();
    await procs[1]!.adapter.handler!(event("praxis-b", "notiz nur für Praxis B", { thread: true }));
    await idle();
    const a = await procs[0]!.pg.forTenant("praxis-a").timeline("NF-2026-0001");
    const b = await procs[0]!.pg.forTenant("praxis-b").timeline("NF-2026-0001");
    expect(a.some((e) => e.text.includes("nur für Praxis B"))).toBe(false);
    expect(b.some((e) => e.text.includes("nur für Praxis B"))).toBe(true);
    expect(platform.calls.filter((c) => c.channel === channelOf("praxis-a")).some((c) => c.text.includes("Praxis B"))).toBe(false);
  });
});
