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
  /** In scope of NIS2 (§ 32 BSIG): switches the 24 h / 72 h / 1 month clocks on. */
  nis2?: boolean;
  systems?: { name: string; priority: number; rto?: string; rpo?: string; notes?: string }[];
}

export function flagsOf(cfg: OrgConfig | undefined): { nis2: boolean; insurer: boolean } {
  return { nis2: cfg?.nis2 === true, insurer: Boolean(cfg?.insurer?.hotline || cfg?.insurer?.name) };
}
