import { z } from "zod";
import { de } from "../core/i18n/de.ts";

/**
 * The playbook format. One YAML file per incident type under `playbooks/`; shared fragments under
 * `playbooks/shared/` are pulled in with `include:`. Content is German first; `en` is optional.
 */

export const PHASES = ["erkennung", "sofort", "eindaemmung", "wiederherstellung", "nachbereitung", "abgeschlossen"] as const;
export type Phase = (typeof PHASES)[number];
/** Phases that hold tasks (all but the final one). */
export const WORK_PHASES = ["erkennung", "sofort", "eindaemmung", "wiederherstellung", "nachbereitung"] as const;
export type WorkPhase = (typeof WORK_PHASES)[number];

export const LEVELS = ["stoerung", "notfall", "krise", "katastrophe"] as const;
export type Level = (typeof LEVELS)[number];

export const ROLES = ["koordinator", "technik", "kommunikation"] as const;
export type RoleId = (typeof ROLES)[number];

/** German text, optionally with an English version. A plain string is German. */
export const Localized = z.union([z.string().min(1), z.object({ de: z.string().min(1), en: z.string().min(1).optional() }).strict()]);
export type Localized = z.infer<typeof Localized>;

/** ISO-8601 duration as used here: PT15M, PT4H, P1D, P1M (one calendar month), combinations like P1DT2H. */
export const Duration = z.string().regex(/^P(?!$)(\d+M(?=$|T|\d))?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/, de.playbook.duration);

/**
 * Switches of the organisation file a condition may name: `nis2` (`nis2: true`), `insurer` (a cyber insurer is
 * entered), `praxis` (`kind: praxis`, or no `kind` at all: practice content is shown unless the file says `kmu`).
 */
export const CONFIG_SWITCHES = ["nis2", "insurer", "praxis"] as const;
export type ConfigSwitch = (typeof CONFIG_SWITCHES)[number];

/** Condition on a triage answer, the level, or the organisation file. All given parts must hold. */
export const Condition = z
  .object({
    /** Question id and the answer that switches this on (yes/no questions: `ja` / `nein`). */
    question: z.string().optional(),
    answer: z.union([z.string(), z.array(z.string())]).optional(),
    /** Only at this escalation level or above. */
    min_level: z.enum(LEVELS).optional(),
    /** Only when the organisation file sets this switch (see {@link CONFIG_SWITCHES}). */
    config: z.enum(CONFIG_SWITCHES).optional(),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

/** The three answers of a yes/no question. */
export const YESNO_ANSWERS = ["ja", "nein", "unklar"] as const;
export type YesNoAnswer = (typeof YESNO_ANSWERS)[number];

export const Question = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** `time`: a point in time (Kenntnisnahme); `yesno`: ja/nein/unklar; `text`: free text. */
    kind: z.enum(["time", "yesno", "text"]),
    text: Localized,
    why: Localized.optional(),
    /** For `time` questions: this answer sets the incident's aware_at (start of the legal clocks). */
    sets_awareness: z.boolean().optional(),
    /** For `yesno`: raise to this level when answered `ja`. */
    raise_to: z.enum(LEVELS).optional(),
    /**
     * The question is asked (shown, reminded) only while this holds, e.g. the NIS2 question only with `config: nis2`,
     * the high-risk question once personal data may be affected. An answer given earlier keeps counting.
     */
    when: Condition.optional(),
    /**
     * Reminders while no person has answered, counted from the moment the question is asked (opening, or when its
     * `when` first holds). A playbook default (`defaults:`) does not count as an answer here.
     */
    remind_after: z.array(Duration).optional(),
    /**
     * For `yesno`: answers this question implies for others, by own answer: `{ ja: { personenbezogen: ja } }`.
     * Only fills questions no person has answered yet (a default may be replaced).
     */
    implies: z.partialRecord(z.enum(YESNO_ANSWERS), z.record(z.string(), z.enum(YESNO_ANSWERS))).optional(),
  })
  .strict();
export type Question = z.infer<typeof Question>;

/**
 * Phone fields of the organisation file a task may point at with `call:`, so the number stands where the action
 * is ("Bank anrufen" → `bank.hotline`). Paths as in the organisation file.
 */
export const CALL_TARGETS = [
  "emergency_phone",
  "it.hotline",
  "dpo.phone",
  "authority.phone",
  "police.phone",
  "insurer.hotline",
  "property_insurer.hotline",
  "bank.hotline",
  "software.hotline",
  "kv.phone",
] as const;
export type CallTarget = (typeof CALL_TARGETS)[number];

export const Task = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, de.playbook.lowercaseId),
    phase: z.enum(WORK_PHASES),
    role: z.enum(ROLES),
    text: Localized,
    why: Localized,
    critical: z.boolean().default(false),
    /** Due relative to the start of its phase. */
    due: Duration.optional(),
    /**
     * Target time of a critical task, counted from the moment it is on screen: the declaration for Erkennung and
     * Sofortmaßnahmen, the start of its phase for later phases, the switch-on for a task with `when`. A drill is
     * scored against it (docs/drills.md); the diagram shows it.
     */
    ziel: Duration.optional(),
    when: Condition.optional(),
    /** Completing this task meets the deadline with this id. */
    fulfils: z.string().optional(),
    /** The organisation file's phone number this task says to call; shown beside the task. */
    call: z.enum(CALL_TARGETS).optional(),
  })
  .strict();
export type Task = z.infer<typeof Task>;

export const Template = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    audience: z.enum([
      "mitarbeitende",
      "patienten",
      "kunden",
      "datenschutzbehoerde",
      "behoerde",
      "it-dienstleister",
      "polizei",
      "presse",
      "versicherung",
      "bank",
      "partner",
      "intern",
    ]),
    title: Localized,
    /**
     * The name to ask for it by in English (`template police`); the German name is `id` (`vorlage polizei`).
     * Without it, English speakers use the id. Both names work in both languages.
     */
    name_en: z
      .string()
      .regex(/^[a-z0-9-]+$/, de.playbook.nameEn)
      .optional(),
    /** Body with placeholders `{{org.name}}`, `{{incident.id}}` … Unknown values become visible gaps `[[…]]`. */
    body: Localized,
    when: Condition.optional(),
    /**
     * One line on when this template applies, shown above it when someone asks for it by name before `when` holds
     * (asked for by name, a template is always shown; only the automatic offer follows `when`).
     */
    applies_when: Localized.optional(),
    /** Goes outside the organisation (authority, patients, press): in a drill it is marked as not to be sent. */
    external: z.boolean().default(false),
  })
  .strict();
export type Template = z.infer<typeof Template>;

export const Deadline = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: Localized,
    /** What the law or contract asks, in one plain sentence. */
    basis: Localized,
    /** Starts when this condition first holds; without `when`, at opening. */
    when: Condition.optional(),
    /** Clock start: Kenntnisnahme (aware_at) or the moment the condition became true. */
    from: z.enum(["aware", "trigger", "deadline"]).default("aware"),
    /** With from=deadline: the other deadline whose fulfilment starts this one (NIS2 final report). */
    after: z.string().optional(),
    /** Time allowed; omitted = "unverzüglich" (shown as urgent, reminded after 1 h, 4 h and 24 h). */
    within: Duration.optional(),
    /** Reminders before the due time. */
    remind_before: z.array(Duration).default([]),
    /** Template to use for the notice. */
    template: z.string().optional(),
  })
  .strict();
export type Deadline = z.infer<typeof Deadline>;

export const LevelInfo = z
  .object({
    /** When this playbook should be raised to that level, in plain words. */
    raise_when: Localized,
  })
  .strict();

/** Longest one-line text (`erkennen:`): one line in a chat menu on a phone. */
export const ONE_LINE_MAX = 90;

/** A short text on one line, German with optional English, e.g. a menu line. */
export const OneLine = z.union([
  z.string().min(1).max(ONE_LINE_MAX),
  z.object({ de: z.string().min(1).max(ONE_LINE_MAX), en: z.string().min(1).max(ONE_LINE_MAX).optional() }).strict(),
]);
export type OneLine = z.infer<typeof OneLine>;

/** One action of "Jetzt sofort" (see `sofort:` of a playbook). */
export const SofortAction = z
  .object({
    text: OneLine,
    call: z.enum(CALL_TARGETS).optional(),
  })
  .strict();
export type SofortAction = z.infer<typeof SofortAction>;

export const Playbook = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: Localized,
    summary: Localized,
    /**
     * What it looks like, in one line, for the menu that asks which kind of emergency it is
     * ("Dateien lassen sich nicht öffnen, Erpresserschreiben"). Without it the menu shows the title alone.
     */
    erkennen: OneLine.optional(),
    triggers: z.array(z.string().min(2)).min(1),
    /**
     * Symptoms as people see and say them ("Maus bewegt sich von allein", "Rechnung mit neuer IBAN"). The matcher
     * (src/core/match) scores every playbook on these and on `triggers`; they need not be exact, inflected and
     * misspelt forms are found too.
     */
    anzeichen: z.array(OneLine).default([]),
    /**
     * "Jetzt sofort": the two or three critical first actions anyone present can take right now, each one line
     * (the first message of a declaration shows them). `call:` names the organisation file's phone number the
     * action says to call; the number is shown beside it.
     */
    sofort: z
      .array(SofortAction)
      .max(3, "Höchstens 3 Sofort-Handgriffe: die erste Nachricht muss auf einen Bildschirm passen.")
      .default([]),
    level: z.enum(LEVELS),
    levels: z.partialRecord(z.enum(LEVELS), LevelInfo).optional(),
    include: z.array(z.string()).default([]),
    /**
     * Answers that count while no person has answered a yes/no question (its own or an included one), e.g.
     * `{ personenbezogen: unklar }` where personal data are usually involved: the precautionary clocks run from
     * Kenntnisnahme, and the bot says they run because of this default.
     */
    defaults: z.record(z.string(), z.enum(YESNO_ANSWERS)).optional(),
    questions: z.array(Question).default([]),
    tasks: z.array(Task).default([]),
    templates: z.array(Template).default([]),
    deadlines: z.array(Deadline).default([]),
    recovery: z.array(Localized).default([]),
    review: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), text: Localized }).strict()).default([]),
    /**
     * Place in the printed handbook: 1 comes first. Ranks incident types by how likely and how urgent they are for
     * a small practice or firm (ransomware first). Optional: unranked types follow the ranked ones, by title.
     */
    rang: z.number().min(1).max(99, de.playbook.rankMax).refine(Number.isInteger, de.playbook.rankWhole).optional(),
  })
  .strict();
export type Playbook = z.infer<typeof Playbook>;

/** A shared fragment (`playbooks/shared/*.yaml`): the same lists, merged before the playbook's own. */
export const Fragment = Playbook.pick({ questions: true, tasks: true, templates: true, deadlines: true, review: true, recovery: true })
  .extend({ id: z.string().regex(/^[a-z0-9-]+$/) })
  .strict();
export type Fragment = z.infer<typeof Fragment>;

/** The name a person types for a template: `vorlage polizei` in German, `template police` in English. */
export function templateName(tpl: Template, locale: "de" | "en" = "de"): string {
  return (locale === "en" && tpl.name_en) || tpl.id;
}

export function loc(text: Localized, locale: "de" | "en" = "de"): string {
  if (typeof text === "string") return text;
  return (locale === "en" && text.en) || text.de;
}
