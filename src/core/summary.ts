import { numberedTasks } from "../machines/conditions.ts";
import { type Level, loc, ROLES } from "../machines/schema.ts";
import type { Block } from "./message.ts";
import { escapeMd } from "./message.ts";
import { confirmTimes, roleSpans } from "./roles.ts";
import type { Loaded } from "./state.ts";
import { showClock, showDuration, showTime } from "./time.ts";
import { clocksNotStarted, ctxOf, deadlineTitle, dutiesOpen, nameOf, questionLabel, taskActive, type ViewEnv } from "./views.ts";

/** Figures of a closed (or closing) incident, shared by the chat summary and the export. */
export function summaryFigures(L: Loaded, env: ViewEnv) {
  const ctx = ctxOf(L);
  const opened = new Date(L.rec.openedAt).getTime();
  const end = new Date(L.rec.closedAt ?? env.now.toISOString()).getTime();
  const phases = ctx.phases
    .filter((p) => p.phase !== "abgeschlossen")
    .map((p) => ({
      phase: p.phase,
      ms: new Date(p.leftAt ?? L.rec.closedAt ?? env.now.toISOString()).getTime() - new Date(p.enteredAt).getTime(),
      override: p.override,
    }));
  const tasks = numberedTasks(L.pb).filter((x) => taskActive(L, x));
  const firstAck = ROLES.map((r) => {
    const acks = tasks
      .filter((x) => x.role === r)
      .map((x) => ctx.tasks[x.id]?.ackAt)
      .filter((x): x is string => Boolean(x))
      .map((x) => new Date(x).getTime() - opened);
    return { role: r, ms: acks.length ? Math.min(...acks) : undefined };
  });
  const done = tasks.filter((x) => ctx.tasks[x.id]?.state === "erledigt");
  const skipped = tasks.filter((x) => ctx.tasks[x.id]?.state === "übersprungen");
  const open = tasks.filter((x) => {
    const s = ctx.tasks[x.id]?.state ?? "offen";
    return s === "offen" || s === "bestätigt";
  });
  const deadlines = L.pb.deadlines
    .filter((d) => L.st.deadlines[d.id])
    .map((d) => {
      const s = L.st.deadlines[d.id]!;
      const met = Boolean(s.metAt) && (!s.dueAt || s.metAt! <= s.dueAt);
      const missed =
        Boolean(s.missedAt) ||
        (s.dueAt !== undefined && !s.metAt && s.dueAt < new Date(end).toISOString()) ||
        (s.metAt !== undefined && s.dueAt !== undefined && s.metAt > s.dueAt);
      return { id: d.id, state: met ? "met" : missed ? "missed" : "open", dueAt: s.dueAt, metAt: s.metAt } as const;
    });
  return { totalMs: end - opened, phases, firstAck, done, skipped, open, deadlines };
}

/** The lessons-learned summary posted at closure. */
export function buildSummary(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const f = summaryFigures(L, env);
  const ctx = ctxOf(L);
  const blocks: Block[] = [{ type: "heading", text: t.closedTitle(L.rec.id) }];
  if (L.rec.drill) blocks.push({ type: "context", text: t.drillBanner });
  const facts = [
    { label: t.facts.level, value: t.levelName[ctx.level as Level] },
    { label: t.summary.duration, value: showDuration(f.totalMs, env.locale) },
    { label: t.summary.phases, value: f.phases.map((p) => `${t.phaseName[p.phase]} ${showDuration(p.ms, env.locale)}`).join(" · ") },
    {
      label: t.summary.firstAck,
      value: f.firstAck
        .map((a) => `${t.roleShort[a.role]}: ${a.ms === undefined ? t.summary.noAck : showDuration(a.ms, env.locale)}`)
        .join(" · "),
    },
    { label: t.summary.tasksDone, value: `${f.done.length} / ${f.done.length + f.skipped.length + f.open.length}` },
  ];
  if (ctx.closeReason) facts.push({ label: t.summary.closeReason, value: escapeMd(ctx.closeReason) });
  blocks.push({ type: "facts", facts });
  const held = roleHistory(L, env);
  if (held) blocks.push({ type: "paragraph", text: `**${t.summary.roles}**\n${held}` });
  if (f.skipped.length)
    blocks.push({
      type: "paragraph",
      text: `**${t.summary.tasksSkipped}**\n${f.skipped.map((x) => `• ${x.nr}. ${loc(x.text, env.locale)} – ${escapeMd(ctx.tasks[x.id]?.reason ?? "")}`).join("\n")}`,
    });
  const overrides = ctx.phases.filter((p) => p.override);
  if (overrides.length)
    blocks.push({
      type: "paragraph",
      text: `**${t.summary.overrides}**\n${overrides.map((p) => `• ${t.phaseName[p.phase]}: ${escapeMd(p.override!.reason)} (${escapeMd(nameOf(L, p.override!.by)!)})`).join("\n")}`,
    });
  // clocks that never started because a question stayed unanswered or „unklar“: an unanswered question is not „no“
  const nrOf = (q: string) => questionLabel(L.pb.questions.findIndex((x) => x.id === q));
  const lines = [
    ...f.deadlines.map(
      (d) =>
        `• ${deadlineTitle(L, env, d.id)}: ${d.state === "met" ? `✅ ${t.summary.met}` : d.state === "missed" ? `❗ ${t.summary.missed}` : t.summary.open}${deadlineWhen(d, env)}`,
    ),
    ...clocksNotStarted(L).map(
      (c) =>
        `• ${deadlineTitle(L, env, c.id)}: ❗ ${c.kind === "waiting" ? t.summary.notStartedWaiting(nrOf(c.question)) : t.summary.notStartedUnclear(nrOf(c.question))}`,
    ),
  ];
  blocks.push({ type: "paragraph", text: `**${t.summary.deadlines}**\n${lines.length ? lines.join("\n") : t.summary.none}` });
  if (dutiesOpen(L, t, env.locale).length) blocks.push({ type: "context", text: t.summary.dutiesAfterClose });
  const review = L.pb.review.map((q, i) => ({ q, i, a: L.st.review[q.id] })).filter((x) => x.a);
  blocks.push({
    type: "paragraph",
    text: `**${t.summary.review}**\n${review.length ? review.map((x) => `• L${x.i + 1} ${loc(x.q.text, env.locale)} → ${escapeMd(x.a!)}`).join("\n") : t.summary.noReview}`,
  });
  blocks.push({
    type: "paragraph",
    text: `**${t.summary.followUps}**\n${f.open.length ? f.open.map((x) => `• ${x.nr}. ${loc(x.text, env.locale)} (${t.roleShort[x.role]})`).join("\n") : t.summary.none}`,
  });
  blocks.push({ type: "context", text: t.summary.exportHint(L.rec.id) });
  return blocks;
}

/** Who held which role when: per role the holders with their time (and the reason of a handover). */
function roleHistory(L: Loaded, env: ViewEnv): string | undefined {
  const { t } = env;
  const spans = roleSpans(L);
  if (spans.length === 0) return undefined;
  return ROLES.filter((r) => spans.some((s) => s.role === r))
    .map((r) => {
      const list = spans
        .filter((s) => s.role === r)
        .map((s) => {
          const when = s.to ? `${showClock(s.from)}–${showClock(s.to)}` : t.summary.roleSince(showClock(s.from));
          return `${escapeMd(nameOf(L, s.id)!)} (${when}${s.reason ? `; ${escapeMd(s.reason)}` : ""})`;
        });
      return `• ${t.roleShort[r]}: ${list.join(", ")}`;
    })
    .join("\n");
}

/** Drill report: how long after the declaration each role of the plan was confirmed, and by whom. */
export function confirmFacts(L: Loaded, env: ViewEnv): { label: string; value: string }[] {
  const { t } = env;
  const times = confirmTimes(L);
  if (times.length === 0) return [];
  const value = times
    .map((c) =>
      c.ms === undefined
        ? `${t.roleShort[c.role]}: ${t.summary.notConfirmed}`
        : `${t.roleShort[c.role]}: ${showDuration(c.ms, env.locale)}${c.name ? ` (${escapeMd(c.name)}${c.step ? `, ${t.summary.deputyNr(c.step + 1)}` : ""})` : ""}`,
    )
    .join(" · ");
  return [{ label: t.summary.confirmTime, value }];
}

/** When a deadline was met (as `status` shows it), else when it was due: "(Mo., 02.03.2026, 09:10)", "(fällig …)". */
function deadlineWhen(d: { dueAt?: string | undefined; metAt?: string | undefined }, env: ViewEnv): string {
  if (d.metAt) return ` (${showTime(d.metAt, env.locale)}${d.dueAt ? `; ${env.t.summary.due} ${showTime(d.dueAt, env.locale)}` : ""})`;
  return d.dueAt ? ` (${env.t.summary.due} ${showTime(d.dueAt, env.locale)})` : "";
}
