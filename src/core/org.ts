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
  contacts?: { name: string; role?: string; phone?: string; phone_alt?: string; email?: string }[];
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
