/**
 * Guidance inside a running incident: `aufgaben` (every task so far, short), `meine aufgaben` (the asker's own
 * open tasks with the reasons), and the asker's next step (for a role holder: their open tasks; without a role:
 * how to take one).
 */
import { currentPhase } from "../machines/machine.ts";
import { PHASES, type Phase, ROLES, type RoleId } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { env, isCoordinator, post } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { visiblePhases } from "./tasks.ts";
import { coordinatorId, ctxOf, nameOf, taskActive, taskItem, tasksOf } from "./views.ts";

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
        free.map((r) => `\`rolle ${r}\``),
      )
    : t.noFreeRole(L.rec.id, escapeMd(nameOf(L, coordinatorId(L))!));
}
