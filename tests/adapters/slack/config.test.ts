import express from "express";
import { describe, expect, it } from "vitest";
import { redact } from "../../../src/adapters/redact.ts";
import { createSlackAdapterFromEnv, readSlackConfig, SlackConfigError } from "../../../src/adapters/slack/index.ts";
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
