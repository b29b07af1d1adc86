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
  if (id) return `<@${id}>`;
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

/**
 * "Who holds what" for the first message (and its in-place updates): per role the holder, or the person asked by the
 * plan (mentioned, so they are notified), or nobody. Undefined for an incident without a plan.
 */
export function planLines(L: Loaded, t: Catalog): string | undefined {
  if (!L.st.plan || Object.keys(L.st.plan).length === 0) return undefined;
  const ctx = L.snap.context;
  const lines = ROLES.map((r) => {
    const holder = ctx.roles[r];
    if (holder) return t.plan.line(t.roleName[r], `✅ ${escapeMd(nameOf(L, holder))}`);
    const s = pendingPlan(L, r);
    if (s) return t.plan.line(t.roleName[r], `${planWho(L, t, s.chain[s.step]!)} – ${t.plan.asked}`);
    return t.plan.line(t.roleName[r], t.unassigned);
  });
  return [t.plan.title, ...lines].join("\n");
}

function nameOf(L: Loaded, id: string): string {
  return Object.hasOwn(L.st.names, id) ? L.st.names[id]! : id;
}
