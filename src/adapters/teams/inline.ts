/**
 * Our Markdown subset (`**bold**`, `_italic_`, `` `code` ``, backslash escapes from `escapeMd`) turned into
 * Adaptive Card `TextRun`s. TextRuns are never parsed as Markdown by Teams, so user text such as
 * `[x](javascript:…)` or `**` can only ever show up literally: there is nothing to escape and nothing to inject.
 */

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
}

/** Adaptive Card TextRun (schema 1.2+). */
export interface TextRun {
  type: "TextRun";
  text: string;
  weight?: "Bolder";
  italic?: boolean;
  fontType?: "Monospace";
  isSubtle?: boolean;
  size?: "Small" | "Medium" | "Large";
  color?: "Attention" | "Good" | "Warning" | "Accent";
  strikethrough?: boolean;
}

const SPECIALS = "\\`*_[]<>|~";
const PUA = 0xe000;

/** Escaped characters become private-use placeholders so the subset's regexes cannot see them. */
function protect(s: string): string {
  return s.replace(/\\([\\`*_[\]<>|~])/g, (_m, c: string) => String.fromCharCode(PUA + SPECIALS.indexOf(c)));
}

function restore(s: string): string {
  return s.replace(/[\ue000-\ue009]/g, (c) => SPECIALS[c.charCodeAt(0) - PUA]!);
}

const INLINE = /\*\*(.+?)\*\*|`([^`]*)`|(^|[^\p{L}\p{N}_])_(.+?)_(?=[^\p{L}\p{N}_]|$)/gu;

function parseProtected(s: string, base: Omit<Run, "text">): Run[] {
  const out: Run[] = [];
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    const at = m.index ?? 0;
    const lead = m[3] ?? "";
    out.push({ ...base, text: s.slice(last, at) + lead });
    if (m[1] !== undefined) out.push(...parseProtected(m[1], { ...base, bold: true }));
    else if (m[2] !== undefined) out.push({ ...base, code: true, text: m[2] });
    else if (m[4] !== undefined) out.push(...parseProtected(m[4], { ...base, italic: true }));
    last = at + m[0].length;
  }
  if (last < s.length) out.push({ ...base, text: s.slice(last) });
  return out.filter((r) => r.text !== "");
}

/** Parse one line of our Markdown subset into styled runs with all escapes resolved. */
export function parseInline(s: string): Run[] {
  return parseProtected(protect(s), {}).map((r) => ({ ...r, text: restore(r.text) }));
}

/** Runs of one line as TextRuns, with extra styling applied to every run. */
export function textRuns(line: string, extra: Omit<TextRun, "type" | "text"> = {}): TextRun[] {
  return parseInline(line).map((r) => plainRun(r.text, { ...extra, ...styleOf(r) }));
}

export function plainRun(text: string, extra: Omit<TextRun, "type" | "text"> = {}): TextRun {
  return { type: "TextRun", text, ...extra };
}

function styleOf(r: Run): Omit<TextRun, "type" | "text"> {
  return {
    ...(r.bold ? { weight: "Bolder" as const } : {}),
    ...(r.italic ? { italic: true } : {}),
    ...(r.code ? { fontType: "Monospace" as const } : {}),
  };
}
