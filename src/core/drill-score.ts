/**
 * The score of a drill (Übung): how fast and how correctly the team did the playbook's critical tasks, measured
 * against each task's target time (`ziel:` in the playbook). Pure: playbook, machine context and two records kept
 * while the drill runs, results out. The rules, in words, are in docs/drills.md; keep both in step.
 *
 * - A task's target clock starts when its phase begins ({@link noteStarted}): Erkennung and Sofortmaßnahmen at the
 *   declaration, later phases at `weiter`, a task switched on by an answer or a level when it is switched on.
 *   Taking the roles late therefore costs time, as it would in a real incident.
 * - A task is on screen once the bot has posted it in a task list of the incident ({@link noteListed}): the role's
 *   card, a refreshed card, `status`, `aufgaben`.
 * - Done (`erledigt`) counts only when the task had been on screen before, and either was reported with evidence
 *   (`erledigt 3 Kabel gezogen, Lämpchen aus`: one task with a note) or at a plausible pace: at least
 *   {@link MIN_PLAUSIBLE_MS} after it was shown, and a person is credited with at most one task per
 *   {@link MIN_PLAUSIBLE_MS} since the tasks of a report were shown. `erledigt 1 2 … 62` in the first seconds
 *   therefore counts for nothing.
 * - In time: done within `ziel` from the clock start (without `ziel`: before its phase was left): 1 point. Late:
 *   the share of the target in the time taken (twice as long as the target: ½ point; no target: ½).
 * - Skipped with a reason (`überspringen 3 <grund>`) after it was shown: not a failure, not counted.
 * - Not reached: the drill ended before the task's phase (or condition) came up: not counted.
 */
import { holds, numberedTasks } from "../machines/conditions.ts";
import { currentPhase, factsOf, type IncidentContext } from "../machines/machine.ts";
import { type Phase, type Playbook, type Task, WORK_PHASES } from "../machines/schema.ts";
import { addDuration } from "./time.ts";

/** Shortest plausible time from seeing a task to having done it, without evidence. */
export const MIN_PLAUSIBLE_MS = 30_000;
/** A note on a single completed task of at least this many characters (with letters) is evidence. */
export const EVIDENCE_MIN_CHARS = 8;
/** Points of a late task without a target time (in time: 1; late with a target: target / time taken). */
export const LATE_POINTS = 0.5;

/** Points of one result: 1 in time; late: target / time taken (twice the target: ½); everything else 0. */
export function pointsOf(r: DrillTaskResult): number {
  if (r.outcome === "on-time") return 1;
  if (r.outcome !== "late") return 0;
  if (r.targetMs === undefined || !r.tookMs) return LATE_POINTS;
  return Math.min(1, r.targetMs / r.tookMs);
}

export type DrillOutcome =
  /** Done within its target time. */
  | "on-time"
  /** Done, after its target time. */
  | "late"
  /** Shown, never done nor skipped. */
  | "missed"
  /** Reported done before it had been on screen (a bulk `erledigt` of tasks of later phases). */
  | "unseen"
  /** Reported done implausibly fast, without evidence. */
  | "too-fast"
  /** Skipped with a reason after it was shown: not a failure. */
  | "skipped"
  /** Skipped before it had been on screen. */
  | "skip-unseen"
  /** Never on screen: the drill ended before its phase or its condition. */
  | "not-reached";

/** Outcomes that count as a failure (0 points). */
export const FAILED: readonly DrillOutcome[] = ["missed", "unseen", "too-fast", "skip-unseen"];

export interface DrillTaskResult {
  task: Task & { nr: number };
  outcome: DrillOutcome;
  /** From on screen to done (or skipped), when it was. */
  tookMs?: number;
  /** The target time in ms (from `ziel`), when the task has one. */
  targetMs?: number;
  /** Who reported it. */
  by?: string;
  /** The skip reason, or the note given with `erledigt`. */
  reason?: string;
}

export interface DrillScore {
  /** Every critical task that was switched on, in task order. */
  results: DrillTaskResult[];
  points: number;
  /** Tasks the score is out of: all results except skipped and not reached ones. */
  counted: number;
  /** Points / counted in percent, rounded; undefined when nothing counted. */
  percent: number | undefined;
  count(outcome: DrillOutcome): number;
}

/** What a drill records while it runs (`IncidentState.drill`), by task id: ISO times. */
export interface DrillMarks {
  /** When the task's target clock started. */
  started?: Record<string, string>;
  /** When the task was first in a task list the bot posted. */
  shown?: Record<string, string>;
}

/** Records the tasks whose phase has begun and which are switched on, from `at` on (first time only). */
export function noteStarted(pb: Playbook, ctx: IncidentContext, started: Record<string, string>, at: string): void {
  for (const t of begun(pb, ctx)) if (!Object.hasOwn(started, t.id)) started[t.id] = at;
}

/** Records the tasks of these numbers as shown at `at` (first time only). True when one was new. */
export function noteListed(pb: Playbook, shown: Record<string, string>, nrs: Iterable<number>, at: string): boolean {
  const byNr = new Map(numberedTasks(pb).map((t) => [t.nr, t.id]));
  let added = false;
  for (const nr of nrs) {
    const id = byNr.get(nr);
    if (id && !Object.hasOwn(shown, id)) {
      shown[id] = at;
      added = true;
    }
  }
  return added;
}

/** Tasks whose phase has begun (Sofortmaßnahmen with the declaration) and which are switched on. */
function begun(pb: Playbook, ctx: IncidentContext): Task[] {
  const idx = WORK_PHASES.indexOf(currentPhase(ctx) as (typeof WORK_PHASES)[number]);
  const upTo = idx < 0 ? -1 : Math.max(1, idx);
  const facts = factsOf(ctx, pb);
  return pb.tasks.filter((t) => WORK_PHASES.indexOf(t.phase) <= upTo && holds(t.when, facts));
}

/** The clock start of each task: as recorded, else (a drill stored before the records) the start of its phase. */
function clockStart(ctx: IncidentContext, marks: DrillMarks | undefined) {
  const opened = ctx.phases[0]?.enteredAt;
  const phaseStart = (phase: Phase): string | undefined =>
    phase === "erkennung" || phase === "sofort" ? opened : ctx.phases.find((v) => v.phase === phase)?.enteredAt;
  return (task: Task): string | undefined => (marks?.started ? marks.started[task.id] : phaseStart(task.phase));
}

const ms = (iso: string) => new Date(iso).getTime();

function isEvidence(note: string | undefined): boolean {
  return note !== undefined && note.trim().length >= EVIDENCE_MIN_CHARS && /\p{L}{2}/u.test(note);
}

/**
 * Which completed tasks count as really done, by the pace rule: per person, reports (one `erledigt` command: same
 * person, same instant) in time order.
 */
function plausibility(tasks: readonly (Task & { nr: number })[], ctx: IncidentContext, shown: (t: Task) => string | undefined) {
  const verdict = new Map<string, "ok" | "unseen" | "too-fast">();
  const reports = new Map<string, { by: string; at: number; list: (Task & { nr: number })[] }>();
  for (const t of tasks) {
    const p = ctx.tasks[t.id];
    if (p?.state !== "erledigt" || !p.doneAt || !p.doneBy) continue;
    const key = `${p.doneBy}\n${p.doneAt}`;
    const r = reports.get(key) ?? { by: p.doneBy, at: ms(p.doneAt), list: [] };
    r.list.push(t);
    reports.set(key, r);
  }
  // per person: when each credited task was reported
  const credited = new Map<string, number[]>();
  for (const r of [...reports.values()].sort((a, b) => a.at - b.at)) {
    const seen = r.list.filter((t) => {
      const s = shown(t);
      if (s !== undefined && ms(s) <= r.at) return true;
      verdict.set(t.id, "unseen");
      return false;
    });
    if (!seen.length) continue;
    const mine = credited.get(r.by) ?? [];
    credited.set(r.by, mine);
    // since the earliest of these tasks was shown, one task per MIN_PLAUSIBLE_MS, less what the person was credited with since
    const since = Math.min(...seen.map((t) => ms(shown(t)!)));
    let budget = Math.floor((r.at - since) / MIN_PLAUSIBLE_MS) - mine.filter((x) => x >= since).length;
    for (const t of seen.sort((a, b) => a.nr - b.nr)) {
      if (r.list.length === 1 && isEvidence(ctx.tasks[t.id]?.reason)) verdict.set(t.id, "ok");
      else if (r.at - ms(shown(t)!) >= MIN_PLAUSIBLE_MS && budget > 0) {
        verdict.set(t.id, "ok");
        mine.push(r.at);
        budget--;
      } else verdict.set(t.id, "too-fast");
    }
  }
  return verdict;
}

/** The score of a drill from what it recorded (`IncidentState.drill`); tasks switched on at the end are scored. */
export function scoreDrill(pb: Playbook, ctx: IncidentContext, marks: DrillMarks | undefined): DrillScore {
  const facts = factsOf(ctx, pb);
  const all = numberedTasks(pb).filter((t) => holds(t.when, facts));
  const start = clockStart(ctx, marks);
  // a drill stored before tasks were recorded as shown: shown when its clock started
  const shown = (t: Task) => (marks?.shown ? marks.shown[t.id] : start(t));
  const verdict = plausibility(all, ctx, shown);
  const results: DrillTaskResult[] = all
    .filter((t) => t.critical)
    .map((task) => {
      const p = ctx.tasks[task.id];
      const s = start(task);
      const seen = shown(task);
      const base: DrillTaskResult = { task, outcome: "missed" };
      if (task.ziel) base.targetMs = addDuration(new Date(0), task.ziel).getTime();
      if (p?.doneBy) base.by = p.doneBy;
      if (p?.reason) base.reason = p.reason;
      if (p?.doneAt && s !== undefined) base.tookMs = Math.max(0, ms(p.doneAt) - ms(s));
      if (p?.state === "übersprungen")
        return { ...base, outcome: seen !== undefined && ms(seen) <= ms(p.doneAt!) ? "skipped" : "skip-unseen" };
      if (p?.state === "erledigt") {
        const v = verdict.get(task.id) ?? "unseen";
        // too fast: how soon after it was shown
        if (v === "too-fast") return { ...base, outcome: v, tookMs: ms(p.doneAt!) - ms(seen!) };
        if (v !== "ok") return { ...base, outcome: v };
        const due = task.ziel
          ? addDuration(new Date(s ?? seen!), task.ziel).getTime()
          : ms(ctx.phases.find((x) => x.phase === task.phase)?.leftAt ?? p.doneAt!);
        return { ...base, outcome: ms(p.doneAt!) <= due ? "on-time" : "late" };
      }
      return { ...base, outcome: s === undefined && seen === undefined ? "not-reached" : "missed" };
    });
  const points = results.reduce((n, r) => n + pointsOf(r), 0);
  const counted = results.filter((r) => r.outcome !== "skipped" && r.outcome !== "not-reached").length;
  return {
    results,
    points,
    counted,
    percent: counted ? Math.round((100 * points) / counted) : undefined,
    count: (o) => results.filter((r) => r.outcome === o).length,
  };
}
