import type { ConnectorClient } from "@microsoft/agents-hosting";
import type { Clock } from "../../core/clock.ts";

const TTL_MS = 60 * 1000;
const MAX_ENTRIES = 2000;

/**
 * Whether a person is a member of a Teams conversation (Bot Connector `GET /v3/conversations/{id}/members/{userId}`,
 * which takes the Teams user id, the Entra object id or the UPN), asked only for a message that mentions a person of
 * the emergency plan: a mention does not reach someone who is not in the team or chat, so the core's name and phone
 * number are shown instead. 404 means not a member; any other failure means "unknown" (mentioned as before), so a
 * lookup never fails a delivery. Answers are cached for a minute.
 */
export class ConversationMembers {
  private readonly clock: Clock;
  private readonly cache = new Map<string, { member: boolean | undefined; until: number }>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async isMember(client: ConnectorClient, conversationId: string, userId: string): Promise<boolean | undefined> {
    const key = `${conversationId}\n${userId.toLowerCase()}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.clock.now().getTime()) return hit.member;
    let member: boolean | undefined;
    try {
      // path segments are inserted verbatim by the SDK
      await client.getConversationMember(encodeURIComponent(userId), encodeURIComponent(conversationId));
      member = true;
    } catch (e) {
      const err = e as { status?: unknown; response?: { data?: { error?: { code?: unknown } } } };
      const code = err.response?.data?.error?.code;
      member = err.status === 404 && code !== "ConversationNotFound" ? false : undefined;
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { member, until: this.clock.now().getTime() + TTL_MS });
    return member;
  }
}
