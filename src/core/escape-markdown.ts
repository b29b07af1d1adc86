/**
 * User text inside a Markdown document of ours (the incident export, later a printed report): whatever a person
 * typed must read as exactly what they typed and never as the document's own structure. Pure.
 */

/** Characters that make inline or block structure anywhere in CommonMark / GitHub Flavored Markdown. */
const ALWAYS = /[\\`*_[\]<>|~#$&!@]/g;

/**
 * Escape `s` so that, placed anywhere on a line of a CommonMark / GFM document (after a list marker, in a table cell,
 * in a heading, or at the start of a line), it renders as literal text on that one line:
 * - line breaks become `<br>` (the text never starts a line of its own, so it cannot open a heading, quote, list,
 *   table, code block or HTML block);
 * - every character with a meaning (`\ ` * _ [ ] < > | ~ # $ & ! @`) is backslash-escaped: no emphasis, code, link,
 *   image, raw HTML, entity, table cell, footnote, math or e-mail link;
 * - automatic links are broken: the `:` and `/` of `scheme://` and a `.` between a letter or digit and a letter
 *   (`www.x.de`, `praxis.de`) are escaped, so neither GFM's nor linkify's URL detection sees a link;
 * - at the very start: leading blanks are dropped and a list or heading marker (`-`, `+`, `=`, `1.`, `1)`) escaped.
 */
export function escapeMarkdown(s: string): string {
  const lines = s.split(/\r\n|\r|\n/).map((line) =>
    line
      .replace(ALWAYS, "\\$&")
      .replace(/([A-Za-z][A-Za-z0-9+.-]*):\/\//g, "$1\\:\\/\\/")
      .replace(/(?<=[\p{L}\p{N}])\.(?=\p{L})/gu, "\\."),
  );
  const out = lines.join("<br>").replace(/^[ \t]+/, "");
  return out.replace(/^[-+=]/, "\\$&").replace(/^(\d+)([.)])/, "$1\\$2");
}
