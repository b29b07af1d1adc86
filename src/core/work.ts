import type { Commit, TaskRow, TimelineEntry, TimerRow } from "./ports.ts";

type NewOutbox = NonNullable<Commit["outbox"]>[number];

/**
 * File output a decision asks for. Decisions do no I/O: the shell (service.ts) writes these files through the
 * export sink or the handbook hook before it commits the event, so a message naming the files is only ever
 * committed once they exist. Writing is idempotent (same names, overwritten), so a retried event just writes again.
 */
export type Effect = { kind: "export"; incidentId: string; files: { ext: string; content: string }[] } | { kind: "handbook" };

/** Everything one handled event will write, collected before the single commit. */
export class Work {
  timeline: TimelineEntry[] = [];
  outbox: NewOutbox[] = [];
  timers: TimerRow[] = [];
  cancel: string[] = [];
  fired: string[] = [];
  tasks: TaskRow[] = [];
  effects: Effect[] = [];
}
