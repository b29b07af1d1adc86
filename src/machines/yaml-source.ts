import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import type { PlaybookIssue } from "./playbook-error.ts";

/** A path into parsed YAML data, as zod reports it: `["tasks", 3, "role"]`. */
export type FieldPath = readonly PropertyKey[];

/** One YAML file parsed with source positions, so problems can be traced back to a line. */
export interface YamlSource {
  /** Display path (see {@link displayPath}). */
  file: string;
  doc: Document;
  lines: LineCounter;
  /** Plain data (`undefined` when the file had syntax errors). */
  data: unknown;
  /** YAML syntax problems, already in German. */
  syntaxIssues: PlaybookIssue[];
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
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "Datei nicht gefunden" : String(err);
    const lines = new LineCounter();
    return {
      file,
      doc: parseDocument("", { lineCounter: lines }),
      lines,
      data: undefined,
      syntaxIssues: [{ file, line: 1, field: "", message: reason }],
    };
  }
  return parseYamlSource(text, file);
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
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
      message: yamlMessage(err.code, err.message),
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
        message: yamlMessage(unresolved === undefined ? "RESOURCE_EXHAUSTION" : "BAD_ALIAS", err.message),
      });
    }
  }
  return src;
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

/** The message for an alias (`*name`) whose anchor (`&name`) is not in the file. */
export const UNKNOWN_ANCHOR = "Verweis (*name) auf einen Anker, den es nicht gibt.";

const YAML_MESSAGES: Partial<Record<string, string>> = {
  BAD_INDENT: "Einrückung stimmt nicht. Felder auf derselben Ebene brauchen gleich viele Leerzeichen am Zeilenanfang.",
  TAB_AS_INDENT: "Tabulator zum Einrücken. Bitte nur Leerzeichen verwenden.",
  DUPLICATE_KEY: "Dieses Feld steht doppelt im selben Abschnitt. Bitte eines davon löschen.",
  MISSING_CHAR: "Es fehlt ein Zeichen, z. B. ein schließendes Anführungszeichen oder eine Klammer.",
  MULTILINE_IMPLICIT_KEY:
    'Diese Zeile wurde mit der nächsten zusammengezogen. Meist ist die nächste Zeile zu weit eingerückt, oder ein Text enthält ": " ohne Anführungszeichen.',
  BLOCK_AS_IMPLICIT_KEY: "Hier steht ein Block, wo ein Feldname erwartet wird. Fehlt ein Doppelpunkt?",
  UNEXPECTED_TOKEN: "Unerwartetes Zeichen. Texte mit Doppelpunkt, # oder Anführungszeichen bitte in Anführungszeichen setzen.",
  BAD_SCALAR_START: "Ein Text darf nicht mit diesem Zeichen beginnen. Bitte den Text in Anführungszeichen setzen.",
  BAD_DQ_ESCAPE: "Ungültiges Steuerzeichen (\\) in Text mit doppelten Anführungszeichen.",
  MULTIPLE_DOCS: "Mehrere YAML-Dokumente (---) in einer Datei. Eine Datei enthält genau ein Playbook.",
  BAD_ALIAS: UNKNOWN_ANCHOR,
  RESOURCE_EXHAUSTION: "Zu viele Verweise (*name) auf Anker (&name). Bitte die Inhalte direkt hinschreiben.",
};

function yamlMessage(code: string, original: string): string {
  const german = original.includes("Nested mappings are not allowed in compact mappings")
    ? 'Ein Text enthält ": " (Doppelpunkt mit Leerzeichen). Bitte den ganzen Text in Anführungszeichen setzen.'
    : original.includes("Sequence item without - indicator")
      ? 'Diese Zeile ist anders eingerückt als die Felder darüber. Felder eines Eintrags stehen genau untereinander; ein neuer Eintrag beginnt mit "- ".'
      : (YAML_MESSAGES[code] ?? "YAML-Syntaxfehler.");
  const firstLine = original.split("\n")[0] ?? "";
  return `${german} (YAML: ${firstLine})`;
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

/** A value as quoted in a German error message: strings in quotes, other values described. */
export function showValue(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : describeValue(value);
}

/** What kind of value was found, in German ("eine Liste", "die Zahl 3" …). */
export function describeValue(value: unknown): string {
  if (value === null) return "einen leeren Wert";
  if (Array.isArray(value)) return "eine Liste";
  if (typeof value === "string") return `den Text "${value}"`;
  if (typeof value === "boolean") return `den Wahrheitswert ${value}`;
  if (typeof value === "number") return `die Zahl ${value}`;
  if (typeof value === "object") return "einen Abschnitt mit Feldern";
  return String(value);
}
