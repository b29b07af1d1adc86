/**
 * The one registry of template placeholders and the German labels shown when a value is missing
 * (`{{org.dpo.phone}}` → `[[Telefon Datenschutzbeauftragte:r]]`). `answer.<question-id>` is open-ended and not listed.
 */
export const PLACEHOLDER_LABELS = {
  "org.name": "Name der Praxis / Firma",
  "org.kind": "Praxis oder Firma",
  "org.address": "Anschrift",
  "org.phone": "Telefon Praxis / Firma",
  "org.email": "E-Mail Praxis / Firma",
  "org.emergency_phone": "Interne IT-Notfallnummer",
  "org.dpo.name": "Name Datenschutzbeauftragte:r, sonst Leitung (Praxisinhaber:in, Geschäftsführung)",
  "org.dpo.phone": "Telefon Datenschutzbeauftragte:r",
  "org.dpo.email": "E-Mail Datenschutzbeauftragte:r",
  "org.it.name": "Name IT-Dienstleister",
  "org.it.hotline": "Notfall-Hotline IT-Dienstleister",
  "org.it.hours": "Erreichbarkeit IT-Dienstleister",
  "org.it.email": "E-Mail IT-Dienstleister",
  "org.authority.name": "Zuständige Datenschutzbehörde",
  "org.authority.url": "Meldeformular der Datenschutzbehörde (Internetadresse)",
  "org.authority.phone": "Telefon Datenschutzbehörde",
  "org.police.name": "Polizei / Zentrale Ansprechstelle Cybercrime (ZAC)",
  "org.police.phone": "Telefon Polizei / ZAC",
  "org.insurer.name": "Name Cyber-Versicherung",
  "org.insurer.hotline": "Notfall-Hotline Versicherung",
  "org.insurer.policy": "Versicherungsscheinnummer",
  "org.property_insurer.name": "Name Gebäude- oder Elektronikversicherung",
  "org.property_insurer.hotline": "Schadenhotline Gebäude- oder Elektronikversicherung",
  "org.property_insurer.policy": "Versicherungsscheinnummer Gebäude- oder Elektronikversicherung",
  "org.bank.name": "Name der Bank",
  "org.bank.hotline": "Telefon Bank (Überweisung stoppen)",
  "org.software.name": "Hersteller der Praxis- bzw. Firmensoftware",
  "org.software.hotline": "Hotline Hersteller der Praxis- bzw. Firmensoftware",
  "org.kv.name": "Kassenärztliche Vereinigung",
  "org.kv.phone": "Telefon Kassenärztliche Vereinigung",
  "incident.id": "Fallnummer",
  "incident.title": "Titel des Vorfalls",
  "incident.type": "Art des Vorfalls",
  "incident.level": "Eskalationsstufe",
  "incident.opened": "Beginn der Bearbeitung (Datum, Uhrzeit)",
  "incident.aware": "Zeitpunkt der Kenntnisnahme (Datum, Uhrzeit)",
  "incident.description": "Beschreibung des Vorfalls",
  "incident.now": "Datum und Uhrzeit",
  "role.koordinator": "Name IT-Notfall-Koordinator:in",
  "role.technik": "Name Technischer Kontakt",
  "role.kommunikation": "Name Kommunikation nach außen",
} as const satisfies Record<string, string>;

/** A placeholder name from the registry (not counting `answer.<id>`). */
export type PlaceholderName = keyof typeof PLACEHOLDER_LABELS;

/** The same labels in English (the English handbook's gaps). */
export const PLACEHOLDER_LABELS_EN: Record<PlaceholderName, string> = {
  "org.name": "Name of the practice / company",
  "org.kind": "Practice or company",
  "org.address": "Address",
  "org.phone": "Phone of the practice / company",
  "org.email": "E-mail of the practice / company",
  "org.emergency_phone": "Internal IT emergency number",
  "org.dpo.name": "Name of the data protection officer, otherwise the management (practice owner, managing director)",
  "org.dpo.phone": "Phone of the data protection officer",
  "org.dpo.email": "E-mail of the data protection officer",
  "org.it.name": "Name of the IT provider",
  "org.it.hotline": "Emergency hotline of the IT provider",
  "org.it.hours": "Hours of the IT provider",
  "org.it.email": "E-mail of the IT provider",
  "org.authority.name": "Data protection authority in charge",
  "org.authority.url": "Reporting form of the data protection authority (web address)",
  "org.authority.phone": "Phone of the data protection authority",
  "org.police.name": "Police / cybercrime contact point (ZAC)",
  "org.police.phone": "Phone of the police / ZAC",
  "org.insurer.name": "Name of the cyber insurer",
  "org.insurer.hotline": "Emergency hotline of the insurer",
  "org.insurer.policy": "Policy number",
  "org.property_insurer.name": "Name of the property or electronics insurer",
  "org.property_insurer.hotline": "Claims hotline of the property or electronics insurer",
  "org.property_insurer.policy": "Policy number of the property or electronics insurance",
  "org.bank.name": "Name of the bank",
  "org.bank.hotline": "Phone of the bank (stop a transfer)",
  "org.software.name": "Vendor of the practice or business software",
  "org.software.hotline": "Hotline of the vendor of the practice or business software",
  "org.kv.name": "Regional association of statutory health insurance physicians (KV)",
  "org.kv.phone": "Phone of the KV",
  "incident.id": "Incident number",
  "incident.title": "Title of the incident",
  "incident.type": "Type of incident",
  "incident.level": "Escalation level",
  "incident.opened": "Start of handling (date, time)",
  "incident.aware": "Time of awareness (date, time)",
  "incident.description": "Description of the incident",
  "incident.now": "Date and time",
  "role.koordinator": "Name of the IT emergency coordinator",
  "role.technik": "Name of the technical contact",
  "role.kommunikation": "Name of the external communication contact",
};

/** The gap labels of one language. */
export function placeholderLabels(locale: "de" | "en" = "de"): Record<PlaceholderName, string> {
  return locale === "en" ? PLACEHOLDER_LABELS_EN : PLACEHOLDER_LABELS;
}

export const ANSWER_PREFIX = "answer.";

export function isRegisteredPlaceholder(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDER_LABELS, name);
}

/** A `{{placeholder}}` or a literal `[[gap]]` found in a template body. */
export interface TemplateToken {
  kind: "placeholder" | "gap";
  /** Placeholder name (trimmed) or the gap's label. */
  name: string;
  /** Offset in the body and the full matched text. */
  index: number;
  raw: string;
}

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}|\[\[([^[\]\n]+)\]\]/g;

/** All placeholders and literal gaps of a body, in order. */
export function scanTemplate(body: string): TemplateToken[] {
  const out: TemplateToken[] = [];
  for (const m of body.matchAll(TOKEN)) {
    if (m[1] !== undefined) out.push({ kind: "placeholder", name: m[1], index: m.index, raw: m[0] });
    else out.push({ kind: "gap", name: (m[2] ?? "").trim(), index: m.index, raw: m[0] });
  }
  return out;
}
