import { phraseKey } from "../core/match/index.ts";
import { ANSWER_PREFIX, isRegisteredPlaceholder, PLACEHOLDER_LABELS, scanTemplate } from "../templates/placeholders.ts";
import type { PlaybookIssue } from "./playbook-error.ts";
import {
  type Condition,
  type Deadline,
  LEVELS,
  type Localized,
  type Playbook,
  type Question,
  type Task,
  type Template,
  WORK_PHASES,
  YESNO_ANSWERS,
} from "./schema.ts";
import { closest } from "./schema-messages.ts";
import { type FieldPath, fieldPath, lineAt, type YamlSource } from "./yaml-source.ts";

/** Where an item of a merged list came from: its file and its path there (`["tasks", 3]`). */
export interface Origin {
  src: YamlSource;
  path: FieldPath;
}

export interface Located<T> {
  item: T;
  at: Origin;
}

type ReviewItem = Playbook["review"][number];

/** A playbook after `include:` was resolved, remembering where each list item was written. */
export interface MergedPlaybook {
  playbook: Playbook;
  src: YamlSource;
  questions: Located<Question>[];
  tasks: Located<Task>[];
  templates: Located<Template>[];
  deadlines: Located<Deadline>[];
  review: Located<ReviewItem>[];
}

export { YESNO_ANSWERS } from "./schema.ts";

/** First words of `/notfall` sub-commands; a trigger equal to one would make the command ambiguous. */
export const RESERVED_WORDS = [
  "übung",
  "uebung",
  "rolle",
  "status",
  "erledigt",
  "vorlage",
  "notiz",
  "eskalieren",
  "weiter",
  "abschließen",
  "abschliessen",
  "export",
  "handbuch",
  "hilfe",
  "help",
  "drill",
  "role",
  "done",
  "template",
  "note",
  "escalate",
  "next",
  "close",
] as const;

/** Lower case, umlauts spelled out, single spaces: `Lösegeld ` → `loesegeld`. For comparing triggers. */
export function normaliseTrigger(trigger: string): string {
  return trigger
    .toLowerCase()
    .replaceAll("ä", "ae")
    .replaceAll("ö", "oe")
    .replaceAll("ü", "ue")
    .replaceAll("ß", "ss")
    .replace(/\s+/g, " ")
    .trim();
}

function issueAt(origin: Origin, more: FieldPath, message: string): PlaybookIssue {
  const path = [...origin.path, ...more];
  return { file: origin.src.file, line: lineAt(origin.src, path), field: fieldPath(path), message };
}

function where(origin: Origin): string {
  return `${origin.src.file}:${lineAt(origin.src, origin.path)}`;
}

/** Cross-reference checks on one merged playbook. `fileId` is the file name without `.yaml`. */
export function checkPlaybook(m: MergedPlaybook, fileId: string): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  const root: Origin = { src: m.src, path: [] };
  const pb = m.playbook;

  if (pb.id !== fileId)
    out.push(issueAt(root, ["id"], `"${pb.id}" passt nicht zum Dateinamen. Die Kennung muss "${fileId}" heißen (wie die Datei).`));

  // Unique ids per list (fragment items come first, so the playbook's copy is the one reported).
  const lists = [
    ["Frage", m.questions],
    ["Aufgabe", m.tasks],
    ["Vorlage", m.templates],
    ["Frist", m.deadlines],
    ["Nachbereitungsfrage", m.review],
  ] as const;
  for (const [noun, list] of lists) {
    const first = new Map<string, Origin>();
    for (const { item, at } of list as readonly Located<{ id: string }>[]) {
      const prev = first.get(item.id);
      if (prev) out.push(issueAt(at, ["id"], `${noun} "${item.id}" gibt es schon (${where(prev)}). Bitte eine andere Kennung wählen.`));
      else first.set(item.id, at);
    }
  }

  const questions = new Map(m.questions.map((q) => [q.item.id, q.item]));
  const templates = new Set(m.templates.map((t) => t.item.id));
  const deadlines = new Map(m.deadlines.map((d) => [d.item.id, d.item]));
  const base = LEVELS.indexOf(pb.level);

  // Questions.
  let awareness: Origin | undefined;
  for (const { item: q, at } of m.questions) {
    if (q.sets_awareness && q.kind !== "time")
      out.push(issueAt(at, ["sets_awareness"], "Nur eine Zeit-Frage (kind: time) kann den Zeitpunkt der Kenntnisnahme setzen."));
    if (q.sets_awareness && q.kind === "time") {
      if (awareness)
        out.push(issueAt(at, ["sets_awareness"], `Nur eine Frage darf die Kenntnisnahme setzen; das tut schon ${where(awareness)}.`));
      else awareness = at;
    }
    if (q.raise_to && q.kind !== "yesno") out.push(issueAt(at, ["raise_to"], "raise_to geht nur bei Ja/Nein-Fragen (kind: yesno)."));
    if (q.raise_to && LEVELS.indexOf(q.raise_to) <= base)
      out.push(issueAt(at, ["raise_to"], `"${q.raise_to}" liegt nicht über der Grundstufe "${pb.level}" dieses Playbooks.`));
  }

  // Levels described must lie above the base level.
  for (const level of Object.keys(pb.levels ?? {})) {
    if (LEVELS.indexOf(level as (typeof LEVELS)[number]) <= base)
      out.push(
        issueAt(root, ["levels", level], `"${level}" liegt nicht über der Grundstufe "${pb.level}"; hier nur höhere Stufen beschreiben.`),
      );
  }

  const checkWhen = (when: Condition | undefined, at: Origin) => {
    if (!when) return;
    if (when.answer !== undefined && when.question === undefined) {
      out.push(issueAt(at, ["when", "answer"], 'Eine Antwort-Bedingung braucht "question:" mit der Kennung der Frage.'));
      return;
    }
    if (when.question === undefined) return;
    const q = questions.get(when.question);
    if (!q) {
      const guess = closest(when.question, [...questions.keys()]);
      out.push(
        issueAt(
          at,
          ["when", "question"],
          `Frage "${when.question}" gibt es nicht.${guess ? ` Meinten Sie "${guess}"?` : ` Vorhanden: ${[...questions.keys()].join(", ")}`}`,
        ),
      );
      return;
    }
    if (when.answer === undefined) return;
    if (q.kind !== "yesno") {
      out.push(
        issueAt(
          at,
          ["when", "answer"],
          `Antwort-Bedingungen gehen nur bei Ja/Nein-Fragen; "${q.id}" ist eine ${q.kind === "time" ? "Zeit" : "Freitext"}-Frage.`,
        ),
      );
      return;
    }
    const answers = Array.isArray(when.answer) ? when.answer : [when.answer];
    answers.forEach((a, i) => {
      if (!(YESNO_ANSWERS as readonly string[]).includes(a)) {
        const more: FieldPath = Array.isArray(when.answer) ? ["when", "answer", i] : ["when", "answer"];
        out.push(issueAt(at, more, `"${a}" ist keine Antwort auf eine Ja/Nein-Frage. Erlaubt: ${YESNO_ANSWERS.join(", ")}`));
      }
    });
  };

  // Questions: when they are asked, what they imply; the playbook's defaults.
  const yesNoTarget = (id: string, at: Origin, more: FieldPath, own?: string): boolean => {
    const target = questions.get(id);
    if (!target) {
      const guess = closest(id, [...questions.keys()]);
      out.push(issueAt(at, more, `Frage "${id}" gibt es nicht.${guess ? ` Meinten Sie "${guess}"?` : ""}`));
      return false;
    }
    if (target.kind !== "yesno") {
      out.push(issueAt(at, more, `"${id}" ist keine Ja/Nein-Frage; hier gehen nur Fragen mit kind: yesno.`));
      return false;
    }
    if (own !== undefined && id === own) {
      out.push(issueAt(at, more, "Eine Frage kann sich nicht auf sich selbst beziehen."));
      return false;
    }
    return true;
  };
  for (const { item: q, at } of m.questions) {
    if (q.when?.question === q.id) out.push(issueAt(at, ["when", "question"], "Eine Frage kann nicht von ihrer eigenen Antwort abhängen."));
    else checkWhen(q.when, at);
    if (q.implies && q.kind !== "yesno") out.push(issueAt(at, ["implies"], "implies geht nur bei Ja/Nein-Fragen (kind: yesno)."));
    else
      for (const [answer, targets] of Object.entries(q.implies ?? {}))
        for (const id of Object.keys(targets ?? {})) yesNoTarget(id, at, ["implies", answer, id], q.id);
  }
  for (const id of Object.keys(pb.defaults ?? {})) yesNoTarget(id, root, ["defaults", id]);

  // Tasks.
  for (const { item: t, at } of m.tasks) {
    checkWhen(t.when, at);
    if (t.fulfils !== undefined && !deadlines.has(t.fulfils))
      out.push(issueAt(at, ["fulfils"], unknownRef("Frist", t.fulfils, [...deadlines.keys()])));
    if (t.ziel !== undefined && !t.critical)
      out.push(
        issueAt(
          at,
          ["ziel"],
          'Ein Ziel ("ziel:") gibt es nur für wichtige Aufgaben. Bitte "critical: true" setzen oder "ziel:" weglassen.',
        ),
      );
    if (t.ziel !== undefined && !/[1-9]/.test(t.ziel))
      out.push(
        issueAt(at, ["ziel"], `"${t.ziel}" ist null Minuten. Bitte eine erreichbare Zeit angeben, z. B. PT5M (5 Minuten) oder PT1H.`),
      );
  }
  for (const phase of WORK_PHASES) {
    if (!m.tasks.some((t) => t.item.phase === phase))
      out.push(issueAt(root, ["tasks"], `Die Phase "${phase}" hat keine Aufgabe. Jede Phase braucht mindestens eine.`));
  }

  // Templates: conditions and placeholders.
  for (const { item: t, at } of m.templates) {
    checkWhen(t.when, at);
    if (t.applies_when !== undefined && t.when === undefined)
      out.push(issueAt(at, ["applies_when"], 'applies_when beschreibt die Bedingung "when:"; ohne "when:" bitte weglassen.'));
    for (const key of ["title", "body"] as const) {
      for (const [lang, text] of localizedParts(t[key])) {
        for (const token of scanTemplate(text)) {
          if (token.kind !== "placeholder") continue;
          const more: FieldPath = lang ? [key, lang] : [key];
          const problem = placeholderProblem(token.name, questions);
          if (problem) out.push(issueAt(at, more, problem));
        }
      }
    }
  }

  // Deadlines.
  for (const { item: d, at } of m.deadlines) {
    checkWhen(d.when, at);
    if (d.template !== undefined && !templates.has(d.template))
      out.push(issueAt(at, ["template"], unknownRef("Vorlage", d.template, [...templates])));
    if (d.from === "deadline" && d.after === undefined)
      out.push(issueAt(at, ["after"], 'Mit "from: deadline" muss "after:" die Frist nennen, nach der diese beginnt.'));
    if (d.after !== undefined) {
      if (d.from !== "deadline") out.push(issueAt(at, ["from"], '"after:" wirkt nur mit "from: deadline".'));
      if (d.after === d.id) out.push(issueAt(at, ["after"], "Eine Frist kann nicht nach sich selbst beginnen."));
      else if (!deadlines.has(d.after)) out.push(issueAt(at, ["after"], unknownRef("Frist", d.after, [...deadlines.keys()])));
      else if (dependsOn(d.after, d.id, deadlines))
        out.push(issueAt(at, ["after"], `Kreis: "${d.after}" wartet selbst (über andere Fristen) auf "${d.id}".`));
    }
    if (d.within === undefined && d.remind_before.length > 0)
      out.push(issueAt(at, ["remind_before"], 'Erinnerungen vor Ablauf brauchen eine Frist "within:". Ohne "within" gilt "unverzüglich".'));
  }

  // Triggers within this playbook.
  const seen = new Map<string, number>();
  pb.triggers.forEach((trigger, i) => {
    const at: FieldPath = ["triggers", i];
    if (trigger !== trigger.trim().toLowerCase() || /\s{2,}/.test(trigger))
      out.push(
        issueAt(
          root,
          at,
          `Auslöser bitte in Kleinbuchstaben und ohne zusätzliche Leerzeichen: "${trigger.trim().toLowerCase().replace(/\s+/g, " ")}"`,
        ),
      );
    const firstWord = normaliseTrigger(trigger).split(" ")[0] ?? "";
    if ((RESERVED_WORDS as readonly string[]).some((w) => normaliseTrigger(w) === firstWord))
      out.push(issueAt(root, at, `"${trigger}" beginnt mit einem Befehlswort von /notfall (${firstWord}). Bitte anders formulieren.`));
    const exact = trigger.trim().toLowerCase();
    const prev = seen.get(exact);
    if (prev !== undefined) out.push(issueAt(root, at, `Auslöser "${trigger}" steht schon in triggers[${prev}].`));
    else seen.set(exact, i);
  });

  // Symptom phrases: each must say something, and only once.
  const phrases = new Map<string, number>();
  (pb.anzeichen ?? []).forEach((a, i) => {
    for (const [lang, text] of localizedParts(a)) {
      const at: FieldPath = lang ? ["anzeichen", i, lang] : ["anzeichen", i];
      const key = phraseKey(text);
      if (!key) {
        out.push(
          issueAt(
            root,
            at,
            `"${text}" besteht nur aus Füllwörtern. Bitte beschreiben, was man sieht, z. B. "Maus bewegt sich von allein".`,
          ),
        );
        continue;
      }
      if (lang === "en") continue;
      const prev = phrases.get(key);
      if (prev !== undefined) out.push(issueAt(root, at, `Anzeichen "${text}" steht schon in anzeichen[${prev}] (gleiche Wörter).`));
      else phrases.set(key, i);
    }
  });

  out.push(...checkEnglish(m, root));
  return out;
}

/**
 * English is complete or not there at all: once any text of a playbook (with its fragments) has `en:`, every text
 * needs one, or `--lang en` would show German in the middle of English. A template's English must fill the same
 * placeholders as its German, and its English name (`name_en`, for `template police`) must be unique.
 */
function checkEnglish(m: MergedPlaybook, root: Origin): PlaybookIssue[] {
  const pb = m.playbook;
  const texts: { text: Localized; at: Origin; more: FieldPath }[] = [];
  const add = (text: Localized | undefined, at: Origin, more: FieldPath) => {
    if (text !== undefined) texts.push({ text, at, more });
  };
  add(pb.title, root, ["title"]);
  add(pb.summary, root, ["summary"]);
  if (pb.erkennen !== undefined) add(pb.erkennen, root, ["erkennen"]);
  pb.sofort.forEach((a, i) => {
    add(a.text, root, ["sofort", i, "text"]);
  });
  for (const [level, info] of Object.entries(pb.levels ?? {})) add(info?.raise_when, root, ["levels", level, "raise_when"]);
  for (const { item, at } of m.questions) {
    add(item.text, at, ["text"]);
    add(item.why, at, ["why"]);
  }
  for (const { item, at } of m.tasks) {
    add(item.text, at, ["text"]);
    add(item.why, at, ["why"]);
  }
  for (const { item, at } of m.templates) {
    add(item.title, at, ["title"]);
    add(item.body, at, ["body"]);
    add(item.applies_when, at, ["applies_when"]);
  }
  for (const { item, at } of m.deadlines) {
    add(item.title, at, ["title"]);
    add(item.basis, at, ["basis"]);
  }
  for (const { item, at } of m.review) add(item.text, at, ["text"]);
  pb.recovery.forEach((r, i) => {
    add(r, root, ["recovery", i]);
  });

  const out: PlaybookIssue[] = [];
  if (texts.some((x) => typeof x.text !== "string" && x.text.en !== undefined)) {
    for (const { text, at, more } of texts) {
      if (typeof text === "string" || text.en === undefined)
        out.push(
          issueAt(
            at,
            more,
            "Die englische Fassung fehlt (en:). Dieses Playbook hat schon englische Texte; ohne en: stünde hier bei --lang en Deutsch. Schreiben Sie den Text als de: und en: darunter.",
          ),
        );
    }
  }
  const names = new Map<string, Origin>();
  for (const { item: t, at } of m.templates) {
    for (const key of ["title", "body"] as const) {
      const text = t[key];
      if (typeof text === "string" || text.en === undefined) continue;
      const de = placeholderNames(text.de);
      const en = placeholderNames(text.en);
      const missing = [...de].filter((n) => !en.has(n));
      const extra = [...en].filter((n) => !de.has(n));
      if (missing.length || extra.length)
        out.push(
          issueAt(
            at,
            [key, "en"],
            `Die englische Fassung füllt andere Platzhalter als die deutsche.${missing.length ? ` Es fehlen: ${missing.map((n) => `{{${n}}}`).join(", ")}.` : ""}${extra.length ? ` Nur englisch: ${extra.map((n) => `{{${n}}}`).join(", ")}.` : ""}`,
          ),
        );
    }
    if (t.name_en !== undefined) {
      const prev = names.get(t.name_en);
      const clash = m.templates.find((x) => x.item.id === t.name_en && x.item !== t);
      if (prev) out.push(issueAt(at, ["name_en"], `Der englische Name "${t.name_en}" gehört schon zu ${where(prev)}.`));
      else if (clash)
        out.push(issueAt(at, ["name_en"], `"${t.name_en}" ist schon die Kennung einer anderen Vorlage (${where(clash.at)}).`));
      else names.set(t.name_en, at);
    }
  }
  return out;
}

function placeholderNames(text: string): Set<string> {
  return new Set(scanTemplate(text).flatMap((t) => (t.kind === "placeholder" ? [t.name] : [])));
}

/**
 * Warnings (not errors): a symptom phrase that two playbooks share makes the matcher ask between them instead of
 * opening one. Compared as the matcher compares them (case, umlauts, inflection and filler words do not matter).
 */
export function checkAnzeichenAcross(playbooks: readonly MergedPlaybook[]): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  const owner = new Map<string, { m: MergedPlaybook; index: number }>();
  for (const m of playbooks) {
    (m.playbook.anzeichen ?? []).forEach((a, index) => {
      const text = typeof a === "string" ? a : a.de;
      const key = phraseKey(text);
      if (!key) return;
      const prev = owner.get(key);
      if (!prev) owner.set(key, { m, index });
      else if (prev.m !== m) {
        const prevAt = `${prev.m.src.file}:${lineAt(prev.m.src, ["anzeichen", prev.index])}`;
        out.push(
          issueAt(
            { src: m.src, path: [] },
            ["anzeichen", index],
            `Hinweis: Anzeichen "${text}" steht auch im Playbook "${prev.m.playbook.id}" (${prevAt}). Wer es meldet, wird dann gefragt, welches gemeint ist. Besser in einem Playbook genauer beschreiben.`,
          ),
        );
      }
    });
  }
  return out;
}

/** Triggers must be unique across playbooks (compared without case and umlauts). */
export function checkTriggersAcross(playbooks: readonly MergedPlaybook[]): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  const owner = new Map<string, { m: MergedPlaybook; index: number }>();
  for (const m of playbooks) {
    m.playbook.triggers.forEach((trigger, index) => {
      const key = normaliseTrigger(trigger);
      const prev = owner.get(key);
      if (!prev) {
        owner.set(key, { m, index });
      } else if (prev.m !== m) {
        const prevAt = `${prev.m.src.file}:${lineAt(prev.m.src, ["triggers", prev.index])}`;
        out.push(
          issueAt(
            { src: m.src, path: [] },
            ["triggers", index],
            `Auslöser "${trigger}" steht auch im Playbook "${prev.m.playbook.id}" (${prevAt}). Jeder Auslöser darf nur in einem Playbook stehen.`,
          ),
        );
      }
    });
  }
  return out;
}

function placeholderProblem(name: string, questions: ReadonlyMap<string, Question>): string | undefined {
  if (isRegisteredPlaceholder(name)) return undefined;
  if (name.startsWith(ANSWER_PREFIX)) {
    const id = name.slice(ANSWER_PREFIX.length);
    if (questions.has(id)) return undefined;
    const guess = closest(id, [...questions.keys()]);
    return `Platzhalter {{${name}}}: Frage "${id}" gibt es nicht.${guess ? ` Meinten Sie {{${ANSWER_PREFIX}${guess}}}?` : ""}`;
  }
  const guess = closest(name, Object.keys(PLACEHOLDER_LABELS));
  return `Unbekannter Platzhalter {{${name}}}.${guess ? ` Meinten Sie {{${guess}}}?` : " Erlaubt sind org.…, incident.…, role.… und answer.<frage>."}`;
}

function unknownRef(noun: string, id: string, known: readonly string[]): string {
  const guess = closest(id, known);
  const hint = guess ? ` Meinten Sie "${guess}"?` : known.length ? ` Vorhanden: ${known.join(", ")}` : "";
  return `${noun} "${id}" gibt es nicht.${hint}`;
}

function dependsOn(start: string, target: string, deadlines: ReadonlyMap<string, Deadline>): boolean {
  const visited = new Set<string>();
  let cur: string | undefined = start;
  while (cur !== undefined && !visited.has(cur)) {
    if (cur === target) return true;
    visited.add(cur);
    cur = deadlines.get(cur)?.after;
  }
  return false;
}

function localizedParts(text: Localized): [lang: "de" | "en" | undefined, text: string][] {
  if (typeof text === "string") return [[undefined, text]];
  const parts: [lang: "de" | "en" | undefined, text: string][] = [["de", text.de]];
  if (text.en !== undefined) parts.push(["en", text.en]);
  return parts;
}
