import type { z } from "zod";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import { closestWord } from "../core/text.ts";
import { describeValue, type FieldPath, showValue, valueAt } from "../machines/yaml-source.ts";
import { PHONE_EXAMPLE, PHONE_FIELDS, SECTION_KEYS } from "./schema.ts";

type ZodIssue = z.core.$ZodIssue;

/**
 * German field names people type instead of the English keys, mapped to what they most likely meant.
 * A candidate is only suggested where the section allows it (`telefon` is `phone` in a contact, `hotline` under `it`).
 */
const ALIASES: Record<string, readonly string[]> = {
  datenschutzbeauftragter: ["dpo"],
  datenschutzbeauftragte: ["dpo"],
  datenschutz: ["dpo"],
  dsb: ["dpo"],
  versicherung: ["insurer"],
  cyberversicherung: ["insurer"],
  polizei: ["police"],
  zac: ["police"],
  lka: ["police"],
  behoerde: ["authority"],
  behörde: ["authority"],
  aufsichtsbehoerde: ["authority"],
  aufsichtsbehörde: ["authority"],
  datenschutzbehoerde: ["authority"],
  datenschutzbehörde: ["authority"],
  systeme: ["systems"],
  kontakte: ["contacts"],
  ansprechpartner: ["contacts"],
  dienstleister: ["it"],
  it_dienstleister: ["it"],
  "it-dienstleister": ["it"],
  notfallnummer: ["emergency_phone"],
  notfalltelefon: ["emergency_phone"],
  it_notfallnummer: ["emergency_phone"],
  telefon: ["phone", "hotline"],
  tel: ["phone", "hotline"],
  telefonnummer: ["phone", "hotline"],
  mobil: ["phone_alt"],
  handy: ["phone_alt"],
  mail: ["email"],
  "e-mail": ["email"],
  adresse: ["address"],
  anschrift: ["address"],
  art: ["kind"],
  typ: ["kind"],
  sprache: ["locale"],
  prioritaet: ["priority"],
  priorität: ["priority"],
  prio: ["priority"],
  notiz: ["notes"],
  hinweis: ["notes"],
  bemerkung: ["notes"],
  rolle: ["role"],
  rollen: ["roles"],
  notfallrollen: ["roles"],
  koordination: ["koordinator"],
  koordinatorin: ["koordinator"],
  leitung: ["koordinator"],
  techniker: ["technik"],
  technischer_kontakt: ["technik"],
  kommunikator: ["kommunikation"],
  presse: ["kommunikation"],
  hauptperson: ["primary"],
  inhaber: ["primary"],
  person: ["primary"],
  erste: ["primary"],
  vertretung: ["deputies"],
  vertreter: ["deputies"],
  vertreterin: ["deputies"],
  stellvertretung: ["deputies"],
  deputy: ["deputies"],
  frist: ["confirm_within"],
  bestaetigen: ["confirm_within"],
  bestätigen: ["confirm_within"],
  timeout: ["confirm_within"],
  wartezeit: ["confirm_within"],
  chat_id: ["chat"],
  chats: ["chat"],
  messenger: ["chat"],
  kennung: ["chat"],
  element: ["matrix"],
  msteams: ["teams"],
  terminal: ["console"],
  konsole: ["console"],
  funktion: ["role"],
  zeiten: ["hours"],
  erreichbarkeit: ["hours"],
  servicezeiten: ["hours"],
  vertrag: ["contract"],
  vertragsnummer: ["contract", "policy"],
  versicherungsnummer: ["policy"],
  versicherungsschein: ["policy"],
  bedingungen: ["terms"],
  besonderheiten: ["terms", "notes"],
  webseite: ["url"],
  website: ["url"],
  internet: ["url"],
  wiederanlaufzeit: ["rto"],
  datenverlust: ["rpo"],
};

const SECTION_HINT: Record<string, string> = {
  "": "name:, kind:, contacts:, it:, dpo:, …",
  contacts: "- name: …, phone: …",
  systems: "- name: …, priority: 1, rto: 4h, rpo: 24h",
  deputies: "- Petra Beispiel",
};

/** One problem in the organisation file, located by line and field. */
export interface ConfigIssue {
  /** File as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Field path such as `systems[2].rto`; empty when the problem concerns the whole file. */
  field: string;
  /** German explanation with what to write instead. */
  message: string;
  /** The same in English (`--lang en`). */
  messageEn: string;
  /** The offending line as written, when there is one (shown under the message). */
  source?: string;
}

/** The texts of the organisation file's messages (src/core/i18n, `config`). */
export type ConfigTexts = typeof de.config;

/** A message in both languages: `message` German, `messageEn` English. */
export interface Said {
  message: string;
  messageEn: string;
}

/** A message from the catalogue, in German and English (the locale is for values described in it). */
export function say(f: (t: ConfigTexts, locale: "de" | "en") => string): Said {
  return { message: f(de.config, "de"), messageEn: f(en.config, "en") };
}

/** Context the converter needs from the parsed file. */
export interface IssueSite {
  data: unknown;
  /** Line of the node at a path (deepest existing node). */
  lineOf(path: FieldPath): number;
  /** The value at a path exactly as written in the file (for numbers whose leading zeros YAML dropped). */
  rawAt?(path: FieldPath): string | undefined;
}

/** The section a path points into: "" for the top level, `contacts`/`systems` for list items, `dpo`, `it` … */
export function sectionOf(path: FieldPath): string {
  const first = path[0];
  if (first === "contacts" && path[2] === "chat") return "contacts.chat";
  if (first === "roles" && typeof path[1] === "string") return "roles.*";
  return typeof first === "string" && Object.hasOwn(SECTION_KEYS, first) ? first : "";
}

/**
 * "Meinten Sie …?" for an unknown key: a German alias first, then the closest allowed name within a small edit
 * distance (1 for names up to 4 letters, else 2), so `foo` does not become `dpo`.
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  // Own entries only: a key such as `constructor` or `__proto__` must not find Object's own properties.
  const alias = Object.hasOwn(ALIASES, lower) ? ALIASES[lower]!.find((k) => allowed.includes(k)) : undefined;
  if (alias) return alias;
  const names = allowed.map((k) => k.toLowerCase());
  const hit = closestWord(lower, names, () => (lower.length <= 4 ? 1 : 2));
  return hit ? allowed[names.indexOf(hit.word)] : undefined;
}

/**
 * Converts zod issues into German issues with line and field. A misspelt required field (`nmae:`) is one mistake:
 * the "Meinten Sie name?" stands for it, without a second "Pflichtfeld fehlt" for `name`.
 */
export function configIssues(file: string, site: IssueSite, issues: readonly ZodIssue[]): Omit<ConfigIssue, "source">[] {
  const out: Omit<ConfigIssue, "source">[] = [];
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const allowed = SECTION_KEYS[sectionOf(issue.path)] ?? [];
    for (const key of issue.keys) {
      const guess = suggestKey(key, allowed);
      if (guess) meant.add(fieldName([...issue.path, guess]));
    }
  }
  for (const issue of issues) {
    if (issue.code === "invalid_type" && valueAt(site.data, issue.path) === undefined && meant.has(fieldName(issue.path))) continue;
    const push = (p: FieldPath, said: Said) => out.push({ file, line: site.lineOf(p), field: fieldName(p), ...said });
    const path = scalarPath(site.data, issue.path);
    const value = valueAt(site.data, path);
    const last = path[path.length - 1];
    const field = typeof last === "string" ? last : String(path[path.length - 2] ?? "");
    switch (issue.code) {
      case "unrecognized_keys": {
        const section = sectionOf(path);
        const allowed = SECTION_KEYS[section] ?? []; // section comes from sectionOf: an own key
        for (const key of issue.keys) {
          const guess = suggestKey(key, allowed);
          const elsewhere = guess
            ? []
            : Object.entries(SECTION_KEYS).filter(([s, keys]) => s !== "" && s !== section && keys.includes(key));
          const hint = (t: ConfigTexts) =>
            guess
              ? t.meant(guess)
              : elsewhere.length
                ? t.belongsIn(
                    key,
                    elsewhere.map(([s]) => `${s}:`),
                  )
                : t.allowedHere([...allowed]);
          push(
            [...path, key],
            say((t) => t.unknownField(key, hint(t))),
          );
        }
        break;
      }
      case "invalid_value": {
        const allowed = issue.values.map(String);
        push(
          path,
          say((t, locale) => `${t.notAllowed(showValue(value, locale), allowed)}${enumHint(t, field)}`),
        );
        break;
      }
      case "invalid_type":
        push(
          path,
          say((t, locale) => typeMessage(t, locale, path, field, value, issue.expected, site.rawAt?.(path))),
        );
        break;
      case "too_small":
      case "too_big": {
        if (field === "priority")
          push(
            path,
            say((t, locale) => t.priorityRange(typeof value === "number" ? String(value) : showValue(value, locale))),
          );
        else if (issue.origin === "string")
          push(
            path,
            say((t) => t.empty),
          );
        else push(path, { message: issue.message, messageEn: issue.message });
        break;
      }
      case "invalid_format":
      case "custom":
        push(path, formatMessage(issue, value));
        break;
      default:
        push(path, { message: issue.message, messageEn: issue.message });
    }
  }
  return out;
}

/**
 * A value of the wrong form. The schema names the catalogue text of its own checks (`params.say`, with the
 * arguments in `params.args`; its German `message` is the same text); e-mail and web addresses by their format.
 */
function formatMessage(issue: ZodIssue, value: unknown): Said {
  const params = (issue as { params?: { say?: keyof ConfigTexts; args?: unknown[] } }).params;
  if (params?.say) {
    const key = params.say;
    const args = params.args ?? [];
    return say((t) => (t[key] as (...a: unknown[]) => string)(...args));
  }
  const format = (issue as { format?: string }).format;
  if (issue.code === "invalid_format" && format === "email") return say((t) => t.email);
  if (issue.code === "invalid_format" && format === "url") return say((t) => t.url);
  return say((t, locale) => t.badFormat(showValue(value, locale)));
}

function enumHint(t: ConfigTexts, field: string): string {
  if (field === "kind") return t.kindHint;
  if (field === "locale") return t.localeHint;
  return "";
}

function typeMessage(
  t: ConfigTexts,
  locale: "de" | "en",
  path: FieldPath,
  field: string,
  value: unknown,
  expected: string,
  raw: string | undefined,
): string {
  if (path.length === 0) return t.notFields(SECTION_HINT[""]!);
  if (value === undefined) return t.required(field);
  if (value === null) return expected === "object" || expected === "array" ? t.emptySection : t.noValue;
  if (PHONE_FIELDS.has(field) && typeof value === "number") return t.phoneQuotes(field, raw ?? PHONE_EXAMPLE);
  const found = describeValue(value, locale);
  if (expected === "boolean") return t.notYesNo(showValue(value, locale), field);
  if (field === "priority" || expected === "int" || expected === "number") return t.notWholeNumber(found);
  if (expected === "array") return t.notList(found, (Object.hasOwn(SECTION_HINT, field) && SECTION_HINT[field]) || "- …");
  if (expected === "object") return t.notSection(found, Object.hasOwn(SECTION_KEYS, field) ? [...SECTION_KEYS[field]!] : []);
  if (expected === "string") return t.notText(found, field, String(value));
  return t.notExpected(expected, found);
}

/**
 * A field that takes one value or a list (`deputies: Petra`, `slack: U04ABC123`) is checked as a list of one: an
 * issue about its item `[0]` is about the field itself when the file holds a single value there.
 */
export function scalarPath(data: unknown, path: FieldPath): FieldPath {
  if (typeof path[path.length - 1] !== "number") return path;
  const parent = valueAt(data, path.slice(0, -1));
  return parent !== null && typeof parent !== "object" ? path.slice(0, -1) : path;
}

/** `["systems", 2, "rto"]` → `systems[2].rto`. */
export function fieldName(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
