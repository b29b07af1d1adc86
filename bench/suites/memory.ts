/** Memory: RSS with 1,000 incidents opened and handled (bench/memory.ts) against modules + database only. */
import { runChild } from "../lib/child.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
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
    ctx.log("memory: Boden (Module + Datenbank)");
    const floor = (await runChild<Mem>("memory.ts", ["--mode", "floor", "--dir", ctx.dir], ["--expose-gc", ...PRODUCT_NODE_FLAGS])).result;
    ctx.log(`memory: ${n} Notfälle`);
    const bot = (
      await runChild<Mem>(
        "memory.ts",
        ["--mode", "bot", "--dir", ctx.dir, "--incidents", String(n)],
        ["--expose-gc", ...PRODUCT_NODE_FLAGS],
      )
    ).result;
    const note = `after start ${bot.started!.rssMb.toFixed(0)} MB, +${bot.perIncidentKb!.toFixed(0)} KB RSS per incident; V8 heap ${bot.heapTotalMb.toFixed(0)} MB reserved, ${bot.heapUsedMb.toFixed(0)} MB live`;
    const out: Measured[] = [
      // issue #17: at most 1.15× the floor of the same modules with an empty database (before: 150 MB absolute)
      row(
        `RSS, ${n.toLocaleString("en-US")} incidents handled`,
        bot.rssMb,
        "MB",
        floor.rssMb,
        "cost",
        "ratio <= 1.15",
        bot.rssMb <= 1.15 * floor.rssMb,
        note,
      ),
      row(`V8 heap in use, ${n.toLocaleString("en-US")} incidents handled`, bot.heapUsedMb, "MB", floor.heapUsedMb, "cost"),
    ];
    return out;
  },
};
