import { describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import { de } from "../../src/core/i18n/de.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { buildHandbook } from "../../src/handbook/build.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { type Localized, loc } from "../../src/machines/schema.ts";

/**
 * Language rules for every German text a person reads: the playbooks (merged with their fragments), the message
 * catalogue `src/core/i18n/de.ts` and the printed handbook. They hold for content written later, too.
 *
 * - German quotation marks „…“, never straight double quotes; every „ closed by “.
 * - No repeated punctuation (`..`, `::`, `,.`) and no "label: {{value}}: {{value}}" lines.
 * - No internal ids (`email-konto`, `verschluesselung`, `dokumentation-datenpanne`) and not the English word "Playbook".
 * - One gender style: the colon form (Patient:innen). Exceptions, on purpose: attackers and offenders (Angreifer,
 *   Täter, Betrüger, Erpresser), firms and organisations (Hersteller, Dienstleister, Anbieter, Partner), compounds
 *   (Patientendaten, Administratorkonto) and the three role names, which are function names (IT-Notfall-Koordination,
 *   Technischer Kontakt, Kommunikation nach außen).
 * - One term per thing: Zwei-Faktor-Anmeldung (2FA; "MFA" means the medical assistant in a practice),
 *   "binnen" for deadlines, "binnen eines Monats".
 */

interface Text {
  where: string;
  text: string;
  /** Written by us (playbooks, catalogue, handbook frame); organisation values are not. */
  ours: boolean;
  /**
   * Read in a terminal and quoting what is typed literally: the command line (`de.cli`), the organisation file's,
   * the playbooks' and YAML's messages (`de.config`, `de.playbook`, `de.yaml`), the process's log lines about the
   * database and the tenant folder (`de.storage`, `de.tenants`). Their straight quotes, `contacts:.` and `notfallbot playbooks` are YAML
   * and shell as typed, so the quotation mark, punctuation and "Playbook" rules leave them; every other rule holds.
   */
  syntax?: boolean;
}

/** Catalogue sections whose texts quote YAML or shell syntax (see {@link Text.syntax}). */
const SYNTAX_SECTIONS = /^de\.(cli|config|yaml|storage|tenants|playbook)\./;

const playbooks = loadPlaybooks().list();
const de_ = (x: Localized | undefined) => (x === undefined ? "" : loc(x, "de"));

function playbookTexts(): Text[] {
  const out: Text[] = [];
  const add = (where: string, text: string) => {
    if (text) out.push({ where, text, ours: true });
  };
  for (const pb of playbooks) {
    add(`${pb.id} title`, de_(pb.title));
    add(`${pb.id} summary`, de_(pb.summary));
    for (const [lvl, info] of Object.entries(pb.levels ?? {})) add(`${pb.id} levels.${lvl}`, de_(info.raise_when));
    for (const q of pb.questions) {
      add(`${pb.id} question ${q.id}`, de_(q.text));
      add(`${pb.id} question ${q.id} why`, de_(q.why));
    }
    for (const t of pb.tasks) {
      add(`${pb.id} task ${t.id}`, de_(t.text));
      add(`${pb.id} task ${t.id} why`, de_(t.why));
    }
    for (const t of pb.templates) {
      add(`${pb.id} template ${t.id} title`, de_(t.title));
      add(`${pb.id} template ${t.id}`, de_(t.body));
      add(`${pb.id} template ${t.id} applies_when`, de_(t.applies_when));
    }
    for (const d of pb.deadlines) {
      add(`${pb.id} deadline ${d.id}`, de_(d.title));
      add(`${pb.id} deadline ${d.id} basis`, de_(d.basis));
    }
    pb.recovery.forEach((r, i) => {
      add(`${pb.id} recovery[${i}]`, de_(r));
    });
    for (const r of pb.review) add(`${pb.id} review ${r.id}`, de_(r.text));
  }
  return out;
}

/** Every string of the catalogue; functions are called with stand-in arguments (and once without any). */
function catalogueTexts(): Text[] {
  const out: Text[] = [];
  const arg = Object.assign(["X"], { toString: () => "X" });
  const walk = (value: unknown, where: string) => {
    if (typeof value === "string") out.push({ where, text: value, ours: true, ...(SYNTAX_SECTIONS.test(where) ? { syntax: true } : {}) });
    else if (typeof value === "function") {
      const fn = value as (...a: unknown[]) => unknown;
      walk(fn(...Array.from({ length: Math.max(fn.length, 1) }, () => arg)), where);
      try {
        walk(fn(), `${where}()`);
      } catch {
        // a function that needs its arguments
      }
    } else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
  };
  walk(de, "de");
  return out;
}

/** Every text of the handbook, without an organisation file (our texts only) and with both example files. */
function handbookTexts(): Text[] {
  const out: Text[] = [];
  const configs: [string, OrgConfig | undefined][] = [
    ["ohne Organisationsdatei", undefined],
    ["examples/praxis.yaml", loadOrgConfig("examples/praxis.yaml")],
    ["examples/kmu.yaml", loadOrgConfig("examples/kmu.yaml")],
  ];
  for (const [name, config] of configs) {
    const hb = buildHandbook({ playbooks, config, now: new Date("2026-03-02T08:00:00Z") });
    const walk = (value: unknown, where: string) => {
      if (typeof value === "string") out.push({ where, text: value, ours: config === undefined });
      else if (Array.isArray(value))
        value.forEach((v, i) => {
          walk(v, `${where}[${i}]`);
        });
      else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    };
    for (const page of hb.pages) walk(page.blocks, `handbook (${name}) ${page.id}`);
  }
  return out;
}

const TEXTS = [...playbookTexts(), ...catalogueTexts(), ...handbookTexts()];

/** What a person reads: placeholders are replaced before anyone sees them. */
const shown = (text: string) => text.replace(/\{\{[^{}]*\}\}/g, "…");

/**
 * Ids that read as ids, not as words: with a hyphen or a spelled-out umlaut after a consonant (`email-konto`,
 * `verschluesselung`); "eu"/"au" + e as in `erneuern` or `dauer` is ordinary German.
 */
const INTERNAL_IDS = [
  ...new Set(
    playbooks.flatMap((pb) => [
      pb.id,
      ...pb.include,
      ...pb.questions.map((x) => x.id),
      ...pb.tasks.map((x) => x.id),
      ...pb.templates.map((x) => x.id),
      ...pb.deadlines.map((x) => x.id),
      ...pb.review.map((x) => x.id),
    ]),
  ),
].filter((id) => id.includes("-") || /(?:^|[^aeiou])(?:ae|oe|ue)/.test(id));

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const ID_RE = new RegExp(`(?<![\\p{L}\\d-])(?:${INTERNAL_IDS.map(escapeRe).join("|")})(?![\\p{L}\\d-])`, "u");

/** Generic masculine forms for people (the colon form is the house style); compounds and colon forms do not match. */
const MASCULINE = new RegExp(
  `(?<![\\p{L}\\d-])(?:${[
    "Mitarbeiter(?:n)?",
    "Patient(?:en)?",
    "Kunde(?:n)?",
    "Benutzer(?:n)?",
    "Nutzer(?:n)?",
    "Anwender(?:n)?",
    "Empfänger(?:n)?",
    "Besucher(?:n)?",
    "Teilnehmer(?:n)?",
    "Kollegen",
    "Elektriker(?:n)?",
    "Koordinator(?:en)?",
    "Praxisinhaber(?:n)?",
    "Ansprechpartner(?:n)?",
    "Rolleninhaber(?:n)?",
    "Anrufer(?:n)?",
    "Nachbarn",
  ].join("|")})(?![\\p{L}:-])`,
  "u",
);

const TERMS: [RegExp, string][] = [
  [/Mehr-Faktor|Multi-?[Ff]aktor|\bMFA\b/, "Zwei-Faktor-Anmeldung (2FA); MFA heißt in Praxen Medizinische Fachangestellte"],
  [/binnen einem Monat|innerhalb (?:von )?(?:einem|eines) Monat/, "binnen eines Monats"],
  [/\binnerhalb (?:von )?(?:\d|einer |eines |zwei |drei |vier )/, "binnen (eine Frist, ein Wort)"],
];

function problems(rule: (t: Text) => string | undefined, only: (t: Text) => boolean = () => true): string[] {
  return TEXTS.filter(only).flatMap((t) => {
    const p = rule(t);
    return p ? [`${t.where}: ${p}`] : [];
  });
}

const excerpt = (text: string, index: number) => `…${text.slice(Math.max(0, index - 30), index + 30).replace(/\n/g, " ")}…`;

describe("German texts people read", () => {
  it("cover the playbooks, the catalogue and the handbook", () => {
    expect(TEXTS.filter((t) => t.where.startsWith("de.")).length).toBeGreaterThan(150);
    expect(TEXTS.filter((t) => t.where.startsWith("handbook")).length).toBeGreaterThan(300);
    expect(TEXTS.length).toBeGreaterThan(2000);
    expect(INTERNAL_IDS).toEqual(expect.arrayContaining(["email-konto", "verschluesselung", "dokumentation-datenpanne"]));
  });

  it("use German quotation marks „…“, never straight double quotes", () => {
    expect(
      problems((t) => {
        const i = t.syntax ? -1 : t.text.indexOf('"');
        if (i >= 0) return `gerades Anführungszeichen ${excerpt(t.text, i)}`;
        const open = t.text.split("„").length;
        const close = t.text.split("“").length;
        return open === close ? undefined : `„ und “ nicht paarweise: ${t.text.slice(0, 80)}`;
      }),
    ).toEqual([]);
  });

  it("have no repeated punctuation and no second colon after a value", () => {
    expect(
      problems((t) => {
        const m = t.syntax ? null : /([.,;:!?])\1|[,;:][.,;:]|\s[,;:!?](?!\d)/.exec(shown(t.text));
        if (m) return `Satzzeichen „${m[0]}“ ${excerpt(shown(t.text), m.index)}`;
        const line = t.text.split("\n").find((l) => /:\s*\{\{[^}]*\}\}\s*:/.test(l));
        return line ? `zweiter Doppelpunkt nach einem Wert: ${line.trim()}` : undefined;
      }),
    ).toEqual([]);
  });

  it("name no internal ids and never say Playbook", () => {
    expect(
      problems((t) => {
        const text = shown(t.text);
        // the playbooks' own mistakes are read by their authors, who write these ids (an example: "netz-trennen")
        const id = t.where.startsWith("de.playbook.") ? null : ID_RE.exec(text);
        if (id) return `interne Kennung „${id[0]}“ ${excerpt(text, id.index)}`;
        const pb = t.syntax ? null : /\bplaybooks?\b/i.exec(text);
        return pb ? `englisches Wort „${pb[0]}“ ${excerpt(text, pb.index)}` : undefined;
      }),
    ).toEqual([]);
  });

  it("gender people in one style (colon form), with the documented exceptions", () => {
    expect(
      problems(
        (t) => {
          const m = MASCULINE.exec(shown(t.text));
          return m ? `„${m[0]}“: bitte Doppelpunkt-Form oder neutral ${excerpt(shown(t.text), m.index)}` : undefined;
        },
        (t) => t.ours,
      ),
    ).toEqual([]);
  });

  it("use one term per thing", () => {
    expect(
      problems(
        (t) => {
          for (const [re, instead] of TERMS) {
            const m = re.exec(t.text);
            if (m) return `„${m[0]}“ → ${instead}`;
          }
          return undefined;
        },
        (t) => t.ours,
      ),
    ).toEqual([]);
  });
});
