import type { ActorRef } from "../../core/inbound.ts";
import { localpart, USER_ID_SOURCE as USER_ID } from "./ids.ts";

/** What the adapter needs to know to read a message in one room. */
export interface ParseContext {
  botUserId: string;
  /** Display names the bot is known by in this room (for clients that write the name instead of a pill). */
  botNames: readonly string[];
  /** Display name of a user from the room member state (or undefined when unknown). */
  displayName(userId: string): string | undefined;
}

/** A message text after normalisation: mentions as `<@id>`, command prefix removed. */
export interface ParsedText {
  command: boolean;
  text: string;
  mentions: ActorRef[];
}

const TOKEN = new RegExp(`<@(${USER_ID})>`, "g");
/** A bare user id in text (not inside an existing token or e-mail address). */
const BARE_USER = new RegExp(String.raw`(^|[^\w<@.])(${USER_ID})`, "g");

/** Decode the HTML entities that can appear in `formatted_body`. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp|#39);/gi, (_m, e: string) => {
    const l = e.toLowerCase();
    if (l.startsWith("#x")) return safeCodePoint(Number.parseInt(l.slice(2), 16));
    if (l.startsWith("#")) return safeCodePoint(Number.parseInt(l.slice(1), 10));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " } as Record<string, string>)[l] ?? "";
  });
}

function safeCodePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "";
}

/** The user id a matrix.to or `matrix:u/` link points to, if it is a user link. */
export function userFromHref(href: string): string | undefined {
  const h = decodeEntities(href).trim();
  let m = /^https:\/\/matrix\.to\/#\/([^?/]+)/i.exec(h);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      return undefined;
    }
    return new RegExp(`^${USER_ID}$`).test(id) ? id : undefined;
  }
  m = /^matrix:u\/([^?]+)/i.exec(h);
  if (m) {
    let id: string;
    try {
      id = `@${decodeURIComponent(m[1]!)}`;
    } catch {
      return undefined;
    }
    return new RegExp(`^${USER_ID}$`).test(id) ? id : undefined;
  }
  return undefined;
}

/**
 * Text of an HTML `formatted_body`: reply fallbacks removed, user pills as `<@id>`, line structure kept,
 * every other tag dropped, entities decoded. Pill labels are returned so a display name is known even without member state.
 */
export function htmlToText(html: string): { text: string; pillNames: Map<string, string> } {
  const pillNames = new Map<string, string>();
  let s = html.replace(/[\uE002\uE003]/g, "").replace(/<mx-reply>[\s\S]*?<\/mx-reply>/gi, "");
  s = s.replace(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi, (_m, h1?: string, h2?: string, label?: string) => {
    const labelText = decodeEntities((label ?? "").replace(/<[^>]*>/g, "")).trim();
    const user = userFromHref(h1 ?? h2 ?? "");
    if (!user) return label ?? "";
    if (labelText) pillNames.set(user, labelText.replace(/^@/, ""));
    return `\uE002${user}\uE003`;
  });
  s = s
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/?(p|div|li|h[1-6]|pre|blockquote|tr|ul|ol)(\s[^>]*)?>/gi, "\n")
    .replace(/<[^>]*>/g, "");
  s = decodeEntities(s);
  s = s.replace(/\uE002([^\uE003]*)\uE003/g, "<@$1>");
  return { text: s.replace(/\n{3,}/g, "\n\n").trim(), pillNames };
}

/** Plain `body` without the reply fallback (`> <@x:y> …` lines) that older clients put in front of a reply. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith(">")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith(">")) i++;
  if (i < lines.length && lines[i]!.trim() === "") i++;
  return lines.slice(i).join("\n");
}

/** Turn bare user ids in text into `<@id>` tokens. */
export function tokeniseBareMentions(text: string): string {
  return text.replace(BARE_USER, (_m, pre: string, id: string) => `${pre}<@${id}>`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Read the text of an `m.room.message` content. Returns undefined for content that is not text a person wrote.
 * Recognises `!notfall …`, `/notfall …` and a mention of the bot (pill, user id or display name) followed by
 * `notfall` (or directly by the command): then `command` is true and the prefix is removed.
 */
export function parseMessage(content: Record<string, unknown>, ctx: ParseContext): ParsedText | undefined {
  const msgtype = content.msgtype;
  const body = typeof content.body === "string" ? content.body : "";
  let text: string;
  let pillNames = new Map<string, string>();
  if (msgtype === "m.text" || msgtype === "m.emote") {
    const html =
      content.format === "org.matrix.custom.html" && typeof content.formatted_body === "string" ? content.formatted_body : undefined;
    if (html !== undefined) {
      const r = htmlToText(html);
      text = r.text;
      pillNames = r.pillNames;
    } else {
      text = stripReplyFallback(body);
    }
  } else if (msgtype === "m.image" || msgtype === "m.file" || msgtype === "m.video" || msgtype === "m.audio") {
    text = `[Anhang: ${body.replace(/[\n\r]/g, " ").trim() || "Datei"}]`;
  } else {
    return undefined;
  }
  text = tokeniseBareMentions(text).trim();

  // Clients without pills write the bot's display name in front ("Notfallbot: notfall …").
  for (const name of ctx.botNames) {
    if (!name) continue;
    const m = new RegExp(`^@?${escapeRe(name)}(?:\\s*[:,]|\\s+(?=[!/]?notfall\\b))`, "i").exec(text);
    if (m) {
      text = `<@${ctx.botUserId}>${text.slice(m[0].length)}`;
      break;
    }
  }

  let command = false;
  const prefix = /^[!/]notfall(?=\s|$)/i.exec(text);
  if (prefix) {
    command = true;
    text = text.slice(prefix[0].length);
  } else if (text.startsWith(`<@${ctx.botUserId}>`)) {
    command = true;
    text = text
      .slice(ctx.botUserId.length + 3)
      .replace(/^[\s:,]+/, "")
      .replace(/^[!/]?notfall(?=\s|$)/i, "");
  }
  text = text.trim();

  const mentions: ActorRef[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(TOKEN)) {
    const id = m[1]!;
    if (id === ctx.botUserId || seen.has(id)) continue;
    seen.add(id);
    mentions.push({ id, displayName: ctx.displayName(id) ?? pillNames.get(id) ?? localpart(id) });
  }
  return { command, text, mentions };
}

const CHECK_MARKS = new Set(["✅", "✔", "☑", "✓", "🗸", "✔️", "☑️", ":white_check_mark:", ":heavy_check_mark:", ":ballot_box_with_check:"]);
const THUMBS_UP = new Set(["👍", ":+1:", "+1", ":thumbsup:"]);

/** Normalise a reaction key: every check mark → ✅, every thumbs up (any skin tone) → 👍, variation selectors dropped. */
export function normaliseEmoji(key: string): string {
  const bare = key
    .trim()
    .replace(/[\uFE0E\uFE0F]/g, "")
    .replace(/[\u{1F3FB}-\u{1F3FF}]/gu, "");
  if (CHECK_MARKS.has(bare) || CHECK_MARKS.has(key.trim())) return "✅";
  if (THUMBS_UP.has(bare)) return "👍";
  return bare;
}
