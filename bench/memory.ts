/**
 * Resident memory (child process of bench/run.ts, started with --expose-gc).
 *
 *   --mode floor  loads the same modules as the bot run and opens a fresh database, nothing else.
 *   --mode bot    the whole bot (playbooks loaded, createBot + start), then `--incidents` incidents declared,
 *                 each in its own channel and delivered, and one more event handled in each (`ok 1` in the
 *                 thread): every incident is in the service's cache, as after a busy day.
 *
 * Both collect garbage twice before reading `process.memoryUsage()`, so the figure is what stays, not what
 * the collector has not got round to yet. The platform is bench/lib/sink-adapter.ts, which keeps nothing
 * (the test MemoryAdapter keeps every message and would be counted against us).
 *
 * Run alone: node --expose-gc bench/memory.ts --mode bot --dir /tmp/x [--incidents 1000]
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { FakeClock } from "../src/core/clock.ts";
import { openStorage } from "../src/storage/index.ts";
import { args, report } from "./lib/args.ts";
import { SinkAdapter } from "./lib/sink-adapter.ts";
import { msSince } from "./lib/stats.ts";
import { declare, HOLDER, openWorld } from "./lib/world.ts";

const a = args();
const mode = a.str("mode");
const dir = mkdtempSync(join(a.str("dir"), `memory-${mode}-`));
const n = a.num("incidents", 1000);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("node --expose-gc bench/memory.ts …");

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 2; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage();
}

const mb = (m: NodeJS.MemoryUsage) => ({
  rssMb: m.rss / 2 ** 20,
  heapTotalMb: m.heapTotal / 2 ** 20,
  heapUsedMb: m.heapUsed / 2 ** 20,
  externalMb: m.external / 2 ** 20,
});

if (mode === "floor") {
  const storage = openStorage(join(dir, "memory.db"));
  report({ ...mb(await settle()) });
  await storage.close();
} else if (mode === "bot") {
  const w = await openWorld(join(dir, "memory.db"), new FakeClock(new Date()), new SinkAdapter());
  const started = mb(await settle());
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const o = await declare(w, `memory:t:mem${i}`);
    await w.bot.receive(w.event(HOLDER.koordinator, "ok 1", "reply", o.channel, o.root));
    await w.bot.idle();
  }
  const loadMs = msSince(t0);
  const open = (await w.storage.listIncidents({ open: true })).length;
  if (open !== n) throw new Error(`${open} statt ${n} offene Notfälle`);
  const after = mb(await settle());
  report({ ...after, started, incidents: open, loadMs, perIncidentKb: ((after.rssMb - started.rssMb) * 1024) / n });
  await w.bot.stop();
  await w.storage.close();
} else {
  throw new Error(`--mode bot|floor, nicht ${mode}`);
}
