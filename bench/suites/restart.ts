/**
 * Restart: wall time from spawning `node` to the line `ready` with 10,000 open incidents and their timers in
 * the database (bench/restart-fixture.ts builds it once per run), against the same child that only opens the
 * file and counts the incidents. One untimed start of each first (page cache), then three alternating timed
 * starts each, with the product's Node flags; medians. An informational row repeats the bot start with Node's
 * compile cache switched on.
 */
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
import { median } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Check {
  dbPending: number;
  queued: number;
  armedEarliest: boolean;
  rearmed: boolean;
}
interface Fixture {
  buildMs: number;
  incidents: number;
  pendingTimers: number;
  timeline: number;
  outbox: number;
}

export const restartBenchmark: Benchmark = {
  id: "restart",
  title: "restart with 10,000 open incidents",
  async run(ctx) {
    const incidents = ctx.quick ? 1000 : 10_000;
    const db = join(ctx.dir, "restart", "restart.db");
    mkdirSync(join(ctx.dir, "restart"), { recursive: true });
    ctx.log(`restart: baue Datenbank mit ${incidents} offenen Notfällen`);
    const fx = (await runChild<Fixture>("restart-fixture.ts", ["--db", db, "--incidents", String(incidents)])).result;
    const mb = statSync(db).size / 2 ** 20;

    const start = async (mode: "bot" | "floor", nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}) => {
      const r = await runChild<Partial<Check>>("restart-child.ts", ["--mode", mode, "--db", db], [...PRODUCT_NODE_FLAGS, ...nodeArgs], env);
      if (r.readyMs === undefined) throw new Error("kein ready");
      return { ms: r.readyMs, check: r.result };
    };
    ctx.log("restart: Aufwärmen (ungezählt)");
    await start("floor");
    await start("bot");
    const bot: number[] = [];
    const floor: number[] = [];
    const checks: Partial<Check>[] = [];
    for (let i = 1; i <= 3; i++) {
      ctx.log(`restart: Start ${i}/3`);
      floor.push((await start("floor")).ms);
      const b = await start("bot");
      bot.push(b.ms);
      checks.push(b.check);
    }
    const cache = { NODE_COMPILE_CACHE: mkdtempSync(join(ctx.dir, "compile-cache-")) };
    ctx.log("restart: mit Compile-Cache (Info)");
    await start("bot", [], cache);
    const cached: number[] = [];
    for (let i = 0; i < 3; i++) cached.push((await start("bot", [], cache)).ms);

    const rearmed = checks.every((c) => c.rearmed === true);
    const c = checks[0]!;
    const value = median(bot);
    const floorMs = median(floor);
    const note = `${fx.incidents} open incidents, ${fx.pendingTimers} pending timers (scheduler: ${c.queued}, earliest armed: ${c.armedEarliest}), ${fx.timeline} timeline rows, ${fx.outbox} messages, ${mb.toFixed(0)} MB, built in ${(fx.buildMs / 1000).toFixed(0)} s`;
    const out: Measured[] = [
      row(
        `restart to ready, ${incidents.toLocaleString("en-US")} open incidents`,
        value,
        "ms",
        floorMs,
        "cost",
        "< 1000 ms, the earliest timers in memory, the first armed",
        value < 1000 && rearmed,
        note,
      ),
      row("restart to ready, with NODE_COMPILE_CACHE (warm)", median(cached), "ms", floorMs, "cost"),
    ];
    return out;
  },
};
