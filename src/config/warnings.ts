import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import type { OrgConfig } from "../core/org.ts";
import { hasAnyIdentity, personNamed, rolePlan } from "../core/role-plan.ts";
import type { ConfigIssue } from "./messages.ts";
import { fieldName } from "./messages.ts";
import { PHONE_FIELDS } from "./schema.ts";

/**
 * Things in a valid organisation file that would mislead people in an emergency: example data copied from the
 * templates (someone would call a made-up number) and no hotline of the IT service provider (usually the first call).
 * `notfallbot check-config` shows them; they never stop the bot.
 */

/** `examples/` of this installation. */
const EXAMPLES_DIR = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Fields whose values identify a real organisation; the same value as in an example means it was not replaced. */
const IDENTIFYING = new Set(["name", "address", "email", "url", "contract", "policy", "slack", "teams", "matrix", ...PHONE_FIELDS]);

/**
 * Whether a value at `path` identifies the organisation. The examples name real authorities and police offices
 * (a practice in Berlin keeps them rightly) and generic systems ("Telefonanlage"): there only numbers and e-mail
 * addresses count, which are made up in the examples.
 */
function identifying(path: readonly PropertyKey[], field: string): boolean {
  if (PHONE_FIELDS.has(field) || field === "email") return true;
  return IDENTIFYING.has(field) && !["authority", "police", "systems"].includes(String(path[0]));
}

/** How a value is compared: phone numbers by their digits, everything else without case and surrounding space. */
function normalise(field: string, value: string): string {
  return PHONE_FIELDS.has(field) ? value.replace(/\D/g, "") : value.trim().toLowerCase();
}

/** Every identifying value of the example files, as `field\0normalised value`. */
let exampleValues: Set<string> | undefined;
function examples(dir = EXAMPLES_DIR): Set<string> {
  if (exampleValues) return exampleValues;
  const out = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  } catch {
    // installed without examples/: only the "(Beispiel)" marker is recognised
  }
  for (const f of files) {
    try {
      for (const [field, value, path] of leaves(parse(readFileSync(join(dir, f), "utf8")))) {
        if (identifying(path, field) && normalise(field, value)) out.add(`${field}\0${normalise(field, value)}`);
      }
    } catch {
      // a broken example is reported by its own test, not here
    }
  }
  exampleValues = out;
  return out;
}

/** String leaves of parsed YAML with the name of their field (list items inherit the list's name). */
function* leaves(data: unknown, field = "", path: PropertyKey[] = []): Generator<[string, string, PropertyKey[]]> {
  if (typeof data === "string") yield [field, data, path];
  else if (Array.isArray(data)) for (const [i, v] of data.entries()) yield* leaves(v, field, [...path, i]);
  else if (data && typeof data === "object") for (const [k, v] of Object.entries(data)) yield* leaves(v, k, [...path, k]);
}

/** One place with example data: the field path and its line. */
export interface ExampleValue {
  field: string;
  line: number;
}

/** Fields still holding example data: a value marked "(Beispiel)" or an identifying value from examples/*.yaml. */
export function exampleData(cfg: OrgConfig, lineOf: (path: readonly PropertyKey[]) => number): ExampleValue[] {
  const known = examples();
  const out: ExampleValue[] = [];
  for (const [field, value, path] of leaves(cfg)) {
    const marked = /\(beispiel\)/i.test(value);
    if (marked || (identifying(path, field) && known.has(`${field}\0${normalise(field, value)}`))) {
      out.push({ field: fieldName(path), line: lineOf(path) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** A warning about a usable file: what kind, where, and what to do. */
export interface ConfigWarning extends ConfigIssue {
  kind: "examples" | "it-hotline" | "role-deputy" | "chat-identity";
}

/** The warnings `check-config` prints for a file that is otherwise usable. */
export function configWarnings(
  cfg: OrgConfig | undefined,
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number,
): Omit<ConfigWarning, "source">[] {
  if (!cfg) return [];
  const out: Omit<ConfigWarning, "source">[] = [];
  const found = exampleData(cfg, lineOf);
  if (found.length) {
    const shown = found.slice(0, 6).map((e) => `${e.field} (Zeile ${e.line})`);
    const more = found.length > shown.length ? ` und ${found.length - shown.length} weitere` : "";
    const shownEn = found.slice(0, 6).map((e) => `${e.field} (line ${e.line})`);
    const moreEn = found.length > shown.length ? ` and ${found.length - shown.length} more` : "";
    out.push({
      kind: "examples",
      file,
      line: found[0]!.line,
      field: "",
      message: `Noch Beispieldaten aus der Vorlage: ${shown.join(", ")}${more}. Bitte durch die echten Angaben ersetzen – im Notfall würde sonst jemand eine erfundene Nummer anrufen.`,
      messageEn: `Still example data from the template: ${shownEn.join(", ")}${moreEn}. Replace them with the real details – otherwise someone would call a made-up number in an emergency.`,
    });
  }
  out.push(...roleWarnings(cfg, file, lineOf));
  if (!cfg.it?.hotline) {
    out.push({
      kind: "it-hotline",
      file,
      line: cfg.it ? lineOf(["it"]) : 1,
      field: "it.hotline",
      message:
        'Die Hotline des IT-Dienstleisters fehlt. Im Notfall ist das meist der erste Anruf. Ergänzen: it: hotline: "+49 …" (eine Nummer, die auch ohne Server und Telefonanlage erreichbar ist).',
      messageEn:
        'The IT provider\'s hotline is missing. In an emergency it is usually the first call. Add: it: hotline: "+49 …" (a number that works without servers and the phone system).',
    });
  }
  return out;
}

/**
 * The role table's weak spots: a role without a deputy (nobody takes over when the one person is ill or on holiday)
 * and a person of the table without any chat identity (the bot cannot mention them; they are shown with their phone
 * number and someone has to call).
 */
function roleWarnings(cfg: OrgConfig, file: string, lineOf: (path: readonly PropertyKey[]) => number): Omit<ConfigWarning, "source">[] {
  const out: Omit<ConfigWarning, "source">[] = [];
  const plan = rolePlan(cfg);
  for (const [role, entry] of Object.entries(cfg.roles ?? {})) {
    const missing = [entry.primary, ...(entry.deputies ?? [])].filter((n) => !personNamed(cfg, n));
    if (missing.length === 0) continue;
    out.push({
      kind: "role-deputy",
      file,
      line: lineOf(["roles", role]),
      field: `roles.${role}`,
      message: `Nicht unter contacts: eingetragen: ${missing.join(", ")}. Ohne Kontakt (mit Telefonnummer) lässt der Bot die Person in dieser Rolle aus.`,
      messageEn: `Not entered under contacts: ${missing.join(", ")}. Without a contact (with a phone number) the bot leaves the person out of this role.`,
    });
  }
  for (const r of plan) {
    if (r.people.length > 1) continue;
    out.push({
      kind: "role-deputy",
      file,
      line: lineOf(["roles", r.role]),
      field: `roles.${r.role}`,
      message: `${de.roleName[r.role]} hat keine Vertretung. Ist ${r.people[0]!.name} krank oder im Urlaub, übernimmt niemand. Ergänzen: deputies: [Name aus contacts:]`,
      messageEn: `${en.roleName[r.role]} has no deputy. If ${r.people[0]!.name} is ill or on holiday, nobody takes over. Add: deputies: [name from contacts:]`,
    });
  }
  const seen = new Set<string>();
  for (const r of plan) {
    for (const p of r.people) {
      if (seen.has(p.name) || hasAnyIdentity(p)) continue;
      seen.add(p.name);
      const i = cfg.contacts?.findIndex((c) => c.name === p.name) ?? -1;
      out.push({
        kind: "chat-identity",
        file,
        line: i >= 0 ? lineOf(["contacts", i]) : lineOf(["roles", r.role]),
        field: i >= 0 ? `contacts[${i}].chat` : `roles.${r.role}`,
        message: `${p.name} hat eine Notfallrolle, aber keine Chat-Kennung. Der Bot kann die Person nicht erwähnen und zeigt nur ihre Telefonnummer. Ergänzen: chat: { slack: "U…", teams: "name@firma.de", matrix: "@name:server" }`,
        messageEn: `${p.name} has an emergency role but no chat identity. The bot cannot mention the person and only shows their phone number. Add: chat: { slack: "U…", teams: "name@company.com", matrix: "@name:server" }`,
      });
    }
  }
  return out;
}
