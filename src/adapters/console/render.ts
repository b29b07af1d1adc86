import type { Block, Outbound } from "../../core/message.ts";
import { stripMd } from "../../core/message.ts";

export interface ConsoleStyle {
  color: boolean;
}

const C = { dim: "\x1b[2m", bold: "\x1b[1m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", cyan: "\x1b[36m", reset: "\x1b[0m" };

/**
 * Render a message for a terminal. Thread messages are indented with a bar so the bot's thread stands
 * apart from what people type; colours only when writing to a terminal.
 */
export function renderConsole(msg: Outbound, style: ConsoleStyle): string {
  const c = (code: keyof typeof C, s: string) => (style.color ? `${C[code]}${s}${C.reset}` : s);
  const lines: string[] = [];
  const push = (s: string) => {
    for (const l of s.split("\n")) lines.push(l);
  };
  for (const b of msg.blocks) renderBlock(b, push, c);
  const bar = msg.thread ? c("cyan", "  │ ") : c("cyan", "▌ ");
  const who = msg.visibleTo ? `${c("dim", `(nur für ${msg.visibleTo})`)} ` : "";
  const head = msg.replace ? c("dim", "(aktualisiert) ") : "";
  return `${lines.map((l, i) => `${bar}${i === 0 ? head + who : ""}${l}`).join("\n")}\n`;
}

function renderBlock(b: Block, push: (s: string) => void, c: (code: keyof typeof C, s: string) => string): void {
  switch (b.type) {
    case "heading":
      push(c("bold", stripMd(b.text)));
      break;
    case "paragraph":
      push(stripMd(b.text));
      break;
    case "facts":
      for (const f of b.facts) push(`${c("dim", `${f.label}:`)} ${stripMd(f.value)}`);
      break;
    case "tasks":
      if (b.title) push(c("bold", stripMd(b.title)));
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
        push(`${mark} ${String(t.nr).padStart(2)}. ${crit}${stripMd(t.text)}${t.stateLabel ? c("dim", ` (${t.stateLabel})`) : ""}`);
        if (t.why && t.state === "offen") push(c("dim", `        ↳ ${stripMd(t.why)}`));
      }
      break;
    case "buttons":
      push(c("dim", b.buttons.map((x) => `[${x.label} → ${x.command}]`).join("  ")));
      break;
    case "template":
      push(c("bold", `┌─ ${b.title}`));
      for (const l of b.body.split("\n")) push(`│ ${l}`);
      push("└─");
      break;
    case "context":
      push(c("dim", stripMd(b.text)));
      break;
    case "divider":
      push(c("dim", "─".repeat(40)));
      break;
  }
}
