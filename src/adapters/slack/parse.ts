import type { ActorRef, Inbound } from "../../core/inbound.ts";
import { slackChannelId } from "./ids.ts";
import { parseButtonValue } from "./render.ts";

/** What the parsers need besides the payload. */
export interface ParseContext {
  /** The bot's own user id (from auth.test); its messages and mentions are recognised. */
  botUserId?: string;
  /** The bot's bot id (`B…`). */
  botId?: string;
  now: Date;
}

/** The URL-encoded body Slack sends for a slash command (https://docs.slack.dev/interactivity/implementing-slash-commands). */
export interface SlashCommandBody {
  command: string;
  text?: string;
  team_id: string;
  channel_id: string;
  user_id: string;
  user_name?: string;
  trigger_id: string;
  [key: string]: unknown;
}

/** A message-like event inside an Events API envelope. */
interface SlackEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  reaction?: string;
  item_user?: string;
  item?: { type?: string; channel?: string; ts?: string };
  [key: string]: unknown;
}

/** The Events API envelope (`type: event_callback`). */
export interface EventEnvelope {
  type: string;
  team_id?: string;
  event_id: string;
  event: SlackEvent;
  authorizations?: { team_id?: string | null; user_id?: string }[];
  [key: string]: unknown;
}

/** A `block_actions` interaction payload (button press). */
export interface BlockActionsBody {
  type: string;
  user: { id: string; name?: string; username?: string; team_id?: string };
  team?: { id: string } | null;
  channel?: { id: string; name?: string };
  container?: { type?: string; message_ts?: string; channel_id?: string; thread_ts?: string; is_ephemeral?: boolean };
  message?: { ts?: string; thread_ts?: string };
  actions: { action_id?: string; value?: string; action_ts?: string; type?: string }[];
  [key: string]: unknown;
}

/** Message subtypes that are still a person writing (everything else: edits, joins, bot posts … is ignored). */
const HUMAN_SUBTYPES = new Set(["thread_broadcast", "file_share"]);

/** Slack reaction names we understand, as the unicode emoji the core expects. */
const REACTIONS: Record<string, string> = {
  white_check_mark: "✅",
  heavy_check_mark: "✅",
  ballot_box_with_check: "✅",
  "+1": "👍",
  thumbsup: "👍",
  eyes: "👀",
};

/** Unicode emoji for a Slack reaction name (skin tones ignored), or undefined when it means nothing to us. */
export function reactionToEmoji(name: string): string | undefined {
  return REACTIONS[name.replace(/::skin-tone-\d$/, "")];
}

/**
 * Normalise Slack's formatted text for the core: `<@U1|anna>` → `<@U1>` (listed in `mentionIds`), channel and
 * broadcast tokens and links → readable text, `&lt; &gt; &amp;` → characters.
 */
export function normaliseSlackText(raw: string): { text: string; mentionIds: string[] } {
  const mentionIds: string[] = [];
  let text = "";
  let last = 0;
  const re = /<([^<>]*)>/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    text += unescapeSlack(raw.slice(last, m.index));
    last = m.index + m[0].length;
    text += token(m[1]!, mentionIds);
  }
  text += unescapeSlack(raw.slice(last));
  return { text, mentionIds };
}

function token(inner: string, mentionIds: string[]): string {
  const [target = "", label] = splitOnce(inner, "|");
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    if (!mentionIds.includes(id)) mentionIds.push(id);
    return `<@${id}>`;
  }
  if (target.startsWith("#")) return `#${unescapeSlack(label ?? target.slice(1))}`;
  if (target.startsWith("!")) {
    if (label) return unescapeSlack(label);
    const what = target.slice(1).split("^")[0] ?? "";
    return `@${what}`;
  }
  const url = unescapeSlack(target.replace(/^mailto:/, ""));
  if (!label) return url;
  const l = unescapeSlack(label);
  return url.includes(l) ? url : `${l} (${url})`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Remove a leading `/notfall`, `!notfall` (or, when `bare`, `notfall`) from a command typed as text. */
function stripCommandPrefix(text: string, bare: boolean): string | undefined {
  const re = bare ? /^\s*[/!]?notfall\b\s*/i : /^\s*[/!]notfall\b\s*/i;
  const m = re.exec(text);
  return m ? text.slice(m[0].length) : undefined;
}

function mentionsOf(ids: string[], botUserId: string | undefined): ActorRef[] | undefined {
  const people = ids.filter((id) => id !== botUserId).map((id) => ({ id, displayName: id }));
  return people.length > 0 ? people : undefined;
}

/** A slash command (`/notfall …`) as a `command` Inbound. deliveryId = trigger_id. */
export function parseSlashCommand(body: SlashCommandBody, ctx: ParseContext): Inbound {
  const { text, mentionIds } = normaliseSlackText(body.text ?? "");
  const mentions = mentionsOf(mentionIds, ctx.botUserId);
  return {
    platform: "slack",
    tenant: body.team_id,
    channel: slackChannelId(body.team_id, body.channel_id),
    actor: { id: body.user_id, displayName: body.user_name || body.user_id },
    kind: "command",
    text: text.trim(),
    ...(mentions ? { mentions } : {}),
    receivedAt: ctx.now,
    deliveryId: body.trigger_id,
  };
}

function teamOf(env: EventEnvelope): string | undefined {
  return env.team_id ?? env.authorizations?.[0]?.team_id ?? undefined;
}

/**
 * An Events API envelope as an Inbound, or undefined when the event is not for the core:
 * - `message` in a thread → `reply` (threadRef = thread_ts, messageRef = ts); `/notfall …` or `!notfall …` typed as a
 *   message → `command`; other channel-level messages, bot messages, edits and other subtypes → ignored;
 * - `app_mention` → `command` (bot mention and an optional `notfall` removed); in a thread, a mention that does not
 *   start the message → `reply`;
 * - `reaction_added` with ✅/👍/👀 on a message (of the bot, when known) → `reaction`.
 * deliveryId = event_id, so Slack's retries of the same event carry the same id.
 */
export function parseEventEnvelope(env: EventEnvelope, ctx: ParseContext): Inbound | undefined {
  const ev = env.event;
  const team = teamOf(env);
  if (!ev || !team || typeof env.event_id !== "string") return undefined;
  const base = { platform: "slack" as const, tenant: team, receivedAt: ctx.now, deliveryId: env.event_id };
  switch (ev.type) {
    case "message":
      return parseMessage(ev, team, base, ctx);
    case "app_mention":
      return parseMention(ev, team, base, ctx);
    case "reaction_added": {
      const emoji = reactionToEmoji(ev.reaction ?? "");
      const item = ev.item;
      if (!emoji || !ev.user || item?.type !== "message" || !item.channel || !item.ts) return undefined;
      if (ev.user === ctx.botUserId) return undefined;
      if (ctx.botUserId && ev.item_user && ev.item_user !== ctx.botUserId) return undefined; // only reactions on our messages
      return {
        ...base,
        channel: slackChannelId(team, item.channel),
        actor: { id: ev.user, displayName: ev.user },
        kind: "reaction",
        reaction: { emoji, messageRef: item.ts },
      };
    }
    default:
      return undefined;
  }
}

type Base = Pick<Inbound, "platform" | "tenant" | "receivedAt" | "deliveryId">;

function parseMessage(ev: SlackEvent, team: string, base: Base, ctx: ParseContext): Inbound | undefined {
  if (ev.subtype !== undefined && !HUMAN_SUBTYPES.has(ev.subtype)) return undefined;
  if (ev.bot_id || !ev.user || !ev.channel || !ev.ts) return undefined;
  if (ev.user === ctx.botUserId) return undefined;
  const raw = ev.text ?? "";
  // A message that mentions the bot also arrives as `app_mention`; that one is handled, this one not.
  if (ctx.botUserId && raw.includes(`<@${ctx.botUserId}`)) return undefined;
  const { text, mentionIds } = normaliseSlackText(raw);
  const mentions = mentionsOf(mentionIds, ctx.botUserId);
  const inThread = ev.thread_ts !== undefined && ev.thread_ts !== ev.ts;
  const command = stripCommandPrefix(text, false);
  if (!inThread && command === undefined) return undefined; // channel chatter is none of our business
  return {
    ...base,
    channel: slackChannelId(team, ev.channel),
    ...(inThread ? { threadRef: ev.thread_ts } : {}),
    messageRef: ev.ts,
    actor: { id: ev.user, displayName: ev.user },
    kind: command !== undefined ? "command" : "reply",
    text: (command ?? text).trim(),
    ...(mentions ? { mentions } : {}),
  };
}

function parseMention(ev: SlackEvent, team: string, base: Base, ctx: ParseContext): Inbound | undefined {
  if (ev.bot_id || !ev.user || !ev.channel || !ev.ts || ev.user === ctx.botUserId) return undefined;
  const raw = ev.text ?? "";
  const { text, mentionIds } = normaliseSlackText(raw);
  const mentions = mentionsOf(mentionIds, ctx.botUserId);
  const inThread = ev.thread_ts !== undefined && ev.thread_ts !== ev.ts;
  const bot = ctx.botUserId ? `<@${ctx.botUserId}>` : undefined;
  const startsWithBot = bot ? text.trimStart().startsWith(bot) : /^\s*<@[UW][A-Z0-9]+>/.test(text);
  let kind: Inbound["kind"] = "command";
  let out: string;
  if (inThread && !startsWithBot) {
    kind = "reply";
    out = text;
  } else {
    const withoutBot = bot ? text.split(bot).join(" ") : text.replace(/^\s*<@[UW][A-Z0-9]+>/, " ");
    out = stripCommandPrefix(withoutBot, true) ?? withoutBot;
  }
  return {
    ...base,
    channel: slackChannelId(team, ev.channel),
    ...(inThread ? { threadRef: ev.thread_ts } : {}),
    messageRef: ev.ts,
    actor: { id: ev.user, displayName: ev.user },
    kind,
    text: out.replace(/\s+/g, " ").trim(),
    ...(mentions ? { mentions } : {}),
  };
}

/**
 * A button press as an `action` Inbound (command and incident id from the button value), or undefined when the
 * button is not ours. deliveryId = `<message_ts>:<action_ts>:<user>`.
 */
export function parseBlockAction(body: BlockActionsBody, ctx: ParseContext): Inbound | undefined {
  if (body.type !== "block_actions") return undefined;
  const action = body.actions?.[0];
  const value = parseButtonValue(action?.value);
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const team = body.team?.id ?? body.user?.team_id;
  const messageTs = body.container?.message_ts ?? body.message?.ts;
  if (!action || !value || !channelId || !team || !body.user?.id || !messageTs) return undefined;
  const threadTs = body.container?.thread_ts ?? body.message?.thread_ts;
  return {
    platform: "slack",
    tenant: team,
    channel: slackChannelId(team, channelId),
    ...(threadTs && threadTs !== messageTs ? { threadRef: threadTs } : {}),
    messageRef: messageTs,
    actor: { id: body.user.id, displayName: body.user.name || body.user.username || body.user.id },
    kind: "action",
    text: value.c,
    action: value.i ? { command: value.c, incidentId: value.i } : { command: value.c },
    receivedAt: ctx.now,
    deliveryId: `${messageTs}:${action.action_ts ?? ""}:${body.user.id}`,
  };
}
