/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof` or `npm run bench -- --profile`): the top frames by
 * self time and by total (inclusive) time, in percent of the samples considered.
 *
 *   node bench/profile-summary.ts <file.cpuprofile> [--focus <function name>] [--self 25] [--total 40]
 *
 * `--focus handle` only counts samples taken while a frame of that name was on the stack (e.g. the incident
 * service's `handle`, leaving out delivery and the benchmark loop). Native time (SQLite inside better-sqlite3)
 * shows as `(native)`, attributed to the JavaScript frame that called it in the total list.
 */
import { readFileSync } from "node:fs";
import { args } from "./lib/args.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const file = process.argv[2];
if (!file || file.startsWith("--")) {
  console.error("usage: node bench/profile-summary.ts <file.cpuprofile> [--focus <function>] [--self N] [--total N]");
  process.exit(2);
}
const a = args(process.argv.slice(3));
const focus = a.flag("focus") ? a.str("focus") : undefined;
const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n: ProfileNode): string {
  const f = n.callFrame;
  if (!f.url && (f.functionName === "" || f.functionName === "(anonymous)")) return "(native)";
  const where = f.url.replace(/^.*\/(node_modules\/|src\/|bench\/)/, "$1").replace(/^file:\/\//, "");
  return `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
}

const self = new Map<string, number>();
const total = new Map<string, number>();
let considered = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  const stack: string[] = [];
  for (let n: ProfileNode | undefined = byId.get(prof.samples[i]!); n; n = byId.get(parent.get(n.id) ?? -1)) stack.push(label(n));
  if (focus && !stack.some((l) => l.startsWith(`${focus} `))) continue;
  considered += dt;
  self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + dt);
  for (const l of new Set(stack)) total.set(l, (total.get(l) ?? 0) + dt);
}

const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((x, y) => y[1] - x[1])
    .slice(0, k)
    .map(([l, v]) => `${((100 * v) / considered).toFixed(1).padStart(5)}%  ${l}`)
    .join("\n");
console.log(`${(considered / 1000).toFixed(0)} ms of samples${focus ? ` under ${focus}()` : ""}`);
console.log(`\nby self time\n${top(self, a.num("self", 25))}`);
console.log(`\nby total time\n${top(total, a.num("total", 40))}`);
