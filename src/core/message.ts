/**
 * The platform-neutral message model. The core builds these; every adapter renders them
 * natively (Block Kit, Adaptive Cards, Matrix HTML + plain body, terminal text).
 * No platform strings in here: only structure.
 */

/** A button or a per-task action. `command` is exactly what a person could type instead. */
export interface ButtonSpec {
  /** Visible label, already localised. */
  label: string;
  /**
   * The command line this button stands for, without the `/notfall` prefix,
   * e.g. `erledigt 3`, `ok 3`, `rolle koordinator`, `antwort 2 ja`.
   * Adapters send it back as `Inbound.action.command`.
   */
  command: string;
  style?: "primary" | "danger";
}

export type TaskStateName = "offen" | "bestätigt" | "erledigt" | "übersprungen";

export interface TaskItem {
  /** Display number used in commands (`erledigt 3`). */
  nr: number;
  text: string;
  why?: string;
  critical: boolean;
  state: TaskStateName;
  /** Short localised status label in the Markdown subset (names and reasons escaped), e.g. "bestätigt von Anna". */
  stateLabel?: string;
  /** Buttons for this task (empty when done). */
  actions: ButtonSpec[];
}

export type Block =
  | { type: "heading"; text: string }
  /** Paragraph with a small Markdown subset: **bold**, _italic_, `code`, and line breaks. User text inside is already escaped by {@link escapeMd}. */
  | { type: "paragraph"; text: string }
  | { type: "facts"; facts: { label: string; value: string }[] }
  | { type: "tasks"; title?: string; items: TaskItem[] }
  | { type: "buttons"; buttons: ButtonSpec[] }
  /** A ready-to-send text the person copies (communication template). Rendered verbatim (code block / preformatted). */
  | { type: "template"; title: string; body: string }
  /** A small grey context line (time, drill marker, hints). */
  | { type: "context"; text: string }
  | { type: "divider" };

/** Where a message goes. Canonical ids only; the dispatcher resolves keys to platform refs. */
export interface Address {
  /** Canonical channel id, e.g. `slack:T1:C1`, `matrix:!room:hs`, `teams:<tenant>:<conversation id>`, `console:local:main`. */
  channel: string;
  /**
   * Thread root. `ref` is a platform message id (known when the incident was declared by a message);
   * `key` is a core message key whose delivered platform id is the thread root (e.g. the incident's root message).
   * Absent: post at channel level (this message may then become a thread root).
   */
  thread?: { ref?: string; key?: string };
}

export interface Outbound extends Address {
  /** The core's stable message key, e.g. `NF-2026-0001/tasks/sofort/koordinator`. Updates reuse the key. */
  key: string;
  /** The incident this message belongs to (buttons carry it back in `Inbound.action.incidentId`). */
  incidentId?: string;
  /** When set, this message replaces the earlier message with the same key in place (if the adapter can). */
  replace?: boolean;
  /** Platform id of the message being replaced, filled in by the dispatcher from earlier deliveries. */
  replaceRef?: string;
  /** Show only to this actor (ephemeral); adapters without the capability send a normal thread message. */
  visibleTo?: string;
  /** Plain-text fallback: notifications, screen readers, terminals. Always complete on its own. */
  text: string;
  blocks: Block[];
  /**
   * A light acknowledgement instead of a message: this emoji as a reaction on the platform message `ref` (a person's
   * line that was documented). Sent only to adapters with the `reactions` capability; `blocks` hold the emoji as a
   * context line for any renderer that meets one anyway.
   */
  reaction?: { ref: string; emoji: string };
  /** Drill (Übung) messages are marked by every adapter. */
  drill?: boolean;
  /**
   * People the blocks mention on purpose, written as `<@id>` (the platform's own user id), with the name to show.
   * Slack and Matrix render the token natively; Teams needs the name for its mention entity (`<at>Name</at>`); the
   * terminal shows `@Name`. `text` already shows them as `@Name`.
   */
  mentions?: Mention[];
  locale: "de" | "en";
}

/** A person a message mentions on purpose (see {@link Outbound.mentions}). */
export interface Mention {
  /** The platform's own user id, written `<@id>` in the blocks. */
  id: string;
  /** The name to show. */
  name: string;
  /**
   * What to show instead of the mention (our Markdown subset) when the person is not a member of the channel: a
   * mention would not reach them there (emergency plan: the name and the phone number to call). Adapters that can
   * ask the platform who is in the channel use it ({@link withoutMentionsOf}); the others mention as usual.
   */
  absent?: string;
}

/** The plain-text fallback of blocks that mention people: each mention shown as `@Name`. */
export function plainOf(blocks: Block[], mentions: readonly Mention[]): string {
  if (mentions.length === 0) return blocksToPlain(blocks);
  const named = new Map(mentions.map((m) => [m.id, m.name]));
  return blocksToPlain(mapMentions(blocks, (id) => escapeMd(`@${named.get(id) ?? id}`)));
}

/**
 * The message as it must look in a channel where the people `gone` are not members: their mentions replaced by the
 * message's `absent` text (name and phone), no longer listed in `mentions`, the fallback text rebuilt. Mentions
 * without an `absent` text stay. Pure; the message itself is not changed.
 */
export function withoutMentionsOf(msg: Outbound, gone: ReadonlySet<string>): Outbound {
  const out = (msg.mentions ?? []).filter((m) => m.absent !== undefined && gone.has(m.id));
  if (out.length === 0) return msg;
  const instead = new Map(out.map((m) => [m.id, m.absent!]));
  const blocks = mapMentions(msg.blocks, (id) => instead.get(id) ?? `<@${id}>`);
  const mentions = (msg.mentions ?? []).filter((m) => !instead.has(m.id));
  const { mentions: _all, ...rest } = msg;
  return { ...rest, blocks, text: plainOf(blocks, mentions), ...(mentions.length ? { mentions } : {}) };
}

/** The people a message would mention that could be shown by name and phone instead (those with `absent`). */
export function replaceableMentions(msg: Outbound): string[] {
  return (msg.mentions ?? []).filter((m) => m.absent !== undefined).map((m) => m.id);
}

/** Escape user-supplied text for our Markdown subset so it cannot inject formatting. */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** A mention the core writes on purpose: `<@id>` not preceded by a backslash (user text is escaped by {@link escapeMd}). */
export const MENTION = /(?<!\\)<@([^<>\s]{1,200})>/g;

/** The ids mentioned in a text, in order, without repeats. */
export function mentionedIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!))];
}

/** The text with each mention replaced (e.g. by `@Name` for plain text). */
export function replaceMentions(text: string, by: (id: string) => string): string {
  return text.replace(MENTION, (_m, id: string) => by(id));
}

/** Every text of the blocks with mentions replaced (facts, tasks, paragraphs, context lines, headings). */
export function mapMentions(blocks: Block[], by: (id: string) => string): Block[] {
  const r = (s: string) => replaceMentions(s, by);
  return blocks.map((b) => {
    switch (b.type) {
      case "heading":
      case "paragraph":
      case "context":
        return { ...b, text: r(b.text) };
      case "facts":
        return { ...b, facts: b.facts.map((f) => ({ label: f.label, value: r(f.value) })) };
      default:
        return b;
    }
  });
}

/** Remove our Markdown subset markers (for plain-text renderers). */
export function stripMd(s: string): string {
  return s
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/(^|\W)_(.+?)_(?=\W|$)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\\([\\`*_[\]<>|~])/g, "$1");
}

/** Plain text of a whole message, used as `text` fallback and by the terminal. */
export function blocksToPlain(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "heading":
        out.push(stripMd(b.text));
        break;
      case "paragraph":
        out.push(stripMd(b.text));
        break;
      case "facts":
        for (const f of b.facts) out.push(`${f.label}: ${stripMd(f.value)}`);
        break;
      case "tasks":
        if (b.title) out.push(stripMd(b.title));
        for (const t of b.items) {
          const mark = t.state === "erledigt" ? "[x]" : t.state === "bestätigt" ? "[~]" : t.state === "übersprungen" ? "[-]" : "[ ]";
          out.push(`${mark} ${t.nr}. ${t.critical ? "(!) " : ""}${stripMd(t.text)}${t.stateLabel ? ` (${stripMd(t.stateLabel)})` : ""}`);
        }
        break;
      case "buttons":
        out.push(b.buttons.map((x) => `[${x.label}: ${x.command}]`).join("  "));
        break;
      case "template":
        out.push(`--- ${b.title} ---`, b.body, "---");
        break;
      case "context":
        out.push(stripMd(b.text));
        break;
      case "divider":
        out.push("");
        break;
    }
  }
  return out.join("\n");
}
