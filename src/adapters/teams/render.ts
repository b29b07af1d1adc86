import { type Block, type ButtonSpec, blocksToPlain, escapeMd, mapMentions, type Outbound, type TaskItem } from "../../core/message.ts";
import { plainRun, type TextRun, textRuns } from "./inline.ts";
import { ACTION_VERB } from "./parse.ts";

/** Adaptive Card version: Universal Actions (`Action.Execute`) need 1.4+, Teams documents 1.5. */
export const CARD_VERSION = "1.5";
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

type Element = Record<string, unknown>;

/** An Adaptive Card as JSON. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  fallbackText: string;
  body: Element[];
  msteams: { width: "Full"; entities?: MentionEntity[] };
}

/** A Teams mention: the card's text holds `text` (`<at>Name</at>`), Teams shows a pill and notifies `mentioned`. */
export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/** The message activity posted to the Bot Connector (without routing fields). */
export interface CardActivity {
  type: "message";
  summary: string;
  attachments: { contentType: typeof CARD_CONTENT_TYPE; content: AdaptiveCard }[];
}

export interface RenderOptions {
  /** Display name of `visibleTo`: Teams channels have no ephemeral messages, so the message is addressed by name. */
  personName?: string;
}

const DRILL_DE = "ÜBUNG – kein echter Notfall";
const DRILL_EN = "DRILL – not a real emergency";

/** Incident id carried by buttons (`i`), taken from the core's message key (`NF-2026-0007/…`). */
export function incidentIdOf(key: string): string | undefined {
  return /^[A-Z]{1,10}-\d{4}-\d{1,9}(?=\/|$)/.exec(key)?.[0];
}

/** Render one Outbound as a Teams message with one Adaptive Card and a plain-text fallback. */
export function renderActivity(message: Outbound, opts: RenderOptions = {}): CardActivity {
  const card = renderCard(message, opts);
  const first = card.fallbackText.split("\n").find((l) => l.trim()) ?? "";
  return {
    type: "message",
    summary: first.length > 200 ? `${first.slice(0, 199)}…` : first,
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  };
}

export function renderCard(message: Outbound, opts: RenderOptions = {}): AdaptiveCard {
  const incidentId = message.incidentId ?? incidentIdOf(message.key);
  const body: Element[] = [];
  const prefix: string[] = [];
  if (message.drill) {
    body.push({
      type: "Container",
      style: "warning",
      items: [rich([plainRun(`⚠️ ${DRILL_DE} / ${DRILL_EN}`, { weight: "Bolder", color: "Warning" })])],
    });
    prefix.push(`${DRILL_DE} / ${DRILL_EN}`);
  }
  const person = message.visibleTo ? (opts.personName ?? message.visibleTo) : undefined;
  if (person) {
    body.push(rich([plainRun(`Für ${person} / for ${person}:`, { weight: "Bolder", color: "Accent" })]));
    prefix.push(`Für ${person} / for ${person}:`);
  }
  // People mentioned on purpose: inline as their name (RichTextBlock runs are never Markdown), and one line of Teams
  // mentions (`<at>Name</at>` in a TextBlock, the only element Teams mentions work in) that notifies them.
  const mentions = (message.mentions ?? []).map((m) => ({ id: m.id, name: oneLine(m.name).replace(/[<>]/g, "") || m.id }));
  const named = new Map(mentions.map((m) => [m.id, m.name]));
  const blocks = mentions.length ? mapMentions(message.blocks, (id) => escapeMd(`@${named.get(id) ?? id}`)) : message.blocks;
  let separateNext = false;
  for (const block of blocks) {
    if (block.type === "divider") {
      separateNext = true;
      continue;
    }
    const els = renderBlock(block, incidentId);
    if (separateNext && els[0]) els[0] = { ...els[0], separator: true, spacing: "Medium" };
    separateNext = false;
    body.push(...els);
  }
  if (message.blocks.length === 0) body.push(...paragraph(message.text));
  if (mentions.length)
    body.push({
      type: "TextBlock",
      wrap: true,
      size: "Small",
      spacing: "Small",
      text: `🔔 ${mentions.map((m) => `<at>${m.name}</at>`).join(" ")}`,
    });
  const text = message.text.trim() ? message.text : blocksToPlain(message.blocks);
  const entities: MentionEntity[] = mentions.map((m) => ({
    type: "mention",
    text: `<at>${m.name}</at>`,
    mentioned: { id: m.id, name: m.name },
  }));
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    fallbackText: [...prefix, text].join("\n"),
    body,
    msteams: entities.length ? { width: "Full", entities } : { width: "Full" },
  };
}

function renderBlock(b: Block, incidentId: string | undefined): Element[] {
  switch (b.type) {
    case "heading":
      return [rich(textRuns(oneLine(b.text), { weight: "Bolder", size: "Large" }))];
    case "paragraph":
      return paragraph(b.text);
    case "facts":
      return b.facts.map((f, i) =>
        rich([plainRun(`${oneLine(f.label)}: `, { weight: "Bolder" }), ...textRuns(oneLine(f.value))], i === 0 ? "Medium" : "None"),
      );
    case "tasks":
      return [
        ...(b.title ? [rich(textRuns(oneLine(b.title), { weight: "Bolder", size: "Medium" }), "Medium")] : []),
        ...b.items.map((t, i) => task(t, incidentId, i > 0)),
      ];
    case "buttons":
      return buttonRows(b.buttons).map((row) => actionSet(row, incidentId));
    case "template":
      return [
        rich([plainRun(oneLine(b.title), { weight: "Bolder" })], "Medium"),
        {
          type: "CodeBlock",
          codeSnippet: b.body,
          language: "PlainText",
          // Clients without CodeBlock: one monospace TextRun per line (still never Markdown).
          fallback: { type: "Container", items: lines(b.body).map((l) => rich([plainRun(l || " ", { fontType: "Monospace" })], "None")) },
        },
      ];
    case "context":
      return [rich(textRuns(oneLine(b.text), { isSubtle: true, size: "Small" }), "Small")];
    case "divider":
      return [];
  }
}

const MARK: Record<TaskItem["state"], string> = { offen: "⬜", bestätigt: "🔷", erledigt: "✅", übersprungen: "⏭️" };

function task(t: TaskItem, incidentId: string | undefined, separator: boolean): Element {
  const done = t.state === "erledigt" || t.state === "übersprungen";
  const runs: TextRun[] = [plainRun(`${MARK[t.state]} ${t.nr}. `, { weight: "Bolder" })];
  if (t.critical) runs.push(plainRun("(!) ", { weight: "Bolder", color: "Attention" }));
  runs.push(...textRuns(oneLine(t.text), done ? { strikethrough: true } : {}));
  if (t.stateLabel) runs.push(plainRun(" – ", { isSubtle: true }), ...textRuns(oneLine(t.stateLabel), { isSubtle: true }));
  const items: Element[] = [rich(runs, "None")];
  if (t.why) items.push(rich(textRuns(oneLine(t.why), { isSubtle: true, size: "Small", italic: true }), "None"));
  for (const row of buttonRows(t.actions)) items.push(actionSet(row, incidentId));
  return { type: "Container", items, spacing: "Small", separator };
}

/** `Action.Execute` (Universal Actions) with an `Action.Submit` fallback for older clients; both carry `{c, i}`. */
function actionSet(buttons: ButtonSpec[], incidentId: string | undefined): Element {
  return {
    type: "ActionSet",
    actions: buttons.map((b) => {
      const data = incidentId ? { c: b.command, i: incidentId } : { c: b.command };
      const style = b.style === "primary" ? { style: "positive" } : b.style === "danger" ? { style: "destructive" } : {};
      const title = oneLine(b.label);
      return {
        type: "Action.Execute",
        title,
        verb: ACTION_VERB,
        data,
        ...style,
        fallback: { type: "Action.Submit", title, data, ...style },
      };
    }),
  };
}

function paragraph(text: string): Element[] {
  const out: Element[] = [];
  let gap = false;
  for (const l of lines(text)) {
    if (!l.trim()) {
      gap = true;
      continue;
    }
    out.push(rich(textRuns(l), out.length === 0 || gap ? "Medium" : "None"));
    gap = false;
  }
  return out;
}

function rich(inlines: TextRun[], spacing?: "None" | "Small" | "Medium"): Element {
  return { type: "RichTextBlock", inlines: inlines.length ? inlines : [plainRun(" ")], ...(spacing ? { spacing } : {}) };
}

/** Characters of button titles (plus padding) that fit one row on a phone (~300 px of card width at ~7 px each). */
const ROW_CHARS = 40;
/** Teams shows at most 6 actions per set and hides the rest in an overflow menu. */
const ROW_MAX = 6;

/**
 * Buttons in rows that fit a narrow client: Teams lays an ActionSet out in one line and cuts off what does not fit
 * (checked at 320 px: six `7: nein` answers or two template titles overflow). Greedy, order kept.
 */
function buttonRows(buttons: ButtonSpec[]): ButtonSpec[][] {
  const rows: ButtonSpec[][] = [];
  let row: ButtonSpec[] = [];
  let used = 0;
  for (const b of buttons) {
    const w = oneLine(b.label).length + 4;
    if (row.length && (used + w > ROW_CHARS || row.length === ROW_MAX)) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(b);
    used += w;
  }
  if (row.length) rows.push(row);
  return rows;
}

function lines(s: string): string[] {
  return s.replace(/\r\n?/g, "\n").split("\n");
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ");
}
