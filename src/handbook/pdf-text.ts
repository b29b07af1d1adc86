/**
 * The PDF uses the built-in Helvetica, which only has glyphs for Windows-1252 (WinAnsi): Latin-1 including
 * ä ö ü ß, plus € „ “ ” ‚ ‘ ’ – — … • ‹ › and a few more. Everything else is replaced by a plain equivalent or
 * dropped (emoji), so the printout never shows empty boxes or garbage.
 */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

const REPLACEMENTS: Record<string, string> = {
  "→": "->",
  "←": "<-",
  "⇒": "=>",
  "↔": "<->",
  "≤": "<=",
  "≥": ">=",
  "≈": "ca.",
  "≠": "!=",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "‒": "-",
  "✓": "x",
  "✔": "x",
  "✅": "x",
  "✗": "x",
  "❌": "x",
  "⚠": "!",
  "\u2009": " ",
  "\u202f": " ",
  "\u2007": " ",
  "\u200b": "",
  "\u200d": "",
  "\ufe0f": "",
  "\t": "  ",
};

/** True if Helvetica (WinAnsi) can draw this character. */
export function winAnsi(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch) || ch === "\n";
}

/** Text the standard PDF fonts can draw: known symbols replaced, other unsupported characters (emoji) removed. */
export function pdfText(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    if (winAnsi(ch)) out += ch;
    else if (ch in REPLACEMENTS) out += REPLACEMENTS[ch];
    else if (ch === "\r") continue;
  }
  return out.replace(/ {2,}/g, " ");
}
