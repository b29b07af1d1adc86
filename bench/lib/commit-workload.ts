/**
 * The rows one acknowledgement writes (bench/storage-commit.ts, bench/pg-commit.ts): delivery dedup row, incident
 * update with version check and a snapshot of the real size, one timeline entry (SHA-256 chained with
 * src/core/chain.ts), one task upsert, one outbox row with the real message. `--incidents` incidents, round-robin.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GENESIS, hashEntry } from "../../src/core/chain.ts";
import type { Outbound } from "../../src/core/message.ts";
import type { Commit, IncidentRecord, TaskRow } from "../../src/core/ports.ts";

type Shape = {
  snapshot: { machine: { context: { tasks: Record<string, unknown> } } };
  message: Outbound;
  timelineText: string;
  timelineData: unknown;
};

/** The shape of a real acknowledgement (`<dir>/ack-shape.json` from bench/ack.ts), or a built-in sample. */
export function loadShape(shapeDir: string | undefined): Shape {
  if (shapeDir) return JSON.parse(readFileSync(join(shapeDir, "ack-shape.json"), "utf8"));
  return {
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
}

/** Incidents with 56 tasks each, then one acknowledgement commit after another. */
export class CommitWorkload {
  readonly shape: Shape;
  readonly records: IncidentRecord[];

  constructor(shape: Shape, nIncidents: number) {
    this.shape = shape;
    const now = new Date().toISOString();
    this.records = Array.from({ length: nIncidents }, (_, i) => ({
      id: `NF-2026-${String(i + 1).padStart(4, "0")}`,
      workspace: "t",
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
  }

  /** The commits that open the incidents (version 1, all task rows). */
  seedCommits(): Commit[] {
    return this.records.map((record) => {
      record.version = 1;
      const tasks: TaskRow[] = Array.from({ length: 56 }, (_, t) => ({
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
      return { incident: { record: { ...record } }, tasks };
    });
  }

  /** Acknowledgement `k`; call `done()` once it is committed. */
  next(k: number): { commit: Commit; done: () => void } {
    const rec = this.records[k % this.records.length]!;
    const step = Math.floor(k / this.records.length);
    const nr = (Math.floor(step / 2) % 56) + 1;
    const verb = step % 2 === 0 ? "bestätigt" : "erledigt";
    const at = new Date().toISOString();
    this.shape.snapshot.machine.context.tasks[`task-${nr}`] = { state: verb, ackBy: "ben", ackAt: at };
    const e = {
      incidentId: rec.id,
      seq: rec.lastSeq + 1,
      at,
      actorId: "ben",
      actorName: "ben",
      platform: "memory",
      kind: "task",
      text: this.shape.timelineText,
      data: this.shape.timelineData,
      prevHash: rec.lastHash,
    };
    const hash = hashEntry(e);
    const expected = rec.version;
    const next = { ...rec, snapshot: this.shape.snapshot, lastSeq: e.seq, lastHash: hash, version: expected + 1 };
    const key = `${rec.id}/tasks/sofort/technik`;
    const commit: Commit = {
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
      outbox: [
        { key, incidentId: rec.id, lane: `inc:${rec.id}`, platform: "memory", message: { ...this.shape.message, key }, nextAttemptAt: at },
      ],
    };
    return {
      commit,
      done: () => {
        rec.lastSeq = e.seq;
        rec.lastHash = hash;
        rec.version = expected + 1;
      },
    };
  }
}
