import { type ActorScope, assign, createActor, type EventFromLogic, type SnapshotFrom, setup } from "xstate";
import type { TaskStateName } from "../core/message.ts";
import { type ConditionFacts, effectiveAnswers, holds } from "./conditions.ts";
import { type Level, PHASES, type Phase, type Playbook, type RoleId, WORK_PHASES } from "./schema.ts";

/** Per-task progress. Timestamps are ISO UTC strings; the machine never reads a clock. */
export interface TaskProgress {
  state: TaskStateName;
  ackBy?: string;
  ackAt?: string;
  doneBy?: string;
  doneAt?: string;
  reason?: string;
}

export interface PhaseVisit {
  phase: Phase;
  enteredAt: string;
  leftAt?: string;
  override?: { reason: string; by: string };
}

/** The whole rule-relevant state of one incident (flat: no spawned children, so it persists as JSON). */
export interface IncidentContext {
  playbookId: string;
  level: Level;
  drill: boolean;
  /** `praxis` is absent in incidents opened before the switch existed (counts as off). */
  flags: { nis2: boolean; insurer: boolean; praxis?: boolean };
  roles: Partial<Record<RoleId, string>>;
  tasks: Record<string, TaskProgress>;
  answers: Record<string, string>;
  phases: PhaseVisit[];
  closedAt?: string;
  closeReason?: string;
}

export type IncidentEvent =
  | { type: "ROLE"; role: RoleId; actorId: string | null; at: string }
  | { type: "TASK"; taskId: string; to: Exclude<TaskStateName, "offen">; by: string; at: string; reason?: string }
  | { type: "ANSWER"; questionId: string; value: string; at: string }
  | { type: "ESCALATE"; level: Level; at: string }
  | { type: "ADVANCE"; by: string; at: string; reason?: string }
  | { type: "CLOSE"; by: string; at: string; reason?: string };

export interface IncidentInput {
  playbookId: string;
  level: Level;
  drill: boolean;
  flags: { nis2: boolean; insurer: boolean; praxis?: boolean };
  openedAt: string;
}

/** The facts the playbook's conditions see: the answers that count (person, implied, default), level and switches. */
export function factsOf(ctx: IncidentContext, pb: Pick<Playbook, "questions" | "defaults">): ConditionFacts {
  return { answers: effectiveAnswers(pb, ctx.answers).values, level: ctx.level, flags: ctx.flags };
}

/** Critical tasks of `phase` that are switched on and neither done nor skipped. */
export function openCriticalTasks(pb: Playbook, ctx: IncidentContext, phase: string): string[] {
  const facts = factsOf(ctx, pb);
  return pb.tasks
    .filter((t) => t.phase === phase && t.critical && holds(t.when, facts))
    .filter((t) => {
      const s = ctx.tasks[t.id]?.state ?? "offen";
      return s === "offen" || s === "bestätigt";
    })
    .map((t) => t.id);
}

export function currentPhase(ctx: IncidentContext): Phase {
  return ctx.phases[ctx.phases.length - 1]?.phase ?? "erkennung";
}

/**
 * Compile a playbook into its XState v5 machine. Phases are flat states in the fixed order
 * Erkennung → Sofortmaßnahmen → Eindämmung → Wiederherstellung → Nachbereitung → Abgeschlossen.
 * Leaving a phase with open critical tasks needs a reason (the coordinator's `weiter <Begründung>`),
 * which is recorded as an override. Closing is always reachable: from Nachbereitung when its critical
 * tasks are done, from anywhere with a reason (e.g. false alarm).
 */
export function createIncidentMachine(pb: Playbook) {
  const leave = (phaseDone: boolean) => (phaseDone ? "phaseDone" : "hasReason");
  const m = setup({
    types: {} as { context: IncidentContext; events: IncidentEvent; input: IncidentInput },
    guards: {
      phaseDone: ({ context }) => openCriticalTasks(pb, context, currentPhase(context)).length === 0,
      hasReason: ({ event }) => "reason" in event && typeof event.reason === "string" && event.reason.trim().length > 0,
      knownTask: ({ event }) => event.type === "TASK" && pb.tasks.some((t) => t.id === event.taskId),
      knownQuestion: ({ event }) => event.type === "ANSWER" && pb.questions.some((q) => q.id === event.questionId),
    },
    actions: {
      setRole: assign({
        roles: ({ context, event }) => {
          if (event.type !== "ROLE") return context.roles;
          const roles = { ...context.roles };
          if (event.actorId) roles[event.role] = event.actorId;
          else delete roles[event.role];
          return roles;
        },
      }),
      setTask: assign({
        tasks: ({ context, event }) => {
          if (event.type !== "TASK") return context.tasks;
          const prev = context.tasks[event.taskId] ?? { state: "offen" as const };
          const next: TaskProgress = { ...prev, state: event.to };
          if (event.to === "bestätigt") {
            next.ackBy = event.by;
            next.ackAt = event.at;
          } else {
            next.doneBy = event.by;
            next.doneAt = event.at;
            if (!prev.ackAt) {
              next.ackBy = event.by;
              next.ackAt = event.at;
            }
            if (event.reason) next.reason = event.reason;
          }
          return { ...context.tasks, [event.taskId]: next };
        },
      }),
      setAnswer: assign({
        answers: ({ context, event }) =>
          event.type === "ANSWER" ? { ...context.answers, [event.questionId]: event.value } : context.answers,
      }),
      setLevel: assign({ level: ({ context, event }) => (event.type === "ESCALATE" ? event.level : context.level) }),
      recordOverride: assign({
        phases: ({ context, event }) => {
          if (event.type !== "ADVANCE" && event.type !== "CLOSE") return context.phases;
          const phases = context.phases.slice();
          const last = phases[phases.length - 1];
          if (last && event.reason) phases[phases.length - 1] = { ...last, override: { reason: event.reason, by: event.by } };
          return phases;
        },
      }),
      enterNext: assign({
        phases: ({ context, event }) => {
          const at = "at" in event ? event.at : "";
          const phases = context.phases.slice();
          const last = phases[phases.length - 1];
          if (last) phases[phases.length - 1] = { ...last, leftAt: at };
          const idx = PHASES.indexOf(currentPhase(context));
          const next = event.type === "CLOSE" ? "abgeschlossen" : (PHASES[idx + 1] ?? "abgeschlossen");
          phases.push({ phase: next, enteredAt: at });
          return phases;
        },
      }),
      markClosed: assign({
        closedAt: ({ event }) => ("at" in event ? event.at : undefined),
        closeReason: ({ event }) => ("reason" in event ? event.reason : undefined),
      }),
    },
  });

  const states: Record<string, object> = {};
  WORK_PHASES.forEach((phase, i) => {
    const next = PHASES[i + 1]!;
    const close =
      phase === "nachbereitung"
        ? [
            { guard: leave(true), target: "abgeschlossen", actions: ["enterNext", "markClosed"] },
            { guard: leave(false), target: "abgeschlossen", actions: ["recordOverride", "enterNext", "markClosed"] },
          ]
        : [{ guard: "hasReason", target: "abgeschlossen", actions: ["recordOverride", "enterNext", "markClosed"] }];
    states[phase] = {
      on: {
        ADVANCE:
          next === "abgeschlossen"
            ? close
            : [
                { guard: leave(true), target: next, actions: "enterNext" },
                { guard: leave(false), target: next, actions: ["recordOverride", "enterNext"] },
              ],
        CLOSE: close,
        ROLE: { actions: "setRole" },
        TASK: { guard: "knownTask", actions: "setTask" },
        ANSWER: { guard: "knownQuestion", actions: "setAnswer" },
        ESCALATE: { actions: "setLevel" },
      },
    };
  });
  states.abgeschlossen = { type: "final" };

  return m.createMachine({
    id: pb.id,
    initial: "erkennung",
    // `input` is absent for the actor of the transitions' scope (scopeOf), whose initial state nobody reads
    context: ({ input }) => ({
      playbookId: input?.playbookId ?? pb.id,
      level: input?.level ?? pb.level,
      drill: input?.drill ?? false,
      flags: input?.flags ?? { nis2: false, insurer: false },
      roles: {},
      tasks: {},
      answers: {},
      phases: [{ phase: "erkennung", enteredAt: input?.openedAt ?? "" }],
    }),
    // biome-ignore lint/suspicious/noExplicitAny: states are generated from the phase list
    states: states as any,
  });
}

export type IncidentMachine = ReturnType<typeof createIncidentMachine>;
export type IncidentSnapshot = SnapshotFrom<IncidentMachine>;

/** Persisted form: only what is needed to resolve the snapshot again. */
export interface PersistedIncident {
  value: string;
  context: IncidentContext;
}

type IncidentScope = ActorScope<IncidentSnapshot, EventFromLogic<IncidentMachine>>;

/**
 * The actor scope of a machine's pure transitions, one per machine. xstate's `transition()` and
 * `initialTransition()` build a throwaway actor for every call, and the actor's constructor first computes the
 * machine's initial state: a fifth of everything the bot allocated per incident (issue #17, docs/performance.md). One
 * scope serves every call because these machines only assign and guard: no child actors, no delayed events, no
 * actions to execute (tests/unit/machine.test.ts holds both ways equal on every shipped playbook).
 */
const scopes = new WeakMap<IncidentMachine, IncidentScope>();

function scopeOf(machine: IncidentMachine): IncidentScope {
  let scope = scopes.get(machine);
  if (!scope) {
    // biome-ignore lint/suspicious/noExplicitAny: the scope's actor starts without input (see `context` above)
    const self = createActor(machine, { input: undefined as any });
    const none = () => {};
    scope = {
      self,
      id: "",
      sessionId: "",
      logger: none,
      defer: none,
      emit: none,
      system: self.system,
      stopChild: none,
      actionExecutor: none,
    };
    scopes.set(machine, scope);
  }
  return scope;
}

export function startIncident(machine: IncidentMachine, input: IncidentInput): IncidentSnapshot {
  return machine.getInitialSnapshot(scopeOf(machine), input);
}

export function restoreIncident(machine: IncidentMachine, p: PersistedIncident): IncidentSnapshot {
  return machine.resolveState({ value: p.value, context: p.context });
}

export function step(machine: IncidentMachine, snap: IncidentSnapshot, ev: IncidentEvent): IncidentSnapshot {
  return machine.transition(snap, ev, scopeOf(machine));
}

export function persist(snap: IncidentSnapshot): PersistedIncident {
  return { value: String(snap.value), context: snap.context };
}
