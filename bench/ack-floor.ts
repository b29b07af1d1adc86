/**
 * Floor for bench/ack.ts: the same durable write done by hand with better-sqlite3 (child process of bench/run.ts).
 *
 * Same schema (created by the real migrations), same file settings (WAL, synchronous NORMAL, foreign keys on),
 * same number of incidents, round-robin. One IMMEDIATE transaction per acknowledgement:
 *   - UPDATE of the incident row with a JSON snapshot of the same size (the real snapshot from the middle of
 *     bench/ack.ts's run, one task changed and serialised again each time), version check,
 *   - INSERT of one timeline entry chained with SHA-256 over the same fields as src/core/chain.ts,
 *   - one task UPSERT,
 *   - INSERT of one outbox row carrying the real outbox message of the same run (serialised each time).
 * Nothing else: no parsing, no rules, no rendering, no deduplication row, no ORM.
 *
 * Run alone: node bench/ack-floor.ts --dir /tmp/x [--incidents 200 --warmup 500 --acks 6000]
 * (needs <dir>/ack-shape.json from bench/ack.ts)
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStorage } from "../src/storage/index.ts";
import { args, report } from "./lib/args.ts";
import { latency } from "./lib/stats.ts";

const a = args();
const dir = a.str("dir");
const nIncidents = a.num("incidents", 200);
const warmup = a.num("warmup", 500);
const nAcks = a.num("acks", 6000);
const tasksPerIncident = a.num("tasks", 56);

const shape = JSON.parse(readFileSync(join(dir, "ack-shape.json"), "utf8")) as {
  snapshot: { machine: { context: { tasks: Record<string, unknown> } } };
  message: { channel: string };
  timelineText: string;
  timelineData: unknown;
};

const file = join(mkdtempSync(join(dir, "ack-floor-")), "floor.db");
openStorage(file).close(); // the real schema and indexes
const db = new Database(file, { timeout: 5000 });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");
if (a.flag("wal-autocheckpoint")) db.pragma(`wal_autocheckpoint = ${a.num("wal-autocheckpoint", 1000)}`); // diagnosis only

const now = new Date().toISOString();
const ids = Array.from({ length: nIncidents }, (_, i) => `NF-2026-${String(i + 1).padStart(4, "0")}`);
const state = ids.map(() => ({ version: 1, seq: 0, hash: "0".repeat(64) }));

// Seed: the incidents with their task rows (so the upsert updates, as in the real run).
const insIncident = db.prepare(
  `INSERT INTO incidents (tenant, id, workspace, platform, channel, thread_ref, thread_key, playbook_id, title, level, phase, drill, opened_at, aware_at, closed_at, declared_by, snapshot, last_hash, last_seq, version)
   VALUES ('default', ?, 't', 'memory', ?, NULL, ?, 'verschluesselung', 'Verschlüsselung', 'notfall', 'erkennung', 0, ?, ?, NULL, 'anna', ?, ?, 0, 1)`,
);
const insTask = db.prepare(
  `INSERT INTO tasks (tenant, incident_id, task_id, nr, phase, role, critical, state, by, at, reason) VALUES ('default', ?, ?, ?, 'sofort', 'technik', 1, 'offen', NULL, NULL, NULL)`,
);
db.transaction(() => {
  ids.forEach((id, i) => {
    insIncident.run(id, `memory:t:floor${i}`, `${id}/header`, now, now, JSON.stringify(shape.snapshot), state[i]!.hash);
    for (let t = 1; t <= tasksPerIncident; t++) insTask.run(id, `task-${t}`, t);
  });
})();

const updIncident = db.prepare(
  `UPDATE incidents SET phase = ?, level = ?, snapshot = ?, last_hash = ?, last_seq = ?, version = ? WHERE tenant = 'default' AND id = ? AND version = ?`,
);
const insTimeline = db.prepare(
  `INSERT INTO timeline (tenant, incident_id, seq, at, actor_id, actor_name, platform, kind, text, data, prev_hash, hash) VALUES ('default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const upsertTask = db.prepare(
  `INSERT INTO tasks (tenant, incident_id, task_id, nr, phase, role, critical, state, by, at, reason) VALUES ('default', ?, ?, ?, 'sofort', 'technik', 1, ?, ?, ?, NULL)
   ON CONFLICT (tenant, incident_id, task_id) DO UPDATE SET state = excluded.state, by = excluded.by, at = excluded.at`,
);
const insOutbox = db.prepare(
  `INSERT INTO outbox (tenant, key, incident_id, lane, platform, channel, message, status, attempts, next_attempt_at, created_at) VALUES ('default', ?, ?, ?, 'memory', ?, ?, 'pending', 0, ?, ?)`,
);

const commit = db.transaction((k: number) => {
  const i = k % nIncidents;
  const id = ids[i]!;
  const s = state[i]!;
  const step = Math.floor(k / nIncidents);
  const nr = (Math.floor(step / 2) % tasksPerIncident) + 1;
  const verb = step % 2 === 0 ? "bestätigt" : "erledigt";
  const at = new Date().toISOString();
  shape.snapshot.machine.context.tasks[`task-${nr}`] = { state: verb, ackBy: "ben", ackAt: at };
  const seq = s.seq + 1;
  const data = JSON.stringify(shape.timelineData);
  const hash = createHash("sha256")
    .update(JSON.stringify([s.hash, id, seq, at, "ben", "ben", "memory", "task", shape.timelineText, shape.timelineData]))
    .digest("hex");
  const r = updIncident.run("sofort", "notfall", JSON.stringify(shape.snapshot), hash, seq, s.version + 1, id, s.version);
  if (r.changes !== 1) throw new Error("version conflict");
  insTimeline.run(id, seq, at, "ben", "ben", "memory", "task", shape.timelineText, data, s.hash, hash);
  upsertTask.run(id, `task-${nr}`, nr, verb, "ben", at);
  insOutbox.run(`${id}/tasks/sofort/technik`, id, `inc:${id}`, shape.message.channel, JSON.stringify(shape.message), at, at);
  s.seq = seq;
  s.hash = hash;
  s.version++;
});

let k = 0;
for (; k < warmup; k++) commit.immediate(k);
const walFrames = () => (db.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]!.log;
if (a.flag("wal-autocheckpoint")) walFrames();
const times: number[] = [];
for (const end = k + nAcks; k < end; k++) {
  const t = process.hrtime.bigint();
  commit.immediate(k);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const framesPerAck = a.flag("wal-autocheckpoint") ? walFrames() / nAcks : undefined;
report({
  ...(framesPerAck === undefined ? {} : { framesPerAck }),
  handle: { ...latency(times), over2ms: times.filter((t) => t > 2).length },
});
db.close();
