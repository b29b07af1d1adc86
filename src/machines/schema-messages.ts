import type { z } from "zod";
import { de } from "../core/i18n/de.ts";
import { closestWord } from "../core/text.ts";
import { type PlaybookIssue, type PlaybookTexts, sayPb } from "./playbook-error.ts";
import { Condition, Deadline, LEVELS, LevelInfo, Question, Task, Template } from "./schema.ts";
import { describeValue, type FieldPath, fieldPath, lineAt, showValue, valueAt, type YamlSource } from "./yaml-source.ts";

type ZodIssue = z.core.$ZodIssue;

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

/** Converts zod issues into issues with file, line and field, in German (`message`) and English (`messageEn`). */
export function schemaIssues(src: YamlSource, issues: readonly ZodIssue[], rootKeys: readonly string[]): PlaybookIssue[] {
  const out: PlaybookIssue[] = [];
  for (const issue of issues) convert(src, issue, issue.path, rootKeys, out);
  return out;
}

type Say = (t: PlaybookTexts, locale: "de" | "en") => string;

/** The schema's own checks (src/machines/schema.ts) give the catalogue's German text as zod's message. */
const OWN = ["duration", "nameEn", "lowercaseId", "rankMax", "rankWhole"] as const;

/** Which catalogue text a message of the schema's own checks is, if it is one. */
function schemaSaid(issue: ZodIssue): (typeof OWN)[number] | undefined {
  return OWN.find((k) => de.playbook[k] === issue.message);
}

function convert(src: YamlSource, issue: ZodIssue, path: FieldPath, rootKeys: readonly string[], out: PlaybookIssue[]): void {
  const push = (p: FieldPath, say: Say) => out.push({ file: src.file, line: lineAt(src, p), field: fieldPath(p), ...sayPb(say) });
  const value = valueAt(src.data, path);
  const field = String(path[path.length - 1] ?? "");
  const own = schemaSaid(issue);
  const ownText = (t: PlaybookTexts) => (own ? t[own] : issue.message);

  const missing = value === undefined && path.length > 0 && valueAt(src.data, path.slice(0, -1)) !== undefined;
  if (missing && (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union")) {
    push(path, (t) => t.required(field));
    return;
  }

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(path, rootKeys);
      for (const key of issue.keys) {
        const guess = closest(key, allowed);
        push([...path, key], (t) => t.unknownField(key, guess ? t.meant(guess) : t.allowed([...allowed])));
      }
      return;
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      push(path, (t, locale) => t.wrongValue(showValue(value, locale), t.notA[field], allowed));
      return;
    }
    case "invalid_type": {
      if (path.length === 0) {
        push(path, (t) => t.notFields);
        return;
      }
      const quoteTip = issue.expected === "string" && typeof value !== "object";
      push(path, (t, locale) => t.expected(t.typeName[issue.expected] ?? issue.expected, describeValue(value, locale), quoteTip));
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
      push(path, (t, locale) => t.textOrLanguages(describeValue(value, locale)));
      return;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "array") push(path, (t) => t.minEntries(min));
      else if (issue.origin === "string") push(path, (t) => (min <= 1 ? t.notEmpty : t.minChars(min)));
      else push(path, (t) => t.tooSmall(String(issue.minimum)));
      return;
    }
    case "too_big": {
      if (issue.origin === "string") push(path, (t) => t.tooLong(String(issue.maximum)));
      else push(path, (t) => t.tooBig(String(issue.maximum)));
      return;
    }
    case "invalid_format": {
      if (own || (issue.message && !issue.message.startsWith("Invalid"))) {
        push(path, (t, locale) => `${showValue(value, locale)}: ${ownText(t)}`);
      } else if (issue.format === "regex" && "pattern" in issue && String(issue.pattern).includes("a-z0-9-")) {
        push(path, (t, locale) => t.badId(showValue(value, locale)));
      } else push(path, (t, locale) => t.badFormat(showValue(value, locale)));
      return;
    }
    default:
      push(path, ownText);
  }
}

/** The allowed name closest to `word` when it is a plausible typo (at most two edits, see `typoDistance`), else undefined. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  const lower = allowed.map((a) => a.toLowerCase());
  const hit = closestWord(word.toLowerCase(), lower, () => 2);
  return hit ? allowed[lower.indexOf(hit.word)] : undefined;
}
