import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Outbound } from "../../src/core/message.ts";
import type { Commit, IncidentRecord, TaskRow, TimelineEntry, TimerRow } from "../../src/core/ports.ts";

/** A fresh temp directory; `cleanup()` removes it. */
export function tempDir(): { dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "notfallbot-storage-"));
  return { dir, file: join(dir, "notfall.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const CHANNEL = "slack:T1:C1";

export function incident(over: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id: "NF-2026-0001",
    workspace: "T1",
    platform: "slack",
    channel: CHANNEL,
    threadRef: null,
    threadKey: "NF-2026-0001/root",
    playbookId: "ransomware",
    title: "Verschlüsselte Dateien am Empfang",
    level: "Notfall",
    phase: "triage",
    drill: false,
    openedAt: "2026-03-02T08:00:00.000Z",
    awareAt: "2026-03-02T08:00:00.000Z",
    closedAt: null,
    declaredBy: "U1",
    snapshot: { value: "triage", context: { answers: { personenbezogen: null } } },
    lastHash: "h0",
    lastSeq: 0,
    version: 1,
    ...over,
  };
}

export function entry(seq: number, over: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    incidentId: "NF-2026-0001",
    seq,
    at: `2026-03-02T08:00:${String(seq).padStart(2, "0")}.000Z`,
    actorId: "U1",
    actorName: "Anna",
    platform: "slack",
    kind: "note",
    text: `Eintrag ${seq}`,
    data: { seq },
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
    ...over,
  };
}

export function task(taskId: string, over: Partial<TaskRow> = {}): TaskRow {
  return {
    incidentId: "NF-2026-0001",
    taskId,
    nr: 1,
    phase: "sofort",
    role: "koordinator",
    critical: true,
    state: "offen",
    by: null,
    at: null,
    reason: null,
    ...over,
  };
}

export function timer(kind: string, key: string, dueAt: string, over: Partial<TimerRow> = {}): TimerRow {
  const incidentId = over.incidentId ?? "NF-2026-0001";
  return { id: `${incidentId}:${kind}:${key}`, incidentId, kind, dueAt, payload: { key }, ...over };
}

export function message(key: string, over: Partial<Outbound> = {}): Outbound {
  return {
    channel: CHANNEL,
    key,
    text: `Nachricht ${key}`,
    blocks: [{ type: "heading", text: key }],
    locale: "de",
    ...over,
  };
}

type OutboxInput = NonNullable<Commit["outbox"]>[number];

export function out(key: string, over: Partial<OutboxInput> = {}): OutboxInput {
  return {
    key,
    incidentId: "NF-2026-0001",
    lane: `${CHANNEL}/NF-2026-0001`,
    platform: "slack",
    message: message(key),
    nextAttemptAt: "2026-03-02T08:00:00.000Z",
    ...over,
  };
}
