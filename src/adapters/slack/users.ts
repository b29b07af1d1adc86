import type { webApi } from "@slack/bolt";
import type { Clock } from "../../core/clock.ts";
import { ExpiringCache } from "../expiring-cache.ts";

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
  private readonly cache: ExpiringCache<SlackUser | undefined>;

  constructor(client: webApi.WebClient, clock: Clock) {
    this.client = client;
    this.cache = new ExpiringCache({ clock, ttlMs: TTL_MS, max: MAX_ENTRIES, keep: (user) => user !== undefined });
  }

  /**
   * `client`: the workspace's (OAuth mode: the token Bolt authorised the event with), default the one given at
   * construction; `workspace`: whose people (names are cached per workspace, never looked up across).
   */
  async get(id: string, fallbackName?: string, client: webApi.WebClient = this.client, workspace = ""): Promise<SlackUser> {
    const user = await this.cache.get(`${workspace}:${id}`, () => this.fetch(id, client));
    return user ?? { id, displayName: fallbackName || id };
  }

  private async fetch(id: string, client: webApi.WebClient): Promise<SlackUser | undefined> {
    try {
      const res = await client.users.info({ user: id, include_locale: true });
      const u = res.user;
      if (!u) return undefined;
      const name = u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || id;
      const locale = u.locale?.toLowerCase().startsWith("de") ? "de" : u.locale?.toLowerCase().startsWith("en") ? "en" : undefined;
      return locale ? { id, displayName: name, locale } : { id, displayName: name };
    } catch {
      return undefined;
    }
  }
}
