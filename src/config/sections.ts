import type { PlaybookIssue } from "../machines/playbook-error.ts";
import { type Said, say } from "./messages.ts";

/** A syntax issue of the organisation file, in German and English. */
type Issue = PlaybookIssue & Said;

/**
 * The organisation file read as text, section by section. A YAML syntax error makes the parser misread everything
 * after it in the same block, so one typo turned into a cascade of follow-on errors (a tab gave five, a list item
 * at the wrong column seven, some of them wrong). Top-level sections (`it:`, `contacts:` …) start at column 0, so
 * the file is judged per section: the first syntax error of a section is the real one, it is explained from the
 * text itself (which column, which character is missing), the section is left out, and the others are still used.
 */

/** A top-level section: from its key line to the line before the next top-level key (1-based, inclusive). */
export interface Section {
  /** The key as written (`it`, `contacts`); empty for lines before the first key. */
  key: string;
  start: number;
  end: number;
}

/** A key at column 0: `name:`, `it:`, `"name":` — not a list item, comment, flow collection or document marker. */
const TOP_KEY = /^("[^"]*"|'[^']*'|[^\s#\-?:,[\]{}&*!|>'"%@`][^:#]*?)\s*:(?:\s|$)/;

export function sectionsOf(lines: readonly string[]): Section[] {
  const out: Section[] = [];
  lines.forEach((line, i) => {
    const m = TOP_KEY.exec(line);
    if (!m) return;
    const last = out.at(-1);
    if (last) last.end = i;
    else if (i > 0) out.push({ key: "", start: 1, end: i });
    out.push({ key: m[1]!.replace(/^["']|["']$/g, ""), start: i + 1, end: lines.length });
  });
  if (out.length === 0) out.push({ key: "", start: 1, end: Math.max(1, lines.length) });
  return out;
}

function sectionAt(sections: readonly Section[], line: number): Section {
  return sections.find((s) => line >= s.start && line <= s.end) ?? sections.at(-1)!;
}

/**
 * One issue per damaged section (sections in `skip` were judged before): its first syntax error, named by the
 * section (the parser's own idea of the field is unreliable after the error) and explained from the text where the
 * mistake is a common one (see {@link tabbedSections} for tabs). Returns the issues and the damaged sections.
 */
export function firstPerSection(
  issues: readonly Issue[],
  lines: readonly string[],
  sections: readonly Section[],
  skip: ReadonlySet<Section> = new Set(),
): { issues: Issue[]; damaged: Section[] } {
  const first = new Map<Section, Issue>();
  for (const issue of [...issues].sort((a, b) => a.line - b.line)) {
    const s = sectionAt(sections, issue.line);
    if (first.has(s) || skip.has(s)) continue;
    const found = diagnose(lines, s, issue.line);
    first.set(s, { ...issue, field: s.key, ...found });
  }
  return { issues: [...first.values()], damaged: [...first.keys()] };
}

/**
 * Sections with a line indented by a tab (outside a block text `|`/`>`). The parser does not always complain about
 * those; sometimes it reads the fields into another section instead. So every such section is reported and left out,
 * whether or not the parser stumbled.
 */
export function tabbedSections(
  lines: readonly string[],
  sections: readonly Section[],
  file: string,
): { issues: Issue[]; damaged: Section[] } {
  const issues: Issue[] = [];
  const damaged: Section[] = [];
  let block: number | undefined; // indentation of the key that opened a block text
  lines.forEach((l, i) => {
    if (block !== undefined && (l.trim() === "" || indentOf(l) > block)) return;
    block = /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(l) ? indentOf(l) : undefined;
    if (!/^ *\t/.test(l)) return;
    const s = sectionAt(sections, i + 1);
    if (damaged.includes(s)) return;
    damaged.push(s);
    issues.push({ file, line: i + 1, field: s.key, ...tabMessage(lines, s, i + 1) });
  });
  return { issues, damaged };
}

/** Tabs in several sections are one habit of the editor, not several mistakes: one issue naming every line. */
export function oneTabIssue(issues: readonly Issue[]): Issue[] {
  const isTab = (i: Issue) => i.message.startsWith(TAB);
  const tabs = issues.filter(isTab);
  if (tabs.length < 2) return [...issues];
  const shown = tabs.slice(0, 8).map((i) => i.line);
  const merged: Issue = {
    ...tabs[0]!,
    field: "",
    ...say((t) => t.tabs(shown.join(", "), tabs.length > shown.length)),
  };
  return [merged, ...issues.filter((i) => !isTab(i))];
}

/** The text with the given sections blanked out (line numbers stay), so the rest can be read on its own. */
export function withoutSections(lines: readonly string[], drop: readonly Section[]): string {
  return lines.map((l, i) => (drop.some((s) => i + 1 >= s.start && i + 1 <= s.end) ? "" : l)).join("\n");
}

/** How a tab message starts (German), to find them among the issues. */
const TAB = say((t) => t.tab).message;

const indentOf = (l: string) => /^ */.exec(l)![0].length;
const isItem = (l: string) => /^\s*-(\s|$)/.test(l);
/** `contacts:`, `terms: >-`, a bare `-`: the next line belongs deeper. */
const opensBlock = (l: string) => /:\s*(#.*)?$/.test(l) || /:\s*[|>][-+]?\s*$/.test(l) || /^\s*-\s*$/.test(l);
/** Where the field on this line starts: after "- " on a list item, else at its indentation. */
const fieldColumn = (l: string) => (isItem(l) ? /^\s*-\s+/.exec(l)![0].length : indentOf(l));
const meaningful = (l: string) => l.trim() !== "" && !l.trim().startsWith("#");
const keyOf = (l: string) => /^\s*(?:-\s+)?([^\s:#"'][^:#]*?)\s*:(?:\s|$)/.exec(l)?.[1];

/** The nearest meaningful line above `line` within the section (1-based) that matches, if any. */
function above(lines: readonly string[], s: Section, line: number, match: (l: string) => boolean = () => true): number | undefined {
  for (let n = line - 1; n >= s.start; n--) if (meaningful(lines[n - 1]!) && match(lines[n - 1]!)) return n;
  return undefined;
}

/** The nearest meaningful line below `line` within the section, if any. */
function below(lines: readonly string[], s: Section, line: number): number | undefined {
  for (let n = line + 1; n <= s.end; n++) if (meaningful(lines[n - 1]!)) return n;
  return undefined;
}

/**
 * Where the mistake is and what it is, for the common ones: "-" without a space, a field name without a colon,
 * a list item or field at another column than its neighbours. Undefined keeps the parser's own (translated) message.
 */
function diagnose(lines: readonly string[], s: Section, reported: number): ({ line: number } & Said) | undefined {
  const line = reported;
  const text = lines[line - 1] ?? "";
  if (/^\s*-[^\s-]/.test(text)) {
    return { line, ...say((t) => t.dashSpace(text.trim().replace(/^-/, "- "))) };
  }
  const bare = /^\s*(?:-\s+)?([a-z_]+)\s+([^:\s].*)$/.exec(text);
  if (bare && !text.includes(": ") && !text.trimEnd().endsWith(":")) {
    return { line, ...say((t) => t.colon(`${bare[1]}: ${bare[2]}`)) };
  }
  const ind = indentOf(text);
  if (isItem(text)) {
    const sibling = above(lines, s, line, isItem);
    if (sibling !== undefined && indentOf(lines[sibling - 1]!) !== ind) {
      const want = indentOf(lines[sibling - 1]!);
      return { line, ...say((t) => t.itemIndent(t.spaces(ind), t.spaces(want))) };
    }
  } else if (keyOf(text) !== undefined) {
    const prev = above(lines, s, line);
    const l = prev === undefined ? undefined : lines[prev - 1]!;
    // In this file every field stands exactly under the field above it (no deeper nesting to come back from),
    // unless a block opens above (`contacts:`, `terms: >-`).
    if (l !== undefined && !opensBlock(l) && fieldColumn(l) !== ind) return misplaced(line, ind, l);
  }
  // The parser reports a line that is too deep at the field above it ("joined with the next line").
  const next = below(lines, s, line);
  if (next !== undefined && !opensBlock(text) && keyOf(text) !== undefined) {
    const n = lines[next - 1]!;
    if (!isItem(n) && keyOf(n) !== undefined && indentOf(n) > fieldColumn(text)) return misplaced(next, indentOf(n), text);
  }
  return undefined;
}

function tabMessage(lines: readonly string[], s: Section, line: number): Said {
  const prev = above(lines, s, line);
  const l = prev === undefined ? "" : lines[prev - 1]!;
  const want = prev === undefined || opensBlock(l) ? indentOf(l) + 2 : fieldColumn(l);
  return say((t) => `${t.tab} ${t.tabFix(want)}`);
}

function misplaced(line: number, ind: number, fieldAbove: string): { line: number } & Said {
  const key = keyOf(fieldAbove) ?? "";
  return { line, ...say((t) => t.fieldIndent(t.spaces(ind), key, t.spaces(fieldColumn(fieldAbove)))) };
}
