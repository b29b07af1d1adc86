/**
 * The score of a drill (Übung): how fast and how correctly the team did the playbook's critical tasks, measured
 * against each task's target time (`ziel:` in the playbook). Pure: playbook, machine context and the times the
 * tasks were on screen in, results out. The rules, in words, are in docs/drills.md; keep both in step.
 *
 * - A task's clock starts when it is on screen in the thread ({@link shownTimes}).
 * - Done (`erledigt`) counts only when the task had been on screen before, and either was reported with evidence
 *   (`erledigt 3 Kabel gezogen, Lämpchen aus`: one task with a note) or at a plausible pace: at least
 *   {@link MIN_PLAUSIBLE_MS} after it was shown, and a person is credited at most one task per
 *   {@link MIN_PLAUSIBLE_MS} since their previous report (or since the tasks were shown). `erledigt 1 2 … 62` in
 *   the first seconds therefore counts for nothing.
 * - In time: done within `ziel` from on screen (without `ziel`: before its phase was left): 1 point. Late: done
 *   later: the share of the target in the time taken (twice as long as the target: ½ point; no target: ½).
 * - Skipped with a reason (`überspringen 3 <grund>`) after it was shown: not a failure, not counted.
 * - Not reached: the drill closed before the task's phase (or condition) came up: not counted.
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

/**
 * When each task was first on screen: recorded per task while a drill runs (`IncidentState.shown`); for a drill
 * stored before that, the phase's start (Erkennung and Sofortmaßnahmen: the declaration).
 */
export function shownTimes(ctx: IncidentContext, recorded: Readonly<Record<string, string>> | undefined) {
  const opened = ctx.phases[0]?.enteredAt;
  const phaseStart = (phase: Phase): string | undefined =>
    phase === "erkennung" || phase === "sofort" ? opened : ctx.phases.find((v) => v.phase === phase)?.enteredAt;
  return (task: Task): string | undefined => (recorded ? recorded[task.id] : phaseStart(task.phase));
}

/** Records the tasks that are on screen from `at` on (first time only). */
export function noteShown(pb: Playbook, ctx: IncidentContext, shown: Record<string, string>, at: string): void {
  for (const t of onScreen(pb, ctx)) if (!Object.hasOwn(shown, t.id)) shown[t.id] = at;
}

/** Tasks that are on screen now: switched on, in a phase whose tasks have been posted (Sofortmaßnahmen from the start). */
export function onScreen(pb: Playbook, ctx: IncidentContext): Task[] {
  const idx = WORK_PHASES.indexOf(currentPhase(ctx) as (typeof WORK_PHASES)[number]);
  const upTo = idx < 0 ? -1 : Math.max(1, idx);
  const facts = factsOf(ctx);
  return pb.tasks.filter((t) => WORK_PHASES.indexOf(t.phase) <= upTo && holds(t.when, facts));
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
  const last = new Map<string, number>();
  for (const r of [...reports.values()].sort((a, b) => a.at - b.at)) {
    const seen = r.list.filter((t) => {
      const s = shown(t);
      if (s !== undefined && ms(s) <= r.at) return true;
      verdict.set(t.id, "unseen");
      return false;
    });
    if (seen.length) {
      const since = Math.max(last.get(r.by) ?? Number.NEGATIVE_INFINITY, Math.min(...seen.map((t) => ms(shown(t)!))));
      let budget = Math.floor((r.at - since) / MIN_PLAUSIBLE_MS);
      for (const t of seen.sort((a, b) => a.nr - b.nr)) {
        if (r.list.length === 1 && isEvidence(ctx.tasks[t.id]?.reason)) verdict.set(t.id, "ok");
        else if (r.at - ms(shown(t)!) >= MIN_PLAUSIBLE_MS && budget > 0) {
          verdict.set(t.id, "ok");
          budget--;
        } else verdict.set(t.id, "too-fast");
      }
    }
    last.set(r.by, r.at);
  }
  return verdict;
}

/** The score of a drill. `recordedShown`: `IncidentState.shown`; tasks switched on at the end are scored. */
export function scoreDrill(pb: Playbook, ctx: IncidentContext, recordedShown: Readonly<Record<string, string>> | undefined): DrillScore {
  const facts = factsOf(ctx);
  const all = numberedTasks(pb).filter((t) => holds(t.when, facts));
  const shown = shownTimes(ctx, recordedShown);
  const verdict = plausibility(all, ctx, shown);
  const results: DrillTaskResult[] = all
    .filter((t) => t.critical)
    .map((task) => {
      const p = ctx.tasks[task.id];
      const s = shown(task);
      const base: DrillTaskResult = { task, outcome: "missed" };
      if (task.ziel) base.targetMs = addDuration(new Date(0), task.ziel).getTime();
      if (p?.doneBy) base.by = p.doneBy;
      if (p?.reason) base.reason = p.reason;
      if (p?.doneAt && s !== undefined) base.tookMs = ms(p.doneAt) - ms(s);
      if (p?.state === "übersprungen") return { ...base, outcome: s !== undefined && ms(s) <= ms(p.doneAt!) ? "skipped" : "skip-unseen" };
      if (p?.state === "erledigt") {
        const v = verdict.get(task.id) ?? "unseen";
        if (v !== "ok") return { ...base, outcome: v };
        const due = task.ziel
          ? addDuration(new Date(s!), task.ziel).getTime()
          : ms(ctx.phases.find((x) => x.phase === task.phase)?.leftAt ?? p.doneAt!);
        return { ...base, outcome: ms(p.doneAt!) <= due ? "on-time" : "late" };
      }
      return { ...base, outcome: s === undefined ? "not-reached" : "missed" };
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
