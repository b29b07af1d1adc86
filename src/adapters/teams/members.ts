import type { ConnectorClient } from "@microsoft/agents-hosting";
import type { Clock } from "../../core/clock.ts";
import { ExpiringCache } from "../expiring-cache.ts";

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
  private readonly cache: ExpiringCache<boolean | undefined>;

  constructor(clock: Clock) {
    this.cache = new ExpiringCache({ clock, ttlMs: TTL_MS, max: MAX_ENTRIES });
  }

  isMember(client: ConnectorClient, conversationId: string, userId: string): Promise<boolean | undefined> {
    return this.cache.get(`${conversationId}\n${userId.toLowerCase()}`, async () => {
      try {
        // path segments are inserted verbatim by the SDK
        await client.getConversationMember(encodeURIComponent(userId), encodeURIComponent(conversationId));
        return true;
      } catch (e) {
        const err = e as { status?: unknown; response?: { data?: { error?: { code?: unknown } } } };
        const code = err.response?.data?.error?.code;
        return err.status === 404 && code !== "ConversationNotFound" ? false : undefined;
      }
    });
  }
}
