/**
 * Commit latency of the storage port alone (src/storage on drizzle + better-sqlite3), between the raw floor
 * (bench/ack-floor.ts) and the whole service (bench/ack.ts): it shows how much of the gap is storage.
 *
 * One commit = what an acknowledgement writes, through `StoragePort.commit`: delivery dedup row, incident
 * update with version check and a snapshot of the real size, one timeline entry (SHA-256 chained with
 * src/core/chain.ts), one task upsert, one outbox row with the real message. Same file settings as production
 * (WAL; synchronous NORMAL or FULL), same number of incidents, round-robin.
 *
 * In the suite: node bench/storage-commit.ts --dir <dir with ack-shape.json> [--incidents 200 --warmup 500 --acks 6000]
 * Alone:        node bench/storage-commit.ts [NORMAL|FULL] [commits]   (built-in sample shape)
 * (Folded into `npm run bench` from an earlier stand-alone measurement of the same hot path.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GENESIS, hashEntry } from "../src/core/chain.ts";
import type { Outbound } from "../src/core/message.ts";
import type { IncidentRecord } from "../src/core/ports.ts";
import { openStorage, type SynchronousMode } from "../src/storage/index.ts";
import { args, report } from "./lib/args.ts";
import { latency } from "./lib/stats.ts";

const positional = process.argv.slice(2).filter((x, i, all) => !x.startsWith("--") && !all[i - 1]?.startsWith("--"));
const a = args();
const mode = (positional[0] ?? "NORMAL") as SynchronousMode;
const nAcks = a.num("acks", Number(positional[1] ?? 6000));
const nIncidents = a.num("incidents", 200);
const warmup = a.num("warmup", Math.min(500, nAcks / 10));
const shapeDir = a.flag("dir") ? a.str("dir") : undefined;

type Shape = {
  snapshot: { machine: { context: { tasks: Record<string, unknown> } } };
  message: Outbound;
  timelineText: string;
  timelineData: unknown;
};
const shape: Shape = shapeDir
  ? JSON.parse(readFileSync(join(shapeDir, "ack-shape.json"), "utf8"))
  : {
      snapshot: { machine: { context: { tasks: {} } } },
      message: {
        key: "k",
        channel: "memory:t:c",
        text: "Sofortmaßnahmen: 3 von 7 erledigt",
        blocks: [{ type: "heading", text: "Sofortmaßnahmen" }],
        locale: "de",
      },
      timelineText: "Aufgabe 3 erledigt: Betroffene Rechner vom Netz trennen",
      timelineData: { task: "t3", nr: 3, state: "erledigt", reason: null },
    };

const dir = mkdtempSync(join(shapeDir ?? tmpdir(), "storage-commit-"));
const store = openStorage(join(dir, "commit.db"), { synchronous: mode });
const now = new Date().toISOString();
const records: IncidentRecord[] = Array.from({ length: nIncidents }, (_, i) => ({
  id: `NF-2026-${String(i + 1).padStart(4, "0")}`,
  tenant: "t",
  platform: "memory",
  channel: `memory:t:commit${i}`,
  threadRef: null,
  threadKey: `NF-2026-${String(i + 1).padStart(4, "0")}/header`,
  playbookId: "verschluesselung",
  title: "Verschlüsselung",
  level: "notfall",
  phase: "erkennung",
  drill: false,
  openedAt: now,
  awareAt: now,
  closedAt: null,
  declaredBy: "anna",
  snapshot: shape.snapshot,
  lastHash: GENESIS,
  lastSeq: 0,
  version: 0,
}));
for (const record of records) {
  const tasks = Array.from({ length: 56 }, (_, t) => ({
    incidentId: record.id,
    taskId: `task-${t + 1}`,
    nr: t + 1,
    phase: "sofort",
    role: "technik",
    critical: true,
    state: "offen",
    by: null,
    at: null,
    reason: null,
  }));
  const res = await store.commit({ incident: { record: { ...record, version: 1 } }, tasks });
  if (!res.ok) throw new Error(res.reason);
  record.version = 1;
}

async function oneCommit(k: number): Promise<void> {
  const rec = records[k % nIncidents]!;
  const step = Math.floor(k / nIncidents);
  const nr = (Math.floor(step / 2) % 56) + 1;
  const verb = step % 2 === 0 ? "bestätigt" : "erledigt";
  const at = new Date().toISOString();
  shape.snapshot.machine.context.tasks[`task-${nr}`] = { state: verb, ackBy: "ben", ackAt: at };
  const e = {
    incidentId: rec.id,
    seq: rec.lastSeq + 1,
    at,
    actorId: "ben",
    actorName: "ben",
    platform: "memory",
    kind: "task",
    text: shape.timelineText,
    data: shape.timelineData,
    prevHash: rec.lastHash,
  };
  const hash = hashEntry(e);
  const expected = rec.version;
  const next = { ...rec, snapshot: shape.snapshot, lastSeq: e.seq, lastHash: hash, version: expected + 1 };
  const key = `${rec.id}/tasks/sofort/technik`;
  const res = await store.commit({
    deliveryId: { platform: "memory", id: `commit-${k}` },
    incident: { record: next, expectedVersion: expected },
    timeline: [{ ...e, hash }],
    tasks: [
      {
        incidentId: rec.id,
        taskId: `task-${nr}`,
        nr,
        phase: "sofort",
        role: "technik",
        critical: true,
        state: verb,
        by: "ben",
        at,
        reason: null,
      },
    ],
    outbox: [{ key, incidentId: rec.id, lane: `inc:${rec.id}`, platform: "memory", message: { ...shape.message, key }, nextAttemptAt: at }],
  });
  if (!res.ok) throw new Error(`commit refused: ${res.reason}`);
  rec.lastSeq = e.seq;
  rec.lastHash = hash;
  rec.version = expected + 1;
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
