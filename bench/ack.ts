/**
 * Durable acknowledgements through the incident service (child process of bench/run.ts).
 *
 * Opens `--incidents` ransomware incidents through the real bot (each in its own channel, roles taken,
 * personal data affected), then sends thread replies `ok <nr>` / `erledigt <nr>` from the task's role
 * holder, round-robin over the incidents, so tasks never run out and every event hits a different
 * incident than the one before. Each event is one committed transaction (delivery dedup + snapshot +
 * timeline + tasks + timers + outbox).
 *
 * Phase 1 (handle): only `service.handle(event)` is timed, per event; the outbox is delivered to the
 *   in-memory platform between events, outside the timer (as the dispatcher would do in production).
 * Phase 2 (end to end): `bot.receive(event)` for a burst of events with delivery running alongside, wall
 *   time until everything is delivered.
 *
 * Writes `<dir>/ack-shape.json` (a real snapshot, outbox message and timeline text from the middle of the
 * run) so that the floor (bench/ack-floor.ts) writes rows of the same size.
 *
 * Run alone: node bench/ack.ts --dir /tmp/x [--incidents 200 --warmup 500 --acks 6000 --e2e 3000 --profile file]
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeClock } from "../src/core/clock.ts";
import type { Inbound } from "../src/core/inbound.ts";
import { MemoryAdapter } from "../tests/helpers/memory-adapter.ts";
import { args, report } from "./lib/args.ts";
import { profiled } from "./lib/profile.ts";
import { latency, msSince } from "./lib/stats.ts";
import { declare, HOLDER, type Opened, openWorld, staff } from "./lib/world.ts";

const a = args();
const dir = a.str("dir");
const nIncidents = a.num("incidents", 200);
const warmup = a.num("warmup", 500);
const nAcks = a.num("acks", 6000);
const nE2e = a.num("e2e", 3000);
const profileFile = a.flag("profile") ? a.str("profile") : undefined;

const clock = new FakeClock(new Date());
const adapter = new MemoryAdapter();
const w = await openWorld(join(mkdtempSync(join(dir, "ack-")), "ack.db"), clock, adapter);
const sql = w.storage.db.$client;
// Diagnosis only (not used by the runner): change when SQLite checkpoints the WAL (0 = never during the run).
if (a.flag("wal-autocheckpoint")) sql.pragma(`wal_autocheckpoint = ${a.num("wal-autocheckpoint", 1000)}`);

const t0 = process.hrtime.bigint();
const incidents: Opened[] = [];
for (let i = 0; i < nIncidents; i++) {
  const o = await declare(w, `memory:t:ack${i}`);
  await staff(w, o);
  incidents.push(o);
}
const setupMs = msSince(t0);

// Every incident has the same active tasks (same playbook, same answers).
const tasks = await w.storage.tasks(incidents[0]!.id);
const perIncident = tasks.length * 2;
const needed = warmup + nAcks + nE2e;
if (needed > perIncident * nIncidents) throw new Error(`zu wenige Aufgaben: ${needed} > ${perIncident * nIncidents}`);

/** The k-th acknowledgement of the whole run: incident k mod N, its (k div N)-th step (ok, then erledigt, task by task). */
function ack(k: number): Inbound {
  const o = incidents[k % nIncidents]!;
  const step = Math.floor(k / nIncidents);
  const task = tasks[Math.floor(step / 2)]!;
  const verb = step % 2 === 0 ? "ok" : "erledigt";
  return w.event(HOLDER[task.role as keyof typeof HOLDER], `${verb} ${task.nr}`, "reply", o.channel, o.root);
}

const changes = sql.prepare("SELECT total_changes() AS n").pluck();
let k = 0;
for (; k < warmup; k++) {
  await w.bot.service.handle(ack(k));
  await w.bot.idle();
}

// Phase 1: handle only.
const walFrames = () => (sql.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]!.log;
if (a.flag("wal-autocheckpoint")) walFrames();
const times: number[] = [];
let rows = 0;
let shape: unknown;
const mid = k + Math.floor(nAcks / 2);
const handled = { handled: 0, duplicate: 0, ignored: 0 };
const phase1 = await profiled(profileFile, async () => {
  const start = process.hrtime.bigint();
  for (const end = k + nAcks; k < end; k++) {
    const ev = ack(k);
    const before = changes.get() as number;
    const t = process.hrtime.bigint();
    const res = await w.bot.service.handle(ev);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    rows += (changes.get() as number) - before;
    handled[res]++;
    if (k === mid) shape = sampleShape(incidents[k % nIncidents]!.id);
    await w.bot.idle();
  }
  return { wallMs: msSince(start) };
});
const framesPerAck = a.flag("wal-autocheckpoint") ? walFrames() / nAcks : undefined;
if (handled.handled !== nAcks) throw new Error(`nicht alle Ereignisse verarbeitet: ${JSON.stringify(handled)}`);

// Phase 2: end to end, delivery included.
const sentBefore = adapter.sent.length;
const e2eStart = process.hrtime.bigint();
for (const end = k + nE2e; k < end; k++) await w.bot.receive(ack(k));
await w.bot.idle();
const e2eMs = msSince(e2eStart);
const delivered = adapter.sent.length - sentBefore;
const pending = sql.prepare("SELECT count(*) FROM outbox WHERE status <> 'sent'").pluck().get() as number;
if (pending !== 0) throw new Error(`${pending} Nachrichten nicht zugestellt`);

writeFileSync(join(dir, "ack-shape.json"), JSON.stringify(shape));
const s = shape as { snapshotBytes: number; messageBytes: number };
report({
  incidents: nIncidents,
  tasksPerIncident: tasks.length,
  setupMs,
  ...(framesPerAck === undefined ? {} : { framesPerAck }),
  handle: { ...latency(times), over2ms: times.filter((t) => t > 2).length, rowsPerAck: rows / nAcks, phaseWallMs: phase1.wallMs },
  e2e: { n: nE2e, wallMs: e2eMs, perSec: nE2e / (e2eMs / 1000), delivered },
  snapshotBytes: s.snapshotBytes,
  messageBytes: s.messageBytes,
});
await w.bot.stop();
await w.storage.close();

/** What one acknowledgement wrote for this incident, as stored (sizes for the floor). */
function sampleShape(id: string) {
  const snapshot = sql.prepare("SELECT snapshot FROM incidents WHERE id = ?").pluck().get(id) as string;
  const message = sql.prepare("SELECT message FROM outbox WHERE incident_id = ? ORDER BY id DESC LIMIT 1").pluck().get(id) as string;
  const entry = sql.prepare("SELECT text, data FROM timeline WHERE incident_id = ? ORDER BY seq DESC LIMIT 1").get(id) as {
    text: string;
    data: string;
  };
  return {
    snapshot: JSON.parse(snapshot),
    message: JSON.parse(message),
    timelineText: entry.text,
    timelineData: JSON.parse(entry.data),
    snapshotBytes: Buffer.byteLength(snapshot),
    messageBytes: Buffer.byteLength(message),
  };
}
