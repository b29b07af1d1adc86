/** A value that may be missing; missing and blank values become visible gaps. */
type Maybe = string | null | undefined;

/** A person or office to contact. */
export interface ContactContext {
  name?: Maybe;
  phone?: Maybe;
  email?: Maybe;
}

/** The organisation as far as templates need it (from `notfall.config.yaml`). */
export interface OrgContext {
  name?: Maybe;
  /** Shown as written, e.g. "Praxis" or "Firma". */
  kind?: Maybe;
  address?: Maybe;
  phone?: Maybe;
  email?: Maybe;
  /** Internal IT emergency number (the one on the IT-Notfallkarte). */
  emergency_phone?: Maybe;
  /** Data-protection officer. */
  dpo?: ContactContext;
  /** IT service provider (Technischer Kontakt from outside). */
  it?: { name?: Maybe; hotline?: Maybe; hours?: Maybe; email?: Maybe };
  /** Competent data-protection authority. */
  authority?: { name?: Maybe; url?: Maybe; phone?: Maybe };
  /** Police / Zentrale Ansprechstelle Cybercrime. */
  police?: { name?: Maybe; phone?: Maybe };
  /** Cyber insurer. */
  insurer?: { name?: Maybe; hotline?: Maybe; policy?: Maybe };
  /** Property / electronics insurer (fire, water). */
  property_insurer?: { name?: Maybe; hotline?: Maybe; policy?: Maybe };
  /** Bank: stop or recall a transfer. */
  bank?: { name?: Maybe; hotline?: Maybe };
  /** Vendor of the practice or business software. */
  software?: { name?: Maybe; hotline?: Maybe };
  /** Kassenärztliche Vereinigung. */
  kv?: { name?: Maybe; phone?: Maybe };
}

/** The incident; times already formatted by the caller (Europe/Berlin). */
export interface IncidentContext {
  id?: Maybe;
  title?: Maybe;
  /** Incident type as a person reads it (playbook title). */
  type?: Maybe;
  level?: Maybe;
  opened?: Maybe;
  aware?: Maybe;
  description?: Maybe;
  now?: Maybe;
}

/** Everything a template may draw on. Every part is optional: what is missing shows as `[[label]]`. */
export interface TemplateContext {
  org?: OrgContext;
  incident?: IncidentContext;
  /** Names of the people holding each role. */
  role?: { koordinator?: Maybe; technik?: Maybe; kommunikation?: Maybe };
  /** Triage answers by question id, already formatted (`ja`, `nein`, `unklar`, a time, free text). */
  answer?: Record<string, Maybe>;
  /** Gap labels for unanswered questions by id (e.g. the question text); default `Antwort auf Frage "<id>"`. */
  answerLabels?: Record<string, string>;
  /** Language of the gap labels of registered placeholders (default German). */
  locale?: "de" | "en";
}
