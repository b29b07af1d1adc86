import { type Block, type ButtonSpec, blocksToPlain, type Outbound, stripMd, type TaskItem } from "../../core/message.ts";
import { USER_ID_SOURCE } from "./ids.ts";

/** The content of an `m.room.message` the bot sends: always `m.notice`, HTML plus a complete plain-text body. */
export interface NoticeContent {
  msgtype: "m.notice";
  body: string;
  format?: "org.matrix.custom.html";
  formatted_body?: string;
  /** Intentional mentions (MSC3952): only the people named on purpose get a notification. */
  "m.mentions": { user_ids?: string[] };
}

/** How to name a person in this room (display name from the member state). */
export type NameOf = (userId: string) => string;

export interface RenderContext {
  nameOf: NameOf;
  /**
   * Whether the message goes into a thread. In a thread a plain reply (`erledigt 3`) is a command;
   * at room level people have to type `!notfall erledigt 3`, so hints show that form.
   */
  inThread: boolean;
}

/** Matrix refuses events above 65 536 bytes; stay well below with the whole event. */
const MAX_CONTENT_BYTES = 60_000;

/** A mention token written on purpose by the core: `<@@anna:example.de>`. */
const MENTION_TOKEN = new RegExp(`<@(${USER_ID_SOURCE})>`, "g");

const STATE_MARK: Record<TaskItem["state"], string> = { offen: "⬜", bestätigt: "⏳", erledigt: "✅", übersprungen: "⏭️" };

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** A matrix.to link for a user: what Matrix clients show as a "pill". */
export function pill(userId: string, name: string): string {
  return `<a href="https://matrix.to/#/${escapeHtml(encodeURIComponent(userId).replace(/%40/g, "@").replace(/%3A/g, ":"))}">${escapeHtml(name)}</a>`;
}

// Private-use characters stand in for escaped characters, mentions and code spans while the rest is converted.
const PH_OPEN = "\uE000";
const PH_CLOSE = "\uE001";
const PH = new RegExp(`${PH_OPEN}(\\d+)${PH_CLOSE}`, "g");

/**
 * Convert our Markdown subset to safe HTML. The text is HTML-escaped first; only then are `**bold**`, `_italic_`,
 * `` `code` ``, backslash escapes (from escapeMd), `<@user>` mentions and line breaks turned into markup.
 * Mentioned user ids are added to `mentioned`.
 */
export function mdToHtml(text: string, nameOf: NameOf, mentioned?: Set<string>): string {
  const held: string[] = [];
  const hold = (html: string) => `${PH_OPEN}${held.push(html) - 1}${PH_CLOSE}`;
  // Hostile input could contain our placeholder characters: drop them.
  let s = text.replace(/[\uE000\uE001]/g, "");
  // 1. Backslash escapes and intended mentions become placeholders (before escaping, they contain `<`).
  s = s.replace(new RegExp(String.raw`\\([\\\`*_[\]<>|~])|<@(${USER_ID_SOURCE})>`, "g"), (_m, esc?: string, user?: string) => {
    if (esc !== undefined) return hold(escapeHtml(esc));
    const id = user!;
    mentioned?.add(id);
    return hold(pill(id, nameOf(id)));
  });
  // 2. Escape HTML first.
  s = escapeHtml(s);
  // 3. Code spans: content verbatim (placeholders inside show their literal character).
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${code}</code>`));
  // 4. Emphasis.
  s = s.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/(^|[^\p{L}\p{N}_])_(.+?)_(?=[^\p{L}\p{N}_]|$)/gu, "$1<em>$2</em>");
  // 5. Line breaks.
  s = s.replace(/\r?\n/g, "<br>");
  // 6. Put the held pieces back (nested placeholders: code containing an escape).
  for (let i = 0; i < 3 && PH.test(s); i++) {
    PH.lastIndex = 0;
    s = s.replace(PH, (_m, n: string) => held[Number(n)] ?? "");
  }
  return s;
}

/** Plain text of a Markdown-subset string with mentions shown as display names. */
function mdToPlain(text: string, nameOf: NameOf): string {
  return plainMentions(stripMd(text), nameOf);
}

function plainMentions(s: string, nameOf: NameOf): string {
  return s.replace(MENTION_TOKEN, (_m, id: string) => nameOf(id));
}

/** The command as typed: bare in a thread, with `!notfall` at room level. */
function typed(command: string, ctx: RenderContext): string {
  return ctx.inThread ? command : `!notfall ${command}`;
}

function commandsHtml(buttons: readonly ButtonSpec[], ctx: RenderContext): string {
  return buttons.map((b) => `<code>${escapeHtml(typed(b.command, ctx))}</code>`).join(" · ");
}

function commandsPlain(buttons: readonly ButtonSpec[], ctx: RenderContext): string {
  return buttons.map((b) => `„${typed(b.command, ctx)}“`).join(" · ");
}

/** Hint under a task. The ✅ reaction only acknowledges unambiguously when the message holds one actionable task. */
function taskHint(t: TaskItem, reactable: boolean, ctx: RenderContext, html: boolean): string {
  const done = t.actions.filter((a) => /^erledigt\b/i.test(a.command));
  const list = html ? commandsHtml(t.actions, ctx) : commandsPlain(t.actions, ctx);
  if (reactable && done.length > 0) {
    const cmds = html
      ? t.actions.map((a) => `<code>${escapeHtml(typed(a.command, ctx))}</code>`).join(" / ")
      : commandsPlain(t.actions, ctx);
    return `✅ reagieren oder ${cmds} antworten`;
  }
  return `Antworten Sie: ${list}`;
}

/** Consecutive runs of task numbers, so `<ol start>` shows the real numbers. */
function runs(items: readonly TaskItem[]): TaskItem[][] {
  const out: TaskItem[][] = [];
  for (const t of items) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && t.nr === prev.nr + 1) last.push(t);
    else out.push([t]);
  }
  return out;
}

function tasksHtml(b: Extract<Block, { type: "tasks" }>, reactable: boolean, ctx: RenderContext, mentioned: Set<string>): string {
  const md = (s: string) => mdToHtml(s, ctx.nameOf, mentioned);
  let out = b.title ? `<p><strong>${md(b.title)}</strong></p>` : "";
  for (const run of runs(b.items)) {
    out += `<ol start="${run[0]!.nr}">`;
    for (const t of run) {
      const text = t.state === "erledigt" || t.state === "übersprungen" ? `<del>${md(t.text)}</del>` : md(t.text);
      out += `<li>${STATE_MARK[t.state]} ${t.critical ? "❗ " : ""}${text}`;
      if (t.stateLabel) out += ` <em>(${md(t.stateLabel)})</em>`;
      if (t.actions.length > 0) out += `<br><small>${taskHint(t, reactable, ctx, true)}</small>`;
      out += "</li>";
    }
    out += "</ol>";
  }
  return out;
}

function tasksPlain(b: Extract<Block, { type: "tasks" }>, reactable: boolean, ctx: RenderContext): string {
  const lines = b.title ? [mdToPlain(b.title, ctx.nameOf)] : [];
  for (const t of b.items) {
    lines.push(plainMentions(blocksToPlain([{ type: "tasks", items: [t] }]), ctx.nameOf));
    if (t.actions.length > 0) lines.push(`   → ${taskHint(t, reactable, ctx, false)}`);
  }
  return lines.join("\n");
}

function blockHtml(b: Block, reactable: boolean, ctx: RenderContext, mentioned: Set<string>): string {
  const md = (s: string) => mdToHtml(s, ctx.nameOf, mentioned);
  switch (b.type) {
    case "heading":
      return `<h4>${md(b.text)}</h4>`;
    case "paragraph":
      return `<p>${md(b.text)}</p>`;
    case "facts":
      return `<ul>${b.facts.map((f) => `<li><strong>${md(f.label)}:</strong> ${md(f.value)}</li>`).join("")}</ul>`;
    case "tasks":
      return tasksHtml(b, reactable, ctx, mentioned);
    case "buttons":
      return b.buttons.length > 0 ? `<p>Antworten Sie: ${commandsHtml(b.buttons, ctx)}</p>` : "";
    case "template":
      return `<p><strong>${escapeHtml(stripMd(b.title))}</strong></p><pre><code>${escapeHtml(b.body)}</code></pre>`;
    case "context":
      return `<p><small>${md(b.text)}</small></p>`;
    case "divider":
      return "<hr>";
  }
  return "";
}

function blockPlain(b: Block, reactable: boolean, ctx: RenderContext): string {
  switch (b.type) {
    case "tasks":
      return tasksPlain(b, reactable, ctx);
    case "buttons":
      return b.buttons.length > 0 ? `Antworten Sie: ${commandsPlain(b.buttons, ctx)}` : "";
    case "template":
      return blocksToPlain([b]);
    default:
      return plainMentions(blocksToPlain([b]), ctx.nameOf);
  }
}

/**
 * Render one outbound message as Matrix content: `m.notice` with an HTML body and a plain body that is complete
 * on its own (clients without HTML, notifications, screen readers). Drill messages start with ÜBUNG; a message meant
 * for one person only (Matrix has no ephemeral messages) starts with that person's name.
 */
export function renderNotice(msg: Outbound, ctx: RenderContext): NoticeContent {
  const mentioned = new Set<string>();
  const actionable = msg.blocks.flatMap((b) => (b.type === "tasks" ? b.items.filter((t) => t.actions.length > 0) : []));
  const reactable = actionable.length === 1;
  const htmlParts: string[] = [];
  const plainParts: string[] = [];
  if (msg.drill) {
    htmlParts.push("<p><strong>ÜBUNG</strong></p>");
    plainParts.push("ÜBUNG");
  }
  if (msg.visibleTo) {
    mentioned.add(msg.visibleTo);
    htmlParts.push(`<p>Für ${pill(msg.visibleTo, ctx.nameOf(msg.visibleTo))}:</p>`);
    plainParts.push(`Für ${ctx.nameOf(msg.visibleTo)}:`);
  }
  if (msg.blocks.length > 0) {
    for (const b of msg.blocks) {
      const h = blockHtml(b, reactable, ctx, mentioned);
      if (h) htmlParts.push(h);
      plainParts.push(blockPlain(b, reactable, ctx));
    }
  } else {
    htmlParts.push(`<p>${mdToHtml(msg.text, ctx.nameOf, mentioned)}</p>`);
    plainParts.push(mdToPlain(msg.text, ctx.nameOf));
  }
  const body = plainParts
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const content: NoticeContent = {
    msgtype: "m.notice",
    body,
    format: "org.matrix.custom.html",
    formatted_body: htmlParts.join(""),
    "m.mentions": mentioned.size > 0 ? { user_ids: [...mentioned] } : {},
  };
  return fitSize(content);
}

/** Keep an event below the homeserver's size limit: drop the HTML first, then shorten the plain body. */
function fitSize(c: NoticeContent): NoticeContent {
  const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x), "utf8");
  if (size(c) <= MAX_CONTENT_BYTES) return c;
  const plain: NoticeContent = { msgtype: c.msgtype, body: c.body, "m.mentions": c["m.mentions"] };
  if (size(plain) <= MAX_CONTENT_BYTES) return plain;
  const suffix = "\n… (gekürzt, vollständig mit „!notfall export“)";
  let body = c.body;
  while (Buffer.byteLength(body, "utf8") > MAX_CONTENT_BYTES - 2_000) body = body.slice(0, Math.floor(body.length * 0.9));
  return { ...plain, body: body + suffix };
}

/** Content of an edit (`m.replace`) of an earlier bot message: clients show `m.new_content`. */
export function editContent(original: string, next: NoticeContent): Record<string, unknown> {
  return {
    msgtype: next.msgtype,
    body: `* ${next.body}`,
    ...(next.formatted_body ? { format: next.format, formatted_body: `* ${next.formatted_body}` } : {}),
    "m.mentions": {},
    "m.new_content": next,
    "m.relates_to": { rel_type: "m.replace", event_id: original },
  };
}

/** Thread relation for a message in the thread on `root`, with a reply fallback for clients without threads. */
export function threadRelation(root: string): Record<string, unknown> {
  return { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } };
}
