import { verifyChain } from "../core/chain.ts";
import type { TaskRow, TimelineEntry } from "../core/ports.ts";
import type { Loaded } from "../core/state.ts";
import { summaryFigures } from "../core/summary.ts";
import { showTime } from "../core/time.ts";
import { timelineText } from "../core/timeline-text.ts";
import { ctxOf, deadlineTitle, nameOf, type ViewEnv } from "../core/views.ts";
import { type Level, loc, ROLES } from "../machines/schema.ts";
import type { IncidentReport, ReportRole } from "./model.ts";

/**
 * The incident report from the same inputs as the Markdown/JSON export (`buildExport`): the loaded incident, its
 * timeline, the view environment (catalogue, locale, organisation file, the time of the export) and the task rows.
 * Pure: same input, same report; no clock is read (the export time is `env.now`).
 */
export function buildReport(L: Loaded, entries: readonly TimelineEntry[], env: ViewEnv, tasks: readonly TaskRow[]): IncidentReport {
  const { t } = env;
  const ctx = ctxOf(L);
  const f = summaryFigures(L, env);
  const opened = new Date(L.rec.openedAt).getTime();
  const until = L.rec.closedAt ?? env.now.toISOString();
  const verdict = verifyChain(entries, env.locale);
  const roleTaken = new Map<string, string>();
  for (const e of entries) {
    const data = e.data as { role?: string; actorId?: string | null } | null;
    if (e.kind === "role" && data?.role && data.actorId && !roleTaken.has(data.role)) roleTaken.set(data.role, e.at);
  }
  const roles = ROLES.map((r): ReportRole => {
    const ack = f.firstAck.find((a) => a.role === r)?.ms;
    const holder = nameOf(L, ctx.roles[r]);
    const takenAt = roleTaken.get(r);
    return {
      id: r,
      name: t.roleName[r],
      short: t.roleShort[r],
      ...(holder ? { holder } : {}),
      ...(takenAt ? { takenAt } : {}),
      ...(ack !== undefined ? { firstAckAt: new Date(opened + ack).toISOString() } : {}),
    };
  });
  const deadlines = f.deadlines.map((d) => {
    const def = L.pb.deadlines.find((x) => x.id === d.id);
    const s = L.st.deadlines[d.id];
    return {
      id: d.id,
      title: deadlineTitle(L, env, d.id),
      basis: def ? loc(def.basis, env.locale) : "",
      ...(s?.startedAt ? { startedAt: s.startedAt } : {}),
      ...(d.dueAt ? { dueAt: d.dueAt } : {}),
      ...(d.metAt ? { metAt: d.metAt } : {}),
      state: d.state,
    };
  });
  const rows = new Map(tasks.map((r) => [r.taskId, r]));
  const skippedWhy = f.skipped.map((x) => ({
    task: loc(x.text, env.locale),
    reason: rows.get(x.id)?.reason ?? ctx.tasks[x.id]?.reason ?? "",
  }));
  const declaredBy = nameOf(L, L.rec.declaredBy);
  return {
    locale: env.locale,
    id: L.rec.id,
    title: L.rec.title,
    drill: L.rec.drill,
    ...(env.config?.name ? { org: env.config.name } : {}),
    type: loc(L.pb.title, env.locale),
    level: t.levelName[ctx.level as Level],
    openedAt: L.rec.openedAt,
    awareAt: L.rec.awareAt,
    ...(L.rec.closedAt ? { closedAt: L.rec.closedAt } : {}),
    until,
    exportedAt: env.now.toISOString(),
    ...(declaredBy ? { declaredBy } : {}),
    ...(L.st.description ? { description: L.st.description } : {}),
    ...(ctx.closeReason ? { closeReason: ctx.closeReason } : {}),
    roles,
    phases: ctx.phases
      .filter((p) => p.phase !== "abgeschlossen")
      .map((p) => ({
        id: p.phase,
        name: t.phaseName[p.phase],
        from: p.enteredAt,
        ...(p.leftAt ? { to: p.leftAt } : L.rec.closedAt ? { to: L.rec.closedAt } : {}),
        ...(p.override ? { override: p.override.reason } : {}),
      })),
    deadlines,
    answers: L.pb.questions.map((q) => {
      const a = ctx.answers[q.id];
      const shown =
        a === undefined
          ? undefined
          : q.kind === "time"
            ? showTime(a, env.locale)
            : q.kind === "yesno" && env.locale === "en"
              ? ({ ja: t.answerYes, nein: t.answerNo, unklar: t.answerUnclear }[a] ?? a)
              : a;
      return { question: loc(q.text, env.locale), ...(shown === undefined ? {} : { answer: shown }) };
    }),
    tasks: { done: f.done.length, skipped: f.skipped.length, open: f.open.length, skippedWhy },
    lessons: L.pb.review.map((q) => ({ question: loc(q.text, env.locale), ...(L.st.review[q.id] ? { answer: L.st.review[q.id] } : {}) })),
    followUps: f.open.map((x) => ({ task: loc(x.text, env.locale), role: t.roleShort[x.role] })),
    timeline: entries.map((e) => ({
      seq: e.seq,
      at: e.at,
      who: e.actorName,
      kind: e.kind,
      text: timelineText(e, L.pb, env.locale, L.st.names),
    })),
    verification: verdict,
  };
}
