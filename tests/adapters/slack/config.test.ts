import express from "express";
import { describe, expect, it } from "vitest";
import { redact } from "../../../src/adapters/redact.ts";
import { createSlackAdapterFromEnv, readSlackConfig, SLACK_BOT_SCOPES, SlackConfigError } from "../../../src/adapters/slack/index.ts";
import { createRedactingLogger } from "../../../src/adapters/slack/logger.ts";

describe("Slack config from the environment", () => {
  it("is off without SLACK_* variables", () => {
    expect(readSlackConfig({})).toBeUndefined();
    expect(createSlackAdapterFromEnv({})).toBeUndefined();
  });

  it("HTTP mode with signing secret + bot token, SLACK_API_URL normalised", () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "abc", SLACK_API_URL: "http://127.0.0.1:9/api" })).toEqual({
      mode: "http",
      token: "xoxb-1",
      signingSecret: "abc",
      slackApiUrl: "http://127.0.0.1:9/api/",
    });
  });

  it("Socket Mode with SLACK_APP_TOKEN; mount() adds no route", () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" })).toMatchObject({ mode: "socket", appToken: "xapp-1" });
    const adapter = createSlackAdapterFromEnv({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-A-123-abc" }, { logSink: () => {} })!;
    const app = express();
    const before = (app as unknown as { router?: { stack: unknown[] } }).router?.stack.length ?? 0;
    adapter.mount(app);
    expect((app as unknown as { router?: { stack: unknown[] } }).router?.stack.length ?? 0).toBe(before);
  });

  it("explains in German what is missing", () => {
    expect(() => readSlackConfig({ SLACK_SIGNING_SECRET: "abc" })).toThrow(/SLACK_BOT_TOKEN fehlt/);
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET fehlt/);
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "a", SLACK_API_URL: "ftp://x" })).toThrow(
      SlackConfigError,
    );
  });
});

describe("Slack OAuth installation config (many workspaces)", () => {
  const OAUTH = {
    SLACK_CLIENT_ID: "1111111111.2222222222",
    SLACK_CLIENT_SECRET: "c0ffeec0ffeec0ffeec0ffeec0ffee42",
    SLACK_STATE_SECRET: "state-5f0c2a7e9b1d3f4a6c8e0b2d4f6a8c0e",
    SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  };

  it("client id, client secret, state secret and signing secret select OAuth mode", () => {
    expect(readSlackConfig({ ...OAUTH, SLACK_REDIRECT_URI: "https://notfall.example.de/slack/oauth_redirect" })).toEqual({
      mode: "oauth",
      clientId: OAUTH.SLACK_CLIENT_ID,
      clientSecret: OAUTH.SLACK_CLIENT_SECRET,
      stateSecret: OAUTH.SLACK_STATE_SECRET,
      signingSecret: OAUTH.SLACK_SIGNING_SECRET,
      redirectUri: "https://notfall.example.de/slack/oauth_redirect",
    });
  });

  it("says in German which of the four is missing, and where to find it", () => {
    const { SLACK_CLIENT_SECRET: _s, ...noSecret } = OAUTH;
    expect(() => readSlackConfig(noSecret)).toThrow(/es fehlt SLACK_CLIENT_SECRET \(Basic Information → App Credentials → Client Secret\)/);
    const { SLACK_STATE_SECRET: _t, SLACK_SIGNING_SECRET: _g, ...twoMissing } = OAUTH;
    expect(() => readSlackConfig(twoMissing)).toThrow(
      /SLACK_STATE_SECRET \(ein eigenes Geheimnis, z\. B\. `openssl rand -hex 32`\), SLACK_SIGNING_SECRET/,
    );
  });

  it("refuses a bot token or Socket Mode next to OAuth, a short state secret and a wrong redirect URL", () => {
    expect(() => readSlackConfig({ ...OAUTH, SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_BOT_TOKEN entfernen/);
    expect(() => readSlackConfig({ ...OAUTH, SLACK_APP_TOKEN: "xapp-1" })).toThrow(/SLACK_APP_TOKEN \(Socket Mode\) bitte entfernen/);
    expect(() => readSlackConfig({ ...OAUTH, SLACK_STATE_SECRET: "kurz" })).toThrow(
      /SLACK_STATE_SECRET ist zu kurz \(mindestens 16 Zeichen/,
    );
    expect(() => readSlackConfig({ ...OAUTH, SLACK_REDIRECT_URI: "https://notfall.example.de/oauth" })).toThrow(
      /muss .* auf \/slack\/oauth_redirect enden/,
    );
  });

  it("the scopes asked for on installation are the manifest's", async () => {
    const { parse } = await import("yaml");
    const { readFileSync } = await import("node:fs");
    const manifest = parse(readFileSync(new URL("../../../deploy/slack/manifest.yaml", import.meta.url), "utf8"));
    expect([...SLACK_BOT_SCOPES]).toEqual(manifest.oauth_config.scopes.bot);
  });
});

describe("Slack logger", () => {
  it("redacts configured secrets and anything shaped like a Slack token", () => {
    expect(redact("token=xoxb-123-456-abc secret=s3cretvalue app=xapp-1-A1-xyz Authorization: Bearer abc.def", ["s3cretvalue"])).toBe(
      "token=[redacted] secret=[redacted] app=[redacted] Authorization: Bearer [redacted]",
    );
    const lines: string[] = [];
    const log = createRedactingLogger(["s3cretvalue"], (_l, line) => lines.push(line));
    log.info("not shown at warn level");
    log.warn("failed with", { token: "xoxb-9-9-zz", secret: "s3cretvalue" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/xoxb-9|s3cretvalue/);
  });
});
