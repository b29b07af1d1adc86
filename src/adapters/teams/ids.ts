/**
 * Canonical ids for Teams.
 *
 * - Channel: `teams:<tenant id>:<conversation id without ;messageid=…>`.
 * - A channel thread is addressed by the conversation id `<channel conversation id>;messageid=<root activity id>`
 *   (Teams threads by this suffix; `replyToId` alone does not thread).
 */

const MESSAGE_ID = ";messageid=";

/** Tenant ids are GUIDs; anything else (local tests) is made safe for the `:`-separated canonical id. */
export function safeTenant(tenant: string | undefined): string {
  const t = (tenant ?? "").trim();
  return t ? t.replace(/[:\s]/g, "_") : "local";
}

/** Split `19:x@thread.tacv2;messageid=1700` into the channel conversation and the thread root. */
export function splitConversationId(id: string): { base: string; root?: string } {
  const i = id.indexOf(MESSAGE_ID);
  if (i < 0) return { base: id };
  const root = id.slice(i + MESSAGE_ID.length).split(";")[0];
  return root ? { base: id.slice(0, i), root } : { base: id.slice(0, i) };
}

export function channelIdOf(tenant: string | undefined, conversationId: string): string {
  return `teams:${safeTenant(tenant)}:${splitConversationId(conversationId).base}`;
}

/** Inverse of {@link channelIdOf}; undefined when the id is not a Teams channel id. */
export function parseChannelId(channel: string): { tenant: string; conversationId: string } | undefined {
  const m = /^teams:([^:]+):(.+)$/.exec(channel);
  if (!m) return undefined;
  return { tenant: m[1]!, conversationId: m[2]! };
}

/** Teams channel conversations (threads possible), as opposed to personal and group chats (flat). */
export function isChannelConversation(base: string, conversationType?: string): boolean {
  if (conversationType) return conversationType === "channel";
  return /@thread\.(tacv2|skype)$/.test(base);
}

/** The conversation id to post into: the thread of `root` in a channel, the chat itself otherwise. */
export function threadConversationId(base: string, root: string | undefined, conversationType?: string): string {
  return root && isChannelConversation(base, conversationType) ? `${base}${MESSAGE_ID}${root}` : base;
}
