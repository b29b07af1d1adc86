/**
 * The evaluation posted when a drill closes: the score, then what was missed or late, what was skipped on
 * purpose, what went well, and how the team did in its earlier drills of the same type. Built as a list of
 * {@link DrillSection}s (plain data), rendered to blocks in one place, so a new part of the evaluation is one more
 * section (e.g. how long each role took to be confirmed).
 */
import type { IncidentContext } from "../machines/machine.ts";
import { loc, type Playbook } from "../machines/schema.ts";
import { type DrillScore, type DrillTaskResult, FAILED, MIN_PLAUSIBLE_MS, scoreDrill } from "./drill-score.ts";
import { type Block, escapeMd } from "./message.ts";
import type { IncidentRecord } from "./ports.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { confirmFacts, summaryFigures } from "./summary.ts";
import { showDuration, showTime } from "./time.ts";
import { ctxOf, type ViewEnv } from "./views.ts";

/** One part of the evaluation: a title and its lines (Markdown subset), or the line to show when it has none. */
export interface DrillSection {
  id: "missed" | "skipped" | "wentWell" | "comparison" | (string & {});
  title: string;
  lines: string[];
  empty?: string;
}

/** An earlier drill of the same type, scored by today's rules. */
export interface PastDrill {
  id: string;
  openedAt: string;
  closedAt: string;
  score: DrillScore;
}

/** How many earlier drills the evaluation compares with. */
export const PAST_DRILLS = 3;

/** Scores the stored drills of this playbook closed and opened before `except` (newest first), at most `limit`; others are ignored. */
export function pastDrills(
  pb: Playbook,
  records: readonly IncidentRecord[],
  except: { id: string; openedAt: string },
  limit = PAST_DRILLS,
): PastDrill[] {
  return records
    .filter((r) => r.drill && r.playbookId === pb.id && r.closedAt && r.id !== except.id && r.openedAt < except.openedAt)
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
    .slice(0, limit)
    .flatMap((r) => {
      const st = r.snapshot as IncidentState | undefined;
      const ctx = st?.machine?.context as IncidentContext | undefined;
      if (!ctx?.phases) return [];
      return [{ id: r.id, openedAt: r.openedAt, closedAt: r.closedAt!, score: scoreDrill(pb, ctx, st!.drill) }];
    });
}

/** "45 s" under a minute, otherwise as every other duration. */
function took(ms: number, locale: "de" | "en"): string {
  return ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : showDuration(ms, locale);
}

/** The first clause of a task text, short enough for one line on a phone. */
function shortText(text: string): string {
  const first = text.split(/(?<=[.!?])\s/)[0]!.replace(/[.]$/, "");
  if (first.length <= 64) return first;
  const cut = first.slice(0, 62);
  return `${cut
    .slice(0, Math.max(cut.lastIndexOf(" "), 40))
    .replace(/[,;:–-]+$/, "")
    .trimEnd()} …`;
}

function outcomeText(r: DrillTaskResult, env: ViewEnv): string {
  const o = env.t.drillReport.outcome;
  const t = r.tookMs === undefined ? "" : took(r.tookMs, env.locale);
  const target = r.targetMs === undefined ? undefined : showDuration(r.targetMs, env.locale);
  switch (r.outcome) {
    case "on-time":
      return target ? o.onTime(t, target) : o.onTimePhase(t);
    case "late":
      return target ? o.late(t, target) : o.latePhase(t);
    case "missed":
      return o.missed;
    case "unseen":
      return o.unseen;
    case "too-fast":
      return o.tooFast(t);
    case "skip-unseen":
      return o.skipUnseen;
    case "skipped":
      return o.skipped(escapeMd(r.reason ?? ""));
    case "not-reached":
      return o.notReached;
  }
}

/** How the same task went last time, in a few words. */
function lastTime(r: DrillTaskResult | undefined, env: ViewEnv): string | undefined {
  if (!r) return undefined;
  const d = env.t.drillReport;
  if ((r.outcome === "on-time" || r.outcome === "late") && r.tookMs !== undefined) return d.last(took(r.tookMs, env.locale));
  if (r.outcome === "skipped") return d.last(d.lastSkipped);
  if (FAILED.includes(r.outcome)) return d.last(d.lastFailed);
  return undefined;
}

function taskLine(env: ViewEnv, r: DrillTaskResult, prev: PastDrill | undefined): string {
  const before = lastTime(
    prev?.score.results.find((x) => x.task.id === r.task.id),
    env,
  );
  const role = env.t.roleShort[r.task.role];
  return `• ${r.task.nr}. ${escapeMd(shortText(loc(r.task.text, env.locale)))} (${role}) – ${outcomeText(r, env)}${before ? ` · ${before}` : ""}`;
}

function scoreText(s: DrillScore, env: ViewEnv): string {
  return s.percent === undefined ? env.t.drillReport.noScore : env.t.drillReport.scoreValue(s.percent, s.count("on-time"), s.counted);
}

/** The sections of the evaluation, in the order they are shown. */
export function drillSections(env: ViewEnv, score: DrillScore, past: readonly PastDrill[] | undefined): DrillSection[] {
  const d = env.t.drillReport;
  const prev = past?.[0];
  const line = (r: DrillTaskResult) => taskLine(env, r, prev);
  const missed = score.results.filter((r) => r.outcome === "late" || FAILED.includes(r.outcome));
  // failures first, then late ones; in task order within each
  missed.sort((a, b) => Number(a.outcome === "late") - Number(b.outcome === "late") || a.task.nr - b.task.nr);
  const sections: DrillSection[] = [{ id: "missed", title: d.sections.missed, lines: missed.map(line), empty: d.nothingMissed }];
  const skipped = score.results.filter((r) => r.outcome === "skipped");
  if (skipped.length) sections.push({ id: "skipped", title: d.sections.skipped, lines: skipped.map(line) });
  sections.push({
    id: "wentWell",
    title: d.sections.wentWell,
    lines: score.results.filter((r) => r.outcome === "on-time").map(line),
    empty: d.nothingWell,
  });
  if (!past) return sections;
  const comparison = past.map((p) =>
    d.compareLine(
      p.id,
      showTime(p.openedAt, env.locale),
      scoreText(p.score, env),
      showDuration(new Date(p.closedAt).getTime() - new Date(p.openedAt).getTime(), env.locale),
    ),
  );
  if (prev) {
    const delta = score.percent !== undefined && prev.score.percent !== undefined ? score.percent - prev.score.percent : undefined;
    comparison.unshift(d.compareNow(scoreText(score, env), delta));
  }
  sections.push({
    id: "comparison",
    title: d.sections.comparison,
    lines: comparison.map((x, i) => (i === 0 && prev ? x : `• ${x}`)),
    empty: d.firstDrill,
  });
  return sections;
}

/** Renders sections: a bold title, then its lines (or the line for an empty section). */
export function sectionBlocks(sections: readonly DrillSection[]): Block[] {
  return sections.map((s) => ({
    type: "paragraph",
    text: `**${s.title}**\n${s.lines.length ? s.lines.join("\n") : (s.empty ?? "")}`.trimEnd(),
  }));
}

/**
 * The whole evaluation of a closed drill. `records`: the team's stored drills (others are filtered out); undefined
 * leaves the comparison out (the export, which does not load other incidents).
 */
export function drillReportBlocks(L: Loaded, env: ViewEnv, records: readonly IncidentRecord[] | undefined): Block[] {
  const d = env.t.drillReport;
  const score = scoreDrill(L.pb, ctxOf(L), L.st.drill);
  const past = records && pastDrills(L.pb, records, L.rec);
  const f = summaryFigures(L, env);
  const failed = score.results.filter((r) => FAILED.includes(r.outcome)).length;
  const parts = [
    `${d.countParts.onTime} ${score.count("on-time")}`,
    `${d.countParts.late} ${score.count("late")}`,
    `${d.countParts.failed} ${failed}`,
    `${d.countParts.skipped} ${score.count("skipped")}`,
  ];
  const blocks: Block[] = [
    { type: "heading", text: d.title(L.rec.id) },
    {
      type: "facts",
      facts: [
        { label: d.score, value: scoreText(score, env) },
        { label: d.counts, value: parts.join(" · ") },
        ...(f.deadlines.length
          ? [{ label: d.wouldMeet, value: `${f.deadlines.filter((x) => x.state === "met").length}/${f.deadlines.length}` }]
          : []),
        { label: d.duration, value: showDuration(f.totalMs, env.locale) },
        // a drill that started with the emergency plan's holders: how long each role took to confirm
        ...confirmFacts(L, env),
      ],
    },
    ...sectionBlocks(drillSections(env, score, past)),
  ];
  const notReached = score.count("not-reached");
  const notes = [d.rules(MIN_PLAUSIBLE_MS / 1000)];
  if (notReached) notes.unshift(d.notReached(notReached));
  blocks.push({ type: "context", text: notes.join(" ") });
  return blocks;
}
