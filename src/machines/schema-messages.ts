import type { z } from "zod";
import { closestWord } from "../core/text.ts";
import type { PlaybookIssue } from "./playbook-error.ts";
import { Condition, Deadline, LEVELS, LevelInfo, Question, Task, Template } from "./schema.ts";
import { describeValue, type FieldPath, fieldPath, lineAt, showValue, valueAt, type YamlSource } from "./yaml-source.ts";

type ZodIssue = z.core.$ZodIssue;

/** What a wrong enum value is "not", by field name: `"technick" ist keine Rolle`. */
const ENUM_NOUNS: Record<string, string> = {
  role: "keine Rolle",
  phase: "keine Phase",
  level: "keine Eskalationsstufe",
  min_level: "keine Eskalationsstufe",
  raise_to: "keine Eskalationsstufe",
  audience: "keine Zielgruppe",
  kind: "keine Fragenart",
  config: "kein Schalter der Organisationsdatei",
  from: "kein Startpunkt für eine Frist",
};

const TYPE_NAMES: Record<string, string> = {
  string: "Text",
  boolean: "true oder false",
  number: "eine Zahl",
  array: 'eine Liste (Zeilen mit "- ")',
  object: "einen Abschnitt mit Feldern (name: wert)",
};

/** Allowed field names of the object at `path`, for "Meinten Sie …?" on unknown fields. */
export function allowedKeys(path: FieldPath, rootKeys: readonly string[]): readonly string[] {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 0) return rootKeys;
  if (last === "levels" && path.length === 1) return LEVELS;
  if (parent === "levels" && path.length === 2) return Object.keys(LevelInfo.shape);
  if (last === "when") return Object.keys(Condition.shape);
  if (typeof last === "number") {
    if (parent === "tasks") return Object.keys(Task.shape);
    if (parent === "questions") return Object.keys(Question.shape);
    if (parent === "templates") return Object.keys(Template.shape);
    if (parent === "deadlines") return Object.keys(Deadline.shape);
    if (parent === "review") return ["id", "text"];
  }
  return ["de", "en"];
}

/** Converts zod issues into German issues with file, line and field. */
export function schemaIssues(src: YamlSource, issues: readonly ZodIssue[], rootKeys: readonly string[]): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  for (const issue of issues) convert(src, issue, issue.path, rootKeys, out);
  return out;
}

function convert(src: YamlSource, issue: ZodIssue, path: FieldPath, rootKeys: readonly string[], out: PlaybookIssue[]): void {
  const push = (p: FieldPath, message: string) => out.push({ file: src.file, line: lineAt(src, p), field: fieldPath(p), message });
  const value = valueAt(src.data, path);
  const field = String(path[path.length - 1] ?? "");

  const missing = value === undefined && path.length > 0 && valueAt(src.data, path.slice(0, -1)) !== undefined;
  if (missing && (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union")) {
    push(path, `Pflichtfeld fehlt. Bitte "${field}:" ergänzen.`);
    return;
  }

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(path, rootKeys);
      for (const key of issue.keys) {
        const guess = closest(key, allowed);
        const hint = guess ? `Meinten Sie "${guess}"?` : `Erlaubt: ${allowed.join(", ")}`;
        push([...path, key], `Unbekanntes Feld "${key}". ${hint}`);
      }
      return;
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const noun = ENUM_NOUNS[field] ?? "ist hier nicht erlaubt";
      const verb = noun.startsWith("ist") ? noun : `ist ${noun}`;
      push(path, `${showValue(value)} ${verb}. Erlaubt: ${allowed.join(", ")}`);
      return;
    }
    case "invalid_type": {
      if (path.length === 0) {
        push(path, "Die Datei muss aus Feldern bestehen (id:, title:, …), nicht aus einer Liste oder einem einzelnen Text.");
        return;
      }
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      const hint =
        issue.expected === "string" && typeof value !== "object" ? ' Tipp: den Wert in Anführungszeichen setzen, z. B. "ja".' : "";
      push(path, `Erwartet ${expected}, gefunden ${describeValue(value)}.${hint}`);
      return;
    }
    case "invalid_union": {
      // Localized: a plain string or { de, en }. If it is an object, report what is wrong inside it.
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const objectBranch = issue.errors.find((branch) => branch.some((e) => e.path.length > 0));
        if (objectBranch) {
          for (const inner of objectBranch) convert(src, inner, [...path, ...inner.path], rootKeys, out);
          return;
        }
      }
      push(path, `Erwartet einen Text oder "de:" (Deutsch) mit optional "en:" (Englisch), gefunden ${describeValue(value)}.`);
      return;
    }
    case "too_small": {
      if (issue.origin === "array") {
        push(path, `Braucht mindestens ${issue.minimum} ${Number(issue.minimum) === 1 ? "Eintrag" : "Einträge"}.`);
      } else if (issue.origin === "string") {
        push(path, Number(issue.minimum) <= 1 ? "Darf nicht leer sein." : `Braucht mindestens ${issue.minimum} Zeichen.`);
      } else push(path, `Zu klein (mindestens ${issue.minimum}).`);
      return;
    }
    case "too_big": {
      if (issue.origin === "string") push(path, `Zu lang: höchstens ${issue.maximum} Zeichen, damit es auf eine Zeile passt.`);
      else push(path, `Zu groß (höchstens ${issue.maximum}).`);
      return;
    }
    case "invalid_format": {
      if (issue.message && !issue.message.startsWith("Invalid")) {
        push(path, `${showValue(value)}: ${issue.message}`);
      } else if (issue.format === "regex" && "pattern" in issue && String(issue.pattern).includes("a-z0-9-")) {
        push(path, `${showValue(value)} ist keine gültige Kennung. Nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. "netz-trennen".`);
      } else push(path, `${showValue(value)} hat nicht das erwartete Format.`);
      return;
    }
    default:
      push(path, issue.message);
  }
}

/** The allowed name closest to `word` when it is a plausible typo (at most two edits, see `typoDistance`), else undefined. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  const lower = allowed.map((a) => a.toLowerCase());
  const hit = closestWord(word.toLowerCase(), lower, () => 2);
  return hit ? allowed[lower.indexOf(hit.word)] : undefined;
}
