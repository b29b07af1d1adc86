import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const manifest = parse(readFileSync(new URL("../../../deploy/slack/manifest.yaml", import.meta.url), "utf8"));

describe("deploy/slack/manifest.yaml", () => {
  it("declares /notfall, the scopes and events the adapter uses, all on /slack/events", () => {
    const cmd = manifest.features.slash_commands[0];
    expect(cmd).toMatchObject({ command: "/notfall", url: "https://YOUR-HOST/slack/events", should_escape: true });
    expect(cmd.description.length).toBeLessThanOrEqual(100);
    expect(cmd.usage_hint.length).toBeGreaterThan(0);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        "commands",
        "chat:write",
        "reactions:read",
        "reactions:write",
        "users:read",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
        "app_mentions:read",
      ]),
    );
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["message.channels", "message.groups", "reaction_added", "app_mention", "app_uninstalled", "tokens_revoked"]),
    );
    expect(manifest.oauth_config.redirect_urls).toEqual(["https://YOUR-HOST/slack/oauth_redirect"]);
    expect(manifest.settings.event_subscriptions.request_url).toBe("https://YOUR-HOST/slack/events");
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: "https://YOUR-HOST/slack/events" });
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(174);
  });
});
