import type { IncidentMachine, IncidentSnapshot, PersistedIncident } from "../machines/machine.ts";
import type { Playbook } from "../machines/schema.ts";
import type { IncidentRecord } from "./ports.ts";

export interface DeadlineState {
  startedAt: string;
  /** Absent: "unverzüglich" (no fixed time). */
  dueAt?: string;
  metAt?: string;
  metBy?: string;
  missedAt?: string;
}

/** What is stored in `IncidentRecord.snapshot`: the persisted machine plus bookkeeping the rules do not need. */
export interface IncidentState {
  machine: PersistedIncident;
  /** Display names of everyone who acted, by actor id. */
  names: Record<string, string>;
  description: string;
  deadlines: Record<string, DeadlineState>;
  /** Review (lessons-learned) answers by review question id. */
  review: Record<string, string>;
  rolesReminded: number;
  /** Drills only: when each task was first on screen in the thread, by task id (the clock of its target time). */
  shown?: Record<string, string>;
  /**
   * Task cards posted so far (`<phase>/<role>`: a role's tasks of a phase, posted when the role is taken or the phase
   * starts). Absent in incidents declared before cards: those posted every visible phase's tasks at once.
   */
  cards?: string[];
}

/** An incident loaded for one event: record, playbook, machine and current snapshot. */
export interface Loaded {
  rec: IncidentRecord;
  pb: Playbook;
  machine: IncidentMachine;
  snap: IncidentSnapshot;
  st: IncidentState;
}
