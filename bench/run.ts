/**
 * `npm run bench`: runs every benchmark in sequence, each measuring in fresh child processes and against its
 * floor in the same run on the same machine; prints a table and writes bench/results.json
 * (`[{ name, value, unit, floor, ratio, target }]`). Method and last figures: docs/performance.md.
 *
 *   npm run bench                      everything (about 2 minutes on 2 cores)
 *   npm run bench -- --only ack,memory  some benchmarks (ids: ack, restart, memory, match, pg, worst-day, slack, matrix)
 *   npm run bench -- --quick           small workloads: checks that the suite works, figures not comparable
 *   npm run bench -- --profile         also writes CPU profiles of the measured sections to bench/profiles/
 *                                      and prints their top frames
 *   npm run bench -- --strict          exit code 1 when a target is missed (default: 0, benchmarks are not tests)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { round, show, table } from "./lib/format.ts";
import type { BenchContext, Benchmark, Measured, ResultRow } from "./lib/types.ts";
import { ackBenchmark } from "./suites/ack.ts";
import { matchBenchmark } from "./suites/match.ts";
import { matrixBenchmark } from "./suites/matrix.ts";
import { memoryBenchmark } from "./suites/memory.ts";
import { pgBenchmark } from "./suites/pg.ts";
import { restartBenchmark } from "./suites/restart.ts";
import { slackBenchmark } from "./suites/slack.ts";
import { worstDayBenchmark } from "./suites/worst-day.ts";

/** The core's benchmarks, run in this order. */
const BENCHMARKS: Benchmark[] = [ackBenchmark, restartBenchmark, memoryBenchmark, matchBenchmark, pgBenchmark, worstDayBenchmark];

/**
 * HOOKS: adapter benchmarks, added by the adapter helpers (one `Benchmark` each, in its own file under
 * bench/suites/, imported here and listed below). They run after the core's benchmarks and report rows the
 * same way: measured against a floor in the same run, e.g.
 *   - slack:  event through the Slack path (signed request → Bolt → core → outbox → Web API) vs a bare Bolt app
 *             answering the same request;
 *   - matrix: declare → first bot message in the room vs a plain matrix-js-sdk client round trip on the same
 *             homeserver.
 * Not written here on purpose.
 */
const ADAPTER_BENCHMARKS: Benchmark[] = [
  slackBenchmark, // bench/suites/slack.ts (Slack path vs bare Bolt)
  matrixBenchmark, // bench/suites/matrix.ts (Matrix declare → first message vs plain client round trip)
];

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const argv = process.argv.slice(2);
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1]!.split(",") : undefined;
const all = [...BENCHMARKS, ...ADAPTER_BENCHMARKS];
const selected = only ? all.filter((b) => only.includes(b.id)) : all;
if (only && selected.length !== only.length) {
  console.error(`Unbekannter Benchmark in --only ${only.join(",")}; vorhanden: ${all.map((b) => b.id).join(", ")}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "notfallbot-bench-"));
const profileDir = argv.includes("--profile") ? join(BENCH_DIR, "profiles") : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const t0 = Date.now();
const load0 = loadavg()[0]!;
const ctx: BenchContext = {
  dir,
  quick: argv.includes("--quick"),
  profileDir,
  log: (msg) => process.stderr.write(`  [${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`),
};

const rows: Measured[] = [];
const failed: string[] = [];
process.stderr.write(
  `notfallbot bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, load ${load0.toFixed(2)}${ctx.quick ? ", --quick (nicht vergleichbar)" : ""}\n`,
);
try {
  for (const b of selected) {
    process.stderr.write(`▶ ${b.id}: ${b.title}\n`);
    try {
      rows.push(...(await b.run(ctx)));
    } catch (err) {
      failed.push(b.id);
      process.stderr.write(`✗ ${b.id} fehlgeschlagen: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const seconds = (Date.now() - t0) / 1000;
const verdict = (r: Measured) => (r.ok === undefined ? "info" : r.ok ? "met" : "MISSED");
console.log(
  `\n${table(
    ["benchmark", "value", "floor", "ratio", "target", "result"],
    rows.map((r) => [r.name, `${show(r.value)} ${r.unit}`, `${show(r.floor)} ${r.unit}`, `${show(r.ratio)}×`, r.target || "–", verdict(r)]),
  )}`,
);
const notes = rows.filter((r) => r.note);
if (notes.length) console.log(`\n${notes.map((r) => `${r.name}: ${r.note}`).join("\n")}`);
console.log(
  `\nratio = times the floor's cost (rates: floor/value; times and sizes: value/floor). ${seconds.toFixed(0)} s, load ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}.`,
);

if (profileDir) {
  for (const f of readdirSync(profileDir).filter((x) => x.endsWith(".cpuprofile"))) {
    console.log(`\nCPU profile ${join("bench/profiles", f)} (under handle()):`);
    console.log(
      execFileSync(
        process.execPath,
        [join(BENCH_DIR, "profile-summary.ts"), join(profileDir, f), "--focus", "handle", "--self", "15", "--total", "25"],
        {
          encoding: "utf8",
        },
      ),
    );
  }
}

if (!ctx.quick && (!only || only.length === all.length) && !failed.length) {
  const json: ResultRow[] = rows.map((r) => ({
    name: r.name,
    value: round(r.value),
    unit: r.unit,
    floor: round(r.floor),
    ratio: round(r.ratio),
    target: r.target,
  }));
  writeFileSync(join(BENCH_DIR, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  console.log("bench/results.json geschrieben.");
} else {
  console.log("Nicht alles gelaufen (--only, --quick oder Fehler): bench/results.json bleibt unverändert.");
}
if (failed.length) {
  console.error(`Fehlgeschlagen: ${failed.join(", ")}`);
  process.exitCode = 1;
} else if (argv.includes("--strict") && rows.some((r) => r.ok === false)) process.exitCode = 1;
