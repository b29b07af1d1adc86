import { createHash } from "node:crypto";
import type { ActorRef, Inbound } from "../../core/inbound.ts";
import { channelIdOf, isChannelConversation, splitConversationId } from "./ids.ts";

/** The fields of a Bot Framework activity that the Teams adapter reads (a structural subset of the SDK's `Activity`). */
export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  locale?: string;
  serviceUrl?: string;
  replyToId?: string;
  from?: { id?: string; name?: string; role?: string; aadObjectId?: string };
  recipient?: { id?: string; name?: string };
  conversation?: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  entities?: { type: string; [key: string]: unknown }[];
  channelData?: unknown;
  value?: unknown;
  reactionsAdded?: { type?: string }[];
}

/** Verb of our `Action.Execute` buttons; `data` is `{ c: command, i: incident id }`. */
export const ACTION_VERB = "notfall";

const MAX_COMMAND = 500;
const MAX_INCIDENT = 100;

/** Teams reaction types mapped to the unicode emoji the core understands. */
const REACTIONS: Record<string, string> = {
  like: "👍",
  heart: "❤️",
  laugh: "😆",
  surprised: "😮",
  sad: "😢",
  angry: "😠",
  checkmark: "✅",
  eyes: "👀",
};

/**
 * `conversation.conversationType` (`channel`, `groupChat`, `personal`), or, where an activity has none (older
 * payloads; Microsoft's v3 examples carry only `conversation.id`), what the rest says: a channel activity names its
 * thread (`;messageid=`) or is a `@thread.tacv2` channel or a `@thread.skype` id with its team in `channelData`; a
 * group chat (`@thread.v2`, and `@thread.skype` in older ones) has `isGroup`; a personal chat has neither.
 */
export function conversationTypeOf(a: TeamsActivity): string | undefined {
  const conv = a.conversation;
  if (!conv || typeof conv.id !== "string") return undefined;
  if (typeof conv.conversationType === "string" && conv.conversationType) return conv.conversationType;
  const cd = a.channelData as { team?: unknown; channel?: unknown } | undefined;
  const { base, root } = splitConversationId(conv.id);
  if (root !== undefined || /@thread\.tacv2$/.test(base) || (/@thread\.skype$/.test(base) && Boolean(cd?.team || cd?.channel))) {
    return "channel";
  }
  return conv.isGroup === true ? "groupChat" : "personal";
}

/** Tenant of an activity: `channelData.tenant.id`, else `conversation.tenantId`. */
export function tenantOf(a: TeamsActivity): string | undefined {
  const cd = a.channelData as { tenant?: { id?: unknown } } | undefined;
  const t = cd?.tenant?.id;
  return typeof t === "string" && t ? t : a.conversation?.tenantId;
}

/**
 * Normalise one Teams activity to an {@link Inbound}, or undefined when it is nothing the core handles
 * (typing, other members joining, the bot's own messages, foreign card actions, …). The bot being added becomes an
 * empty command, so the core answers with its help as a welcome. Never throws on hostile input.
 */
export function parseActivity(a: TeamsActivity, now: Date): Inbound | undefined {
  const conv = a.conversation;
  if (!conv || typeof conv.id !== "string" || !conv.id) return undefined;
  const from = a.from;
  if (!from || typeof from.id !== "string" || !from.id) return undefined;
  if (from.role === "bot" || (a.recipient?.id && from.id === a.recipient.id)) return undefined;

  const tenant = tenantOf(a);
  const { base, root } = splitConversationId(conv.id);
  const channel = channelIdOf(tenant, base);
  // In a channel, `;messageid=<root>` names the thread the activity is in (its own id when it starts one). Chats have
  // no threads: they are one conversation each.
  const type = conversationTypeOf(a);
  const threads = isChannelConversation(base, type);
  const threadRef = threads && root && root !== a.id ? root : undefined;
  const common = {
    platform: "teams" as const,
    tenant: channel.split(":")[1]!,
    channel,
    ...(threadRef ? { threadRef } : {}),
    threads,
    actor: { id: from.id, displayName: typeof from.name === "string" && from.name ? from.name : from.id },
    // the Entra object id, as an organisation file names Teams users (emergency plan)
    ...(typeof from.aadObjectId === "string" && from.aadObjectId ? { actorIds: [from.aadObjectId] } : {}),
    receivedAt: now,
    deliveryId: deliveryIdOf(a, base),
    ...localeOf(a.locale),
  };

  if (a.type === "invoke") {
    if (a.name !== "adaptiveCard/action") return undefined;
    const action = (a.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    if (!action || action.verb !== ACTION_VERB) return undefined;
    const data = actionData(action.data);
    return data ? { ...common, kind: "action", action: data } : undefined;
  }

  if (a.type === "messageReaction") {
    const type = a.reactionsAdded?.[0]?.type;
    if (typeof type !== "string" || !a.replyToId) return undefined;
    const emoji = REACTIONS[type] ?? (/^[\p{Extended_Pictographic}\u2705]/u.test(type) ? type : undefined);
    return emoji ? { ...common, kind: "reaction", reaction: { emoji, messageRef: a.replyToId } } : undefined;
  }

  // The bot was added to a team or chat: answer with the help (a welcome that says how to declare an incident).
  if (a.type === "conversationUpdate") {
    const added = (a as { membersAdded?: { id?: unknown }[] }).membersAdded;
    const botId = a.recipient?.id;
    const welcomesBot = Array.isArray(added) && typeof botId === "string" && added.some((m) => m?.id === botId);
    return welcomesBot && !threadRef ? { ...common, kind: "command", text: "" } : undefined;
  }

  if (a.type !== "message") return undefined;

  // Action.Submit (fallback of our Action.Execute buttons): a message with `value` and no text.
  if (a.value !== undefined && a.value !== null && !(typeof a.text === "string" && a.text.trim())) {
    const data = actionData(a.value);
    return data ? { ...common, kind: "action", action: data } : undefined;
  }
  if (typeof a.text !== "string") return undefined;

  const { text, mentions, botMentioned } = normaliseText(a);
  const messageRef = typeof a.id === "string" && a.id ? { messageRef: a.id } : {};
  // A one-to-one chat is always with the bot; elsewhere the person addresses it by mentioning it.
  const addressed = botMentioned || type === "personal";
  const withMentions = { ...(mentions.length ? { mentions } : {}), ...(addressed ? { addressed } : {}) };
  const prefixed = /^\/?notfall(?=\s|$|[:,])[:,]?\s*/i.exec(text);
  if (prefixed) {
    return { ...common, ...messageRef, kind: "command", text: text.slice(prefixed[0].length).trim(), ...withMentions };
  }
  // A mention of the bot at the top level of a channel addresses it: `@Notfallbot status`. Elsewhere (in a thread, in a
  // chat) a mention without `notfall` is an addressed reply: `erledigt 3` for the incident there, or, where none runs,
  // a command.
  if (botMentioned && threads && !threadRef) {
    return { ...common, ...messageRef, kind: "command", text, ...withMentions };
  }
  if (!text) return undefined;
  return { ...common, ...messageRef, kind: "reply", text, ...withMentions };
}

function actionData(data: unknown): { command: string; incidentId?: string } | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const { c, i } = data as { c?: unknown; i?: unknown };
  if (typeof c !== "string" || !c.trim() || c.length > MAX_COMMAND) return undefined;
  if (i !== undefined && (typeof i !== "string" || i.length > MAX_INCIDENT)) return undefined;
  return i ? { command: c.trim(), incidentId: i } : { command: c.trim() };
}

/** Teams account ids of people (`29:` users, `8:orgid:` in older payloads); channels, teams, tags and bots are not. */
const PERSON_ID = /^(29:|8:orgid:)/;

/**
 * Strip the bot's mention markup (`<at>Notfallbot</at>`, `<at>@Notfallbot</at>`, a shortened `<at>Notfall</at>`),
 * turn mentions of people into `<@id>` and list them; a name that Teams splits into one `<at>` per word (new Teams:
 * `<at>Ben</at> <at>Becker</at>`, two entities with the same id) is one mention. Mentions of channels, teams and tags
 * stay as their plain name. Mention entities are the source of truth (Teams docs: do not trust the text alone).
 */
function normaliseText(a: TeamsActivity): { text: string; mentions: ActorRef[]; botMentioned: boolean } {
  let text = decodeEntities((a.text ?? "").replace(/&nbsp;|\u00a0/g, " "));
  const names = new Map<string, string[]>();
  let botMentioned = false;
  const botId = a.recipient?.id;
  for (const e of Array.isArray(a.entities) ? a.entities : []) {
    if (typeof e !== "object" || e === null || e.type !== "mention") continue;
    const m = e.mentioned as { id?: unknown; name?: unknown } | undefined;
    if (!m || typeof m.id !== "string" || !m.id) continue;
    const markup = typeof e.text === "string" ? markupIn(text, decodeEntities(e.text)) : undefined;
    if (m.id === botId) {
      botMentioned = true;
      if (markup) text = text.split(markup).join(" ");
      continue;
    }
    const inner = markup ? markup.replace(/^<at[^>]*>|<\/at>$/g, "") : undefined;
    if (!PERSON_ID.test(m.id)) {
      // a channel, team or tag mention: keep its name as plain text
      if (markup && inner !== undefined) text = text.split(markup).join(inner);
      continue;
    }
    const name = (typeof m.name === "string" && m.name ? m.name : (inner ?? m.id)).replace(/^@/, "");
    const list = names.get(m.id) ?? [];
    if (!list.includes(name)) list.push(name);
    names.set(m.id, list);
    if (markup) text = text.split(markup).join(`<@${m.id}>`);
  }
  // one person mentioned by parts of the name, side by side: one mention
  for (const id of names.keys()) {
    const tag = `<@${id}>`;
    text = text
      .split(tag)
      .join("\u0000")
      .replace(/\u0000(?:\s*\u0000)+/g, "\u0000")
      .split("\u0000")
      .join(tag);
  }
  const mentions: ActorRef[] = [...names].map(([id, parts]) => ({ id, displayName: parts.join(" ") }));
  // Markup left over without an entity (edited text, other clients): the bot's own name is still the bot.
  const botName = a.recipient?.name;
  text = text.replace(/<at[^>]*>([\s\S]*?)<\/at>/gi, (_all, name: string) => {
    if (botName && name.trim().replace(/^@/, "").toLowerCase() === botName.toLowerCase()) {
      botMentioned = true;
      return " ";
    }
    return name;
  });
  text = text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
  return { text, mentions, botMentioned };
}

/**
 * The entity's `<at>…</at>` as it stands in the text. Microsoft's own example (docs "Channel and group chat
 * conversations with a bot", Retrieve mentions) has `<at>@Pranav Smith</at>` in the entity and `<at>Pranav Smith</at>`
 * in the text: the same mention with or without the `@`, other attributes or spacing, is matched by its name.
 */
function markupIn(text: string, markup: string): string | undefined {
  if (text.includes(markup)) return markup;
  const name = markup
    .replace(/^<at[^>]*>|<\/at>$/gi, "")
    .trim()
    .replace(/^@/, "");
  if (!name) return undefined;
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`<at[^>]*>\\s*@?${esc}\\s*</at>`, "i").exec(text)?.[0];
}

/** The few HTML entities Teams puts into message text. */
function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_all, e: string) =>
    e === "amp" ? "&" : e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : "'",
  );
}

/** Stable per conversation and activity, so a redelivered activity dedups; a hash of the body when Teams sent no id. */
function deliveryIdOf(a: TeamsActivity, base: string): string {
  if (typeof a.id === "string" && a.id) return `${base}|${a.id}`;
  return `${base}|sha256:${createHash("sha256").update(JSON.stringify(a)).digest("hex").slice(0, 32)}`;
}

function localeOf(locale: string | undefined): { locale?: "de" | "en" } {
  if (typeof locale !== "string") return {};
  const l = locale.toLowerCase();
  if (l.startsWith("de")) return { locale: "de" };
  if (l.startsWith("en")) return { locale: "en" };
  return {};
}
