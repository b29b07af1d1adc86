import type { IncidentMachine, IncidentSnapshot, PersistedIncident } from "../machines/machine.ts";
import type { Playbook, RoleId } from "../machines/schema.ts";
import type { DrillMarks } from "./drill-score.ts";
import type { IncidentRecord } from "./ports.ts";
import type { PlanPerson } from "./role-plan.ts";

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
  /** Drills only: when each task's target clock started and when it was first shown (drill-score.ts). */
  drill?: DrillMarks;
  /** What was typed after a yes/no answer ("ja, USB-Platte im Tresor" → "USB-Platte im Tresor"), by question id. */
  answerNotes?: Record<string, string>;
  /**
   * Task cards posted so far (`<phase>/<role>`: a role's tasks of a phase, posted when the role is taken or the phase
   * starts). Absent in incidents declared before cards: those posted every visible phase's tasks at once.
   */
  cards?: string[];
  /**
   * Systems of the organisation file reported down (`ausfall 1`), by name: when, and when back in operation. Their RTO
   * clock runs from `downAt`; `status` shows no countdown for the others. Absent until one is reported.
   */
  systems?: Record<string, { downAt: string; upAt?: string }>;
  /** The emergency plan's assignment per role (src/core/roles.ts); absent for incidents without a plan. */
  plan?: Partial<Record<RoleId, PlanRoleState>>;
  /** Who held which role when (for the summary); absent in incidents stored before it existed. */
  roleSpans?: RoleSpan[];
  /**
   * When each question with `remind_after` was first asked (its reminders are scheduled from then), by question id.
   * Absent in incidents stored before question reminders existed.
   */
  asked?: Record<string, string>;
  /**
   * What was last queued for each message that is updated in place (header, questions, review, task cards), as a
   * short hash of its visible content, by message key: an update that would show the same is not queued
   * (primitives.ts `post`). Written in the same commit as the outbox row. Absent in incidents stored before it.
   */
  sent?: Record<string, string>;
}

/** How one role of the plan is being filled: whom the bot asks now, who did not answer, who confirmed. */
export interface PlanRoleState {
  /** The people of the plan for this role at the declaration (primary first), as the organisation file had them. */
  chain: PlanPerson[];
  /** How long each person has to confirm. */
  confirmMs: number;
  /** Index in `chain` of the person asked now. */
  step: number;
  askedAt: string;
  /** Steps whose person did not confirm in time. */
  passed: number[];
  confirmedAt?: string;
  /** Index in `chain` of the person who confirmed (-1: confirmed for someone not in the chat, by the coordinator). */
  confirmedStep?: number;
  /** The plan stopped deciding for this role: someone else took it, it was handed over, or nobody answered. */
  ended?: string;
}

/** One holder of a role for a while. */
export interface RoleSpan {
  role: RoleId;
  id: string;
  from: string;
  to?: string;
  /** How the role came to them: `plan` (confirmed), `deputy`, `claim`, `assign`, `handover`, `takeback`. */
  how: string;
  reason?: string;
}

/** An incident loaded for one event: record, playbook, machine and current snapshot. */
export interface Loaded {
  rec: IncidentRecord;
  pb: Playbook;
  machine: IncidentMachine;
  snap: IncidentSnapshot;
  st: IncidentState;
}
