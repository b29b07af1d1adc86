/**
 * Guidance inside a running incident: `aufgaben` (every task so far, short), `meine aufgaben` (the asker's own
 * open tasks with the reasons), and the asker's next step (for a role holder: their open tasks; without a role:
 * how to take one).
 */
import { currentPhase } from "../machines/machine.ts";
import { loc, PHASES, type Phase, ROLES, type RoleId } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { env, isCoordinator, post } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { visiblePhases } from "./tasks.ts";
import { coordinatorId, ctxOf, nameOf, sofortText, taskActive, taskItem, tasksOf } from "./views.ts";

/** How many of a person's open tasks the answer to a question or a cry for help shows. */
const NEXT_STEPS = 3;

/** The roles a person holds (the acting coordinator counts as coordinator). */
export function rolesOf(L: Loaded, actorId: string): RoleId[] {
  const roles = ctxOf(L).roles;
  return ROLES.filter((r) => roles[r] === actorId || (r === "koordinator" && !roles.koordinator && isCoordinator(L, actorId)));
}

const isOpen = (L: Loaded, id: string) => {
  const s = ctxOf(L).tasks[id]?.state ?? "offen";
  return s === "offen" || s === "bestätigt";
};

/** Open tasks of these roles on screen now (the visible phases), critical first within each phase. */
export function openTasksFor(L: Loaded, roles: readonly RoleId[]) {
  const shown = visiblePhases(currentPhase(ctxOf(L)));
  return tasksOf(L).filter((x) => roles.includes(x.role) && shown.includes(x.phase as Phase) && taskActive(L, x) && isOpen(L, x.id));
}

/** `aufgaben` / `meine aufgaben`: posted in the thread (a short list of all), or (mine) the asker's own with reasons. */
export function showTasks(cx: IncidentCx, ev: Inbound, mine: boolean): undefined {
  const { L, t } = cx;
  const e = env(cx);
  const key = `${L.rec.id}/aufgaben/${ev.platform}:${ev.deliveryId}`;
  if (mine) {
    post(cx, key, myTasksBlocks(cx, ev));
    return undefined;
  }
  const phase = currentPhase(ctxOf(L));
  const shown = visiblePhases(phase);
  const blocks: Block[] = [];
  for (const role of ROLES) {
    const list = tasksOf(L).filter((x) => x.role === role && shown.includes(x.phase as Phase) && taskActive(L, x));
    if (!list.length) continue;
    const holder = nameOf(L, ctxOf(L).roles[role]);
    blocks.push({
      type: "tasks",
      title: t.tasksTitle(t.roleName[role], holder ? escapeMd(holder) : t.unassigned, undefined),
      items: list.map((x) => taskItem(L, e, x, { short: true })),
    });
  }
  const last = shown[shown.length - 1] ?? PHASES[0];
  post(cx, key, [{ type: "heading", text: t.allTasksTitle(t.phaseName[last]) }, ...blocks]);
  return undefined;
}

/** The asker's own open tasks with reasons, or how to take a role. */
export function myTasksBlocks(cx: IncidentCx, ev: Inbound): Block[] {
  const { L, t } = cx;
  const roles = rolesOf(L, ev.actor.id);
  if (!roles.length) return [{ type: "paragraph", text: takeRoleText(cx) }];
  const list = openTasksFor(L, roles);
  if (!list.length) return [{ type: "paragraph", text: t.myTasksNone }];
  return [
    {
      type: "tasks",
      title: t.myTasksTitle(roles.map((r) => t.roleName[r]).join(", ")),
      items: list.map((x) => taskItem(L, env(cx), x)),
    },
  ];
}

/** For someone without a role: the free roles to take, or (all taken) whom to ask. */
export function takeRoleText(cx: IncidentCx): string {
  const { L, t } = cx;
  const free = ROLES.filter((r) => !ctxOf(L).roles[r]);
  return free.length
    ? t.noRoleYet(
        L.rec.id,
        free.map((r) => `\`${t.roleCommand(r)}\``),
      )
    : t.noFreeRole(L.rec.id, escapeMd(nameOf(L, coordinatorId(L))!));
}

/**
 * The asker's next step, naming the running incident: for a role holder the first open tasks of their roles
 * (critical first), else the first actions and how to take a role. The answer to `hilfe`, `?`, `was soll ich tun`.
 */
export function nextStepsBlocks(cx: IncidentCx, ev: Inbound): Block[] {
  const { L, t } = cx;
  const e = env(cx);
  const phase = currentPhase(ctxOf(L));
  const head = t.runningIncident(L.rec.id, loc(L.pb.title, cx.locale), t.phaseName[phase]);
  const roles = rolesOf(L, ev.actor.id);
  if (!roles.length) {
    const blocks: Block[] = [{ type: "paragraph", text: head }];
    if ((phase === "erkennung" || phase === "sofort") && L.pb.sofort.length)
      blocks.push({ type: "paragraph", text: sofortText(L.pb.sofort, e) });
    blocks.push({ type: "paragraph", text: takeRoleText(cx) });
    return blocks;
  }
  const open = openTasksFor(L, roles);
  const first = [...open.filter((x) => x.critical), ...open.filter((x) => !x.critical)].slice(0, NEXT_STEPS);
  if (!first.length) return [{ type: "paragraph", text: `${head}\n${t.myTasksNone}` }];
  return [
    { type: "paragraph", text: head },
    {
      type: "tasks",
      title: t.nextStepsTitle(roles.map((r) => t.roleShort[r]).join(", ")),
      items: first.map((x) => taskItem(L, e, x, { short: true })),
    },
    { type: "context", text: t.nextStepsHint(first[0]!.nr, open.length - first.length) },
  ];
}
