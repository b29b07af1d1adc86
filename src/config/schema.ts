import { z } from "zod";
import { durationMs, normaliseDuration } from "../core/duration.ts";

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

/** One id or a list of ids of one platform; always a list afterwards. Each id checked by `valid`, with `message`. */
function chatIds(valid: (s: string) => boolean, message: (s: string) => string) {
  return z.preprocess(
    (v) => (typeof v === "string" || typeof v === "number" ? [v] : v),
    z
      .array(
        z
          .string()
          .trim()
          .refine(valid, { error: (iss) => message(String(iss.input)) }),
      )
      .min(1),
  );
}

const SLACK_ID = /^[UW][A-Z0-9]{2,20}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MATRIX_ID = /^@[^\s:]+:[^\s]+$/;
const CONSOLE_NAME = /^[\p{L}\p{N}._-]{1,40}$/u;

/** How a person is reached in each chat; `chat:` of a contact. */
const Chat = z.strictObject({
  slack: chatIds(
    (s) => SLACK_ID.test(s),
    (s) =>
      `"${s}" ist keine Slack-Mitglieds-ID. Sie beginnt mit U oder W, z. B. "U04ABC123" (in Slack: Profil → ⋮ → Mitglieds-ID kopieren).`,
  ).optional(),
  teams: chatIds(
    (s) => UPN.test(s) || GUID.test(s) || /^29:\S+$/.test(s),
    (s) =>
      `"${s}" ist kein Teams-Konto. Schreiben Sie die Anmeldeadresse (z. B. "petra@beispiel.de") oder die Objekt-ID aus Entra ID (z. B. "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d").`,
  ).optional(),
  matrix: chatIds(
    (s) => MATRIX_ID.test(s),
    (s) => `"${s}" ist keine Matrix-ID. Sie hat die Form "@name:server", z. B. "@petra:beispiel.de".`,
  ).optional(),
  console: chatIds(
    (s) => CONSOLE_NAME.test(s),
    (s) => `"${s}" geht im Terminal nicht als Name. Ein Wort aus Buchstaben, Ziffern, . _ -, z. B. "petra" (getippt als @petra: …).`,
  ).optional(),
});

const Contact = z.strictObject({
  name: Text,
  role: Text.optional(),
  phone: Phone.optional(),
  phone_alt: Phone.optional(),
  email: Email.optional(),
  chat: Chat.optional(),
});

/** Contact names: one name or a list. */
const Names = z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(Text).min(1));

/** The longest a role may wait for a confirmation: longer and nobody is in charge for too long. */
const MAX_CONFIRM_MS = 60 * 60_000;

const PlannedRole = z.strictObject({
  primary: Text,
  deputies: Names.optional(),
  confirm_within: Duration.refine((d) => (durationMs(d) ?? 0) <= MAX_CONFIRM_MS, {
    error: (iss) =>
      `${String(iss.input)} ist zu lang: Im Notfall wartet niemand so lange auf eine Antwort. Höchstens 60 min, üblich sind 5 min.`,
  }).optional(),
});

const Roles = z.strictObject({
  koordinator: PlannedRole.optional(),
  technik: PlannedRole.optional(),
  kommunikation: PlannedRole.optional(),
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
    roles: Roles.optional(),
    covers: z
      .strictObject({ slack: z.array(Text).optional(), teams: z.array(Text).optional(), matrix: z.array(Text).optional() })
      .optional(),
  })
  // Runs even when other fields have mistakes, so a wrong name shows up in the same report (the value may be raw there).
  .superRefine((cfg, ctx) => checkRoleNames(cfg, ctx), { when: () => true })
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

/**
 * Every name in `roles:` must be a contact (`contacts[].name`, compared without case and surrounding space), and a
 * person is not their own deputy.
 */
function checkRoleNames(cfg: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(cfg) || !isRecord(cfg.roles)) return;
  // Only against a contact list that is whole: a broken or left-out contact may be the one named (one mistake, one
  // error); without contacts: at all, check-config warns instead (config/warnings.ts).
  const contacts = cfg.contacts;
  if (!Array.isArray(contacts) || !contacts.every((c) => isRecord(c) && typeof c.name === "string")) return;
  const known = new Map(
    contacts.flatMap((c): [string, string][] =>
      isRecord(c) && typeof c.name === "string" && c.name.trim() ? [[c.name.trim().toLowerCase(), c.name.trim()]] : [],
    ),
  );
  const list = [...known.values()];
  const shown = list.length
    ? `Bekannt sind: ${list
        .slice(0, 8)
        .map((n) => `"${n}"`)
        .join(", ")}${list.length > 8 ? " …" : ""}.`
    : "Unter contacts: steht noch niemand.";
  for (const [role, plan] of Object.entries(cfg.roles)) {
    if (!isRecord(plan)) continue;
    const deputies = typeof plan.deputies === "string" ? [plan.deputies] : Array.isArray(plan.deputies) ? plan.deputies : [];
    const names: [string, PropertyKey[]][] = [
      ...(typeof plan.primary === "string" ? [[plan.primary, ["roles", role, "primary"]] as [string, PropertyKey[]]] : []),
      ...deputies.flatMap((d, i): [string, PropertyKey[]][] =>
        typeof d === "string"
          ? [[d, typeof plan.deputies === "string" ? ["roles", role, "deputies"] : ["roles", role, "deputies", i]]]
          : [],
      ),
    ];
    const seen = new Set<string>();
    for (const [name, path] of names) {
      const key = name.trim().toLowerCase();
      if (!known.has(key)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `Kein Kontakt "${name}" unter contacts:. Den Namen genau wie bei contacts: name: schreiben oder die Person dort eintragen (mit Telefonnummer). ${shown}`,
          input: name,
        });
      } else if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `"${name}" steht in dieser Rolle schon weiter oben. Als Vertretung bitte eine andere Person eintragen.`,
          input: name,
        });
      }
      seen.add(key);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Field names of each section, for "Meinten Sie …?" and for the documentation test. */
export const SECTION_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(OrgConfigSchema.shape),
  contacts: Object.keys(Contact.shape),
  systems: Object.keys(System.shape),
  "contacts.chat": Object.keys(Chat.shape),
  roles: Object.keys(Roles.shape),
  "roles.*": Object.keys(PlannedRole.shape),
  dpo: ["name", "phone", "email"],
  it: ["name", "hotline", "hours", "email", "contract"],
  authority: ["name", "url", "phone"],
  police: ["name", "phone", "url"],
  insurer: ["name", "hotline", "policy", "terms"],
  bank: ["name", "hotline"],
  property_insurer: ["name", "hotline", "policy"],
  software: ["name", "hotline"],
  kv: ["name", "phone"],
  covers: ["slack", "teams", "matrix"],
};

/** The item schema of each list section, to tell required fields of an item (without them the item is unusable). */
export const LIST_ITEMS: Record<string, z.ZodObject> = { contacts: Contact, systems: System };

/** Fields that hold phone numbers (last path segment), for the "in Anführungszeichen" hint. */
export const PHONE_FIELDS: ReadonlySet<string> = new Set(["phone", "phone_alt", "hotline", "emergency_phone"]);
