/**
 * Roles: taking, assigning and releasing the three roles (`rolle koordinator`, `rolle technik @ben`,
 * `rolle technik abgeben`, a claim button). Everyone may claim a free role; assigning others belongs to the
 * coordinator.
 */
import { currentPhase } from "../machines/machine.ts";
import type { RoleId } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { escapeMd } from "./message.ts";
import { apply, env, isCoordinator, log, post, refreshHeader, refuse, resolveMention } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { postCard, refreshTasks, visiblePhases } from "./tasks.ts";
import { cardOf, coordinatorId, ctxOf, nameOf, roleTaskList } from "./views.ts";

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
  let posted = false;
  if (who) {
    log(cx, ev.actor, "role", `${nameOf(L, who)} übernimmt die Rolle ${roleName}${holder ? ` (vorher ${nameOf(L, holder)})` : ""}`, {
      role,
      actorId: who,
      previous: holder ?? null,
    });
    // the role's tasks of the current phase come with the role: one message, the confirmation on top of the card
    const phase = currentPhase(ctxOf(L));
    const confirm = t.roleAssigned(escapeMd(nameOf(L, who)!), roleName, t.roleWhat[role]);
    posted = postCard(cx, phase, role, [{ type: "paragraph", text: confirm }]);
    if (!posted) {
      const n = roleTaskList(L, env(cx), phase, role).filter((x) => (ctxOf(L).tasks[x.id]?.state ?? "offen") === "offen").length;
      post(cx, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [{ type: "paragraph", text: `${confirm} ${t.roleOpenTasks(n)}` }]);
    }
  } else {
    log(cx, ev.actor, "role", `Rolle ${roleName} wieder frei (vorher ${nameOf(L, holder)})`, {
      role,
      actorId: null,
      previous: holder ?? null,
    });
    post(cx, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [{ type: "paragraph", text: t.roleReleased(roleName) }]);
  }
  refreshHeader(cx);
  // task cards show the holder's name
  if (!posted) for (const p of new Set(visiblePhases(currentPhase(ctxOf(L))).map(cardOf))) refreshTasks(cx, p, role);
  return L;
}
