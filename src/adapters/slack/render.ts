import type { types } from "@slack/bolt";
import { type Block, type ButtonSpec, type Outbound, stripMd, type TaskItem } from "../../core/message.ts";
import { incidentIdFromKey } from "./ids.ts";

type KnownBlock = types.KnownBlock;
type SlackButton = types.Button;

/** Block Kit limits we render within (https://docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  elementsPerActions: 25,
  contextText: 3000,
  fallbackText: 3000,
} as const;

/** What `chat.postMessage` / `chat.update` / `chat.postEphemeral` get. */
export interface SlackMessage {
  /** Plain-text fallback (notifications, screen readers), escaped for Slack. */
  text: string;
  blocks: KnownBlock[];
}

/** What a button carries back in its `value` (JSON). */
export interface ButtonValue {
  /** The command, e.g. `erledigt 3`. */
  c: string;
  /** Incident id, when the message belongs to one. */
  i?: string;
}

/** Prefix of every action_id we render (listeners match it). */
export const ACTION_PREFIX = "nf_";

const DRILL_BANNER = ":rotating_light: *ÜBUNG* – kein echter Notfall. _Drill, not a real incident._";
const DRILL_TEXT_PREFIX = "🚨 ÜBUNG / DRILL: ";
const ELLIPSIS = "…";

/** Escape text for Slack's formatted text: `&`, `<`, `>` per https://docs.slack.dev/messaging/formatting-message-text#escaping. */
export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/**
 * Convert our Markdown subset (`**bold**`, `_italic_`, `` `code` ``, backslash escapes from escapeMd, `<@U…>` mentions)
 * to Slack mrkdwn. User text (escaped by escapeMd) can never produce a link, mention or broadcast (`<!channel>`),
 * because every `<`, `>` and `&` that is not an unescaped core mention becomes an entity.
 */
export function mdToMrkdwn(md: string): string {
  let out = "";
  const re = /\\([\\`*_[\]<>|~])|<@([UW][A-Z0-9]{2,})>|\*\*|[&<>]/g;
  let last = 0;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    out += md.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] !== undefined) out += escapeSlack(m[1]);
    else if (m[2] !== undefined) out += `<@${m[2]}>`;
    else if (m[0] === "**") out += "*";
    else out += escapeSlack(m[0]);
  }
  return out + md.slice(last);
}

/** Cut `s` to at most `max` characters, never inside an entity (`&amp;`) or a mention, marking the cut with `…`. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${safeCut(s, max - 1)}${ELLIPSIS}`;
}

/** Longest prefix of `s` with length ≤ max that does not end inside `&…;` or `<@…>`. */
function safeCut(s: string, max: number): string {
  let cut = Math.min(max, s.length);
  const amp = s.lastIndexOf("&", cut - 1);
  if (amp >= 0 && amp > cut - 6) {
    const semi = s.indexOf(";", amp);
    if (semi >= cut) cut = amp;
  }
  const lt = s.lastIndexOf("<", cut - 1);
  if (lt >= 0) {
    const gt = s.indexOf(">", lt);
    if (gt >= cut) cut = lt;
  }
  return s.slice(0, cut);
}

/** Split long text into chunks ≤ max, preferring line breaks, then spaces; never inside an entity or mention. */
export function chunk(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    const window = safeCut(rest, max);
    let at = window.lastIndexOf("\n");
    if (at < max / 2) at = window.lastIndexOf(" ");
    if (at < max / 2) at = window.length;
    if (at <= 0) at = Math.min(max, rest.length);
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/**
 * A mrkdwn text object that Slack takes as written: `verbatim: true` turns off Slack's automatic parsing of the plain
 * text (URLs to links, `#channel` names, and mentions such as `@channel` typed by a person, which would otherwise
 * broadcast); escaped entities and the core's explicit `<@U…>` still work
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
export function mrkdwn(text: string): types.MrkdwnElement {
  return { type: "mrkdwn", text, verbatim: true };
}

function mrkdwnSection(text: string): types.SectionBlock {
  return { type: "section", text: mrkdwn(text.length > 0 ? text : " ") };
}

function sections(mrkdwn: string): types.SectionBlock[] {
  return chunk(mrkdwn, LIMITS.sectionText).map(mrkdwnSection);
}

const STATE_ICON: Record<TaskItem["state"], string> = { offen: "⬜", bestätigt: "👀", erledigt: "✅", übersprungen: "⏭️" };

function taskLine(t: TaskItem): string {
  const crit = t.critical ? "❗ " : "";
  const label = t.stateLabel ? ` – _${mdToMrkdwn(t.stateLabel)}_` : "";
  let line = `${STATE_ICON[t.state]} *${t.nr}.* ${crit}${mdToMrkdwn(t.text)}${label}`;
  if (t.why) line += `\n>${mdToMrkdwn(t.why).replace(/\n/g, "\n>")}`;
  return line;
}

/** Builds buttons with unique action ids within one message. */
class ButtonFactory {
  private n = 0;
  private readonly incidentId: string | undefined;
  constructor(incidentId: string | undefined) {
    this.incidentId = incidentId;
  }
  make(spec: ButtonSpec, label = spec.label): SlackButton | undefined {
    const value: ButtonValue = this.incidentId ? { c: spec.command, i: this.incidentId } : { c: spec.command };
    const json = JSON.stringify(value);
    if (json.length > LIMITS.buttonValue) return undefined; // a command this long is a bug; the text still says what to type
    const b: SlackButton = {
      type: "button",
      action_id: `${ACTION_PREFIX}${this.n++}`,
      text: { type: "plain_text", text: truncate(label, LIMITS.buttonText), emoji: true },
      value: json,
    };
    if (spec.style) b.style = spec.style;
    return b;
  }
}

function actionsBlocks(buttons: (SlackButton | undefined)[]): types.ActionsBlock[] {
  const ok = buttons.filter((b): b is SlackButton => b !== undefined);
  const out: types.ActionsBlock[] = [];
  for (let i = 0; i < ok.length; i += LIMITS.elementsPerActions)
    out.push({ type: "actions", elements: ok.slice(i, i + LIMITS.elementsPerActions) });
  return out;
}

type Mode = "full" | "compact";

function renderBlock(b: Block, f: ButtonFactory, mode: Mode): KnownBlock[] {
  switch (b.type) {
    case "heading":
      return [{ type: "header", text: { type: "plain_text", text: truncate(stripMd(b.text) || " ", LIMITS.headerText), emoji: true } }];
    case "paragraph":
      return sections(mdToMrkdwn(b.text));
    case "facts": {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.facts.length; i += LIMITS.fieldsPerSection) {
        const fields = b.facts
          .slice(i, i + LIMITS.fieldsPerSection)
          .map((x) => mrkdwn(truncate(`*${escapeSlack(x.label)}:*\n${mdToMrkdwn(x.value) || "–"}`, LIMITS.fieldText)));
        out.push({ type: "section", fields });
      }
      return out;
    }
    case "tasks": {
      const out: KnownBlock[] = [];
      if (b.title) out.push(mrkdwnSection(truncate(`*${mdToMrkdwn(b.title)}*`, LIMITS.sectionText)));
      if (mode === "compact") {
        out.push(...sections(b.items.map(taskLine).join("\n")));
        out.push(...actionsBlocks(b.items.flatMap((t) => t.actions.map((a) => f.make(a, `${t.nr}: ${a.label}`)))));
        return out;
      }
      for (const t of b.items) {
        const text = truncate(taskLine(t), LIMITS.sectionText);
        const [only, ...more] = t.actions;
        if (only && more.length === 0) {
          const btn = f.make(only);
          out.push(btn ? { ...mrkdwnSection(text), accessory: btn } : mrkdwnSection(text));
        } else {
          out.push(mrkdwnSection(text));
          out.push(...actionsBlocks(t.actions.map((a) => f.make(a))));
        }
      }
      return out;
    }
    case "buttons":
      return actionsBlocks(b.buttons.map((x) => f.make(x)));
    case "template": {
      const pieces = chunk(b.body.length > 0 ? b.body : " ", LIMITS.sectionText);
      return [
        mrkdwnSection(truncate(`:clipboard: *${escapeSlack(b.title)}* – _zum Kopieren / copy_`, LIMITS.sectionText)),
        {
          type: "rich_text",
          elements: pieces.map((p) => ({ type: "rich_text_preformatted" as const, elements: [{ type: "text" as const, text: p }] })),
        },
      ];
    }
    case "context":
      return [{ type: "context", elements: [mrkdwn(truncate(mdToMrkdwn(b.text) || " ", LIMITS.contextText))] }];
    case "divider":
      return [{ type: "divider" }];
  }
}

const DRILL_MARK = /ÜBUNG|DRILL/;

/** The core may already open a drill message with its own marker (heading or context); then ours is not repeated. */
function startsWithDrillMark(blocks: Block[]): boolean {
  const first = blocks[0];
  return (first?.type === "heading" || first?.type === "context") && DRILL_MARK.test(first.text);
}

function renderAll(msg: Outbound, mode: Mode): KnownBlock[] {
  const f = new ButtonFactory(msg.incidentId ?? incidentIdFromKey(msg.key));
  const out: KnownBlock[] = [];
  if (msg.drill && !startsWithDrillMark(msg.blocks)) out.push({ type: "context", elements: [mrkdwn(DRILL_BANNER)] });
  for (const b of msg.blocks) out.push(...renderBlock(b, f, mode));
  return out;
}

/**
 * Render an {@link Outbound} as Block Kit plus a plain-text fallback. Pure. Stays within Block Kit limits:
 * long text is split, more than 50 blocks first become compact task lists, then the message is cut with a hint.
 */
export function renderSlack(msg: Outbound): SlackMessage {
  let blocks = renderAll(msg, "full");
  if (blocks.length > LIMITS.blocks) blocks = renderAll(msg, "compact");
  if (blocks.length > LIMITS.blocks) {
    blocks = blocks.slice(0, LIMITS.blocks - 1);
    blocks.push({
      type: "context",
      elements: [mrkdwn("… gekürzt. Alles sehen: `/notfall status` · _Shortened; type `/notfall status` for everything._")],
    });
  }
  const plain = (msg.drill && !DRILL_MARK.test(msg.text.slice(0, 80)) ? DRILL_TEXT_PREFIX : "") + msg.text;
  // every `&<>` an entity: the plain text has lost the escapes that tell the core's own markup from what people typed,
  // so a `<@U…>` quoted from a description would otherwise ping that person again (the fallback is the notification)
  return { text: truncate(escapeSlack(plain), LIMITS.fallbackText), blocks };
}

/** Read a button value back; undefined when it is not one of ours. */
export function parseButtonValue(value: string | undefined): ButtonValue | undefined {
  if (!value) return undefined;
  try {
    const v = JSON.parse(value) as unknown;
    if (typeof v !== "object" || v === null) return undefined;
    const { c, i } = v as Record<string, unknown>;
    if (typeof c !== "string" || c.length === 0) return undefined;
    return typeof i === "string" && i.length > 0 ? { c, i } : { c };
  } catch {
    return undefined;
  }
}
