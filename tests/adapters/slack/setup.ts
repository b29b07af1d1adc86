/** Test wiring: fake Slack Web API + our SlackAdapter mounted on an express app on 127.0.0.1. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { guardRoutes } from "../../../src/adapters/http.ts";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/index.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import { BOT_TOKEN, FakeSlackApi } from "./fake-slack-api.ts";
import { type PostResult, postSigned, type SignedPost } from "./signed-request.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export interface SlackTestRig {
  api: FakeSlackApi;
  adapter: SlackAdapter;
  clock: FakeClock;
  events: Inbound[];
  logs: string[];
  url: string;
  post(req: SignedPost): Promise<PostResult>;
  stop(): Promise<void>;
}

/**
 * Start the fake API, the adapter (HTTP mode) on a fresh express app behind the route guard of `notfallbot serve`,
 * and collect Inbound events.
 */
export async function startRig(onEvent?: (e: Inbound) => Promise<void>): Promise<SlackTestRig> {
  const api = new FakeSlackApi();
  await api.start();
  const clock = new FakeClock();
  const logs: string[] = [];
  const adapter = createSlackAdapter({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: api.url,
    clock,
    logSink: (_level, line) => logs.push(line),
  });
  const app = express();
  app.use(guardRoutes(adapter.routes()));
  adapter.mount(app);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const events: Inbound[] = [];
  await adapter.start(async (e) => {
    events.push(e);
    await onEvent?.(e);
  });
  return {
    api,
    adapter,
    clock,
    events,
    logs,
    url,
    post: (req) => postSigned(url, SIGNING_SECRET, req),
    async stop() {
      await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await api.stop();
    },
  };
}
