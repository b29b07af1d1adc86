/**
 * Tasks: acknowledging, completing and skipping them (`ok 3`, `erledigt 3, 4`, `überspringen 3 <grund>`, a button
 * or a reaction), the task messages of each phase and role (posted, updated in place), and the task rows written
 * with each commit.
 */
import { currentPhase } from "../machines/machine.ts";
import { loc, PHASES, type Phase, ROLES, type RoleId, WORK_PHASES } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import { meetDeadline } from "./deadlines.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import type { TaskVerb } from "./parser.ts";
import { apply, capsOf, env, isCoordinator, log, post, refuse, reply } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { sanitize, shorten } from "./text.ts";
import { cardOf, cardTaskList, ctxOf, nameOf, roleTaskList, taskActive, tasksBlocks, tasksOf } from "./views.ts";

/** Phases whose task messages are on screen while in `phase` (Sofortmaßnahmen are shown from the start). */
export function visiblePhases(phase: Phase): Phase[] {
  const idx = PHASES.indexOf(phase);
  return WORK_PHASES.filter((_p, i) => i <= Math.max(1, idx));
}

/** `ok|erledigt|überspringen <nr>[, <nr>…] [grund]`: the role holder or the coordinator changes task states. */
export function changeTasks(cx: IncidentCx, ev: Inbound, verb: TaskVerb, nrs: number[], reason?: string): Loaded | undefined {
  const { L, t } = cx;
  // bounded like every other stored text: the reason lives in the snapshot and in the task list
  if (reason !== undefined) reason = sanitize(reason, 500);
  const all = tasksOf(L);
  let changed = false;
  const problems: string[] = [];
  for (const nr of [...new Set(nrs)]) {
    const task = all.find((x) => x.nr === nr);
    if (!task) {
      problems.push(t.err.taskUnknown(nr, all.length));
      continue;
    }
    if (!taskActive(L, task)) {
      problems.push(t.err.taskInactive(nr));
      continue;
    }
    const holder = ctxOf(L).roles[task.role];
    const allowed = holder === ev.actor.id || isCoordinator(L, ev.actor.id);
    if (!allowed) {
      problems.push(
        holder
          ? t.err.taskNotYours(nr, t.roleName[task.role], escapeMd(nameOf(L, holder)!))
          : t.err.taskRoleFree(nr, t.roleName[task.role], t.roleCommand(task.role)),
      );
      continue;
    }
    const cur = ctxOf(L).tasks[task.id]?.state ?? "offen";
    if (cur === "erledigt" || cur === "übersprungen" || (cur === "bestätigt" && verb === "bestätigt")) {
      problems.push(t.err.taskAlready(nr, t.taskState[cur]));
      continue;
    }
    apply(L, { type: "TASK", taskId: task.id, to: verb, by: ev.actor.id, at: cx.iso, ...(reason ? { reason } : {}) });
    changed = true;
    const text = loc(task.text, "de");
    log(cx, ev.actor, "task", `Aufgabe ${nr} ${verb}: ${text}${reason ? ` – ${sanitize(reason, 500)}` : ""}`, {
      task: task.id,
      nr,
      state: verb,
      reason: reason ?? null,
    });
    if (verb !== "bestätigt") cx.w.cancel.push(`${L.rec.id}:task-due:${task.id}`);
    if (verb === "erledigt" && task.fulfils) meetDeadline(cx, task.fulfils, ev.actor);
    const phase = task.phase as Phase;
    const onCard = capsOf(cx).update && cardPosted(L, phase, task.role);
    if (onCard) refreshTasks(cx, phase, task.role);
    // a task the card does not show (a short card holds CARD_MAX) changes nothing visible there: say it in a line
    if (!onCard || !cardTaskList(L, env(cx), phase, task.role).some((x) => x.nr === nr))
      post(cx, `${L.rec.id}/task-change/${L.rec.lastSeq}`, [
        { type: "paragraph", text: t.taskChanged(nr, loc(task.text, cx.locale), t.taskState[verb], escapeMd(nameOf(L, ev.actor.id)!)) },
      ]);
  }
  if (problems.length) reply(cx, ev, [{ type: "paragraph", text: problems.join("\n") }], true);
  return changed ? L : undefined;
}

/** A reaction on a task message: ✅ completes, 👍 or 👀 acknowledges (the task of a one-task message, or the only open one of a card). */
export function onReaction(cx: IncidentCx, ev: Inbound, key: string): Loaded | undefined {
  const { L } = cx;
  const verb = reactionVerb(ev.reaction?.emoji);
  if (!verb) return undefined;
  // one message per task: how Matrix showed tasks before the cards
  const single = /\/task\/(\d+)$/.exec(key);
  if (single) return changeTasks(cx, ev, verb, [Number(single[1])]);
  const list = /\/tasks\/([a-z]+)\/([a-z]+)$/.exec(key);
  if (list) {
    // the tasks the card shows: a reaction means one of them
    const open = cardTaskList(L, env(cx), list[1] as Phase, list[2] as RoleId).filter((x) => {
      const s = ctxOf(L).tasks[x.id]?.state ?? "offen";
      return verb === "erledigt" ? s === "offen" || s === "bestätigt" : s === "offen";
    });
    if (open.length === 1) return changeTasks(cx, ev, verb, [open[0]!.nr]);
    // several open: which one, with the card's open numbers (nothing is guessed)
    if (open.length > 1)
      refuse(
        cx,
        ev,
        cx.t.err.cardWhich(
          verb === "erledigt" ? "erledigt" : "ok",
          open.map((x) => x.nr),
        ),
      );
  }
  return undefined;
}

/** What a reaction means, if anything. */
export function reactionVerb(emoji: string | undefined): "erledigt" | "bestätigt" | undefined {
  return emoji === "✅" ? "erledigt" : emoji === "👍" || emoji === "👀" ? "bestätigt" : undefined;
}

const cardKey = (L: Loaded, card: Phase, role: RoleId) => `${L.rec.id}/tasks/${card}/${role}`;

/**
 * Whether the role's card of `phase` was posted. Incidents declared before cards (no `cards` in the state) posted
 * every visible phase's tasks at once.
 */
export function cardPosted(L: Loaded, phase: Phase, role: RoleId): boolean {
  const card = cardOf(phase);
  if (!L.st.cards) return visiblePhases(currentPhase(ctxOf(L))).includes(card);
  return L.st.cards.includes(`${card}/${role}`);
}

/**
 * Posts the role's card of `phase` (its tasks, short and numbered) unless it is there already; `lead` goes above it
 * (the role just taken). False when the role has no task on that card or the card was posted before.
 */
export function postCard(cx: IncidentCx, phase: Phase, role: RoleId, lead: Block[] = []): boolean {
  const { L } = cx;
  const card = cardOf(phase);
  if (cardPosted(L, card, role) || !roleTaskList(L, env(cx), card, role).length) return false;
  L.st.cards = [...(L.st.cards ?? []), `${card}/${role}`];
  post(cx, cardKey(L, card, role), [...lead, ...tasksBlocks(L, env(cx), card, role)], { updatable: true });
  return true;
}

/** A phase has started: the cards of the roles that are held (a free role gets its card when someone takes it). */
export function postPhaseTasks(cx: IncidentCx, phase: Phase): void {
  for (const role of ROLES) if (ctxOf(cx.L).roles[role]) postCard(cx, phase, role);
}

/** Re-renders a role's card of a phase in place (only where the platform can update, and only a card that was posted). */
export function refreshTasks(cx: IncidentCx, phase: Phase, role: RoleId): void {
  const { L } = cx;
  const e = env(cx);
  if (!e.caps.update || !cardPosted(L, phase, role) || !roleTaskList(L, e, phase, role).length) return;
  post(cx, cardKey(L, cardOf(phase), role), tasksBlocks(L, e, phase, role), { replace: true });
}

/** "3 (Server vom Netz trennen), 5 (…)": tasks named in a refusal or an override. */
export function taskRefs(cx: IncidentCx, ids: string[]): string {
  const all = tasksOf(cx.L);
  return ids
    .map((id) => all.find((x) => x.id === id)!)
    .map((x) => `${x.nr} (${shorten(loc(x.text, cx.locale), 60)})`)
    .join(", ");
}

/** Task rows to write: every active task, or (`only`) just those an event changed. */
export function syncTasks(cx: IncidentCx, only?: ReadonlySet<string>): void {
  const { L } = cx;
  const ctx = ctxOf(L);
  cx.w.tasks = tasksOf(L)
    .filter((x) => (only ? only.has(x.id) : true) && taskActive(L, x))
    .map((x) => {
      const p = ctx.tasks[x.id];
      return {
        incidentId: L.rec.id,
        taskId: x.id,
        nr: x.nr,
        phase: x.phase,
        role: x.role,
        critical: x.critical,
        state: p?.state ?? "offen",
        by: p?.doneBy ?? p?.ackBy ?? null,
        at: p?.doneAt ?? p?.ackAt ?? null,
        reason: p?.reason ?? null,
      };
    });
}

/** Tasks and templates switched on by an answer or a level: show the new tasks and the template list. */
export function activateConditional(cx: IncidentCx): void {
  const { L } = cx;
  const phase = currentPhase(ctxOf(L));
  for (const p of new Set(visiblePhases(phase).map(cardOf))) for (const r of ROLES) refreshTasks(cx, p, r);
  syncTasks(cx);
}
