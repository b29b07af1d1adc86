/**
 * The organisation file (`notfall.config.yaml`) as the core sees it: already validated.
 * Every field is optional: without a file the bot runs and shows visible gaps.
 */
export interface OrgConfig {
  name?: string;
  kind?: "praxis" | "kmu";
  address?: string;
  phone?: string;
  email?: string;
  /** Internal IT emergency number (IT-Notfallkarte). */
  emergency_phone?: string;
  locale?: "de" | "en";
  contacts?: { name: string; role?: string; phone?: string; phone_alt?: string; email?: string; chat?: ChatIdentities }[];
  dpo?: { name?: string; phone?: string; email?: string };
  it?: { name?: string; hotline?: string; hours?: string; email?: string; contract?: string };
  authority?: { name?: string; url?: string; phone?: string };
  police?: { name?: string; phone?: string; url?: string };
  insurer?: { name?: string; hotline?: string; policy?: string; terms?: string };
  bank?: { name?: string; hotline?: string };
  /** Property / electronics insurer (fire, water, hardware damage); the cyber insurer is `insurer`. */
  property_insurer?: { name?: string; hotline?: string; policy?: string };
  /** Vendor of the practice software (PVS) or the main business application (ERP), with its support hotline. */
  software?: { name?: string; hotline?: string };
  /** Kassenärztliche (or Kassenzahnärztliche) Vereinigung: billing deadlines, SMC-B. Practices only. */
  kv?: { name?: string; phone?: string };
  /** In scope of NIS2 (§ 32 BSIG): switches the 24 h / 72 h / 1 month clocks on. */
  nis2?: boolean;
  systems?: { name: string; priority: number; rto?: string; rpo?: string; notes?: string }[];
  /**
   * The emergency plan's role table: per role a primary and deputies, each the `name` of a contact. The incident opens
   * with these holders (see src/core/role-plan.ts); a role nobody confirms within `confirm_within` passes on.
   */
  roles?: Partial<Record<"koordinator" | "technik" | "kommunikation", PlannedRole>>;
  /**
   * Which chats belong to this organisation when one deployment serves several (`NOTFALL_TENANTS`): Slack team ids,
   * Teams tenant ids, Matrix room ids (`!abc:server`) or servers (`:praxis.de`).
   */
  covers?: { slack?: string[]; teams?: string[]; matrix?: string[] };
}

/** How a person is reached in each chat (several ids per platform allowed: two workspaces, an old and a new account). */
export interface ChatIdentities {
  /** Slack member id (`U04ABC123`). */
  slack?: string[];
  /** Teams user: e-mail / UPN or Entra (AAD) object id. */
  teams?: string[];
  /** Matrix user id (`@petra:beispiel.de`). */
  matrix?: string[];
  /** User name in the terminal (`@petra: …`). */
  console?: string[];
}

/** One role in the emergency plan. */
export interface PlannedRole {
  /** Contact name of the person who takes the role first. */
  primary: string;
  /** Contact names of the deputies, in the order they are asked. */
  deputies?: string[];
  /** Time to confirm before the next deputy is asked, normalised ("5 min"); default 5 min. */
  confirm_within?: string;
}

/** The organisation file's switches that playbook conditions (`when: { config: … }`) can name. */
export interface OrgFlags {
  /** `nis2: true`. */
  nis2: boolean;
  /** A cyber insurer is entered (name or hotline). */
  insurer: boolean;
  /** A practice: `kind: praxis`, or no `kind` (practice content is shown unless the file says `kmu`). */
  praxis: boolean;
}

export function flagsOf(cfg: OrgConfig | undefined): OrgFlags {
  return { nis2: cfg?.nis2 === true, insurer: Boolean(cfg?.insurer?.hotline || cfg?.insurer?.name), praxis: cfg?.kind !== "kmu" };
}
