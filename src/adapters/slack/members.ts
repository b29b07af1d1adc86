import type { webApi } from "@slack/bolt";
import type { Clock } from "../../core/clock.ts";

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
  private readonly clock: Clock;
  private readonly cache = new Map<string, { ids: ReadonlySet<string> | undefined; until: number }>();
  private readonly inflight = new Map<string, Promise<ReadonlySet<string> | undefined>>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** The members of `channel` in `workspace`, or undefined when Slack did not say. */
  async get(client: webApi.WebClient, workspace: string, channel: string): Promise<ReadonlySet<string> | undefined> {
    const key = `${workspace}:${channel}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.clock.now().getTime()) return hit.ids;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetch(client, channel).then((ids) => {
        if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key, { ids, until: this.clock.now().getTime() + TTL_MS });
        return ids;
      });
      p = p.finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
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
