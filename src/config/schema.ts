import { z } from "zod";
import { normaliseDuration } from "../core/duration.ts";

/**
 * Schema of `notfall.config.yaml`. Its output type is exactly `OrgConfig` (src/core/org.ts); a type test in
 * tests/unit/config-schema.test.ts keeps the two in step. Every field is optional: a half-filled file is still
 * useful, and whatever is missing shows as a visible gap `[[…]]` (`notfallbot check-config` lists them).
 * Every field is documented in docs/configuration.md.
 */

/** Shown in error messages: obviously fictional, in the format people recognise. */
export const PHONE_EXAMPLE = "+49 30 1234567-0";

const PHONE_CHARS = /^\+?[0-9 ()/.\u2013-]+$/;

/** A phone number as people write it: digits, spaces, + at the start, - / . and brackets; at least 3 digits (110, 112). */
const Phone = z
  .string()
  .trim()
  .refine((s) => PHONE_CHARS.test(s) && (s.match(/[0-9]/g)?.length ?? 0) >= 3, {
    message: `Keine Telefonnummer. Nur Ziffern, Leerzeichen, + am Anfang, - / und Klammern, z. B. "${PHONE_EXAMPLE}". Hinweise gehören in ein eigenes Feld (z. B. hours).`,
  });

const Email = z.email({ message: 'Keine E-Mail-Adresse. Beispiel: "it-notfall@beispiel.de".' });

const Url = z.url({
  protocol: /^https?$/,
  message: 'Keine Internetadresse. Bitte mit https:// beginnen, z. B. "https://www.beispiel.de/meldung".',
});

/** A recovery time or data-loss window: 4h, 30 min, 1 Tag, 2 Wochen, PT4H, P1D. Normalised to "4 h", "30 min", "1 Tag". */
const Duration = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const norm = normaliseDuration(s);
    if (norm === undefined) {
      ctx.addIssue({
        code: "custom",
        message: /^\d+([.,]\d+)?$/.test(s)
          ? `Bei ${s} fehlt die Einheit. Schreiben Sie z. B. ${s}h (Stunden), ${s} Tage oder ${s}min.`
          : `"${s}" ist keine Dauer. Schreiben Sie z. B. 4h, 30min, 1 Tag, 2 Tage oder PT4H.`,
        input: s,
      });
      return z.NEVER;
    }
    return norm;
  });

const Text = z.string().trim().min(1);

const Contact = z.strictObject({
  name: Text,
  role: Text.optional(),
  phone: Phone.optional(),
  phone_alt: Phone.optional(),
  email: Email.optional(),
});

const System = z.strictObject({
  name: Text,
  priority: z.int().min(1).max(99),
  rto: Duration.optional(),
  rpo: Duration.optional(),
  notes: Text.optional(),
});

export const OrgConfigSchema = z
  .strictObject({
    name: Text.optional(),
    kind: z.enum(["praxis", "kmu"]).optional(),
    address: Text.optional(),
    phone: Phone.optional(),
    email: Email.optional(),
    emergency_phone: Phone.optional(),
    locale: z.enum(["de", "en"]).optional(),
    contacts: z.array(Contact).optional(),
    dpo: z.strictObject({ name: Text.optional(), phone: Phone.optional(), email: Email.optional() }).optional(),
    it: z
      .strictObject({
        name: Text.optional(),
        hotline: Phone.optional(),
        hours: Text.optional(),
        email: Email.optional(),
        contract: Text.optional(),
      })
      .optional(),
    authority: z.strictObject({ name: Text.optional(), url: Url.optional(), phone: Phone.optional() }).optional(),
    police: z.strictObject({ name: Text.optional(), phone: Phone.optional(), url: Url.optional() }).optional(),
    insurer: z
      .strictObject({ name: Text.optional(), hotline: Phone.optional(), policy: Text.optional(), terms: Text.optional() })
      .optional(),
    bank: z.strictObject({ name: Text.optional(), hotline: Phone.optional() }).optional(),
    property_insurer: z.strictObject({ name: Text.optional(), hotline: Phone.optional(), policy: Text.optional() }).optional(),
    software: z.strictObject({ name: Text.optional(), hotline: Phone.optional() }).optional(),
    kv: z.strictObject({ name: Text.optional(), phone: Phone.optional() }).optional(),
    nis2: z.boolean().optional(),
    systems: z.array(System).optional(),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.systems?.forEach((s, i) => {
      const key = s.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["systems", i, "name"],
          message: `System "${s.name}" steht doppelt (auch Eintrag ${first + 1}). Bitte einen Eintrag löschen.`,
          input: s.name,
        });
      } else seen.set(key, i);
    });
  });

/** Field names of each section, for "Meinten Sie …?" and for the documentation test. */
export const SECTION_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(OrgConfigSchema.shape),
  contacts: Object.keys(Contact.shape),
  systems: Object.keys(System.shape),
  dpo: ["name", "phone", "email"],
  it: ["name", "hotline", "hours", "email", "contract"],
  authority: ["name", "url", "phone"],
  police: ["name", "phone", "url"],
  insurer: ["name", "hotline", "policy", "terms"],
  bank: ["name", "hotline"],
  property_insurer: ["name", "hotline", "policy"],
  software: ["name", "hotline"],
  kv: ["name", "phone"],
};

/** The item schema of each list section, to tell required fields of an item (without them the item is unusable). */
export const LIST_ITEMS: Record<string, z.ZodObject> = { contacts: Contact, systems: System };

/** Fields that hold phone numbers (last path segment), for the "in Anführungszeichen" hint. */
export const PHONE_FIELDS: ReadonlySet<string> = new Set(["phone", "phone_alt", "hotline", "emergency_phone"]);
