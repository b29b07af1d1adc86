/**
 * Roles: taking, assigning and releasing the three roles (`rolle koordinator`, `rolle technik @ben`,
 * `rolle technik abgeben`, a claim button). Everyone may claim a free role; assigning others belongs to the
 * coordinator.
 */
import { currentPhase } from "../machines/machine.ts";
import type { Phase, RoleId } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { escapeMd } from "./message.ts";
import { apply, isCoordinator, log, post, refreshHeader, refuse, resolveMention } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { refreshTasks, visiblePhases } from "./tasks.ts";
import { coordinatorId, ctxOf, nameOf, taskActive, tasksOf } from "./views.ts";

/** `rolle <rolle> [@person|abgeben]`. */
export function changeRole(cx: IncidentCx, ev: Inbound, role: RoleId, target: string | undefined, release: boolean): Loaded | undefined {
  const { L, t } = cx;
  const ctx = ctxOf(L);
  const isCoord = isCoordinator(L, ev.actor.id);
  let who: string | null = ev.actor.id;
  if (release) who = null;
  else if (target) {
    const resolved = resolveMention(target, ev);
    if (!resolved) return refuse(cx, ev, t.err.mentionUnknown(escapeMd(target.slice(0, 80))));
    L.st.names[resolved.id] = resolved.displayName;
    who = resolved.id;
  }
  const holder = ctx.roles[role];
  const self = who === ev.actor.id || (release && holder === ev.actor.id);
  if (!isCoord && !self) return refuse(cx, ev, t.err.roleAssignOthers(escapeMd(nameOf(L, coordinatorId(L))!)));
  if (!isCoord && holder && holder !== ev.actor.id) return refuse(cx, ev, t.err.roleTaken(t.roleName[role], escapeMd(nameOf(L, holder)!)));
  if (holder === (who ?? undefined))
    return refuse(cx, ev, t.roleAssigned(escapeMd(nameOf(L, holder)!), t.roleName[role], t.roleWhat[role]));
  apply(L, { type: "ROLE", role, actorId: who, at: cx.iso });
  const roleName = t.roleName[role];
  if (who) {
    const shown = visiblePhases(currentPhase(ctxOf(L)));
    const n = tasksOf(L).filter(
      (x) =>
        x.role === role && shown.includes(x.phase as Phase) && taskActive(L, x) && (ctxOf(L).tasks[x.id]?.state ?? "offen") === "offen",
    ).length;
    log(cx, ev.actor, "role", `${nameOf(L, who)} übernimmt die Rolle ${roleName}${holder ? ` (vorher ${nameOf(L, holder)})` : ""}`, {
      role,
      actorId: who,
      previous: holder ?? null,
    });
    post(cx, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [
      { type: "paragraph", text: `${t.roleAssigned(escapeMd(nameOf(L, who)!), roleName, t.roleWhat[role])} ${t.roleOpenTasks(n)}` },
    ]);
  } else {
    log(cx, ev.actor, "role", `Rolle ${roleName} wieder frei (vorher ${nameOf(L, holder)})`, {
      role,
      actorId: null,
      previous: holder ?? null,
    });
    post(cx, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [{ type: "paragraph", text: t.roleReleased(roleName) }]);
  }
  refreshHeader(cx);
  // task lists show the holder's name
  const phase = currentPhase(ctxOf(L));
  for (const p of visiblePhases(phase)) refreshTasks(cx, p, role);
  return L;
}
