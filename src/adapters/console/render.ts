import { stripVTControlCharacters } from "node:util";
import wrapAnsi from "wrap-ansi";
import type { Block, Outbound } from "../../core/message.ts";
import { escapeMd, mapMentions, stripMd } from "../../core/message.ts";
import { consoleTexts } from "./texts.ts";

export interface ConsoleStyle {
  color: boolean;
  /**
   * Width of the terminal in columns. Lines are wrapped at word boundaries to fit, keeping the thread bar and the
   * indentation of list items; a single word longer than the line (a URL, an id) runs over rather than being cut.
   * Undefined: no wrapping (output read by a program).
   */
  width?: number;
  /** Language of the terminal's own words ("(aktualisiert)", "(nur für …)"). Default German. */
  locale?: "de" | "en";
}

const C = { dim: "\x1b[2m", bold: "\x1b[1m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", cyan: "\x1b[36m", reset: "\x1b[0m" };
type Tint = keyof typeof C;
type Paint = (code: Tint, s: string) => string;

/** Text is never squeezed narrower than this, however small the terminal: a few words per line stay readable. */
const MIN_TEXT_WIDTH = 20;

/**
 * Indentation and a list marker at the start of a line (`• `, `- `, `3. `, `2 · `, `L2. `): continuation rows are indented to
 * the text after it, so a wrapped list item stays readable as one item.
 */
const LEAD = /^\s*(?:(?:[•\-–*]|\d{1,3}[.)]|\d{1,3} ·|L\d{1,3}\.)\s+)?(?=\S)/;

/** Joins words that must not be split over two rows; turned back into a plain space after wrapping. */
const NBSP = "\u00A0";

/**
 * Plain text of a Markdown line, with the spaces that must not break marked: inside a command (`antwort 1 heute 8:30`
 * stays on one row, so it can be read and typed as shown) and a short emphasis (_noch offen_), in "z. B.", "§ 33",
 * "72 h", after "→" and before "–".
 */
function plain(md: string): string {
  return stripMd(
    md
      .replace(/`[^`]*`/g, (code) => code.replace(/ /g, NBSP))
      .replace(/(^|\W)_([^_]{1,24})_(?=\W|$)/g, (_m, pre: string, inner: string) => `${pre}_${inner.replace(/ /g, NBSP)}_`)
      .replace(/\b([zdus])\. ([BhaU])\./g, `$1.${NBSP}$2.`)
      .replace(/(§|\bArt\.|\bNr\.) (?=\d)/g, `$1${NBSP}`)
      .replace(/(\d) (?=(?:h|min|Uhr|Std\.|Tage?|Stunden?|Minuten?|Wochen?|Monate?|Euro)\b)/g, `$1${NBSP}`)
      .replace(/→ /g, `→${NBSP}`)
      .replace(/ – /g, `${NBSP}– `),
  );
}

/** One logical line before wrapping. */
interface Line {
  text: string;
  /** Printed before the first row (may carry colour); continuation rows get `rest` instead. */
  first?: string;
  rest?: string;
  tint?: Tint;
}

/**
 * Render a message for a terminal. Thread messages are indented with a bar so the bot's thread stands
 * apart from what people type; colours only when writing to a terminal; wrapped to `style.width`.
 */
export function renderConsole(msg: Outbound, style: ConsoleStyle): string {
  const paint: Paint = (code, s) => (style.color ? `${C[code]}${s}${C.reset}` : s);
  const lines: Line[] = [];
  // a terminal notifies nobody: a mention is the person's name
  const names = new Map((msg.mentions ?? []).map((m) => [m.id, m.name]));
  const blocks = names.size ? mapMentions(msg.blocks, (id) => escapeMd(`@${names.get(id) ?? id}`)) : msg.blocks;
  for (const b of blocks) renderBlock(b, lines, paint);
  const words = consoleTexts(style.locale);
  const who = msg.visibleTo ? `${paint("dim", words.onlyFor(msg.visibleTo))} ` : "";
  const head = msg.replace ? paint("dim", `${words.updated} `) : "";
  if (head || who) {
    const top = lines[0];
    if (top && !top.first) lines[0] = { ...top, text: head + who + (top.tint ? paint(top.tint, top.text) : top.text), tint: undefined };
    else lines.unshift({ text: (head + who).trimEnd() });
  }
  const bar = msg.thread ? "  │ " : "▌ ";
  return layout(lines, paint("cyan", bar), bar.length, style, paint);
}

/** How a notice looks: a colour, a marker before each paragraph, and whether its text is Markdown (`commands`). */
export interface NoticeLook {
  tint?: Tint;
  marker?: string;
  markdown?: boolean;
}

/**
 * A notice from the terminal program itself (not a chat message): no thread bar, wrapped like the messages.
 * Each entry of `paragraphs` starts on a new line.
 */
export function renderNotice(paragraphs: readonly string[], style: ConsoleStyle, look: NoticeLook = {}): string {
  const paint: Paint = (code, s) => (style.color ? `${C[code]}${s}${C.reset}` : s);
  const marker = look.marker ?? "";
  const lines = paragraphs.map((p) => ({
    text: look.markdown ? plain(p) : p,
    first: marker,
    rest: " ".repeat(marker.length),
    ...(look.tint ? { tint: look.tint } : {}),
  }));
  return layout(lines, "", 0, style, paint);
}

function layout(lines: readonly Line[], bar: string, barWidth: number, style: ConsoleStyle, paint: Paint): string {
  const out: string[] = [];
  for (const line of lines) for (const row of wrapLine(line, style.width && style.width - barWidth, paint)) out.push(bar + row);
  return `${out.join("\n")}\n`;
}

/** Wrap one logical line into rows of at most `width` columns (no wrapping when `width` is undefined). */
function wrapLine(line: Line, width: number | undefined, paint: Paint): string[] {
  let first = line.first ?? "";
  let rest = line.rest ?? "";
  let text = line.text;
  const lead = LEAD.exec(text)?.[0];
  if (lead) {
    first += lead;
    rest += " ".repeat(lead.length);
    text = text.slice(lead.length);
  }
  const tinted = line.tint ? paint(line.tint, text) : text;
  if (!width) return [first + tinted.replaceAll(NBSP, " ")];
  const indent = Math.max(visibleWidth(first), visibleWidth(rest));
  const rows = wrapAnsi(tinted, Math.max(MIN_TEXT_WIDTH, width - indent), { hard: false, trim: true }).split("\n");
  return rows.map((row, i) => (i === 0 ? first : rest) + row.replaceAll(NBSP, " "));
}

/** Width of a prefix: they are built from single-width characters (ASCII, box drawing, arrows). */
function visibleWidth(s: string): number {
  return [...stripVTControlCharacters(s)].length;
}

function renderBlock(b: Block, lines: Line[], c: Paint): void {
  const push = (text: string, o: Omit<Line, "text"> = {}) => {
    for (const l of text.split("\n")) lines.push({ text: l, ...o });
  };
  switch (b.type) {
    case "heading":
      push(plain(b.text), { tint: "bold" });
      break;
    case "paragraph":
      push(plain(b.text));
      break;
    case "facts":
      for (const f of b.facts) lines.push({ text: `${c("dim", `${f.label}:`)} ${plain(f.value)}`, rest: "  " });
      break;
    case "tasks":
      if (b.title) push(plain(b.title), { tint: "bold" });
      for (const t of b.items) {
        const mark =
          t.state === "erledigt"
            ? c("green", "[x]")
            : t.state === "bestätigt"
              ? c("yellow", "[~]")
              : t.state === "übersprungen"
                ? c("dim", "[-]")
                : "[ ]";
        const crit = t.critical ? c("red", "! ") : "";
        const nr = `${mark} ${String(t.nr).padStart(2)}. `;
        lines.push({
          text: `${crit}${plain(t.text)}${t.stateLabel ? c("dim", ` (${plain(t.stateLabel)})`) : ""}`,
          first: nr,
          rest: " ".repeat(8),
        });
        if (t.why && t.state === "offen")
          lines.push({ text: plain(t.why), first: c("dim", "        ↳ "), rest: " ".repeat(10), tint: "dim" });
      }
      break;
    case "buttons":
      push(b.buttons.map((x) => `[${x.label} → ${x.command}]`).join("  "), { tint: "dim" });
      break;
    case "template":
      push(`┌─ ${b.title}`, { tint: "bold" });
      for (const l of b.body.split("\n")) lines.push({ text: l, first: "│ ", rest: "│ " });
      push("└─");
      break;
    case "context":
      push(plain(b.text), { tint: "dim" });
      break;
    case "divider":
      push("─".repeat(40), { tint: "dim" });
      break;
  }
}
