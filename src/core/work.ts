import type { IncidentReport } from "../report/model.ts";
import type { Commit, MenuChange, TaskRow, TimelineEntry, TimerRow } from "./ports.ts";

type NewOutbox = NonNullable<Commit["outbox"]>[number];

/**
 * File output a decision asks for. Decisions do no I/O: the shell (service.ts) writes these files through the
 * export sink or the handbook hook before it commits the event, so a message naming the files is only ever
 * committed once they exist. Writing is idempotent (same names, overwritten), so a retried event just writes again.
 */
export type Effect = { kind: "export"; incidentId: string; files: ExportFile[] } | { kind: "handbook" };

/** A file of an export: text as it is, or the incident report as data, which the shell renders to PDF. */
export type ExportFile = { ext: string; content: string } | { ext: string; report: IncidentReport };

/** Everything one handled event will write, collected before the single commit. */
export class Work {
  timeline: TimelineEntry[] = [];
  outbox: NewOutbox[] = [];
  timers: TimerRow[] = [];
  cancel: string[] = [];
  fired: string[] = [];
  tasks: TaskRow[] = [];
  effects: Effect[] = [];
  /** The menu now waiting for this person's answer (`pending`), or none any more (`null`); stored by the commit. */
  menu?: MenuChange;
}
