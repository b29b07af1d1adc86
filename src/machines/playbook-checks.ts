import { phraseKey } from "../core/match/index.ts";
import { ANSWER_PREFIX, isRegisteredPlaceholder, PLACEHOLDER_LABELS, scanTemplate } from "../templates/placeholders.ts";
import { type PlaybookIssue, type PlaybookTexts, sayPb } from "./playbook-error.ts";
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

/** A message from the catalogue, told in German and English. */
type Say = (t: PlaybookTexts) => string;

function issueAt(origin: Origin, more: FieldPath, say: Say): PlaybookIssue {
  const path = [...origin.path, ...more];
  return { file: origin.src.file, line: lineAt(origin.src, path), field: fieldPath(path), ...sayPb(say) };
}

function where(origin: Origin): string {
  return `${origin.src.file}:${lineAt(origin.src, origin.path)}`;
}

/** Cross-reference checks on one merged playbook. `fileId` is the file name without `.yaml`. */
export function checkPlaybook(m: MergedPlaybook, fileId: string): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  const root: Origin = { src: m.src, path: [] };
  const pb = m.playbook;

  if (pb.id !== fileId) out.push(issueAt(root, ["id"], (t) => t.idNotFile(pb.id, fileId)));

  // Unique ids per list (fragment items come first, so the playbook's copy is the one reported).
  const lists = [
    ["question", m.questions],
    ["task", m.tasks],
    ["template", m.templates],
    ["deadline", m.deadlines],
    ["review", m.review],
  ] as const;
  for (const [noun, list] of lists) {
    const first = new Map<string, Origin>();
    for (const { item, at } of list as readonly Located<{ id: string }>[]) {
      const prev = first.get(item.id);
      if (prev) out.push(issueAt(at, ["id"], (t) => t.duplicateId(t.noun[noun], item.id, where(prev))));
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
    if (q.sets_awareness && q.kind !== "time") out.push(issueAt(at, ["sets_awareness"], (t) => t.awarenessTimeOnly));
    if (q.sets_awareness && q.kind === "time") {
      const first = awareness && where(awareness);
      if (first) out.push(issueAt(at, ["sets_awareness"], (t) => t.awarenessTwice(first)));
      else awareness = at;
    }
    if (q.raise_to && q.kind !== "yesno") out.push(issueAt(at, ["raise_to"], (t) => t.raiseYesNo));
    if (q.raise_to && LEVELS.indexOf(q.raise_to) <= base)
      out.push(issueAt(at, ["raise_to"], (t) => t.raiseNotAbove(q.raise_to!, pb.level)));
  }

  // Levels described must lie above the base level.
  for (const level of Object.keys(pb.levels ?? {})) {
    if (LEVELS.indexOf(level as (typeof LEVELS)[number]) <= base)
      out.push(issueAt(root, ["levels", level], (t) => t.levelNotAbove(level, pb.level)));
  }

  const checkWhen = (when: Condition | undefined, at: Origin) => {
    if (!when) return;
    if (when.answer !== undefined && when.question === undefined) {
      out.push(issueAt(at, ["when", "answer"], (t) => t.answerNeedsQuestion));
      return;
    }
    if (when.question === undefined) return;
    const q = questions.get(when.question);
    if (!q) {
      const guess = closest(when.question, [...questions.keys()]);
      out.push(issueAt(at, ["when", "question"], (t) => t.unknownRef(t.noun.question, when.question!, guess, [...questions.keys()])));
      return;
    }
    if (when.answer === undefined) return;
    if (q.kind !== "yesno") {
      out.push(issueAt(at, ["when", "answer"], (t) => t.answerOnlyYesNo(q.id, q.kind === "time")));
      return;
    }
    const answers = Array.isArray(when.answer) ? when.answer : [when.answer];
    answers.forEach((a, i) => {
      if (!(YESNO_ANSWERS as readonly string[]).includes(a)) {
        const more: FieldPath = Array.isArray(when.answer) ? ["when", "answer", i] : ["when", "answer"];
        out.push(issueAt(at, more, (t) => t.notYesNoAnswer(a, YESNO_ANSWERS)));
      }
    });
  };

  // Questions: when they are asked, what they imply; the playbook's defaults.
  const yesNoTarget = (id: string, at: Origin, more: FieldPath, own?: string): boolean => {
    const target = questions.get(id);
    if (!target) {
      const guess = closest(id, [...questions.keys()]);
      out.push(issueAt(at, more, (t) => t.unknownRef(t.noun.question, id, guess, undefined)));
      return false;
    }
    if (target.kind !== "yesno") {
      out.push(issueAt(at, more, (t) => t.notYesNoQuestion(id)));
      return false;
    }
    if (own !== undefined && id === own) {
      out.push(issueAt(at, more, (t) => t.selfReference));
      return false;
    }
    return true;
  };
  for (const { item: q, at } of m.questions) {
    if (q.when?.question === q.id) out.push(issueAt(at, ["when", "question"], (t) => t.ownAnswer));
    else checkWhen(q.when, at);
    if (q.implies && q.kind !== "yesno") out.push(issueAt(at, ["implies"], (t) => t.impliesYesNo));
    else
      for (const [answer, targets] of Object.entries(q.implies ?? {}))
        for (const id of Object.keys(targets ?? {})) yesNoTarget(id, at, ["implies", answer, id], q.id);
  }
  for (const id of Object.keys(pb.defaults ?? {})) yesNoTarget(id, root, ["defaults", id]);

  // Tasks.
  for (const { item: task, at } of m.tasks) {
    checkWhen(task.when, at);
    const fulfils = task.fulfils;
    if (fulfils !== undefined && !deadlines.has(fulfils))
      out.push(issueAt(at, ["fulfils"], unknownRef("deadline", fulfils, [...deadlines.keys()])));
    if (task.ziel !== undefined && !task.critical) out.push(issueAt(at, ["ziel"], (t) => t.zielCriticalOnly));
    const ziel = task.ziel;
    if (ziel !== undefined && !/[1-9]/.test(ziel)) out.push(issueAt(at, ["ziel"], (t) => t.zielZero(ziel)));
  }
  for (const phase of WORK_PHASES) {
    if (!m.tasks.some((t) => t.item.phase === phase)) out.push(issueAt(root, ["tasks"], (t) => t.phaseWithoutTask(phase)));
  }

  // Templates: conditions and placeholders.
  for (const { item: tpl, at } of m.templates) {
    checkWhen(tpl.when, at);
    if (tpl.applies_when !== undefined && tpl.when === undefined) out.push(issueAt(at, ["applies_when"], (t) => t.appliesWhenAlone));
    for (const key of ["title", "body"] as const) {
      for (const [lang, text] of localizedParts(tpl[key])) {
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
      out.push(issueAt(at, ["template"], unknownRef("template", d.template, [...templates])));
    if (d.from === "deadline" && d.after === undefined) out.push(issueAt(at, ["after"], (t) => t.afterNeeded));
    if (d.after !== undefined) {
      if (d.from !== "deadline") out.push(issueAt(at, ["from"], (t) => t.afterOnlyFromDeadline));
      if (d.after === d.id) out.push(issueAt(at, ["after"], (t) => t.afterSelf));
      else if (!deadlines.has(d.after)) out.push(issueAt(at, ["after"], unknownRef("deadline", d.after, [...deadlines.keys()])));
      else if (dependsOn(d.after, d.id, deadlines)) out.push(issueAt(at, ["after"], (t) => t.afterCircle(d.after!, d.id)));
    }
    if (d.within === undefined && d.remind_before.length > 0) out.push(issueAt(at, ["remind_before"], (t) => t.remindNeedsWithin));
  }

  // Triggers within this playbook.
  const seen = new Map<string, number>();
  pb.triggers.forEach((trigger, i) => {
    const at: FieldPath = ["triggers", i];
    if (trigger !== trigger.trim().toLowerCase() || /\s{2,}/.test(trigger))
      out.push(issueAt(root, at, (t) => t.triggerForm(trigger.trim().toLowerCase().replace(/\s+/g, " "))));
    const firstWord = normaliseTrigger(trigger).split(" ")[0] ?? "";
    if ((RESERVED_WORDS as readonly string[]).some((w) => normaliseTrigger(w) === firstWord))
      out.push(issueAt(root, at, (t) => t.triggerCommand(trigger, firstWord)));
    const exact = trigger.trim().toLowerCase();
    const prev = seen.get(exact);
    if (prev !== undefined) out.push(issueAt(root, at, (t) => t.triggerTwice(trigger, prev)));
    else seen.set(exact, i);
  });

  // Symptom phrases: each must say something, and only once.
  const phrases = new Map<string, number>();
  (pb.anzeichen ?? []).forEach((a, i) => {
    for (const [lang, text] of localizedParts(a)) {
      const at: FieldPath = lang ? ["anzeichen", i, lang] : ["anzeichen", i];
      const key = phraseKey(text);
      if (!key) {
        out.push(issueAt(root, at, (t) => t.fillerOnly(text)));
        continue;
      }
      if (lang === "en") continue;
      const prev = phrases.get(key);
      if (prev !== undefined) out.push(issueAt(root, at, (t) => t.symptomTwice(text, prev)));
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
      if (typeof text === "string" || text.en === undefined) out.push(issueAt(at, more, (t) => t.englishMissing));
    }
  }
  const names = new Map<string, Origin>();
  for (const { item: tpl, at } of m.templates) {
    for (const key of ["title", "body"] as const) {
      const text = tpl[key];
      if (typeof text === "string" || text.en === undefined) continue;
      const de = placeholderNames(text.de);
      const en = placeholderNames(text.en);
      const missing = [...de].filter((n) => !en.has(n));
      const extra = [...en].filter((n) => !de.has(n));
      if (missing.length || extra.length)
        out.push(
          issueAt(at, [key, "en"], (t) =>
            t.placeholdersDiffer(
              missing.map((n) => `{{${n}}}`),
              extra.map((n) => `{{${n}}}`),
            ),
          ),
        );
    }
    const nameEn = tpl.name_en;
    if (nameEn !== undefined) {
      const prev = names.get(nameEn);
      const clash = m.templates.find((x) => x.item.id === nameEn && x.item !== tpl);
      if (prev) out.push(issueAt(at, ["name_en"], (t) => t.nameEnTaken(nameEn, where(prev))));
      else if (clash) out.push(issueAt(at, ["name_en"], (t) => t.nameEnIsId(nameEn, where(clash.at))));
      else names.set(nameEn, at);
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
        out.push(issueAt({ src: m.src, path: [] }, ["anzeichen", index], (t) => t.symptomAcross(text, prev.m.playbook.id, prevAt)));
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
        out.push(issueAt({ src: m.src, path: [] }, ["triggers", index], (t) => t.triggerAcross(trigger, prev.m.playbook.id, prevAt)));
      }
    });
  }
  return out;
}

function placeholderProblem(name: string, questions: ReadonlyMap<string, Question>): Say | undefined {
  if (isRegisteredPlaceholder(name)) return undefined;
  if (name.startsWith(ANSWER_PREFIX)) {
    const id = name.slice(ANSWER_PREFIX.length);
    if (questions.has(id)) return undefined;
    const guess = closest(id, [...questions.keys()]);
    return (t) => t.placeholderNoQuestion(name, id, guess ? `${ANSWER_PREFIX}${guess}` : undefined);
  }
  const guess = closest(name, Object.keys(PLACEHOLDER_LABELS));
  return (t) => t.placeholderUnknown(name, guess);
}

function unknownRef(noun: keyof PlaybookTexts["noun"], id: string, known: readonly string[]): Say {
  const guess = closest(id, known);
  return (t) => t.unknownRef(t.noun[noun], id, guess, known.length ? [...known] : undefined);
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
