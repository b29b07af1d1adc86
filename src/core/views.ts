import { effectiveAnswers, holds, numberedTasks, waitsFor } from "../machines/conditions.ts";
import { currentPhase, factsOf, type IncidentContext, openCriticalTasks } from "../machines/machine.ts";
import {
  type Level,
  loc,
  PHASES,
  type Phase,
  type Playbook,
  type Question,
  ROLES,
  type RoleId,
  type SofortAction,
  type Task,
  templateName,
} from "../machines/schema.ts";
import type { Capabilities } from "./adapter.ts";
import { durationMs } from "./duration.ts";
import type { Catalog } from "./i18n/de.ts";
import { type Block, type ButtonSpec, escapeMd, type TaskItem } from "./message.ts";
import type { OrgConfig } from "./org.ts";
import { callTargets, phoneAt, phonesForTask, privacyContact } from "./phones.ts";
import { pendingPlan, pendingRoles, planWho } from "./role-lines.ts";
import { identityOn } from "./role-plan.ts";
import type { Loaded } from "./state.ts";
import { shorten } from "./text.ts";
import { addDuration, showDuration, showTime } from "./time.ts";

export interface ViewEnv {
  t: Catalog;
  locale: "de" | "en";
  caps: Capabilities;
  config: OrgConfig | undefined;
  now: Date;
}

export const ctxOf = (L: Loaded): IncidentContext => L.snap.context;
/** Display name of a person id; own keys only, so ids such as `__proto__` or `constructor` (console names) stay plain ids. */
export const nameOf = (L: Loaded, id: string | undefined): string | undefined =>
  id ? (Object.hasOwn(L.st.names, id) ? L.st.names[id]! : id) : undefined;

/** The acting coordinator: the role holder, else the declarer. */
export function coordinatorId(L: Loaded): string {
  return ctxOf(L).roles.koordinator ?? L.rec.declaredBy;
}

export function taskActive(L: Loaded, task: Task): boolean {
  return holds(task.when, factsOf(ctxOf(L), L.pb));
}

const numbered = new WeakMap<Playbook, readonly (Task & { nr: number })[]>();

/** The playbook's tasks in display order, numbered (computed once per playbook; do not mutate). */
export function tasksOf(L: Loaded): readonly (Task & { nr: number })[] {
  let list = numbered.get(L.pb);
  if (!list) {
    list = numberedTasks(L.pb);
    numbered.set(L.pb, list);
  }
  return list;
}

/** One task as shown: text (with the number to call from the organisation file), state, buttons; `short` leaves out why. */
export function taskItem(L: Loaded, env: ViewEnv, task: Task & { nr: number }, opts: { short?: boolean } = {}): TaskItem {
  const p = ctxOf(L).tasks[task.id];
  const state = p?.state ?? "offen";
  const actions: ButtonSpec[] = [];
  if (env.caps.buttons && (state === "offen" || state === "bestätigt")) {
    if (state === "offen") actions.push({ label: env.t.btnAck, command: `ok ${task.nr}` });
    actions.push({ label: env.t.btnDone, command: `erledigt ${task.nr}`, style: "primary" });
  }
  const who = state === "bestätigt" ? p?.ackBy : state === "erledigt" || state === "übersprungen" ? p?.doneBy : undefined;
  const phones = phonesForTask(task, env.config)
    .filter((x) => x.number)
    .map((x) => escapeMd(x.number!));
  // "Datenschutzbeauftragte:n informieren, falls niemand benannt ist die Leitung": without a DPO, the management's number
  const privacy = env.config && callTargets(task).includes("dpo.phone") ? privacyContact(env.config) : undefined;
  if (privacy && !privacy.dpo && privacy.phone)
    phones.push(`${privacy.name ? `${escapeMd(privacy.name)} ` : ""}${escapeMd(privacy.phone)}`);
  const item: TaskItem = {
    nr: task.nr,
    text:
      loc(task.text, env.locale) +
      (phones.length ? ` **☎ ${phones.join(", ")}**` : "") +
      // a drill trains against the target times: an open task says its target (docs/drills.md)
      (L.rec.drill && task.ziel && (state === "offen" || state === "bestätigt")
        ? ` · ${env.t.drillTarget(showDuration(addDuration(new Date(0), task.ziel).getTime(), env.locale))}`
        : ""),
    critical: task.critical,
    state,
    actions,
  };
  if (!opts.short) item.why = loc(task.why, env.locale);
  // the name and the reason are what people typed: escaped like every other user value (a `<@…>` stays text)
  if (who)
    item.stateLabel =
      env.t.stateBy(env.t.taskState[state], escapeMd(nameOf(L, who)!)) +
      (p?.reason && state === "übersprungen" ? `: ${escapeMd(p.reason)}` : "");
  return item;
}

/**
 * The incident's first message, one phone screen: id and type in plain words, what was reported, "Jetzt sofort"
 * (the playbook's two or three first actions, with the number to call), the roles and how to take one.
 * Level, phase and the type's description are on `status`. Updated in place when roles change.
 */
export function headerBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const ctx = ctxOf(L);
  const blocks: Block[] = [{ type: "heading", text: t.headerTitle(L.rec.id, loc(L.pb.title, env.locale), L.rec.drill) }];
  if (L.rec.drill) blocks.push({ type: "context", text: t.drillBanner });
  if (L.st.description) blocks.push({ type: "context", text: t.headerReported(escapeMd(L.st.description)) });
  const closed = currentPhase(ctx) === "abgeschlossen";
  if (!closed && L.pb.sofort.length) blocks.push({ type: "paragraph", text: sofortText(L.pb.sofort, env) });
  blocks.push(rolesBlock(L, env));
  // roles the emergency plan asks for are confirmed (`ok rolle`), the others taken
  const pending = pendingRoles(L);
  const free = ROLES.filter((r) => !ctx.roles[r] && !pending.includes(r));
  if ((free.length > 0 || pending.length > 0) && !closed) {
    // a chat (or a terminal) has no threads: the incident continues right here
    const threaded = env.caps.threads && Boolean(L.rec.threadRef || L.rec.threadKey);
    const confirm = pending.length ? [env.caps.buttons ? t.plan.confirmButtons : t.plan.confirmTyped] : [];
    // one keyboard for everyone (the terminal): how to confirm as the person asked
    const asId = env.caps.speakAs
      ? pending
          .map((r) => pendingPlan(L, r)!)
          .map((s) => identityOn(s.chain[s.step]!, L.rec.platform))
          .find(Boolean)
      : undefined;
    if (asId) confirm.push(t.plan.confirmAs(asId));
    const take = free.length ? [env.caps.buttons ? t.headerTakeButtons : t.headerTake(free.map((r) => `\`${t.roleCommand(r)}\``))] : [];
    blocks.push({ type: "context", text: `${[...confirm, ...take].join(" ")} ${threaded ? t.headerWhere.thread : t.headerWhere.here}` });
    if (env.caps.buttons)
      blocks.push({
        type: "buttons",
        buttons: [
          ...(pending.length ? [{ label: t.plan.confirmButton, command: "ok rolle", style: "primary" as const }] : []),
          ...free.map((r) => ({ label: t.claimButton[r], command: `rolle ${r}` })),
        ],
      });
  }
  return blocks;
}

/** "Jetzt sofort": numbered first actions, each with the number to call from the organisation file. */
export function sofortText(actions: readonly SofortAction[], env: ViewEnv): string {
  const lines = actions.map((a, i) => {
    const text = loc(a.text, env.locale);
    if (!a.call) return `${i + 1}. ${text}`;
    const phone = phoneAt(env.config, a.call);
    return `${i + 1}. ${text} ${phone.number ? `☎ **${escapeMd(phone.number)}**` : env.t.phoneMissing}`;
  });
  return `**${env.t.nowTitle}**\n${lines.join("\n")}`;
}

/**
 * Who holds which role, in the first message: one fact per role; while nobody holds one and the emergency plan asks
 * nobody (no organisation plan), one line for all three (the line after it says how to take one).
 */
export function rolesBlock(L: Loaded, env: ViewEnv): Block {
  const { t } = env;
  const ctx = ctxOf(L);
  if (ROLES.every((r) => !ctx.roles[r] && !pendingPlan(L, r)))
    return { type: "facts", facts: [{ label: t.facts.roles, value: t.unassigned }] };
  return { type: "facts", facts: ROLES.map((r) => ({ label: t.roleShort[r], value: roleValue(L, env, r) })) };
}

/**
 * Who holds a role: the holder's name; while the emergency plan asks someone, that person mentioned (so the platform
 * notifies them) or, not in this chat, by name with the number to call; else nobody yet.
 */
function roleValue(L: Loaded, env: ViewEnv, r: RoleId): string {
  const holder = ctxOf(L).roles[r];
  if (holder) return escapeMd(nameOf(L, holder)!);
  const asked = pendingPlan(L, r);
  return asked ? `${planWho(L, env.t, asked.chain[asked.step]!)} – ${env.t.plan.asked}` : env.t.unassigned;
}

export function questionLabel(i: number): string {
  return String(i + 1);
}

/** How many triage questions are asked at a time. */
export const QUESTION_BATCH = 3;

/** A question whose answer can start a legal clock (or sets the Kenntnisnahme they count from): asked first. */
function startsClock(L: Loaded, q: Question): boolean {
  return Boolean(q.sets_awareness) || L.pb.deadlines.some((d) => d.when?.question === q.id);
}

/**
 * The questions still to answer, in the order they are asked: those that start legal clocks first, then the
 * playbook's order. Only questions whose `when` holds. Numbers stay the playbook's (`antwort 6 ja`).
 */
export function openQuestions(L: Loaded): { q: Question; nr: string }[] {
  const ctx = ctxOf(L);
  const facts = factsOf(ctx, L.pb);
  const open = L.pb.questions
    .map((q, i) => ({ q, nr: questionLabel(i) }))
    .filter((x) => ctx.answers[x.q.id] === undefined && holds(x.q.when, facts));
  return [...open.filter((x) => startsClock(L, x.q)), ...open.filter((x) => !startsClock(L, x.q))];
}

/**
 * One question as a line: `**6.** Text` with the answer when given. An answer that counts without a person having
 * given it says so: the playbook's default (`→ noch offen, gilt bis dahin als unklar`) or an implied one
 * (`→ ja (folgt aus Antwort 11)`).
 */
function questionLine(L: Loaded, env: ViewEnv, q: Question, nr: string): string {
  const { t } = env;
  const eff = effectiveAnswers(L.pb, ctxOf(L).answers);
  const a = eff.values[q.id];
  const word = (v: string) =>
    (({ ja: t.answerYes, nein: t.answerNo, unklar: t.answerUnclear }) as Record<string, string>)[v] ?? escapeMd(v);
  const shown =
    a === undefined
      ? ""
      : eff.origin[q.id] === "default"
        ? ` → _${t.answerByDefault(word(a))}_`
        : eff.origin[q.id] === "implied"
          ? ` → ${word(a)} _(${t.answerByImplication(questionLabel(L.pb.questions.findIndex((x) => x.id === eff.by[q.id])))})_`
          : ` → ${q.kind === "time" ? showTime(a, env.locale) : q.kind === "yesno" ? word(a) : escapeMd(a)}`;
  const note = L.st.answerNotes?.[q.id];
  return `**${nr}.** ${loc(q.text, env.locale)}${shown}${a !== undefined && note ? ` (${escapeMd(note)})` : ""}`;
}

function answerButtons(list: { q: Question; nr: string }[], env: ViewEnv): ButtonSpec[] {
  if (!env.caps.buttons) return [];
  return list
    .filter((x) => x.q.kind === "yesno")
    .flatMap(({ nr }) => [
      { label: `${nr}: ${env.t.answerYes}`, command: `antwort ${nr} ja` },
      { label: `${nr}: ${env.t.answerNo}`, command: `antwort ${nr} nein` },
    ]);
}

/** The questions asked now: a few at a time (see {@link openQuestions}); the next arrive as these are answered. */
export function questionsBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const open = openQuestions(L);
  const batch = open.slice(0, QUESTION_BATCH);
  if (!batch.length) return [{ type: "paragraph", text: t.questionsDone }];
  const blocks: Block[] = [
    { type: "heading", text: t.questionsTitle },
    { type: "paragraph", text: batch.map((x) => questionLine(L, env, x.q, x.nr)).join("\n") },
  ];
  const buttons = answerButtons(batch, env);
  if (buttons.length) blocks.push({ type: "buttons", buttons });
  const sample = batch.find((x) => x.q.kind === "yesno") ?? batch[0]!;
  const example = `${t.answerWord} ${sample.nr} ${sample.q.kind === "yesno" ? t.answerYes : sample.q.kind === "time" ? t.exampleTime : t.exampleText}`;
  blocks.push({ type: "context", text: t.questionsHintFew(example, open.length - batch.length) });
  return blocks;
}

/** After an answer where messages cannot be updated: the questions that have just come up (none: all answered). */
export function nextQuestionsBlocks(L: Loaded, env: ViewEnv, before: readonly string[]): Block[] {
  const open = openQuestions(L).slice(0, QUESTION_BATCH);
  const fresh = open.filter((x) => !before.includes(x.q.id));
  if (!open.length) return [{ type: "context", text: env.t.questionsDone }];
  if (!fresh.length) return [];
  const blocks: Block[] = [
    { type: "paragraph", text: `${env.t.nextQuestion}\n${fresh.map((x) => questionLine(L, env, x.q, x.nr)).join("\n")}` },
  ];
  const buttons = answerButtons(fresh, env);
  if (buttons.length) blocks.push({ type: "buttons", buttons });
  return blocks;
}

/** Every question with its answer (`status`). */
export function allQuestionsText(L: Loaded, env: ViewEnv): string {
  return (
    L.pb.questions
      .map((q, i) => ({ q, nr: questionLabel(i) }))
      .filter((x) => ctxOf(L).answers[x.q.id] !== undefined || holds(x.q.when, factsOf(ctxOf(L), L.pb)))
      // a default or implied answer is shown by questionLine with its origin; only a question without any value is open
      .map((x) => {
        const counts = effectiveAnswers(L.pb, ctxOf(L).answers).values[x.q.id] !== undefined;
        return questionLine(L, env, x.q, x.nr) + (counts ? "" : ` → _${env.t.notAnswered}_`);
      })
      .join("\n")
  );
}

/**
 * Task messages ("cards") go per role and phase: a role's card of the current phase when the role is taken, the next
 * phase's when it starts (short and numbered; `meine aufgaben`, `aufgaben` and `status` show more). Erkennung and
 * Sofortmaßnahmen are on screen together from the start (see `visiblePhases`), so they share one card. The card a
 * phase's tasks are on is {@link cardOf}, the phases a card shows {@link cardPhases}.
 */
export function cardOf(phase: Phase): Phase {
  return phase === "erkennung" ? "sofort" : phase;
}

export function cardPhases(card: Phase): Phase[] {
  return card === "sofort" ? ["erkennung", "sofort"] : [card];
}

/** A role's active tasks of the card of `phase` (all of them: `meine aufgaben`, the count when a role is taken). */
export function roleTaskList(L: Loaded, _env: ViewEnv, phase: Phase, role: RoleId): (Task & { nr: number })[] {
  const phases = cardPhases(cardOf(phase));
  return tasksOf(L).filter((x) => phases.includes(x.phase as Phase) && x.role === role && taskActive(L, x));
}

/**
 * At most this many tasks on a role's card, so that a person under stress reads one short list: every critical task
 * (a drill scores those, so they are always on screen), then the others in order while there is room. The rest are on
 * `meine aufgaben` (the card says how many).
 */
export const CARD_MAX = 7;

/**
 * The tasks on a role's card of `phase` (see {@link CARD_MAX}), those switched on. Which tasks a card can hold is
 * decided over all of the card's tasks, switched on or not, so an answer that switches a task on never pushes another
 * one off a card; a task's state does not matter either (a ✅ on a card means the same card before and after).
 */
export function cardTaskList(L: Loaded, env: ViewEnv, phase: Phase, role: RoleId): (Task & { nr: number })[] {
  const phases = cardPhases(cardOf(phase));
  const all = tasksOf(L).filter((x) => phases.includes(x.phase as Phase) && x.role === role);
  let room = CARD_MAX - all.filter((x) => x.critical).length;
  const on = all.filter((x) => (x.critical || room-- > 0) && taskActive(L, x));
  return on.length ? on : roleTaskList(L, env, phase, role);
}

/** A role's task card: short numbered tasks (the reasons are on `meine aufgaben`), how many more there are, how to mark them. */
export function tasksBlocks(L: Loaded, env: ViewEnv, phase: Phase, role: RoleId): Block[] {
  const { t } = env;
  const list = cardTaskList(L, env, phase, role);
  const more = roleTaskList(L, env, phase, role).length - list.length;
  const holder = nameOf(L, ctxOf(L).roles[role]);
  const hint = env.caps.buttons ? t.taskHintButtons : env.caps.reactions ? t.taskHintReactions : t.taskHintText;
  return [
    {
      type: "tasks",
      title: t.tasksTitle(t.phaseName[cardOf(phase)], t.roleName[role], holder ? escapeMd(holder) : undefined),
      items: list.map((x) => taskItem(L, env, x, { short: true })),
    },
    { type: "context", text: more > 0 ? `${t.cardMore(more)}\n${hint}` : hint },
  ];
}

export function templatesListBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const facts = factsOf(ctxOf(L), L.pb);
  const active = L.pb.templates.filter((x) => holds(x.when, facts));
  const blocks: Block[] = [
    { type: "heading", text: t.templatesTitle },
    { type: "paragraph", text: active.map((x) => `• \`${templateName(x, env.locale)}\` – ${loc(x.title, env.locale)}`).join("\n") },
  ];
  if (env.caps.buttons)
    blocks.push({
      type: "buttons",
      buttons: active.slice(0, 10).map((x) => ({ label: shorten(loc(x.title, env.locale), 70), command: `vorlage ${x.id}` })),
    });
  blocks.push({ type: "context", text: t.templatesHint });
  return blocks;
}

export function reviewBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const lines = L.pb.review.map((q, i) => {
    const a = L.st.review[q.id];
    return `**L${i + 1}.** ${loc(q.text, env.locale)}${a ? ` → ${escapeMd(a)}` : ""}`;
  });
  return [
    { type: "heading", text: t.reviewTitle },
    { type: "paragraph", text: lines.join("\n") },
    { type: "context", text: t.reviewHint },
  ];
}

export function deadlineTitle(L: Loaded, env: ViewEnv, id: string): string {
  const d = L.pb.deadlines.find((x) => x.id === id);
  return d ? loc(d.title, env.locale) : id;
}

/**
 * Clocks that have not started although the incident may need them: one waits for an unanswered question that is
 * asked (an unanswered question is not „no“), or one needs „ja“ where the answer is „unklar“ (Art. 34: high risk?),
 * which is still to be assessed. A clock that starts from another clock (`from: deadline`) is not listed.
 */
export function clocksNotStarted(L: Loaded): { id: string; question: string; kind: "waiting" | "unclear" }[] {
  const facts = factsOf(ctxOf(L), L.pb);
  const out: { id: string; question: string; kind: "waiting" | "unclear" }[] = [];
  for (const d of L.pb.deadlines) {
    if (L.st.deadlines[d.id] || d.from === "deadline" || d.when?.question === undefined) continue;
    const q = waitsFor(d.when, facts);
    if (q) {
      if (holds(L.pb.questions.find((x) => x.id === q)?.when, facts)) out.push({ id: d.id, question: q, kind: "waiting" });
      continue;
    }
    const uq = d.when.question;
    const rest = { ...d.when };
    delete rest.question;
    delete rest.answer;
    if (facts.answers[uq] === "unklar" && !holds(d.when, facts) && holds(rest, facts))
      out.push({ id: d.id, question: uq, kind: "unclear" });
  }
  return out;
}

/**
 * The reporting duties still open, one line each for people: clocks that never started (grouped by the question they
 * wait for, or that is „unklar“) and clocks that run or ran without being met. A clock whose task was skipped with a
 * reason counts as decided. Said when closing, because after closing no reminder comes any more.
 */
export function dutiesOpen(L: Loaded, t: Catalog, locale: "de" | "en"): string[] {
  const out: string[] = [];
  const title = (id: string) => loc(L.pb.deadlines.find((x) => x.id === id)!.title, locale);
  const groups = new Map<string, { kind: "waiting" | "unclear"; question: string; titles: string[] }>();
  for (const c of clocksNotStarted(L)) {
    const key = `${c.kind}:${c.question}`;
    const g = groups.get(key) ?? { kind: c.kind, question: c.question, titles: [] };
    g.titles.push(title(c.id));
    groups.set(key, g);
  }
  const nrOf = (q: string) => questionLabel(L.pb.questions.findIndex((x) => x.id === q));
  for (const g of groups.values())
    out.push(g.kind === "waiting" ? t.dutyWaiting(nrOf(g.question), g.titles) : t.dutyUnclear(nrOf(g.question), g.titles));
  const ctx = ctxOf(L);
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    if (!s || s.metAt) continue;
    const skipped = L.pb.tasks.some((x) => x.fulfils === d.id && ctx.tasks[x.id]?.state === "übersprungen");
    if (skipped) continue;
    out.push(t.dutyRunning(title(d.id), s.dueAt ? showTime(s.dueAt, locale) : undefined, s.missedAt !== undefined));
  }
  return out;
}

/**
 * The clocks for `status`: running ones with time left (marked when they run as a precaution because a question is
 * unanswered), and ones that wait for an answer: an unanswered question is not "no".
 */
export function deadlineFacts(L: Loaded, env: ViewEnv): { label: string; value: string }[] {
  const { t } = env;
  const out: { label: string; value: string }[] = [];
  const origin = effectiveAnswers(L.pb, ctxOf(L).answers).origin;
  const nrOf = (q: string) => questionLabel(L.pb.questions.findIndex((x) => x.id === q));
  const notStarted = currentPhase(ctxOf(L)) !== "abgeschlossen" ? clocksNotStarted(L) : [];
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    if (!s) {
      const w = notStarted.find((x) => x.id === d.id);
      if (w)
        out.push({
          label: loc(d.title, env.locale),
          value: w.kind === "waiting" ? t.statusWaiting(nrOf(w.question)) : t.statusUnclear(nrOf(w.question)),
        });
      continue;
    }
    let value: string;
    if (s.metAt) value = `${t.summary.met} (${showTime(s.metAt, env.locale)})`;
    else if (!s.dueAt) value = `${t.summary.open} – ${t.withoutDelay}`;
    else {
      const left = new Date(s.dueAt).getTime() - env.now.getTime();
      value = `${showTime(s.dueAt, env.locale)} – ${left >= 0 ? t.statusLeft(showDuration(left, env.locale)) : t.statusOverdue(showDuration(-left, env.locale))}`;
    }
    const q = d.when?.question;
    if (!s.metAt && q && origin[q] === "default") value += ` (${t.statusPrecaution(nrOf(q))})`;
    out.push({ label: loc(d.title, env.locale), value });
  }
  return out;
}

export function statusBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const ctx = ctxOf(L);
  const phase = currentPhase(ctx);
  const blocks: Block[] = [{ type: "heading", text: t.statusTitle(L.rec.id) }];
  blocks.push({ type: "paragraph", text: loc(L.pb.summary, env.locale) });
  const facts = [
    { label: t.facts.level, value: `${t.levelName[ctx.level as Level]} – ${t.levelMeaning[ctx.level as Level]}` },
    { label: t.facts.phase, value: t.phaseName[phase] },
    { label: t.facts.declaredBy, value: `${escapeMd(nameOf(L, L.rec.declaredBy)!)}, ${showTime(L.rec.openedAt, env.locale)}` },
    { label: t.facts.awareAt, value: showTime(L.rec.awareAt, env.locale) },
  ];
  if (L.st.description) facts.push({ label: t.facts.description, value: escapeMd(L.st.description) });
  for (const r of ROLES) {
    // who the emergency plan asks, by name (status does not notify anyone again)
    const asked = pendingPlan(L, r);
    const person = asked ? `${asked.chain[asked.step]!.name} (${t.plan.asked})` : undefined;
    facts.push({ label: t.roleShort[r], value: escapeMd(nameOf(L, ctx.roles[r]) ?? person ?? t.unassigned) });
  }
  blocks.push({ type: "facts", facts });
  if (L.pb.questions.length && phase !== "abgeschlossen")
    blocks.push({ type: "paragraph", text: `**${t.statusQuestions}**\n${allQuestionsText(L, env)}` });
  const open = tasksOf(L).filter((x) => {
    const s = ctx.tasks[x.id]?.state ?? "offen";
    return (
      taskActive(L, x) && (s === "offen" || s === "bestätigt") && PHASES.indexOf(x.phase as Phase) <= Math.max(1, PHASES.indexOf(phase))
    );
  });
  if (open.length)
    blocks.push({ type: "tasks", title: t.statusOpenTasks, items: open.slice(0, 15).map((x) => taskItem(L, env, x, { short: true })) });
  const dl = deadlineFacts(L, env);
  if (dl.length) blocks.push({ type: "paragraph", text: `**${t.statusDeadlines}**` }, { type: "facts", facts: dl });
  if (env.config?.systems?.length) {
    const sys = recoveryOrder(env.config);
    // the RTO clock runs only for a system reported down (`ausfall 1`), from then; the others show their target
    const line = (s: (typeof sys)[number], i: number) => {
      const st = L.st.systems?.[s.name];
      const state = st?.upAt
        ? ` (${t.statusBackUp(showTime(st.upAt, env.locale))})`
        : st
          ? ` (${t.statusDownSince(showTime(st.downAt, env.locale), s.rto ? rtoLeft(s.rto, st.downAt, env) : undefined)})`
          : "";
      return `${i + 1}. ${escapeMd(s.name)}${s.rto ? ` – RTO ${s.rto}` : ""}${s.rpo ? `, RPO ${s.rpo}` : ""}${state}`;
    };
    const hint = sys.some((s) => !L.st.systems?.[s.name]) && phase !== "abgeschlossen" ? `\n_${t.statusOutageHint}_` : "";
    blocks.push({ type: "paragraph", text: `**${t.statusRecovery}**\n${sys.map(line).join("\n")}${hint}` });
  }
  blocks.push({ type: "paragraph", text: `**${t.statusNext}:** ${nextStep(L, env)}` });
  blocks.push({ type: "context", text: t.statusTemplates });
  return blocks;
}

/** The organisation file's systems in recovery order (the numbers `status` shows and `ausfall <Nr>` takes). */
export function recoveryOrder(config: OrgConfig | undefined): NonNullable<OrgConfig["systems"]> {
  return [...(config?.systems ?? [])].sort((a, b) => a.priority - b.priority);
}

/** Time left of a system's RTO counted from when it was reported down ("noch 3 h 50 min"), or how long overdue. */
function rtoLeft(rto: string, downAt: string, env: ViewEnv): string {
  const ms = durationMs(rto);
  if (ms === undefined) return "";
  const left = new Date(downAt).getTime() + ms - env.now.getTime();
  return left >= 0 ? env.t.statusLeft(showDuration(left, env.locale)) : env.t.statusOverdue(showDuration(-left, env.locale));
}

export function nextStep(L: Loaded, env: ViewEnv): string {
  const { t } = env;
  const ctx = ctxOf(L);
  if (ROLES.some((r) => !ctx.roles[r])) return t.statusNextRoles;
  const phase = currentPhase(ctx);
  if (phase === "nachbereitung") return t.statusNextClose;
  const crit = openCriticalTasks(L.pb, ctx, phase);
  if (crit.length) return t.statusNextCritical(crit.map((id) => tasksOf(L).find((x) => x.id === id)!.nr));
  return t.statusNextAdvance;
}
