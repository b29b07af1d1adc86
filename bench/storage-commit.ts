/**
 * Commit latency of the storage port alone (src/storage on drizzle + better-sqlite3), between the raw floor
 * (bench/ack-floor.ts) and the whole service (bench/ack.ts): it shows how much of the gap is storage.
 *
 * One commit = what an acknowledgement writes (bench/lib/commit-workload.ts), through `StoragePort.commit`.
 * Same file settings as production (WAL; synchronous NORMAL or FULL), same number of incidents, round-robin.
 *
 * In the suite: node bench/storage-commit.ts --dir <dir with ack-shape.json> [--incidents 200 --warmup 500 --acks 6000]
 * Alone:        node bench/storage-commit.ts [NORMAL|FULL] [commits]   (built-in sample shape)
 * (Folded into `npm run bench` from an earlier stand-alone measurement of the same hot path.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage, type SynchronousMode } from "../src/storage/index.ts";
import { args, report } from "./lib/args.ts";
import { CommitWorkload, loadShape } from "./lib/commit-workload.ts";
import { latency } from "./lib/stats.ts";

const positional = process.argv.slice(2).filter((x, i, all) => !x.startsWith("--") && !all[i - 1]?.startsWith("--"));
const a = args();
const mode = (positional[0] ?? "NORMAL") as SynchronousMode;
const nAcks = a.num("acks", Number(positional[1] ?? 6000));
const nIncidents = a.num("incidents", 200);
const warmup = a.num("warmup", Math.min(500, nAcks / 10));
const shapeDir = a.flag("dir") ? a.str("dir") : undefined;

const dir = mkdtempSync(join(shapeDir ?? tmpdir(), "storage-commit-"));
const store = openStorage(join(dir, "commit.db"), { synchronous: mode });
const work = new CommitWorkload(loadShape(shapeDir), nIncidents);
for (const c of work.seedCommits()) {
  const res = await store.commit(c);
  if (!res.ok) throw new Error(res.reason);
}

async function oneCommit(k: number): Promise<void> {
  const { commit, done } = work.next(k);
  const res = await store.commit(commit);
  if (!res.ok) throw new Error(`commit refused: ${res.reason}`);
  done();
}

let k = 0;
for (; k < warmup; k++) await oneCommit(k);
const times: number[] = [];
for (const end = k + nAcks; k < end; k++) {
  const t = process.hrtime.bigint();
  await oneCommit(k);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const l = latency(times);
process.stderr.write(
  `synchronous=${mode} commits=${l.n} mean=${(l.totalMs / l.n).toFixed(3)} ms p50=${l.p50.toFixed(3)} ms p99=${l.p99.toFixed(3)} ms max=${l.max.toFixed(3)} ms (${Math.round(l.perSec)} commits/s)\n`,
);
report({ synchronous: mode, handle: l });
await store.close();
rmSync(dir, { recursive: true, force: true });
