/**
 * Roles: the emergency plan's assignment at the declaration (the holders mentioned and asked to confirm, the next
 * deputy when nobody confirms in time, the primary taking the role back), taking, assigning, releasing and handing
 * over roles (`rolle koordinator`, `rolle technik @ben`, `rolle technik abgeben`,
 * `rolle koordinator übergeben @petra <Grund>`, `ok rolle`, a button), and who held which role when.
 * Everyone may claim a free role; assigning others belongs to the coordinator.
 */
import { currentPhase } from "../machines/machine.ts";
import { ROLES, type RoleId } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import { de } from "./i18n/de.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import {
  addTimer,
  apply,
  capsOf,
  env,
  holdsAnyRole,
  isCoordinator,
  log,
  post,
  refreshHeader,
  refuse,
  resolveMention,
  SYSTEM,
} from "./primitives.ts";
import { pendingPlan, planWho } from "./role-lines.ts";
import { identityOn, isPerson, type PlanPerson, phonesOf, rolePlan } from "./role-plan.ts";
import type { Loaded, PlanRoleState, RoleSpan } from "./state.ts";
import { postCard, refreshTasks, visiblePhases } from "./tasks.ts";
import { sanitize } from "./text.ts";
import { showDuration } from "./time.ts";
import { cardOf, coordinatorId, ctxOf, nameOf, roleTaskList } from "./views.ts";

/** How a role came to its holder (recorded in {@link RoleSpan}). */
type How = "plan" | "deputy" | "takeback" | "claim" | "assign" | "handover" | "phone" | "takeover";

/**
 * Sets the holder of a role (null: free): the machine event, the span for the summary, and the plan stops asking
 * for this role when someone else than the plan's people takes it.
 */
function setHolder(cx: IncidentCx, role: RoleId, who: string | null, how: How, reason?: string): void {
  const { L } = cx;
  apply(L, { type: "ROLE", role, actorId: who, at: cx.iso });
  L.st.roleSpans ??= [];
  const spans = L.st.roleSpans;
  for (const s of spans) if (s.role === role && !s.to) s.to = cx.iso;
  if (who) spans.push({ role, id: who, from: cx.iso, how, ...(reason ? { reason } : {}) });
  const plan = L.st.plan?.[role];
  if (plan && !plan.ended && !plan.confirmedAt && how !== "plan" && how !== "deputy" && how !== "phone") plan.ended = cx.iso;
}

/**
 * A role has a (new) holder: the role's task card of the current phase comes with it, `lead` on top (one message);
 * when the card was posted before, `lead` with the number of open tasks, and the cards show the new name. The header
 * shows who holds what.
 */
function announce(cx: IncidentCx, role: RoleId, lead: string, key: string): void {
  const { L, t } = cx;
  const phase = currentPhase(ctxOf(L));
  const posted = postCard(cx, phase, role, [{ type: "paragraph", text: lead }]);
  if (!posted) {
    const n = roleTaskList(L, env(cx), phase, role).filter((x) => (ctxOf(L).tasks[x.id]?.state ?? "offen") === "offen").length;
    post(cx, key, [{ type: "paragraph", text: `${lead}\n${t.roleOpenTasks(n)}` }]);
    for (const p of new Set(visiblePhases(phase).map(cardOf))) refreshTasks(cx, p, role);
  }
  refreshHeader(cx);
}

// ---------------------------------------------------------------------------------------------------------------
// The emergency plan at the declaration

/**
 * Opens the incident with the plan's holders: each role of the plan asks its primary (the first message mentions
 * them), with a timer per role that passes it to the next deputy. Call before the header is posted.
 */
export function startPlan(cx: IncidentCx): void {
  const { L } = cx;
  const plan = rolePlan(cx.config);
  if (plan.length === 0) return;
  L.st.plan = {};
  for (const r of plan) {
    const s: PlanRoleState = { chain: r.people, confirmMs: r.confirmMs, step: 0, askedAt: cx.iso, passed: [] };
    L.st.plan[r.role] = s;
    for (const p of r.people) {
      const id = identityOn(p, L.rec.platform);
      if (id && (!Object.hasOwn(L.st.names, id) || L.st.names[id] === id)) L.st.names[id] = p.name;
    }
    addTimer(cx, `role-confirm:${r.role}:0`, "role-confirm", new Date(cx.now.getTime() + r.confirmMs), { role: r.role, step: 0 });
  }
  log(
    cx,
    SYSTEM,
    "role-plan",
    `Rollen laut Notfallplan angefragt: ${plan.map((r) => `${de.roleShort[r.role]} ${r.people[0]!.name}`).join(", ")}`,
    { roles: Object.fromEntries(plan.map((r) => [r.role, { asked: r.people[0]!.name, within: r.confirmWithin }])) },
  );
}

/** The index in the role's chain of the one who wrote, or -1. */
function chainIndex(L: Loaded, s: PlanRoleState, ev: Inbound): number {
  return s.chain.findIndex((p) => isPerson(p, L.rec.platform, ev.actor, ev.actorIds ?? []));
}

/**
 * `ok rolle [rolle]` (or the button, or `rolle technik` by the person asked): the person asked by the plan confirms;
 * someone passed over confirms late while nobody else has; the primary takes the role back at any time. The
 * coordinator confirms for a person who is not in the chat (reached by phone) with `ok rolle <rolle>`.
 */
export function confirmRole(cx: IncidentCx, ev: Inbound, only?: RoleId): Loaded | undefined {
  const { L, t } = cx;
  const ctx = ctxOf(L);
  const confirmed: { role: RoleId }[] = [];
  let blockedBy: { role: RoleId; holder: string } | undefined;
  let tookBack = false;
  for (const role of only ? [only] : ROLES) {
    const s = L.st.plan?.[role];
    const holder = ctx.roles[role];
    if (!s || holder === ev.actor.id) continue;
    const i = chainIndex(L, s, ev);
    if (i < 0) continue;
    if (i === 0 && (holder || s.ended || s.confirmedAt)) {
      takeBack(cx, ev, role, holder);
      tookBack = true;
      continue;
    }
    if (s.ended || s.confirmedAt || holder || i > s.step) {
      if (holder && only) blockedBy = { role, holder };
      continue;
    }
    s.confirmedAt = cx.iso;
    s.confirmedStep = i;
    confirmed.push({ role });
    setHolder(cx, role, ev.actor.id, i === 0 ? "plan" : "deputy");
  }
  if (confirmed.length === 0) {
    if (only && confirmForAbsent(cx, ev, only)) return L;
    if (tookBack) return L;
    if (blockedBy) return refuse(cx, ev, t.err.roleConfirmedByOther(t.roleName[blockedBy.role], escapeMd(nameOf(L, blockedBy.holder)!)));
    return refuse(cx, ev, noRoleToConfirm(cx, ev));
  }
  const who = nameOf(L, ev.actor.id)!;
  // counted from the declaration: how long the role was without a confirmed holder
  const after = showDuration(cx.now.getTime() - new Date(L.rec.openedAt).getTime(), cx.locale);
  log(cx, ev.actor, "role", `${who} bestätigt die Rolle ${confirmed.map((c) => de.roleName[c.role]).join(", ")}`, {
    roles: confirmed.map((c) => c.role),
    actorId: ev.actor.id,
    confirmed: true,
  });
  for (const c of confirmed)
    announce(cx, c.role, t.plan.confirmed(escapeMd(who), t.roleName[c.role], after), `${L.rec.id}/role-confirm/${c.role}/${L.rec.lastSeq}`);
  return L;
}

/**
 * The answer to `ok rolle` by someone the plan does not ask (now): who is asked for which role (a role asked for is
 * never called free), how to confirm as that person where one keyboard speaks for everyone (the terminal), that the
 * coordination enters a person reached by phone, and the roles nobody is asked for.
 */
function noRoleToConfirm(cx: IncidentCx, ev: Inbound): string {
  const { L, t } = cx;
  const ctx = ctxOf(L);
  const pending = ROLES.flatMap((role) => {
    const s = pendingPlan(L, role);
    return s ? [{ role, person: s.chain[s.step]! }] : [];
  });
  const free = ROLES.filter((r) => !ctx.roles[r] && !pendingPlan(L, r)).map((r) => t.roleCommand(r));
  const asked = pending.map((p) => `${escapeMd(p.person.name)} (${t.roleShort[p.role]})`);
  const inChat = pending.map((p) => ({ id: identityOn(p.person, L.rec.platform), name: escapeMd(p.person.name) })).find((p) => p.id);
  const example = pending.find((p) => p.role !== "koordinator") ?? pending[0];
  const coord = coordinatorId(L);
  const asIt = capsOf(cx).speakAs ? inChat : undefined;
  return t.err.noRoleToConfirm(
    asked,
    free,
    example && `ok ${t.roleCommand(example.role)}`,
    example && coord !== ev.actor.id ? escapeMd(nameOf(L, coord)!) : undefined,
    asIt?.id,
    asIt?.name,
  );
}

/** The primary of the plan takes the role back (from a deputy, or after the plan gave up). */
function takeBack(cx: IncidentCx, ev: Inbound, role: RoleId, before: string | undefined): void {
  const { L, t } = cx;
  const s = L.st.plan![role]!;
  s.confirmedAt ??= cx.iso;
  s.confirmedStep = 0;
  setHolder(cx, role, ev.actor.id, "takeback");
  const who = nameOf(L, ev.actor.id)!;
  const prev = before ? nameOf(L, before)! : t.unassigned;
  log(cx, ev.actor, "role", `${who} übernimmt die Rolle ${de.roleName[role]} wieder (vorher ${before ? nameOf(L, before) : "niemand"})`, {
    role,
    actorId: ev.actor.id,
    previous: before ?? null,
    takeback: true,
  });
  announce(cx, role, t.plan.tookBack(escapeMd(who), t.roleName[role], escapeMd(prev)), `${L.rec.id}/role/${role}/${L.rec.lastSeq}`);
}

/**
 * The coordinator confirms for the person asked now after reaching them by phone: not in this chat, the role is
 * held by their name and the coordination acknowledges its tasks; in the chat, by their chat identity.
 */
function confirmForAbsent(cx: IncidentCx, ev: Inbound, role: RoleId): boolean {
  const { L, t } = cx;
  const s = pendingPlan(L, role);
  if (!s || !isCoordinator(L, ev.actor.id)) return false;
  const p = s.chain[s.step]!;
  // in the chat: the role goes to their chat identity (they can then work the role's tasks themselves)
  const inChat = identityOn(p, L.rec.platform);
  const id = inChat ?? `tel:${p.name}`;
  if (!inChat || !Object.hasOwn(L.st.names, id) || L.st.names[id] === id) L.st.names[id] = p.name;
  s.confirmedAt = cx.iso;
  s.confirmedStep = s.step;
  setHolder(cx, role, id, "phone");
  log(cx, ev.actor, "role", `${p.name} übernimmt die Rolle ${de.roleName[role]} (telefonisch, eingetragen von ${nameOf(L, ev.actor.id)})`, {
    role,
    actorId: id,
    confirmed: true,
    by: ev.actor.id,
  });
  const by = escapeMd(nameOf(L, ev.actor.id)!);
  announce(
    cx,
    role,
    inChat ? t.plan.confirmedForInChat(`<@${inChat}>`, t.roleName[role], by) : t.plan.confirmedFor(escapeMd(p.name), t.roleName[role], by),
    `${L.rec.id}/role/${role}/${L.rec.lastSeq}`,
  );
  return true;
}

/**
 * The person asked for a role did not confirm in time: the next deputy is asked (mentioned, or shown with the phone
 * number), the coordinator is told who could not be reached and their number, and it is on the timeline. After the
 * last person the role is open for anyone. A stale timer (confirmed, handed over, already moved on) does nothing.
 */
export function onConfirmTimeout(cx: IncidentCx, role: RoleId, step: number): void {
  const { L, t } = cx;
  const s = L.st.plan?.[role];
  if (!s || s.ended || s.confirmedAt || s.step !== step || ctxOf(L).roles[role]) return;
  s.passed.push(step);
  const missed = s.chain[step]!;
  const within = showDuration(s.confirmMs, cx.locale);
  const coord = coordinatorId(L);
  const coordWho = `<@${coord}>`;
  const phone = phonesOf(missed);
  const tell: Block = {
    type: "paragraph",
    text: phone
      ? t.plan.unreachable(coordWho, `**${escapeMd(missed.name)}**`, phone)
      : t.plan.unreachable(coordWho, `**${escapeMd(missed.name)}**`, "–"),
  };
  const nextStep = step + 1 < s.chain.length ? step + 1 : undefined;
  if (nextStep === undefined) {
    s.ended = cx.iso;
    log(cx, SYSTEM, "role-deputy", `Rolle ${de.roleName[role]}: niemand aus dem Notfallplan hat bestätigt (zuletzt ${missed.name})`, {
      role,
      missed: missed.name,
      next: null,
    });
    post(cx, `${L.rec.id}/role-deputy/${role}/${step}`, [
      { type: "paragraph", text: t.plan.noOne(t.roleName[role], t.roleCommand(role)) },
      tell,
    ]);
    refreshHeader(cx);
    return;
  }
  const next = s.chain[nextStep]!;
  s.step = nextStep;
  s.askedAt = cx.iso;
  const nextId = identityOn(next, L.rec.platform);
  if (nextId && (!Object.hasOwn(L.st.names, nextId) || L.st.names[nextId] === nextId)) L.st.names[nextId] = next.name;
  addTimer(cx, `role-confirm:${role}:${nextStep}`, "role-confirm", new Date(cx.now.getTime() + s.confirmMs), { role, step: nextStep });
  log(
    cx,
    SYSTEM,
    "role-deputy",
    `Rolle ${de.roleName[role]}: ${missed.name} hat nicht binnen ${showDuration(s.confirmMs)} bestätigt – weiter an ${next.name} (Vertretung)${phone ? `; ${missed.name} nicht erreicht, Telefon ${phone}` : ""}`,
    { role, missed: missed.name, missedPhone: phone ?? null, next: next.name, step: nextStep },
  );
  const caps = capsOf(cx);
  const how = nextId ? (caps.buttons ? t.plan.deputyHow : t.plan.deputyHowNoButtons) : t.plan.deputyHowPhone(`ok ${t.roleCommand(role)}`);
  const blocks: Block[] = [
    { type: "paragraph", text: t.plan.deputy(t.roleName[role], `**${escapeMd(missed.name)}**`, within, planWho(L, t, next), how) },
    tell,
  ];
  if (caps.buttons)
    blocks.push({
      type: "buttons",
      // not in the chat: the coordinator's button after reaching them by phone
      buttons: [{ label: nextId ? t.plan.confirmButton : t.plan.reachedButton(next.name), command: `ok rolle ${role}`, style: "primary" }],
    });
  post(cx, `${L.rec.id}/role-deputy/${role}/${step}`, blocks);
  refreshHeader(cx);
}

// ---------------------------------------------------------------------------------------------------------------
// Taking, assigning, releasing, handing over

/** `rolle <rolle> [@person|abgeben|übergeben @person <Grund>]`. */
export function changeRole(
  cx: IncidentCx,
  ev: Inbound,
  role: RoleId,
  target: string | undefined,
  release: boolean,
  handover?: { reason: string },
): Loaded | undefined {
  const { L, t } = cx;
  const ctx = ctxOf(L);
  const isCoord = isCoordinator(L, ev.actor.id);
  if (handover) return handOver(cx, ev, role, target!, handover.reason);
  // the person the plan asks (or its primary) claiming the role: a confirmation
  const s = L.st.plan?.[role];
  if (!target && !release && s && ctx.roles[role] !== ev.actor.id) {
    const i = chainIndex(L, s, ev);
    if (i === 0 || (i >= 0 && pendingPlan(L, role) && i <= s.step)) return confirmRole(cx, ev, role);
  }
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
  if (!isCoord && !self) {
    const free = ROLES.find((r) => !ctx.roles[r] && !pendingPlan(L, r));
    return refuse(cx, ev, t.err.roleAssignOthers(escapeMd(nameOf(L, coordinatorId(L))!), free));
  }
  if (!isCoord && holder && holder !== ev.actor.id) return refuse(cx, ev, t.err.roleTaken(t.roleName[role], escapeMd(nameOf(L, holder)!)));
  if (holder === (who ?? undefined))
    return refuse(cx, ev, t.roleAssigned(escapeMd(nameOf(L, holder)!), t.roleName[role], t.roleWhat[role]));
  setHolder(cx, role, who, who === ev.actor.id ? "claim" : "assign");
  const roleName = t.roleName[role];
  if (who) {
    log(cx, ev.actor, "role", `${nameOf(L, who)} übernimmt die Rolle ${roleName}${holder ? ` (vorher ${nameOf(L, holder)})` : ""}`, {
      role,
      actorId: who,
      previous: holder ?? null,
    });
    announce(cx, role, t.roleAssigned(escapeMd(nameOf(L, who)!), roleName, t.roleWhat[role]), `${L.rec.id}/role/${role}/${L.rec.lastSeq}`);
    return L;
  } else {
    log(cx, ev.actor, "role", `Rolle ${roleName} wieder frei (vorher ${nameOf(L, holder)})`, {
      role,
      actorId: null,
      previous: holder ?? null,
    });
    post(cx, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [{ type: "paragraph", text: t.roleReleased(roleName) }]);
  }
  refreshHeader(cx);
  // task cards show that the role is free
  for (const p of new Set(visiblePhases(currentPhase(ctxOf(L))).map(cardOf))) refreshTasks(cx, p, role);
  return L;
}

/**
 * `rolle koordinator übergeben @petra <Grund>`: the holder (or the coordinator) hands the role over during a long
 * incident; the new holder is mentioned, the reason is on the timeline and in the summary.
 */
function handOver(cx: IncidentCx, ev: Inbound, role: RoleId, target: string, reason: string): Loaded | undefined {
  const { L, t } = cx;
  const holder = ctxOf(L).roles[role];
  const coord = coordinatorId(L);
  if (ev.actor.id !== holder && ev.actor.id !== coord)
    return refuse(
      cx,
      ev,
      t.err.handoverNotAllowed(t.roleName[role], holder ? escapeMd(nameOf(L, holder)!) : "", escapeMd(nameOf(L, coord)!)),
    );
  const to: ActorRef | undefined = resolveMention(target, ev);
  if (!to) return refuse(cx, ev, t.err.mentionUnknown(escapeMd(target.slice(0, 80))));
  if (to.id === holder) return refuse(cx, ev, t.roleAssigned(escapeMd(nameOf(L, holder)!), t.roleName[role], t.roleWhat[role]));
  if (!Object.hasOwn(L.st.names, to.id) || L.st.names[to.id] === to.id) L.st.names[to.id] = to.displayName;
  const text = reason.slice(0, 500);
  setHolder(cx, role, to.id, "handover", text);
  const from = holder ? nameOf(L, holder)! : t.unassigned;
  log(
    cx,
    ev.actor,
    "role-handover",
    `Übergabe ${de.roleName[role]}: ${holder ? nameOf(L, holder) : "niemand"} → ${nameOf(L, to.id)}. Grund: ${text}`,
    {
      role,
      actorId: to.id,
      previous: holder ?? null,
      reason: text,
    },
  );
  announce(
    cx,
    role,
    t.plan.handedOver(t.roleName[role], escapeMd(from), `<@${to.id}>`, escapeMd(text)),
    `${L.rec.id}/role/${role}/${L.rec.lastSeq}`,
  );
  return L;
}

/**
 * `rolle koordinator übernehmen <Grund>`: the holder of a role cannot be reached (and so cannot hand it over), so
 * someone who holds a role (or declared the incident) takes it over, with a reason that is recorded. The way out
 * when the coordinator is gone: otherwise nobody could advance, close or reassign.
 */
export function takeOverRole(cx: IncidentCx, ev: Inbound, role: RoleId, reason: string): Loaded | undefined {
  const { L, t } = cx;
  const holder = ctxOf(L).roles[role];
  if (!holder || holder === ev.actor.id) return changeRole(cx, ev, role, undefined, false);
  if (!holdsAnyRole(L, ev.actor.id) && L.rec.declaredBy !== ev.actor.id) {
    const free = ROLES.find((r) => !ctxOf(L).roles[r] && !pendingPlan(L, r));
    return refuse(cx, ev, t.err.takeoverNotAllowed(free ? t.roleCommand(free) : "status"));
  }
  const why = sanitize(reason, 500);
  if (!why) return refuse(cx, ev, t.err.takeoverReason(t.roleTakeoverCommand(role)));
  setHolder(cx, role, ev.actor.id, "takeover", why);
  log(
    cx,
    ev.actor,
    "takeover",
    `${nameOf(L, ev.actor.id)} übernimmt die Rolle ${de.roleName[role]} von ${nameOf(L, holder)}. Grund: ${why}`,
    {
      role,
      actorId: ev.actor.id,
      previous: holder,
      reason: why,
    },
  );
  announce(
    cx,
    role,
    t.roleAssigned(escapeMd(nameOf(L, ev.actor.id)!), t.roleName[role], t.roleWhat[role]),
    `${L.rec.id}/role/${role}/${L.rec.lastSeq}`,
  );
  return L;
}

/** Who held which role when, in order (for the summary and the export). */
export function roleSpans(L: Loaded): readonly RoleSpan[] {
  return L.st.roleSpans ?? [];
}

/** Per role of the plan: how long after the declaration it was confirmed, and by which person of the list. */
export function confirmTimes(L: Loaded): { role: RoleId; ms?: number; name?: string; step?: number }[] {
  const opened = new Date(L.rec.openedAt).getTime();
  return ROLES.flatMap((role) => {
    const s = L.st.plan?.[role];
    if (!s) return [];
    if (!s.confirmedAt || s.confirmedStep === undefined) return [{ role }];
    const p: PlanPerson | undefined = s.chain[s.confirmedStep];
    return [{ role, ms: new Date(s.confirmedAt).getTime() - opened, ...(p ? { name: p.name } : {}), step: s.confirmedStep }];
  });
}
