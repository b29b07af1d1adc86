/**
 * Commit latency of the storage hot path on a real temp file (WAL, synchronous NORMAL or FULL).
 * One commit = delivery dedup + incident update (version check) + 2 timeline rows + 1 task upsert + 2 outbox rows.
 * Run: node_modules/.bin/node bench/storage-commit.ts [NORMAL|FULL] [commits]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncidentRecord } from "../src/core/ports.ts";
import { openStorage, type SynchronousMode } from "../src/storage/index.ts";

const mode = (process.argv[2] ?? "NORMAL") as SynchronousMode;
const total = Number(process.argv[3] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), "notfallbot-bench-"));
const store = openStorage(join(dir, "bench.db"), { synchronous: mode });

const id = "NF-2026-0001";
const channel = "slack:T1:C1";
const snapshot = { value: { sofort: "offen" }, context: { roles: { koordinator: "U1" }, answers: { personenbezogen: true }, n: 0 } };
const record: IncidentRecord = {
  id,
  tenant: "T1",
  platform: "slack",
  channel,
  threadRef: "1700000000.0001",
  threadKey: null,
  playbookId: "ransomware",
  title: "Verschlüsselte Dateien",
  level: "Notfall",
  phase: "sofort",
  drill: false,
  openedAt: "2026-03-02T08:00:00.000Z",
  awareAt: "2026-03-02T08:00:00.000Z",
  closedAt: null,
  declaredBy: "U1",
  snapshot,
  lastHash: "h0",
  lastSeq: 0,
  version: 1,
};
store.commit({ incident: { record } });

let version = 1;
let seq = 0;
function oneCommit(i: number): void {
  const at = new Date(Date.UTC(2026, 2, 2, 8, 0, 0, i)).toISOString();
  const entries = [1, 2].map(() => {
    seq++;
    return {
      incidentId: id,
      seq,
      at,
      actorId: "U2",
      actorName: "Ben",
      platform: "slack",
      kind: "task",
      text: `Aufgabe ${i % 12} erledigt`,
      data: { nr: i % 12 },
      prevHash: `h${seq - 1}`,
      hash: `h${seq}`,
    };
  });
  const message = {
    channel,
    thread: { ref: "1700000000.0001" },
    key: `${id}/tasks/sofort/koordinator`,
    replace: true,
    text: "Sofortmaßnahmen: 3 von 7 erledigt",
    blocks: [{ type: "heading" as const, text: "Sofortmaßnahmen" }],
    locale: "de" as const,
  };
  const res = store.commit({
    deliveryId: { platform: "slack", id: `Ev${i}` },
    incident: {
      record: { ...record, snapshot: { ...snapshot, n: i }, lastSeq: seq, lastHash: `h${seq}`, version: version + 1 },
      expectedVersion: version,
    },
    timeline: entries,
    tasks: [
      {
        incidentId: id,
        taskId: `t${i % 12}`,
        nr: i % 12,
        phase: "sofort",
        role: "koordinator",
        critical: true,
        state: "erledigt",
        by: "U2",
        at,
        reason: null,
      },
    ],
    outbox: [
      { key: message.key, incidentId: id, lane: `${channel}/${id}`, platform: "slack", message, nextAttemptAt: at },
      {
        key: `${id}/ack/${i}`,
        incidentId: id,
        lane: `${channel}/${id}`,
        platform: "slack",
        message: { ...message, key: `${id}/ack/${i}`, replace: false },
        nextAttemptAt: at,
      },
    ],
  });
  if (!res.ok) throw new Error(`commit refused: ${res.reason}`);
  version++;
}

const warmup = Math.min(2000, total / 10);
for (let i = 0; i < warmup; i++) oneCommit(i);
const times: number[] = [];
const start = process.hrtime.bigint();
for (let i = warmup; i < warmup + total; i++) {
  const t0 = process.hrtime.bigint();
  oneCommit(i);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const wall = Number(process.hrtime.bigint() - start) / 1e6;
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
console.log(
  `synchronous=${mode} commits=${total} mean=${(wall / total).toFixed(3)} ms p50=${q(0.5)} ms p99=${q(0.99)} ms max=${q(1)} ms (${Math.round(total / (wall / 1000))} commits/s)`,
);
store.close();
rmSync(dir, { recursive: true, force: true });
