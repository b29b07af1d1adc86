import type { webApi } from "@slack/bolt";
import type { Clock } from "../../core/clock.ts";

/** What we know about a Slack user. */
export interface SlackUser {
  id: string;
  displayName: string;
  locale?: "de" | "en";
}

const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 5000;

/**
 * Display names (and locale) of Slack users via `users.info`, cached for an hour. Lookups never fail:
 * when Slack cannot answer, the fallback name is used and nothing is cached.
 */
export class UserDirectory {
  private readonly client: webApi.WebClient;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { user: SlackUser; until: number }>();
  private readonly inflight = new Map<string, Promise<SlackUser | undefined>>();

  constructor(client: webApi.WebClient, clock: Clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * `client`: the workspace's (OAuth mode: the token Bolt authorised the event with), default the one given at
   * construction; `workspace`: whose people (names are cached per workspace, never looked up across).
   */
  async get(id: string, fallbackName?: string, client: webApi.WebClient = this.client, workspace = ""): Promise<SlackUser> {
    const now = this.clock.now().getTime();
    const key = `${workspace}:${id}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.user;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetch(id, key, client).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    const user = await p;
    return user ?? { id, displayName: fallbackName || id };
  }

  private async fetch(id: string, key: string, client: webApi.WebClient): Promise<SlackUser | undefined> {
    try {
      const res = await client.users.info({ user: id, include_locale: true });
      const u = res.user;
      if (!u) return undefined;
      const name = u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || id;
      const locale = u.locale?.toLowerCase().startsWith("de") ? "de" : u.locale?.toLowerCase().startsWith("en") ? "en" : undefined;
      const user: SlackUser = locale ? { id, displayName: name, locale } : { id, displayName: name };
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { user, until: this.clock.now().getTime() + TTL_MS });
      return user;
    } catch {
      return undefined;
    }
  }
}
