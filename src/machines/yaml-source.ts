import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { constructFromEvents, EVENT_ID, type Event, parseEvents } from "js-yaml";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import type { PlaybookIssue } from "./playbook-error.ts";

/** A path into parsed YAML data, as zod reports it: `["tasks", 3, "role"]`. */
export type FieldPath = readonly PropertyKey[];

/** One YAML file parsed with source positions, so problems can be traced back to a line. */
export interface YamlSource {
  /** Display path (see {@link displayPath}). */
  file: string;
  /** The document with source positions (for the quickly read file, parsed on first use: only errors need it). */
  readonly doc: Document;
  readonly lines: LineCounter;
  /** Plain data (`undefined` when the file had syntax errors). */
  data: unknown;
  /** YAML syntax problems, in German (`message`) and English (`messageEn`). */
  syntaxIssues: (PlaybookIssue & { messageEn: string })[];
}

/** Relative to the working directory when the file lies inside it, else the absolute path. */
export function displayPath(absPath: string): string {
  const rel = relative(process.cwd(), absPath);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : absPath;
}

/** `["tasks", 3, "role"]` → `tasks[3].role`. */
export function fieldPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function readYamlSource(absPath: string): YamlSource {
  const file = displayPath(absPath);
  let text: string;
  try {
    text = readFileSync(absPath, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    const lines = new LineCounter();
    return {
      file,
      doc: parseDocument("", { lineCounter: lines }),
      lines,
      data: undefined,
      syntaxIssues: [
        {
          file,
          line: 1,
          field: "",
          message: missing ? de.yaml.fileMissing : String(err),
          messageEn: missing ? en.yaml.fileMissing : String(err),
        },
      ],
    };
  }
  return parseYamlSource(text, file);
}

/**
 * `organisation`: the file holds an organisation (`notfall.config.yaml`), not a playbook (said when it has several
 * documents).
 *
 * A playbook is read twice over only when it needs to be: first by js-yaml's event parser ({@link quickData}), which
 * reads the shipped playbooks in a tenth of the time and with a fifteenth of the memory of the `yaml` library's
 * document model (30 ms and 5 MB instead of 300 ms and 80 MB; that peak stayed in the process as resident memory,
 * issue #17). The document model with its source positions is built on first use — for a schema error's line, or
 * when the quick reading declines the file, which then takes the full path below with its German messages.
 */
export function parseYamlSource(text: string, file: string, organisation = false): YamlSource {
  if (!organisation) {
    const quick = quickData(text);
    if (quick) return positionedLater(text, file, quick.data);
  }
  const { doc, lines } = positioned(text);
  const src: YamlSource = { file, doc, lines, data: undefined, syntaxIssues: [] };
  const multiline = new Set(doc.errors.filter((e) => e.code === "MULTILINE_IMPLICIT_KEY").map((e) => e.pos[0]));
  for (const err of doc.errors) {
    // A line joined with the next one yields two errors at the same place; the multi-line one explains it better.
    if (err.code === "BLOCK_AS_IMPLICIT_KEY" && multiline.has(err.pos[0])) continue;
    const offset = err.pos[0];
    src.syntaxIssues.push({
      file,
      line: lineOfOffset(lines, offset),
      field: fieldAtOffset(doc, offset),
      ...yamlMessage(err.code, err.message, organisation),
    });
  }
  if (src.syntaxIssues.length === 0) {
    try {
      src.data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // The yaml library throws (instead of reporting) for an alias without its anchor and when aliases expand too
      // often (a "billion laughs" file, one anchor repeated very many times). Reported like any other syntax
      // problem: at the alias without anchor, or at the first alias.
      if (!(err instanceof ReferenceError)) throw err;
      const unresolved = /^Unresolved alias.*: (.+)$/.exec(err.message)?.[1];
      const offset = aliasOffset(doc, unresolved);
      src.syntaxIssues.push({
        file,
        line: lineOfOffset(lines, offset),
        field: fieldAtOffset(doc, offset),
        ...yamlMessage(unresolved === undefined ? "RESOURCE_EXHAUSTION" : "BAD_ALIAS", err.message, organisation),
      });
    }
  }
  return src;
}

function positioned(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines };
}

/** A file read by {@link quickData}: its data now, its document model when something asks for a line. */
function positionedLater(text: string, file: string, data: unknown): YamlSource {
  let full: { doc: Document; lines: LineCounter } | undefined;
  return {
    file,
    data,
    syntaxIssues: [],
    get doc() {
      full ??= positioned(text);
      return full.doc;
    },
    get lines() {
      full ??= positioned(text);
      return full.lines;
    },
  };
}

/**
 * The file's data read with js-yaml (YAML 1.2 core schema, as the `yaml` library reads it), or `undefined` when the
 * full path must decide: a syntax error, a duplicate key, not exactly one document, and everything where the two
 * libraries do not provably agree — anchors and aliases (the `yaml` library limits how often they expand), tags, and
 * keys that are empty or not a plain value (`: text`, `? [a, b]`), which js-yaml accepts where `yaml` reports an
 * error or builds another key. tests/unit/yaml-quick.test.ts holds both readings equal on every shipped file and on
 * thousands of damaged ones.
 */
export function quickData(text: string): { data: unknown } | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  /** Open collections: whether a mapping, and how many children so far (a mapping's even children are keys). */
  const open: { mapping: boolean; children: number }[] = [];
  let documents = 0;
  for (const e of events) {
    if (e.type === EVENT_ID.POP) {
      open.pop();
      continue;
    }
    if (e.type === EVENT_ID.DOCUMENT) {
      documents++;
      open.push({ mapping: false, children: 0 });
      continue;
    }
    if (e.type === EVENT_ID.ALIAS || e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
    const parent = open.at(-1);
    const isKey = parent?.mapping === true && parent.children % 2 === 0;
    if (parent) parent.children++;
    if (e.type === EVENT_ID.SCALAR) {
      if (isKey && !(e.valueEnd > e.valueStart)) return undefined;
      continue;
    }
    if (isKey) return undefined;
    open.push({ mapping: e.type === EVENT_ID.MAPPING, children: 0 });
  }
  if (documents !== 1) return undefined;
  try {
    // copied: js-yaml returns slices of the source, which kept every file's whole text alive (0.7 MB of strings)
    return { data: structuredClone(constructFromEvents(events, { source: text })[0]) };
  } catch {
    // Duplicate keys and values the schema cannot build are reported by the full path.
    return undefined;
  }
}

/** Source offset of the first alias (`*name`) in the document, or of the first one to `name`; 0 when there is none. */
function aliasOffset(doc: Document, name?: string): number {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (name !== undefined && node.source !== name) return undefined;
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset ?? 0;
}

function lineOfOffset(lines: LineCounter, offset: number): number {
  return Math.max(1, lines.linePos(offset).line);
}

/**
 * Line of the deepest node on `path` that exists: for a map entry, the line of its key; for a list item, the item's
 * first line. A missing field points at the object that should contain it.
 */
export function lineAt(src: YamlSource, path: FieldPath): number {
  let node: unknown = src.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyStart = (pair.key as Node).range?.[0];
      if (keyStart !== undefined) offset = keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!item) break;
      const start = (item as Node).range?.[0];
      if (start !== undefined) offset = start;
      node = item;
    } else break;
  }
  return lineOfOffset(src.lines, offset);
}

/** Field path of the innermost node around a source offset (for syntax errors). */
function fieldAtOffset(doc: Document, offset: number): string {
  const path: PropertyKey[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        // Only real field names: a broken line can turn a text into a "key" with spaces.
        if (!isPair(pair) || !isScalar(pair.key) || !/^[a-z_]+$/.test(String(pair.key.value))) continue;
        const start = (pair.key as Node).range?.[0] ?? Number.POSITIVE_INFINITY;
        const end = (pair.value as Node | null)?.range?.[2] ?? (pair.key as Node).range?.[2] ?? -1;
        if (offset >= start && offset <= end) {
          path.push(String(pair.key.value));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const r = (item as Node | null)?.range;
        if (r && offset >= r[0] && offset <= r[2] && next === undefined) {
          path.push(i);
          next = item;
        }
      });
    }
    if (next === undefined || next === null) break;
    node = next;
  }
  return fieldPath(path);
}

/** The message for an alias (`*name`) whose anchor (`&name`) is not in the file (German). */
export const UNKNOWN_ANCHOR = de.yaml.unknownAnchor;

type YamlTexts = typeof de.yaml;

/** The catalogue's text for each error code of the yaml library. */
const YAML_MESSAGES: Partial<Record<string, (t: YamlTexts, organisation: boolean) => string>> = {
  BAD_INDENT: (t) => t.badIndent,
  TAB_AS_INDENT: (t) => t.tabAsIndent,
  DUPLICATE_KEY: (t) => t.duplicateKey,
  MISSING_CHAR: (t) => t.missingChar,
  MULTILINE_IMPLICIT_KEY: (t) => t.joinedLines,
  BLOCK_AS_IMPLICIT_KEY: (t) => t.blockAsKey,
  UNEXPECTED_TOKEN: (t) => t.unexpectedToken,
  BAD_SCALAR_START: (t) => t.badScalarStart,
  BAD_DQ_ESCAPE: (t) => t.badEscape,
  MULTIPLE_DOCS: (t, organisation) => t.multipleDocs(organisation),
  BAD_ALIAS: (t) => t.unknownAnchor,
  RESOURCE_EXHAUSTION: (t) => t.tooManyAliases,
};

/** The parser's error explained in German and English, its own first line after it in brackets. */
function yamlMessage(code: string, original: string, organisation: boolean): { message: string; messageEn: string } {
  const say = (t: YamlTexts) =>
    original.includes("Nested mappings are not allowed in compact mappings")
      ? t.colonInText
      : original.includes("Sequence item without - indicator")
        ? t.itemIndent
        : (YAML_MESSAGES[code]?.(t, organisation) ?? t.other);
  const firstLine = original.split("\n")[0] ?? "";
  return { message: `${say(de.yaml)} (YAML: ${firstLine})`, messageEn: `${say(en.yaml)} (YAML: ${firstLine})` };
}

/** The plain value at `path` in parsed YAML data (undefined when absent). */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** A value as quoted in an error message: strings in quotes, other values described. */
export function showValue(value: unknown, locale: "de" | "en" = "de"): string {
  return typeof value === "string" ? `"${value}"` : describeValue(value, locale);
}

/** What kind of value was found ("eine Liste", "die Zahl 3" …; "a list", "the number 3" …). */
export function describeValue(value: unknown, locale: "de" | "en" = "de"): string {
  const t = (locale === "en" ? en : de).config.value;
  if (value === null) return t.empty;
  if (Array.isArray(value)) return t.list;
  if (typeof value === "string") return t.text(value);
  if (typeof value === "boolean") return t.boolean(String(value));
  if (typeof value === "number") return t.number(String(value));
  if (typeof value === "object") return t.section;
  return String(value);
}
