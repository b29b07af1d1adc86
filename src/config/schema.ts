import { z } from "zod";
import { durationMs, normaliseDuration } from "../core/duration.ts";
import { de } from "../core/i18n/de.ts";

type ConfigTexts = typeof de.config;
type Sayable = { [K in keyof ConfigTexts]: ConfigTexts[K] extends (...a: never[]) => string ? K : never }[keyof ConfigTexts];

/**
 * A message of the schema's own checks: the German text as zod's `message`, and which catalogue text it is with its
 * arguments (`params`), so the issue can be told in English too (src/config/messages.ts).
 */
function said<K extends Sayable>(key: K, ...args: Parameters<ConfigTexts[K]>): { message: string; params: { say: K; args: unknown[] } } {
  return { message: (de.config[key] as (...a: unknown[]) => string)(...args), params: { say: key, args } };
}

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
  .refine((s) => PHONE_CHARS.test(s) && (s.match(/[0-9]/g)?.length ?? 0) >= 3, said("phone", PHONE_EXAMPLE));

const Email = z.email({ message: de.config.email });

const Url = z.url({
  protocol: /^https?$/,
  message: de.config.url,
});

/** A recovery time or data-loss window: 4h, 30 min, 1 Tag, 2 Wochen, PT4H, P1D. Normalised to "4 h", "30 min", "1 Tag". */
const Duration = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const norm = normaliseDuration(s);
    if (norm === undefined) {
      ctx.addIssue({ code: "custom", ...(/^\d+([.,]\d+)?$/.test(s) ? said("durationUnit", s) : said("notDuration", s)), input: s });
      return z.NEVER;
    }
    return norm;
  });

const Text = z.string().trim().min(1);

/** One id or a list of ids of one platform; always a list afterwards. Each id checked by `valid`, told by `key`. */
function chatIds(valid: (s: string) => boolean, key: "slackId" | "teamsId" | "matrixId" | "consoleName") {
  return z.preprocess(
    (v) => (typeof v === "string" || typeof v === "number" ? [v] : v),
    z
      .array(
        z
          .string()
          .trim()
          .superRefine((s, ctx) => {
            if (!valid(s)) ctx.addIssue({ code: "custom", ...said(key, s), input: s });
          }),
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
  slack: chatIds((s) => SLACK_ID.test(s), "slackId").optional(),
  teams: chatIds((s) => UPN.test(s) || GUID.test(s) || /^29:\S+$/.test(s), "teamsId").optional(),
  matrix: chatIds((s) => MATRIX_ID.test(s), "matrixId").optional(),
  console: chatIds((s) => CONSOLE_NAME.test(s), "consoleName").optional(),
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
  confirm_within: Duration.superRefine((d, ctx) => {
    if ((durationMs(d) ?? 0) > MAX_CONFIRM_MS) ctx.addIssue({ code: "custom", ...said("confirmTooLong", d), input: d });
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
        ctx.addIssue({ code: "custom", path: ["systems", i, "name"], ...said("systemTwice", s.name, first + 1), input: s.name });
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
        ctx.addIssue({ code: "custom", path, ...said("unknownContact", name, list), input: name });
      } else if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path, ...said("deputyTwice", name), input: name });
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
