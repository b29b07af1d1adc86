import { type Localized, loc } from "../machines/schema.ts";
import type { OrgConfig } from "./org.ts";

/**
 * The one place that maps a task to the phone number it says to call ("Bank anrufen" → the bank's hotline from the
 * organisation file). Pure: the organisation file comes in as an argument. Used by the printed handbook, and meant
 * for the chat ("a task that says to call someone shows the number", DESIGN.md §6).
 */

/**
 * A phone field of the organisation file, as its path (`it.hotline`, `dpo.phone`). A playbook task may name one in
 * `call:`; otherwise {@link callTargets} reads it from the task's words.
 */
export type CallTarget = string;

/** A number to call for a task: the field, the number if the organisation file has one, and whose number it is. */
export interface PhoneNumber {
  target: CallTarget;
  /** The number as written in the organisation file; undefined when the field is missing or blank. */
  number?: string;
  /** Name of the organisation the number belongs to (`it.name` for `it.hotline`), when the file has one. */
  name?: string;
}

/** What a task must look like to get a number: the party (by field) and words that say to contact it. */
interface Rule {
  target: CallTarget;
  party: RegExp;
}

/** Parties in the order they are shown. German and English wording, since tasks may carry an English text. */
const RULES: readonly Rule[] = [
  { target: "it.hotline", party: /IT-Dienstleister|Technische[nr]? Kontakt|TI-Dienstleister|IT service provider|technical contact/i },
  { target: "dpo.phone", party: /Datenschutzbeauftragte|data protection officer|\bDPO\b/i },
  { target: "authority.phone", party: /Datenschutzbehörde|Aufsichtsbehörde|data protection authority|supervisory authority/i },
  { target: "police.phone", party: /Polizei|\bZAC\b|Cybercrime|\bpolice\b/i },
  { target: "insurer.hotline", party: /\b(?:Cyber-?)?Versicherung\b|Versicherer|\binsurer\b|cyber insurance/i },
  {
    target: "property_insurer.hotline",
    party: /Gebäude- oder Elektronikversicherung|Elektronikversicherung|Gebäudeversicherung|property insur/i,
  },
  { target: "bank.hotline", party: /\bBank\b|\bbank\b/i },
];

/** Words that say to get in touch (call, inform, report, ask), German and English. */
const CONTACT =
  /anrufen|\banruf|\bruf(?:en|t)\b|hotline|telefonisch|alarmier|verständig|informier|einbind|einbeziehen|\bmeld|\banzeige|\bbitten\b|\bfragen\b|kontaktier|\bcall|\bphone\b|\balert\b|\binform\b|\bnotify\b|\breport\b|\bask\b/i;

/** A phone number written in the text itself (at least six digits, as people write them). */
const NUMBER = /(?:\+|\b0)\d[\d /-]{4,}\d/;

/** The value at a dotted path of the organisation file, trimmed; undefined when missing or blank. */
function valueAt(cfg: OrgConfig | undefined, path: string): string | undefined {
  let cur: unknown = cfg;
  for (const key of path.split(".")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  return typeof cur === "string" && cur.trim() !== "" ? cur.trim() : undefined;
}

/** The number at `target` and the name of whoever it belongs to. */
export function phoneAt(cfg: OrgConfig | undefined, target: CallTarget): PhoneNumber {
  const dot = target.lastIndexOf(".");
  const name = dot > 0 ? valueAt(cfg, `${target.slice(0, dot)}.name`) : undefined;
  const number = valueAt(cfg, target);
  return { target, ...(number ? { number } : {}), ...(name ? { name } : {}) };
}

/**
 * The phone fields a task says to call: its `call:` when the playbook names one, else every party its text names
 * together with a word for getting in touch ("Datenschutzbeauftragte:n informieren", "Bank anrufen").
 */
export function callTargets(task: { text: Localized; call?: CallTarget | undefined }): CallTarget[] {
  if (task.call) return [task.call];
  const texts = [loc(task.text, "de"), loc(task.text, "en")];
  // a task that already says which number to dial ("das BSI Service-Center anrufen, 0800 274 1000") needs no other
  if (texts.some((text) => NUMBER.test(text))) return [];
  const out: CallTarget[] = [];
  for (const text of new Set(texts)) {
    if (!CONTACT.test(text)) continue;
    for (const rule of RULES) if (rule.party.test(text) && !out.includes(rule.target)) out.push(rule.target);
  }
  // "Gebäude- oder Elektronikversicherung" is the property insurer, not the cyber insurer
  return out.includes("property_insurer.hotline") ? out.filter((t) => t !== "insurer.hotline") : out;
}

/**
 * Parties an organisation may simply not have (no cyber insurance): when the organisation file leaves out their
 * whole section, there is nothing to call, not a gap to fill.
 */
const OPTIONAL_SECTIONS = new Set(["insurer", "property_insurer"]);

/**
 * The numbers to show beside a task, in a fixed order; a number the file lacks has no `number` (shown as a gap to
 * fill in). Without an organisation file every party is listed, since nothing is known.
 */
export function phonesForTask(task: { text: Localized; call?: CallTarget | undefined }, cfg: OrgConfig | undefined): PhoneNumber[] {
  return callTargets(task)
    .filter((target) => {
      const section = target.split(".")[0]!;
      return !cfg || !OPTIONAL_SECTIONS.has(section) || (cfg as Record<string, unknown>)[section] !== undefined;
    })
    .map((target) => phoneAt(cfg, target));
}

/** Roles in the contact list that mean the owner or the management (who decides when no DPO is appointed). */
const MANAGEMENT = /inhaber|leitung|geschäftsführ|geschaeftsfuehr|vorstand|\bchef|\bowner\b|\bmanagement\b|managing director|\bCEO\b/i;

/** Who assesses a data breach with the coordinator: the data-protection officer, or where none is entered the management. */
export interface PrivacyContact {
  /** True when the organisation file names a data-protection officer (name or phone). */
  dpo: boolean;
  name?: string;
  phone?: string;
}

/**
 * The data-protection officer from the organisation file; where none is entered, the first contact whose role says
 * owner or management ("Praxisinhaberin", "Geschäftsführer"), else nobody by name (the text then says "die Leitung").
 */
export function privacyContact(cfg: OrgConfig | undefined): PrivacyContact {
  const name = valueAt(cfg, "dpo.name");
  const phone = valueAt(cfg, "dpo.phone");
  if (name || phone) return { dpo: true, ...(name ? { name } : {}), ...(phone ? { phone } : {}) };
  const boss = cfg?.contacts?.find((c) => c.role && MANAGEMENT.test(c.role));
  const bossPhone = boss?.phone?.trim() || boss?.phone_alt?.trim();
  return { dpo: false, ...(boss?.name?.trim() ? { name: boss.name.trim() } : {}), ...(bossPhone ? { phone: bossPhone } : {}) };
}
