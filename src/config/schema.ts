import { z } from "zod";

const Phone = z.string().min(3).regex(/^[+0-9 ()/-]+$/, "Telefonnummer nur mit Ziffern, Leerzeichen, +, -, / und Klammern, z. B. +49 30 1234567");
const Contact = z.object({ name: z.string().min(1), role: z.string().optional(), phone: Phone.optional(), phone_alt: Phone.optional(), email: z.string().email().optional() }).strict();
const Duration = z.string().regex(/^(PT?\d+[HMD]|\d+\s*(h|min|d|tage?|std))$/i, "Dauer wie 4h, 30min, 2d oder PT4H");

/** Schema of `notfall.config.yaml`. Mirrors `OrgConfig` in src/core/org.ts. */
export const OrgConfigSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(["praxis", "kmu"]),
    address: z.string().optional(),
    phone: Phone.optional(),
    email: z.string().email().optional(),
    emergency_phone: Phone.optional(),
    locale: z.enum(["de", "en"]).optional(),
    contacts: z.array(Contact).default([]),
    dpo: z.object({ name: z.string().optional(), phone: Phone.optional(), email: z.string().email().optional() }).strict().optional(),
    it: z
      .object({ name: z.string().optional(), hotline: Phone.optional(), hours: z.string().optional(), email: z.string().email().optional(), contract: z.string().optional() })
      .strict()
      .optional(),
    authority: z.object({ name: z.string().optional(), url: z.string().url().optional(), phone: Phone.optional() }).strict().optional(),
    police: z.object({ name: z.string().optional(), phone: Phone.optional(), url: z.string().url().optional() }).strict().optional(),
    insurer: z.object({ name: z.string().optional(), hotline: Phone.optional(), policy: z.string().optional(), terms: z.string().optional() }).strict().optional(),
    bank: z.object({ name: z.string().optional(), hotline: Phone.optional() }).strict().optional(),
    nis2: z.boolean().default(false),
    systems: z
      .array(z.object({ name: z.string().min(1), priority: z.number().int().min(1).max(99), rto: Duration.optional(), rpo: Duration.optional(), notes: z.string().optional() }).strict())
      .default([]),
  })
  .strict();
