import type { OrgConfig } from "../core/org.ts";
import { type PlanPerson, phonesOf, rolePlan } from "../core/role-plan.ts";
import { loc, type Playbook, ROLES, type RoleId } from "../machines/schema.ts";
import { placeholderLabels, scanTemplate } from "../templates/placeholders.ts";

/** A value the organisation file lacks, and where people will notice: templates (by id) or the handbook. */
export interface ConfigGap {
  /** Field path in the organisation file, e.g. `dpo.phone` or `systems[1].rto`. */
  field: string;
  /** German label, the same as the visible gap `[[…]]` in templates where there is one. */
  label: string;
  /** Ids of playbook templates that use this value (empty: only the handbook and status views). */
  templates: string[];
}

/** Simple fields of the organisation file that the handbook prints and templates may use. */
const FIELDS = [
  "name",
  "kind",
  "address",
  "phone",
  "email",
  "emergency_phone",
  "it.name",
  "it.hotline",
  "it.hours",
  "it.email",
  "dpo.name",
  "dpo.phone",
  "dpo.email",
  "authority.name",
  "authority.url",
  "authority.phone",
  "police.name",
  "police.phone",
  "insurer.name",
  "insurer.hotline",
  "insurer.policy",
  "bank.name",
  "bank.hotline",
] as const;

/** Labels for fields that have no template placeholder. */
const EXTRA_LABELS: Record<string, string> = {
  "bank.name": "Name der Bank",
  "bank.hotline": "Telefon Bank (Überweisung stoppen)",
};

const EXTRA_LABELS_EN: Record<string, string> = {
  "bank.name": "Name of the bank",
  "bank.hotline": "Phone of the bank (stop a transfer)",
};

/** The visible-gap label of a simple field (`dpo.phone` → "Telefon Datenschutzbeauftragte:r"). */
export function fieldLabel(field: string, locale: "de" | "en" = "de"): string {
  const key = `org.${field}`;
  const extra = locale === "en" ? EXTRA_LABELS_EN : EXTRA_LABELS;
  return (placeholderLabels(locale) as Record<string, string>)[key] ?? extra[field] ?? field;
}

/** The value of a simple field, trimmed; undefined when missing or blank. */
export function fieldValue(cfg: OrgConfig | undefined, field: string): string | undefined {
  let cur: unknown = cfg;
  for (const key of field.split(".")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  if (typeof cur === "boolean" || typeof cur === "number") return String(cur);
  return typeof cur === "string" && cur.trim() !== "" ? cur.trim() : undefined;
}

/** Which templates use `{{org.<field>}}`, by field. */
export function templateUses(playbooks: readonly Playbook[], locale: "de" | "en" = "de"): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  for (const pb of playbooks) {
    for (const t of pb.templates) {
      const text = [loc(t.title), loc(t.body), loc(t.title, "en"), loc(t.body, "en")].join("\n");
      for (const tok of scanTemplate(text)) {
        if (tok.kind !== "placeholder" || !tok.name.startsWith("org.")) continue;
        const field = tok.name.slice(4);
        const list = uses.get(field) ?? [];
        const name = locale === "en" ? (t.name_en ?? t.id) : t.id;
        if (!list.includes(name)) list.push(name);
        uses.set(field, list);
      }
    }
  }
  return uses;
}

/**
 * Who holds each of the three roles: from the emergency plan (`roles:`, with the deputies and their phone numbers),
 * else from the contacts' `role` text (first match), with the IT service provider as the Technischer Kontakt when no
 * contact says so.
 */
export function roleHolders(cfg: OrgConfig | undefined, locale: "de" | "en" = "de"): Record<RoleId, string | undefined> {
  const find = (re: RegExp) => cfg?.contacts?.find((c) => c.role && re.test(c.role));
  const out = {} as Record<RoleId, string | undefined>;
  const en = locale === "en";
  // an English organisation file says "coordinator", "technical", "communication" in the contacts' role text
  const patterns: Record<RoleId, RegExp> = en
    ? { koordinator: /koordinat|coordinat/i, technik: /technisch|technik|technical/i, kommunikation: /kommunikation|communication/i }
    : { koordinator: /koordinat/i, technik: /technisch|technik/i, kommunikation: /kommunikation/i };
  const deputy = en ? "Deputy" : "Vertretung";
  const plan = rolePlan(cfg);
  const withPhone = (p: PlanPerson) => `${p.name}${phonesOf(p) ? `, ${phonesOf(p)}` : ""}`;
  for (const r of ROLES) {
    const planned = plan.find((x) => x.role === r);
    if (planned) {
      const [first, ...deputies] = planned.people;
      out[r] = `${withPhone(first!)}${deputies.length ? ` · ${deputy}: ${deputies.map(withPhone).join("; ")}` : ""}`;
      continue;
    }
    const c = find(patterns[r]);
    out[r] = c ? `${c.name}${c.phone ? `, ${c.phone}` : ""}` : undefined;
  }
  if (!out.technik && cfg?.it?.name)
    out.technik = `${cfg.it.name} (${en ? "IT provider" : "IT-Dienstleister"})${cfg.it.hotline ? `, ${cfg.it.hotline}` : ""}`;
  return out;
}

/** Everything missing that would show as a gap in templates, the handbook or the status view. */
export function configGaps(cfg: OrgConfig | undefined, playbooks: readonly Playbook[], locale: "de" | "en" = "de"): ConfigGap[] {
  const en = locale === "en";
  const uses = templateUses(playbooks, locale);
  const gaps: ConfigGap[] = [];
  for (const field of FIELDS) {
    if (field.startsWith("insurer.") && !cfg?.insurer) continue;
    if (fieldValue(cfg, field) === undefined) gaps.push({ field, label: fieldLabel(field, locale), templates: uses.get(field) ?? [] });
  }
  // Placeholders a template uses that are not in the list above (a new field in a template).
  for (const [field, templates] of uses) {
    if ((FIELDS as readonly string[]).includes(field) || fieldValue(cfg, field) !== undefined) continue;
    if (field.startsWith("insurer.") && !cfg?.insurer) continue;
    gaps.push({ field, label: fieldLabel(field, locale), templates });
  }
  const contacts = cfg?.contacts ?? [];
  if (contacts.length === 0)
    gaps.push({
      field: "contacts",
      label: en ? "Phone list (contacts with a phone number)" : "Telefonliste (Kontakte mit Telefonnummer)",
      templates: [],
    });
  contacts.forEach((c, i) => {
    if (!c.phone && !c.phone_alt)
      gaps.push({ field: `contacts[${i}].phone`, label: `${en ? "Phone" : "Telefon"} ${c.name}`, templates: [] });
  });
  const holders = roleHolders(cfg, locale);
  const labels = placeholderLabels(locale);
  const roleLabels: Record<RoleId, string> = {
    koordinator: labels["role.koordinator"],
    technik: labels["role.technik"],
    kommunikation: labels["role.kommunikation"],
  };
  for (const r of ROLES) if (!holders[r]) gaps.push({ field: "contacts[].role", label: roleLabels[r], templates: [] });
  const systems = cfg?.systems ?? [];
  if (systems.length === 0)
    gaps.push({
      field: "systems",
      label: en ? "Systems with priority, RTO and RPO (recovery order)" : "Systeme mit Priorität, RTO und RPO (Wiederanlauf-Reihenfolge)",
      templates: [],
    });
  systems.forEach((s, i) => {
    if (!s.rto) gaps.push({ field: `systems[${i}].rto`, label: `RTO ${s.name}`, templates: [] });
  });
  return gaps;
}
