/**
 * The emergency plan's role table (`roles:` in the organisation file), resolved against the contacts: per role the
 * people in the order they are asked (primary first, then the deputies), with phone numbers and chat identities.
 * One place for check-config, the handbook and the incident (src/core/roles.ts). Pure.
 */
import { ROLES, type RoleId } from "../machines/schema.ts";
import type { Platform } from "./adapter.ts";
import { durationMs } from "./duration.ts";
import type { ActorRef } from "./inbound.ts";
import type { ChatIdentities, OrgConfig } from "./org.ts";

/** Used when a role in the plan does not say how long to wait for a confirmation. */
export const DEFAULT_CONFIRM_WITHIN = "5 min";

/** A person of the plan, as the contacts list has them. */
export interface PlanPerson {
  name: string;
  /** Free-text function from the contact (`Praxismanagerin`). */
  role?: string;
  phone?: string;
  phoneAlt?: string;
  chat: ChatIdentities;
}

/** One role of the plan. */
export interface PlannedHolders {
  role: RoleId;
  /** Primary first, then the deputies in the order they are asked. */
  people: PlanPerson[];
  /** How long each person has to confirm ("5 min"). */
  confirmWithin: string;
  confirmMs: number;
}

/** The roles the plan names, in the order of {@link ROLES}; empty without `roles:`. Unknown names are skipped. */
export function rolePlan(cfg: OrgConfig | undefined): PlannedHolders[] {
  const out: PlannedHolders[] = [];
  for (const role of ROLES) {
    const plan = cfg?.roles?.[role];
    if (!plan) continue;
    const people = [plan.primary, ...(plan.deputies ?? [])].map((n) => personNamed(cfg, n)).filter((p): p is PlanPerson => p !== undefined);
    if (people.length === 0) continue;
    const confirmWithin = plan.confirm_within ?? DEFAULT_CONFIRM_WITHIN;
    out.push({ role, people, confirmWithin, confirmMs: durationMs(confirmWithin) ?? 5 * 60_000 });
  }
  return out;
}

/** The contact with this name (without case and surrounding space). */
export function personNamed(cfg: OrgConfig | undefined, name: string): PlanPerson | undefined {
  const key = name.trim().toLowerCase();
  const c = cfg?.contacts?.find((x) => x.name.trim().toLowerCase() === key);
  if (!c) return undefined;
  return {
    name: c.name,
    ...(c.role ? { role: c.role } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.phone_alt ? { phoneAlt: c.phone_alt } : {}),
    chat: c.chat ?? {},
  };
}

/** Which identity list of a contact a platform uses (the in-memory test platform speaks like the terminal). */
function chatKey(platform: Platform | string): keyof ChatIdentities | undefined {
  if (platform === "slack" || platform === "teams" || platform === "matrix" || platform === "console") return platform;
  return platform === "memory" ? "console" : undefined;
}

/** The person's id on this platform (the first given), or undefined when they are not in this chat. */
export function identityOn(p: PlanPerson, platform: Platform | string): string | undefined {
  const key = chatKey(platform);
  return key ? p.chat[key]?.[0] : undefined;
}

/** The people of the plan by their id on this platform (the first given, as they are mentioned). */
export function planPeopleById(cfg: OrgConfig | undefined, platform: Platform | string): Map<string, PlanPerson> {
  const out = new Map<string, PlanPerson>();
  for (const r of rolePlan(cfg))
    for (const p of r.people) {
      const id = identityOn(p, platform);
      if (id && !out.has(id)) out.set(id, p);
    }
  return out;
}

/** Whether the person has any chat identity at all (check-config warns when not). */
export function hasAnyIdentity(p: PlanPerson): boolean {
  return Object.values(p.chat).some((ids) => (ids?.length ?? 0) > 0);
}

/**
 * Whether the one who wrote is this person: one of their ids on this platform, or another id the platform gave for
 * them (Teams: the Entra object id). Teams accounts entered as e-mail address (UPN) never arrive in an activity; there
 * the display name decides, as the contact's name.
 */
export function isPerson(p: PlanPerson, platform: Platform | string, actor: ActorRef, otherIds: readonly string[] = []): boolean {
  const key = chatKey(platform);
  const ids = (key ? p.chat[key] : undefined) ?? [];
  const lower = ids.map((x) => x.toLowerCase());
  if ([actor.id, ...otherIds].some((x) => lower.includes(x.toLowerCase()))) return true;
  return platform === "teams" && ids.some((x) => x.includes("@")) && sameName(actor.displayName, p.name);
}

function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
  return n(a) === n(b);
}

/** The phone numbers of a person, for "call instead": `+49 170 … / +49 30 …`, or undefined. */
export function phonesOf(p: PlanPerson): string | undefined {
  const list = [p.phone, p.phoneAlt].filter(Boolean);
  return list.length ? list.join(" / ") : undefined;
}

const CHAT_LABELS: Record<keyof ChatIdentities, string> = { slack: "Slack", teams: "Teams", matrix: "Matrix", console: "Terminal" };

/** The chats a person can be mentioned in, by name ("Slack", "Teams"). */
export function identityLabels(p: PlanPerson): string[] {
  return (Object.keys(CHAT_LABELS) as (keyof ChatIdentities)[]).filter((k) => (p.chat[k]?.length ?? 0) > 0).map((k) => CHAT_LABELS[k]);
}
