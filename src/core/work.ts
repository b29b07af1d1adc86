import type { Commit, TaskRow, TimelineEntry, TimerRow } from "./ports.ts";

type NewOutbox = NonNullable<Commit["outbox"]>[number];

/** Everything one handled event will write, collected before the single commit. */
export class Work {
  timeline: TimelineEntry[] = [];
  outbox: NewOutbox[] = [];
  timers: TimerRow[] = [];
  cancel: string[] = [];
  fired: string[] = [];
  tasks: TaskRow[] = [];
}
