/**
 * Legal clocks, reminders and timers: starting and meeting deadlines (DSGVO, NIS2, insurer), their reminders and
 * escalation when missed, role reminders, task due times, and what a timer does when it falls due.
 */
import { holds, waitsFor } from "../machines/conditions.ts";
import { loc, type Phase, ROLES, type RoleId } from "../machines/schema.ts";
import { fetched, type IncidentCx } from "./context.ts";
import { answersOf, incidentFacts, isAsked, questionNr } from "./facts.ts";
import { de } from "./i18n/de.ts";
import type { ActorRef } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { privacyContact } from "./phones.ts";
import type { TimerRow } from "./ports.ts";
import { addTimer, env, log, post, SYSTEM } from "./primitives.ts";
import { pendingPlan } from "./role-lines.ts";
import { onConfirmTimeout } from "./roles.ts";
import { addDuration, showDuration, showTime } from "./time.ts";
import { coordinatorId, ctxOf, deadlineTitle, nameOf, taskActive, tasksOf } from "./views.ts";

const ROLE_REMINDER_MIN = [10, 30, 60];

/** A timer of this incident fell due: remind, or record a missed deadline. Guards make a stale timer harmless. */
export function onTimer(cx: IncidentCx, timer: TimerRow): void {
  const { L, t } = cx;
  const p = (timer.payload ?? {}) as Record<string, unknown>;
  switch (timer.kind) {
    case "roles": {
      const free = ROLES.filter((r) => !ctxOf(L).roles[r] && !pendingPlan(L, r));
      // roles the plan is still asking for are not reminded: the deputy timers take care of them
      if (!free.length) return;
      L.st.rolesReminded += 1;
      log(cx, SYSTEM, "reminder", `Erinnerung: Rollen nicht besetzt (${free.map((r) => de.roleName[r]).join(", ")})`, { roles: free });
      post(cx, `${L.rec.id}/roles-reminder/${L.st.rolesReminded}`, [
        { type: "paragraph", text: t.rolesReminder(free.map((r) => t.roleName[r])) },
      ]);
      scheduleRoleReminder(cx);
      return;
    }
    case "role-confirm":
      onConfirmTimeout(cx, p.role as RoleId, Number(p.step));
      return;
    case "task-due": {
      const task = tasksOf(L).find((x) => x.id === p.task);
      if (!task || !taskActive(L, task)) return;
      const s = ctxOf(L).tasks[task.id]?.state ?? "offen";
      if (s === "erledigt" || s === "übersprungen") return;
      const holder = nameOf(L, ctxOf(L).roles[task.role]) ?? t.roleName[task.role];
      log(cx, SYSTEM, "reminder", `Erinnerung: Aufgabe ${task.nr} fällig`, { task: task.id });
      post(cx, `${L.rec.id}/task-due/${task.id}`, [
        { type: "paragraph", text: t.taskOverdue(task.nr, loc(task.text, cx.locale), escapeMd(holder)) },
      ]);
      return;
    }
    case "question-reminder": {
      const q = L.pb.questions.find((x) => x.id === p.question);
      if (!q || ctxOf(L).answers[q.id] !== undefined || !isAsked(L, q)) return;
      const nr = questionNr(L, q.id);
      const eff = answersOf(L);
      const coord = escapeMd(nameOf(L, coordinatorId(L))!);
      log(cx, SYSTEM, "reminder", `Erinnerung: Frage ${nr} unbeantwortet: ${loc(q.text, "de")}`, { question: q.id });
      const blocks: Block[] = [{ type: "paragraph", text: t.questionReminder(nr, loc(q.text, cx.locale), coord, q.kind === "yesno") }];
      if (eff.origin[q.id] === "default")
        blocks.push({ type: "context", text: t.questionReminderDefault(answerWord(cx, eff.values[q.id]!)) });
      post(cx, `${L.rec.id}/question-reminder/${q.id}/${String(p.after)}`, blocks);
      return;
    }
    case "deadline-reminder":
    case "deadline-due": {
      const id = String(p.deadline);
      const d = L.st.deadlines[id];
      if (!d || d.metAt || d.missedAt) return;
      const title = deadlineTitle(L, env(cx), id);
      const titleDe = deadlineTitle(L, { ...env(cx), locale: "de" }, id);
      const holder = escapeMd(nameOf(L, ctxOf(L).roles.kommunikation) ?? nameOf(L, coordinatorId(L))!);
      if (timer.kind === "deadline-reminder") {
        if (!d.dueAt) {
          log(cx, SYSTEM, "reminder", `Erinnerung: ${titleDe} (unverzüglich)`, { deadline: id });
          post(cx, `${L.rec.id}/deadline/${id}/urgent/${timer.id}`, [{ type: "paragraph", text: t.deadlineUrgent(title, holder) }]);
          return;
        }
        const left = new Date(d.dueAt).getTime() - cx.now.getTime();
        log(cx, SYSTEM, "reminder", `Erinnerung: ${titleDe}, noch ${showDuration(left)}`, { deadline: id, dueAt: d.dueAt });
        post(cx, `${L.rec.id}/deadline/${id}/reminder/${timer.id}`, [
          { type: "paragraph", text: t.deadlineReminder(title, showDuration(left, cx.locale), showTime(d.dueAt, cx.locale), holder) },
        ]);
        return;
      }
      d.missedAt = cx.iso;
      const coord = escapeMd(nameOf(L, coordinatorId(L))!);
      log(cx, SYSTEM, "deadline-missed", `Frist verpasst: ${titleDe}`, { deadline: id, dueAt: d.dueAt ?? null });
      post(cx, `${L.rec.id}/deadline/${id}/missed`, [{ type: "paragraph", text: t.deadlineMissed(title, coord) }]);
      return;
    }
  }
}

/**
 * Brings the clocks in line with the answers that count (a person's, an implied one, the playbook's default): starts
 * every deadline whose condition now holds and that is not running yet, and stops one whose condition an answer has
 * taken back (`antwort 6 nein` after the precautionary clock), unless it was already met. Then reminds the questions
 * that are now asked. Needs pending timers when a clock may stop (answers).
 */
export function startDeadlines(cx: IncidentCx, actor: ActorRef, opts: { brief?: boolean } = {}): void {
  const { L, t } = cx;
  const facts = incidentFacts(L);
  const explained = new Set<string>();
  const brief = opts.brief ? { lines: [] as string[], notes: [] as Block[] } : undefined;
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    if (s) {
      if (!s.metAt && d.when?.question !== undefined && !holds(d.when, facts)) dropDeadline(cx, d.id, d.when.question, actor);
      continue;
    }
    if (d.from === "deadline") continue; // started when `after` is met
    if (!holds(d.when, facts)) continue;
    const start = d.from === "aware" ? new Date(L.rec.awareAt) : cx.now;
    startDeadline(cx, d.id, start, actor, explained, brief);
  }
  if (brief?.lines.length) {
    const blocks: Block[] = [{ type: "paragraph", text: brief.lines.join("\n") }, ...brief.notes];
    blocks.push({ type: "context", text: t.deadlinesBriefHint });
    if (L.rec.drill) blocks.push({ type: "context", text: t.drillBanner });
    post(cx, `${L.rec.id}/deadlines/started`, blocks);
  }
  scheduleQuestionReminders(cx);
}

/**
 * Clocks that do not run only because a question is unanswered (no default, nothing implied), by question number:
 * said when the phase changes, so nobody moves on believing there is nothing to report.
 */
export function clocksWaiting(cx: IncidentCx): string[] {
  const { L, t } = cx;
  const facts = incidentFacts(L);
  const byQuestion = new Map<string, string[]>();
  for (const d of L.pb.deadlines) {
    if (L.st.deadlines[d.id] || d.from === "deadline") continue;
    const q = waitsFor(d.when, facts);
    const question = q ? L.pb.questions.find((x) => x.id === q) : undefined;
    if (!q || !question || !holds(question.when, facts)) continue;
    byQuestion.set(q, [...(byQuestion.get(q) ?? []), loc(d.title, cx.locale)]);
  }
  return [...byQuestion].map(([q, titles]) => t.clockWaitingItem(questionNr(L, q), titles));
}

/** A running clock whose condition no longer holds (the answer changed): its timers go, the timeline keeps it. */
function dropDeadline(cx: IncidentCx, id: string, question: string, actor: ActorRef): void {
  const { L, t } = cx;
  const d = L.pb.deadlines.find((x) => x.id === id)!;
  delete L.st.deadlines[id];
  const nr = questionNr(L, question);
  const given = answersOf(L).values[question];
  log(cx, actor, "deadline-dropped", `Frist entfällt: ${loc(d.title, "de")} (Frage ${nr}: ${given ?? "offen"})`, { deadline: id });
  cx.w.cancel.push(...fetched(cx, "pendingTimers").filter((x) => x.includes(`:${id}:`)));
  post(cx, `${L.rec.id}/deadline/${id}/dropped/${L.rec.lastSeq}`, [
    {
      type: "paragraph",
      text: t.deadlineDropped(loc(d.title, cx.locale), nr, given === undefined ? t.notAnswered : answerWord(cx, given)),
    },
  ]);
}

/** "ja" / "nein" / "unklar" in the reader's language. */
function answerWord(cx: IncidentCx, v: string): string {
  const { t } = cx;
  return v === "ja" ? t.answerYes : v === "nein" ? t.answerNo : v === "unklar" ? t.answerUnclear : v;
}

/**
 * Reminders for questions with `remind_after`, counted from the moment a question is first asked (opening, or when
 * its `when` first holds). Durable timers; when they fall due an answer given in between makes them harmless.
 */
export function scheduleQuestionReminders(cx: IncidentCx): void {
  const { L } = cx;
  const facts = incidentFacts(L);
  L.st.asked ??= {};
  for (const q of L.pb.questions) {
    if (!q.remind_after?.length || L.st.asked[q.id] || ctxOf(L).answers[q.id] !== undefined || !isAsked(L, q, facts)) continue;
    L.st.asked[q.id] = cx.iso;
    for (const after of q.remind_after)
      addTimer(cx, `question-reminder:${q.id}:${after}`, "question-reminder", addDuration(cx.now, after), { question: q.id, after });
  }
}

/**
 * What the bot says under a clock it starts: that it runs as a precaution because a question is still unanswered
 * (the playbook's default), or because another answer implied it; and for the authority notice, who assesses the
 * risk (the data-protection officer, or the management where none is entered).
 */
function startNotes(cx: IncidentCx, id: string, explained: Set<string>): Block[] {
  const { L, t } = cx;
  const d = L.pb.deadlines.find((x) => x.id === id)!;
  const out: Block[] = [];
  const q = d.when?.question;
  if (q) {
    const eff = answersOf(L);
    if (explained.has(q)) {
      // said under the first clock this question started
    } else if (eff.origin[q] === "default")
      out.push({ type: "context", text: t.deadlinePrecaution(questionNr(L, q), answerWord(cx, eff.values[q]!)) });
    else if (eff.origin[q] === "implied")
      out.push({ type: "context", text: t.deadlineImplied(questionNr(L, q), questionNr(L, eff.by[q]!), answerWord(cx, eff.values[q]!)) });
    explained.add(q);
  }
  const tpl = d.template ? L.pb.templates.find((x) => x.id === d.template) : undefined;
  if (tpl?.audience === "datenschutzbehoerde") {
    const who = privacyContact(cx.config);
    out.push({
      type: "context",
      text: who.dpo
        ? t.privacyDpo(escapeMd(who.name ?? t.privacyDpoUnnamed), who.phone ? escapeMd(who.phone) : undefined)
        : t.privacyManagement(who.name ? escapeMd(who.name) : undefined, who.phone ? escapeMd(who.phone) : undefined),
    });
  }
  return out;
}

/**
 * Starts one clock and says so: with its legal basis, why it runs (a default, an implied answer), who assesses, and
 * the task that meets it. `brief` (the declaration, one screen): only a line for the clock, collected by the caller;
 * the notes are said once for all clocks.
 */
function startDeadline(
  cx: IncidentCx,
  id: string,
  start: Date,
  actor: ActorRef,
  explained = new Set<string>(),
  brief?: { lines: string[]; notes: Block[] },
): void {
  const { L, t } = cx;
  const d = L.pb.deadlines.find((x) => x.id === id)!;
  const due = d.within ? addDuration(start, d.within) : undefined;
  L.st.deadlines[id] = { startedAt: start.toISOString(), ...(due ? { dueAt: due.toISOString() } : {}) };
  const title = loc(d.title, cx.locale);
  log(cx, actor, "deadline", `Frist gestartet: ${loc(d.title, "de")}${due ? ` – fällig ${showTime(due)}` : " – unverzüglich"}`, {
    deadline: id,
    startedAt: start.toISOString(),
    dueAt: due?.toISOString() ?? null,
  });
  scheduleDeadline(cx, id);
  if (brief) {
    brief.lines.push(t.deadlineStartedBrief(title, due ? showTime(due, cx.locale) : undefined));
    for (const note of startNotes(cx, id, explained))
      if (!brief.notes.some((x) => x.type === "context" && note.type === "context" && x.text === note.text)) brief.notes.push(note);
    return;
  }
  const blocks: Block[] = [
    { type: "paragraph", text: t.deadlineStarted(title, due ? showTime(due, cx.locale) : undefined, loc(d.basis, cx.locale)) },
  ];
  blocks.push(...startNotes(cx, id, explained));
  const task = tasksOf(L).find((x) => x.fulfils === id && taskActive(L, x));
  if (task) blocks.push({ type: "context", text: t.deadlineHowto(task.nr) });
  if (L.rec.drill) blocks.push({ type: "context", text: t.drillBanner });
  post(cx, `${L.rec.id}/deadline/${id}/started`, blocks);
}

function scheduleDeadline(cx: IncidentCx, id: string): void {
  const { L } = cx;
  const d = L.pb.deadlines.find((x) => x.id === id)!;
  const s = L.st.deadlines[id]!;
  const now = cx.now.getTime();
  if (s.dueAt) {
    const due = new Date(s.dueAt);
    for (const before of d.remind_before) {
      const at = addDuration(due, before, -1);
      if (at.getTime() > now) addTimer(cx, `deadline-reminder:${id}:${s.dueAt}:${before}`, "deadline-reminder", at, { deadline: id });
    }
    addTimer(cx, `deadline-due:${id}:${s.dueAt}`, "deadline-due", due.getTime() > now ? due : new Date(now), { deadline: id });
  } else {
    const start = new Date(s.startedAt);
    for (const after of ["PT1H", "PT4H", "PT24H"])
      addTimer(cx, `deadline-reminder:${id}:urgent:${after}`, "deadline-reminder", addDuration(start, after), { deadline: id });
  }
}

/** The Kenntnisnahme moved: running clocks that count from it start again from the new instant. Needs pending timers. */
export function rescheduleAwareDeadlines(cx: IncidentCx): void {
  const { L } = cx;
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    if (!s || s.metAt || s.missedAt || d.from !== "aware") continue;
    cx.w.cancel.push(...fetched(cx, "pendingTimers").filter((id) => id.includes(`:${d.id}:`)));
    const start = new Date(L.rec.awareAt);
    const due = d.within ? addDuration(start, d.within) : undefined;
    L.st.deadlines[d.id] = { startedAt: start.toISOString(), ...(due ? { dueAt: due.toISOString() } : {}) };
    if (due) {
      log(cx, SYSTEM, "deadline", `Frist neu berechnet: ${loc(d.title, "de")} – fällig ${showTime(due)}`, {
        deadline: d.id,
        dueAt: due.toISOString(),
      });
      post(cx, `${L.rec.id}/deadline/${d.id}/moved/${L.rec.lastSeq}`, [
        { type: "paragraph", text: cx.t.deadlineMoved(loc(d.title, cx.locale), showTime(due, cx.locale)) },
      ]);
    }
    scheduleDeadline(cx, d.id);
  }
}

/** A task that fulfils a deadline was done: the clock stops (late if already missed) and follow-up clocks start. Needs pending timers. */
export function meetDeadline(cx: IncidentCx, id: string, actor: ActorRef): void {
  const { L } = cx;
  const s = L.st.deadlines[id];
  if (!s || s.metAt) return;
  s.metAt = cx.iso;
  s.metBy = actor.id;
  const late = s.missedAt !== undefined;
  log(cx, actor, "deadline-met", `Frist ${late ? "verspätet " : ""}erfüllt: ${deadlineTitle(L, { ...env(cx), locale: "de" }, id)}`, {
    deadline: id,
    late,
  });
  cx.w.cancel.push(...fetched(cx, "pendingTimers").filter((x) => x.includes(`:${id}:`)));
  post(cx, `${L.rec.id}/deadline/${id}/met`, [{ type: "context", text: cx.t.deadlineMet(deadlineTitle(L, env(cx), id)) }]);
  for (const d of L.pb.deadlines)
    if (d.from === "deadline" && d.after === id && !L.st.deadlines[d.id] && holds(d.when, incidentFacts(L)))
      startDeadline(cx, d.id, cx.now, actor);
}

/** The next reminder about unassigned roles (10, 30, 60 minutes), if any is left. */
export function scheduleRoleReminder(cx: IncidentCx): void {
  const n = cx.L.st.rolesReminded;
  const mins = ROLE_REMINDER_MIN[n];
  if (mins === undefined) return;
  addTimer(cx, `roles:${n}`, "roles", new Date(cx.now.getTime() + mins * 60000), {});
}

/** Due-time reminders for the active tasks of a phase that has just become visible. */
export function scheduleTaskDue(cx: IncidentCx, phase: Phase): void {
  const { L } = cx;
  for (const task of tasksOf(L)) {
    if (task.phase !== phase || !task.due || !taskActive(L, task)) continue;
    addTimer(cx, `task-due:${task.id}`, "task-due", addDuration(cx.now, task.due), { task: task.id });
  }
}
