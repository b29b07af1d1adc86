/**
 * How the people of the emergency plan appear in messages: mentioned in the platform's own way where they have an
 * identity there (`<@id>`, rendered natively by each adapter), else by name with their phone number. Pure.
 */
import { ROLES, type RoleId } from "../machines/schema.ts";
import type { Catalog } from "./i18n/de.ts";
import { escapeMd } from "./message.ts";
import { identityOn, type PlanPerson, phonesOf } from "./role-plan.ts";
import type { Loaded, PlanRoleState } from "./state.ts";

/** The person as the incident's platform shows them: a mention, or the name with "please call" and the number. */
export function planWho(L: Loaded, t: Catalog, p: PlanPerson): string {
  const id = identityOn(p, L.rec.platform);
  return id ? `<@${id}>` : planAbsent(t, p);
}

/** A person of the plan who is not in the chat (no identity here, or not a member of the channel): name and phone. */
export function planAbsent(t: Catalog, p: PlanPerson): string {
  const phone = phonesOf(p);
  return `**${escapeMd(p.name)}** (${phone ? t.plan.notInChat(phone) : t.plan.noPhone})`;
}

/** The plan of a role while it still waits for a confirmation (asked, not confirmed, not given up). */
export function pendingPlan(L: Loaded, role: RoleId): PlanRoleState | undefined {
  const s = L.st.plan?.[role];
  if (!s || s.ended || s.confirmedAt) return undefined;
  return L.snap.context.roles[role] ? undefined : s;
}

/** Roles waiting for a confirmation. */
export function pendingRoles(L: Loaded): RoleId[] {
  return ROLES.filter((r) => pendingPlan(L, r));
}
