/**
 * `notfallbot serve` runs the incident service, storage, scheduler and dispatcher in a worker thread
 * (src/workers/bot-thread.ts, bot-worker.ts). Through the real worker on a temporary SQLite file, with an adapter on
 * this thread: events are committed in the worker, deliveries come back to the adapter here, a redelivered event has
 * no second effect, the storage is closed on stop. A worker that dies is reported once (serve exits non-zero on it).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { AdapterError } from "../../src/core/adapter.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import { blocksToPlain } from "../../src/core/message.ts";
import { BotThread } from "../../src/workers/bot-thread.ts";
import { WORKER_NICE } from "../../src/workers/nice.ts";
import { MemoryAdapter } from "../helpers/memory-adapter.ts";
import { tempDir } from "../helpers/tmp.ts";

const tmp = tempDir("notfallbot-bot-thread-");
const threads: BotThread[] = [];
afterEach(async () => {
  while (threads.length) await threads.pop()!.stop();
});

function thread(file: string, deaths: string[] = [], url?: URL): BotThread {
  const t = new BotThread({
    data: {
      storage: { kind: "sqlite", file },
      config: undefined,
      configPath: undefined,
      playbookDir: undefined,
      locale: undefined,
      env: {},
    },
    log: () => {},
    onDeath: (why) => deaths.push(why),
    ...(url ? { url } : {}),
  });
  threads.push(t);
  return t;
}

const command = (deliveryId: string, text: string, channel = "memory:t:c1"): Inbound => ({
  platform: "memory",
  tenant: "t",
  channel,
  actor: { id: "anna", displayName: "Anna" },
  kind: "command",
  text,
  receivedAt: new Date(),
  deliveryId,
});

/** Nice value and scheduling policy of every thread of this process (Linux: fields 19 and 41 of /proc/self/task/<tid>/stat). */
function threadPriorities(): Map<string, { nice: number; policy: number }> {
  const out = new Map<string, { nice: number; policy: number }>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, { nice: Number(fields[16]), policy: Number(fields[38]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Linux's SCHED_OTHER and SCHED_IDLE (include/uapi/linux/sched.h). */
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

describe("the bot thread of serve", () => {
  it("runs at the lowest CPU priority, under SCHED_IDLE where chrt is installed; the thread that answers HTTP keeps its own", async () => {
    const before = threadPriorities();
    const own = before.get(String(process.pid));
    const t = thread(join(tmp.dir, "nice.db"));
    expect((await t.start([new MemoryAdapter()])).ok).toBe(true);
    const after = threadPriorities();
    const lowered = [...after].filter(([tid, p]) => !before.has(tid) && p.nice === WORKER_NICE);
    expect(lowered).toHaveLength(1); // the bot thread (its helper threads start before it lowers itself)
    // util-linux is on every machine this runs on (CI, the Debian/Ubuntu hosts of the systemd unit); without chrt the
    // nice value stands alone
    const withChrt = existsSync("/usr/bin/chrt") || existsSync("/bin/chrt");
    expect(lowered[0]![1].policy).toBe(withChrt ? SCHED_IDLE : SCHED_OTHER);
    expect(after.get(String(process.pid))).toEqual(own);
    expect(own?.policy).toBe(SCHED_OTHER);
    // no other thread of the process was moved to SCHED_IDLE (V8's helpers are shared with the thread answering HTTP)
    const movedToIdle = [...after].filter(([tid, p]) => p.policy === SCHED_IDLE && before.get(tid)?.policy !== SCHED_IDLE);
    expect(movedToIdle.map(([tid]) => tid)).toEqual(withChrt ? [lowered[0]![0]] : []);
    expect(WORKER_NICE).toBe(19);
  });

  it("commits events in the worker, delivers through the adapter of this thread, ignores a redelivery", async () => {
    const file = join(tmp.dir, "a.db");
    const adapter = new MemoryAdapter();
    const deaths: string[] = [];
    const t = thread(file, deaths);
    const started = await t.start([adapter]);
    expect(started).toMatchObject({ ok: true, info: { description: `SQLite ${file}` } });
    await adapter.start(t.receive);

    // three incidents in three channels, sent without waiting: handled in the order received
    await Promise.all([1, 2, 3].map((n) => adapter.handler!(command(`d${n}`, `verschlüsselung Server ${n}`, `memory:t:c${n}`))));
    await t.idle();
    const headers = adapter.sent.filter((m) => !m.thread && m.key.endsWith("/header"));
    expect(headers.map((m) => m.channel)).toEqual(["memory:t:c1", "memory:t:c2", "memory:t:c3"]);
    expect(blocksToPlain(headers[0]!.blocks)).toMatch(/NF-\d{4}-0001/);
    const before = adapter.sent.length;

    await adapter.handler!(command("d1", "verschlüsselung Server 1")); // the platform's retry of the first
    await t.idle();
    expect(adapter.sent.length).toBe(before);
    expect((await t.health()).database).toBe(true);

    await t.stop();
    threads.length = 0;
    expect(deaths).toEqual([]);
    const db = new Database(file, { readonly: true });
    expect((db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n).toBe(3);
    expect((db.prepare("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").get() as { n: number }).n).toBe(0);
    db.close();
  });

  it("adapter state (Teams references) is read and written in the worker's database, also before the adapters are handed over", async () => {
    const file = join(tmp.dir, "s.db");
    const t = thread(file);
    await t.adapterState.putAdapterState("teams", "ref", "teams:t1:c1", '{"serviceUrl":"https://x"}');
    expect(await t.adapterState.getAdapterState("teams", "ref", "teams:t1:c1")).toBe('{"serviceUrl":"https://x"}');
    expect(await t.adapterState.getAdapterState("teams", "ref", "teams:t1:other")).toBeUndefined();
    expect((await t.start([new MemoryAdapter()])).ok).toBe(true);
    await t.stop();
    threads.length = 0;
    const db = new Database(file, { readonly: true });
    expect((db.prepare("SELECT count(*) AS n FROM adapter_state").get() as { n: number }).n).toBe(1);
    db.close();
  });

  it("a delivery error of the adapter reaches the worker's dispatcher as the same AdapterError (retried, then sent)", async () => {
    const adapter = new MemoryAdapter();
    adapter.failures.push(new AdapterError("rate_limited", "zu schnell", { retryAfterMs: 1, platformCode: "ratelimited" }));
    const t = thread(join(tmp.dir, "b.db"));
    expect((await t.start([adapter])).ok).toBe(true);
    await adapter.start(t.receive);
    await adapter.handler!(command("e1", "verschlüsselung Server"));
    await t.idle();
    expect(adapter.failures).toEqual([]);
    // the retry waits retryAfterMs on the system clock of the worker (idle() does not wait for a retry not yet due)
    await expect.poll(() => adapter.sent.some((m) => !m.thread && m.key.endsWith("/header")), { timeout: 10_000 }).toBe(true);
  });

  it("a storage that cannot be opened is a failed start with the reason, not a death", async () => {
    const adapter = new MemoryAdapter();
    const deaths: string[] = [];
    const t = thread(join(tmp.dir, "no-such-dir", "x", "\0bad.db"), deaths);
    const started = await t.start([adapter]);
    expect(started.ok).toBe(false);
    expect(started).toMatchObject({ stage: "storage" });
    expect(deaths).toEqual([]);
  });

  it("a worker that dies is reported once, with its exit code", async () => {
    const deaths: string[] = [];
    const t = thread(join(tmp.dir, "c.db"), deaths, new URL("./bot-thread-dies.mjs", import.meta.url));
    expect((await t.start([new MemoryAdapter()])).ok).toBe(true);
    void t.receive(command("x1", "hilfe"));
    await expect.poll(() => deaths.length).toBe(1);
    expect(deaths[0]).toMatch(/Code 3/);
    threads.length = 0;
  });

  it("an uncaught error in the worker is reported once, with its message", async () => {
    const deaths: string[] = [];
    const t = thread(join(tmp.dir, "d.db"), deaths, new URL("./bot-thread-throws.mjs", import.meta.url));
    expect((await t.start([new MemoryAdapter()])).ok).toBe(true);
    void t.receive(command("x1", "hilfe"));
    await expect.poll(() => deaths.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatch(/kaputt beim Ereignis/);
    threads.length = 0;
  });
});
