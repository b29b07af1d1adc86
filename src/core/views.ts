import { holds, numberedTasks } from "../machines/conditions.ts";
import { currentPhase, factsOf, type IncidentContext, openCriticalTasks } from "../machines/machine.ts";
import { type Level, loc, PHASES, type Phase, type Playbook, ROLES, type RoleId, type Task } from "../machines/schema.ts";
import type { Capabilities } from "./adapter.ts";
import { durationMs } from "./duration.ts";
import type { Catalog } from "./i18n/de.ts";
import { type Block, type ButtonSpec, escapeMd, type TaskItem } from "./message.ts";
import type { OrgConfig } from "./org.ts";
import type { Loaded } from "./state.ts";
import { showDuration, showTime } from "./time.ts";

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
  return holds(task.when, factsOf(ctxOf(L)));
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

export function taskItem(L: Loaded, env: ViewEnv, task: Task & { nr: number }): TaskItem {
  const p = ctxOf(L).tasks[task.id];
  const state = p?.state ?? "offen";
  const actions: ButtonSpec[] = [];
  if (env.caps.buttons && (state === "offen" || state === "bestätigt")) {
    if (state === "offen") actions.push({ label: env.t.btnAck, command: `ok ${task.nr}` });
    actions.push({ label: env.t.btnDone, command: `erledigt ${task.nr}`, style: "primary" });
  }
  const who = state === "bestätigt" ? p?.ackBy : state === "erledigt" || state === "übersprungen" ? p?.doneBy : undefined;
  const item: TaskItem = {
    nr: task.nr,
    text: loc(task.text, env.locale),
    why: loc(task.why, env.locale),
    critical: task.critical,
    state,
    actions,
  };
  // the name and the reason are what people typed: escaped like every other user value (a `<@…>` stays text)
  if (who)
    item.stateLabel =
      env.t.stateBy(env.t.taskState[state], escapeMd(nameOf(L, who)!)) +
      (p?.reason && state === "übersprungen" ? `: ${escapeMd(p.reason)}` : "");
  return item;
}

/** The incident's header: what happened, level, roles, the next step. Updated in place when these change. */
export function headerBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const ctx = ctxOf(L);
  const blocks: Block[] = [{ type: "heading", text: t.headerTitle(L.rec.id, loc(L.pb.title, env.locale), L.rec.drill) }];
  if (L.rec.drill) blocks.push({ type: "context", text: t.drillBanner });
  blocks.push({ type: "paragraph", text: loc(L.pb.summary, env.locale) });
  const facts = [
    { label: t.facts.level, value: `${t.levelName[ctx.level as Level]} – ${t.levelMeaning[ctx.level as Level]}` },
    { label: t.facts.phase, value: t.phaseName[currentPhase(ctx)] },
    { label: t.facts.declaredBy, value: escapeMd(nameOf(L, L.rec.declaredBy)!) },
    { label: t.facts.openedAt, value: showTime(L.rec.openedAt, env.locale) },
  ];
  if (L.st.description) facts.push({ label: t.facts.description, value: escapeMd(L.st.description) });
  for (const r of ROLES) facts.push({ label: t.roleName[r], value: escapeMd(nameOf(L, ctx.roles[r]) ?? t.unassigned) });
  blocks.push({ type: "facts", facts });
  const free = ROLES.filter((r) => !ctx.roles[r]);
  if (free.length > 0 && currentPhase(ctx) !== "abgeschlossen") {
    // a chat (or a terminal) has no threads: the incident continues right here
    const threaded = env.caps.threads && Boolean(L.rec.threadRef || L.rec.threadKey);
    const next = env.caps.buttons ? t.headerNext : t.headerNextNoButtons;
    blocks.push({ type: "paragraph", text: `${next} ${threaded ? t.headerWhere.thread : t.headerWhere.here}` });
    if (env.caps.buttons) blocks.push({ type: "buttons", buttons: free.map((r) => ({ label: t.claimButton[r], command: `rolle ${r}` })) });
  }
  return blocks;
}

export function questionLabel(i: number): string {
  return String(i + 1);
}

export function questionsBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const ctx = ctxOf(L);
  const blocks: Block[] = [{ type: "heading", text: t.questionsTitle }];
  const lines: string[] = [];
  const buttons: ButtonSpec[] = [];
  L.pb.questions.forEach((q, i) => {
    const nr = questionLabel(i);
    const a = ctx.answers[q.id];
    const shown =
      a === undefined
        ? `_${t.notAnswered}_`
        : q.kind === "time"
          ? showTime(a, env.locale)
          : q.kind === "yesno"
            ? (({ ja: t.answerYes, nein: t.answerNo, unklar: t.answerUnclear } as Record<string, string>)[a] ?? escapeMd(a))
            : escapeMd(a);
    lines.push(`**${nr}.** ${loc(q.text, env.locale)} → ${shown}`);
    if (q.kind === "yesno" && a === undefined && env.caps.buttons) {
      buttons.push(
        { label: `${nr}: ${t.answerYes}`, command: `antwort ${nr} ja` },
        { label: `${nr}: ${t.answerNo}`, command: `antwort ${nr} nein` },
      );
    }
  });
  blocks.push({ type: "paragraph", text: lines.join("\n") });
  if (buttons.length) blocks.push({ type: "buttons", buttons: buttons.slice(0, 24) });
  blocks.push({ type: "context", text: t.questionsHint });
  return blocks;
}

export function roleTaskList(L: Loaded, _env: ViewEnv, phase: Phase, role: RoleId): (Task & { nr: number })[] {
  return tasksOf(L).filter((x) => x.phase === phase && x.role === role && taskActive(L, x));
}

export function tasksBlocks(L: Loaded, env: ViewEnv, phase: Phase, role: RoleId, only?: number): Block[] {
  const { t } = env;
  const list = roleTaskList(L, env, phase, role).filter((x) => only === undefined || x.nr === only);
  const holder = nameOf(L, ctxOf(L).roles[role]);
  const hint = env.caps.buttons ? t.taskHintButtons : env.caps.reactions ? t.taskHintReactions : t.taskHintText;
  return [
    {
      type: "tasks",
      title: t.tasksTitle(t.phaseName[phase], t.roleName[role], holder ? escapeMd(holder) : undefined),
      items: list.map((x) => taskItem(L, env, x)),
    },
    { type: "context", text: hint },
  ];
}

export function templatesListBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const facts = factsOf(ctxOf(L));
  const active = L.pb.templates.filter((x) => holds(x.when, facts));
  const blocks: Block[] = [
    { type: "heading", text: t.templatesTitle },
    { type: "paragraph", text: active.map((x) => `• \`${x.id}\` – ${loc(x.title, env.locale)}`).join("\n") },
  ];
  if (env.caps.buttons)
    blocks.push({
      type: "buttons",
      buttons: active.slice(0, 10).map((x) => ({ label: loc(x.title, env.locale).slice(0, 70), command: `vorlage ${x.id}` })),
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

export function deadlineFacts(L: Loaded, env: ViewEnv): { label: string; value: string }[] {
  const { t } = env;
  const out: { label: string; value: string }[] = [];
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    if (!s) continue;
    let value: string;
    if (s.metAt) value = `${t.summary.met} (${showTime(s.metAt, env.locale)})`;
    else if (!s.dueAt) value = `${t.summary.open} – unverzüglich`;
    else {
      const left = new Date(s.dueAt).getTime() - env.now.getTime();
      value = `${showTime(s.dueAt, env.locale)} – ${left >= 0 ? t.statusLeft(showDuration(left, env.locale)) : t.statusOverdue(showDuration(-left, env.locale))}`;
    }
    out.push({ label: loc(d.title, env.locale), value });
  }
  return out;
}

export function statusBlocks(L: Loaded, env: ViewEnv): Block[] {
  const { t } = env;
  const ctx = ctxOf(L);
  const phase = currentPhase(ctx);
  const blocks: Block[] = [{ type: "heading", text: t.statusTitle(L.rec.id) }];
  const facts = [
    { label: t.facts.level, value: t.levelName[ctx.level as Level] },
    { label: t.facts.phase, value: t.phaseName[phase] },
    { label: t.facts.awareAt, value: showTime(L.rec.awareAt, env.locale) },
  ];
  for (const r of ROLES) facts.push({ label: t.roleShort[r], value: escapeMd(nameOf(L, ctx.roles[r]) ?? t.unassigned) });
  blocks.push({ type: "facts", facts });
  const open = tasksOf(L).filter((x) => {
    const s = ctx.tasks[x.id]?.state ?? "offen";
    return (
      taskActive(L, x) && (s === "offen" || s === "bestätigt") && PHASES.indexOf(x.phase as Phase) <= Math.max(1, PHASES.indexOf(phase))
    );
  });
  if (open.length) blocks.push({ type: "tasks", title: t.statusOpenTasks, items: open.slice(0, 15).map((x) => taskItem(L, env, x)) });
  const dl = deadlineFacts(L, env);
  if (dl.length) blocks.push({ type: "paragraph", text: `**${t.statusDeadlines}**` }, { type: "facts", facts: dl });
  if (env.config?.systems?.length) {
    const sys = [...env.config.systems].sort((a, b) => a.priority - b.priority);
    blocks.push({
      type: "paragraph",
      text: `**Wiederanlauf-Reihenfolge**\n${sys.map((s, i) => `${i + 1}. ${escapeMd(s.name)}${s.rto ? ` – RTO ${s.rto}${rtoLeft(s.rto, L, env)}` : ""}${s.rpo ? `, RPO ${s.rpo}` : ""}`).join("\n")}`,
    });
  }
  blocks.push({ type: "paragraph", text: `**${t.statusNext}:** ${nextStep(L, env)}` });
  return blocks;
}

function rtoLeft(rto: string, L: Loaded, env: ViewEnv): string {
  const ms = durationMs(rto);
  if (ms === undefined) return "";
  const left = new Date(L.rec.awareAt).getTime() + ms - env.now.getTime();
  return left >= 0
    ? ` (${env.t.statusLeft(showDuration(left, env.locale))})`
    : ` (${env.t.statusOverdue(showDuration(-left, env.locale))})`;
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
