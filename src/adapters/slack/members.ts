import type { webApi } from "@slack/bolt";
import type { Clock } from "../../core/clock.ts";
import { ExpiringCache } from "../expiring-cache.ts";

const TTL_MS = 60 * 1000;
const MAX_ENTRIES = 1000;
/** Pages of `conversations.members` read at most (1,000 people each). */
const MAX_PAGES = 20;

/**
 * Who is a member of a Slack channel (`conversations.members`, scopes `channels:read` and `groups:read`), asked only
 * for a message that mentions a person of the emergency plan: Slack does not notify a mentioned person who is not in
 * the channel, so the core's name and phone number are shown instead. Cached for a minute per channel. Lookups never
 * fail a delivery: when Slack cannot answer (an installation without the scopes: `missing_scope`), the answer is
 * "unknown" and the message mentions as before.
 */
export class ChannelMembers {
  private readonly cache: ExpiringCache<ReadonlySet<string> | undefined>;

  constructor(clock: Clock) {
    this.cache = new ExpiringCache({ clock, ttlMs: TTL_MS, max: MAX_ENTRIES });
  }

  /** The members of `channel` in `workspace`, or undefined when Slack did not say. */
  get(client: webApi.WebClient, workspace: string, channel: string): Promise<ReadonlySet<string> | undefined> {
    return this.cache.get(`${workspace}:${channel}`, () => this.fetch(client, channel));
  }

  private async fetch(client: webApi.WebClient, channel: string): Promise<ReadonlySet<string> | undefined> {
    const ids = new Set<string>();
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const id of res.members ?? []) ids.add(id);
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) return ids;
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}
