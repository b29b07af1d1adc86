/**
 * Memory: RSS with 1,000 incidents opened and handled (bench/memory.ts) against modules + database only. Three
 * alternating pairs of fresh children (floor, bot), medians: the RSS of identical runs scatters by 2–8 MB (what
 * glibc's arenas of V8's helper threads keep after the burst), and one sample of each decided the verdict.
 */
import { runChild } from "../lib/child.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
import { median } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Mem {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  started?: { rssMb: number };
  perIncidentKb?: number;
}

export const memoryBenchmark: Benchmark = {
  id: "memory",
  title: "memory with 1,000 active incidents",
  async run(ctx) {
    const n = ctx.quick ? 200 : 1000;
    const pairs = ctx.quick ? 1 : 3;
    const flags = ["--expose-gc", ...PRODUCT_NODE_FLAGS];
    const floors: Mem[] = [];
    const bots: Mem[] = [];
    for (let i = 1; i <= pairs; i++) {
      ctx.log(`memory: Paar ${i}/${pairs}: Boden (Module + Datenbank), dann ${n} Notfälle`);
      floors.push((await runChild<Mem>("memory.ts", ["--mode", "floor", "--dir", ctx.dir], flags)).result);
      bots.push((await runChild<Mem>("memory.ts", ["--mode", "bot", "--dir", ctx.dir, "--incidents", String(n)], flags)).result);
    }
    const med = (xs: Mem[], f: (m: Mem) => number) => median(xs.map(f));
    const rss = med(bots, (m) => m.rssMb);
    const floorRss = med(floors, (m) => m.rssMb);
    const each = (xs: Mem[]) => xs.map((m) => m.rssMb.toFixed(0)).join(" / ");
    const note = `median of ${pairs} alternating pairs (bot ${each(bots)} MB, floor ${each(floors)} MB); after start ${med(bots, (m) => m.started!.rssMb).toFixed(0)} MB, +${med(bots, (m) => m.perIncidentKb!).toFixed(0)} KB RSS per incident; V8 heap ${med(bots, (m) => m.heapTotalMb).toFixed(0)} MB reserved, ${med(bots, (m) => m.heapUsedMb).toFixed(0)} MB live`;
    const out: Measured[] = [
      // issue #17: at most 1.15× the floor of the same modules with an empty database (before: 150 MB absolute)
      row(
        `RSS, ${n.toLocaleString("en-US")} incidents handled`,
        rss,
        "MB",
        floorRss,
        "cost",
        "ratio <= 1.15",
        rss <= 1.15 * floorRss,
        note,
      ),
      row(
        `V8 heap in use, ${n.toLocaleString("en-US")} incidents handled`,
        med(bots, (m) => m.heapUsedMb),
        "MB",
        med(floors, (m) => m.heapUsedMb),
        "cost",
      ),
    ];
    return out;
  },
};
