import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import { TeamsConfigError, teamsOptionsFromEnv } from "../../../src/adapters/teams/options.ts";
import { AdapterError } from "../../../src/core/adapter.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import type { Outbound } from "../../../src/core/message.ts";
import { cardOf, cardText } from "./card-text.ts";
import { FakeConnector } from "./fake-connector.ts";
import { BOT_ID, CHANNEL, CHANNEL_CONV, fixture, ROOT } from "./fixtures.ts";

interface Running {
  adapter: TeamsAdapter;
  url: string;
  inbound: Inbound[];
  close(): Promise<void>;
}

const fake = new FakeConnector();
const running: Running[] = [];
let dir: string;

beforeAll(async () => {
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), "notfall-teams-"));
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** Our express app on loopback with the adapter mounted; `onEvent` answers each inbound like a tiny core would. */
async function startBot(adapter: TeamsAdapter, onEvent?: (i: Inbound, a: TeamsAdapter) => Promise<void>): Promise<Running> {
  const app = express();
  adapter.mount(app);
  const inbound: Inbound[] = [];
  await adapter.start(async (i) => {
    inbound.push(i);
    await onEvent?.(i, adapter);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r: Running = {
    adapter,
    url,
    inbound,
    close: async () => {
      await adapter.stop();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  running.push(r);
  return r;
}

/** A person's activity reaches the bot (and its conversation exists in the fake Teams from now on). */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  if (typeof body === "object" && body !== null) fake.personPosted(body as Parameters<FakeConnector["personPosted"]>[0]);
  return fetch(`${url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function quiet(): { warn: (t: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (t) => lines.push(t) };
}

function reply(i: Inbound, text: string): Outbound {
  return {
    key: `test/${i.deliveryId}`,
    channel: i.channel,
    thread: { ref: i.threadRef ?? i.messageRef! },
    text,
    blocks: [{ type: "paragraph", text }],
    locale: "de",
  };
}

describe("Teams adapter over HTTP (unauthenticated local mode)", () => {
  it("warns loudly in German and English at start and reports it in health", async () => {
    const log = quiet();
    const adapter = new TeamsAdapter({ warn: log.warn, nodeEnv: "development" });
    expect(adapter.health().ok).toBe(false);
    await startBot(adapter);
    const text = log.lines.join("\n");
    expect(text).toContain("ACHTUNG");
    expect(text).toContain("OHNE ANMELDUNG");
    expect(text).toContain("WARNING");
    expect(text).toContain("UNAUTHENTICATED");
    expect(adapter.health()).toEqual({ ok: true, detail: "UNAUTHENTICATED local test mode" });
  });

  it("writes the warning to stderr by default", async () => {
    const chunks: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    }) as typeof process.stderr.write;
    try {
      await new TeamsAdapter({ nodeEnv: "development" }).start(async () => {});
    } finally {
      process.stderr.write = orig;
    }
    expect(chunks.join("")).toMatch(/ACHTUNG[\s\S]*WARNING/);
  });

  it("a channel command reaches the core and the reply is posted into the message's thread at serviceUrl", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, clock: new FakeClock(), nodeEnv: "test" }), async (i, a) => {
      await a.deliver(reply(i, `Verstanden: **${i.text}**`));
    });
    const before = fake.calls.length;
    const res = await post(bot.url, fixture("channel-message-mention", fake.url));
    expect(res.status).toBe(200);
    expect(bot.inbound).toHaveLength(1);
    expect(bot.inbound[0]).toMatchObject({ kind: "command", text: "verschlüsselung Praxis-PC zeigt Lösegeldforderung", channel: CHANNEL });
    const call = fake.calls[before]!;
    expect(call).toMatchObject({ method: "POST", kind: "send", conversationId: `${CHANNEL_CONV};messageid=${ROOT}`, status: 200 });
    expect(call.path).toContain(
      "/v3/conversations/19%3A7d2b9c0e4a5f4e0b9c1d2e3f4a5b6c7d%40thread.tacv2%3Bmessageid%3D1772438472345/activities",
    );
    expect(call.authorization).toBeUndefined();
    expect(call.body).toMatchObject({ type: "message", from: { id: BOT_ID }, conversation: { id: `${CHANNEL_CONV};messageid=${ROOT}` } });
    expect(cardText(cardOf(call.body)!)).toBe("Verstanden: verschlüsselung Praxis-PC zeigt Lösegeldforderung");
  });

  it("adaptiveCard/action invoke gets a 200 invoke response and reaches the core as an action", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }));
    const res = await post(bot.url, fixture("adaptive-card-invoke", fake.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
      value: expect.stringMatching(/^Angekommen/),
    });
    expect(bot.inbound[0]).toMatchObject({ kind: "action", action: { command: "rolle kommunikation", incidentId: "NF-2026-0001" } });
  });

  it("invoke still answers 200 (with an error body) when the core fails", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }), async () => {
      throw new Error("db down");
    });
    const res = await post(bot.url, fixture("adaptive-card-invoke", fake.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 500, type: "application/vnd.microsoft.error" });
  });

  it("Action.Submit fallback message and conversationUpdate", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }));
    expect((await post(bot.url, fixture("action-submit", fake.url))).status).toBe(200);
    expect((await post(bot.url, fixture("conversation-update-bot-added", fake.url))).status).toBe(200);
    expect(bot.inbound.map((i) => i.kind)).toEqual(["action", "command"]);
    expect(bot.inbound[0]!.action).toEqual({ command: "erledigt 3", incidentId: "NF-2026-0001" });
  });

  it("rejects malformed bodies with 400 and never reaches the core", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }));
    expect((await post(bot.url, "{not json")).status).toBe(400);
    expect((await post(bot.url, { type: "message", text: "x" })).status).toBe(400);
    expect((await post(bot.url, { ...fixture("channel-message-mention", fake.url), id: 42 })).status).toBe(400);
    expect((await post(bot.url, { ...fixture("channel-message-mention", fake.url), text: "x".repeat(2_000_000) })).status).toBe(413);
    expect(bot.inbound).toHaveLength(0);
  });

  it("replace updates the card in place: PUT /v3/conversations/{id}/activities/{activityId}", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }));
    await post(bot.url, fixture("channel-message-mention", fake.url));
    const base: Outbound = {
      key: "NF-2026-0001/tasks/sofort",
      channel: CHANNEL,
      thread: { ref: ROOT },
      text: "1. offen",
      blocks: [{ type: "paragraph", text: "1. offen" }],
      locale: "de",
    };
    const { ref } = await bot.adapter.deliver(base);
    const n = fake.calls.length;
    const res = await bot.adapter.deliver({
      ...base,
      text: "1. erledigt",
      blocks: [{ type: "paragraph", text: "1. erledigt" }],
      replace: true,
      replaceRef: ref,
    });
    expect(res.ref).toBe(ref);
    expect(fake.calls).toHaveLength(n + 1);
    expect(fake.calls[n]).toMatchObject({
      method: "PUT",
      kind: "update",
      activityId: ref,
      conversationId: `${CHANNEL_CONV};messageid=${ROOT}`,
    });
    expect(fake.calls[n]!.body).toMatchObject({ id: ref, type: "message" });
    const msg = fake.messages.get(ref)!;
    expect(msg.updates).toBe(1);
    expect(cardText(cardOf(msg.activity)!)).toBe("1. erledigt");
  });

  it("personal chats have no threads: thread.ref is ignored", async () => {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, nodeEnv: "test" }), async (i, a) => {
      await a.deliver(reply(i, "Status: alles ruhig"));
    });
    const act = fixture("personal-message", fake.url);
    const n = fake.calls.length;
    await post(bot.url, act);
    expect(fake.calls[n]!.conversationId).toBe(act.conversation!.id);
  });
});

describe("Teams adapter: deliver() maps connector errors, no SDK retries", () => {
  async function ready(): Promise<TeamsAdapter> {
    const bot = await startBot(new TeamsAdapter({ warn: quiet().warn, clock: new FakeClock("2026-03-02T08:00:00Z"), nodeEnv: "test" }));
    await post(bot.url, fixture("channel-message-mention", fake.url));
    return bot.adapter;
  }
  const out: Outbound = { key: "NF-2026-0001/x", channel: CHANNEL, thread: { ref: ROOT }, text: "x", blocks: [], locale: "de" };

  async function failure(adapter: TeamsAdapter): Promise<AdapterError> {
    const n = fake.calls.length;
    const err = await adapter.deliver(out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(fake.calls.length - n).toBe(1); // exactly one attempt: the outbox retries, not the SDK
    expect(err).toBeInstanceOf(AdapterError);
    return err as AdapterError;
  }

  it("429 → rate_limited with retryAfterMs from Retry-After (seconds and HTTP date)", async () => {
    const a = await ready();
    fake.failNext(1, 429, "7");
    expect(await failure(a)).toMatchObject({ code: "rate_limited", retryAfterMs: 7000 });
    fake.failNext(1, 429, "Mon, 02 Mar 2026 08:00:30 GMT");
    expect(await failure(a)).toMatchObject({ code: "rate_limited", retryAfterMs: 30_000 });
  });

  it("500/503 → transient", async () => {
    const a = await ready();
    fake.failNext(1, 500);
    expect(await failure(a)).toMatchObject({ code: "transient", platformCode: "ServiceError" });
    fake.failNext(1, 503, undefined, "<html>unavailable</html>");
    expect(await failure(a)).toMatchObject({ code: "transient", platformCode: "http_503" });
  });

  it("401/403/404 → permanent with the platform code", async () => {
    const a = await ready();
    fake.failNext(1, 403, undefined, { error: { code: "BotNotInConversationRoster", message: "removed" } });
    expect(await failure(a)).toMatchObject({ code: "permanent", platformCode: "BotNotInConversationRoster" });
    fake.failNext(1, 404, undefined, { error: { code: "ConversationNotFound", message: "gone" } });
    expect(await failure(a)).toMatchObject({ code: "permanent", platformCode: "ConversationNotFound" });
    fake.failNext(1, 401);
    expect(await failure(a)).toMatchObject({ code: "permanent", platformCode: "ServiceError" });
  });

  it("network failure → transient; after recovery the same message goes through", async () => {
    const a = await ready();
    const port = Number(new URL(fake.url).port);
    await fake.stop();
    try {
      const err = await a.deliver(out).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "transient", platformCode: "network" });
    } finally {
      await fake.start(port); // same port, so the stored serviceUrl stays valid
    }
    expect((await a.deliver(out)).ref).toMatch(/^\d+$/);
  });

  it("unknown channel without a reference → permanent no_conversation_reference", async () => {
    const a = await ready();
    const err = await a.deliver({ ...out, channel: "teams:t9:19:nope@thread.tacv2" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "permanent", platformCode: "no_conversation_reference" });
  });
});

describe("Teams adapter: authentication", () => {
  const APP_ID = "11111111-2222-4333-8444-555555555555";

  function hs256(payload: Record<string, unknown>): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const head = `${enc({ alg: "HS256", typ: "JWT" })}.${enc(payload)}`;
    return `${head}.${createHmac("sha256", "not-microsoft").update(head).digest("base64url")}`;
  }

  it("with MICROSOFT_APP_ID set, requests without a valid token get 401 and never reach the core", async () => {
    const log = quiet();
    const bot = await startBot(
      new TeamsAdapter({ appId: APP_ID, appPassword: "s3cret", tenantId: "t", warn: log.warn, nodeEnv: "production" }),
    );
    expect(log.lines.join("")).not.toContain("ACHTUNG");
    expect(bot.adapter.health()).toEqual({ ok: true });
    const act = fixture("channel-message-mention", fake.url);
    const n = fake.calls.length;
    expect((await post(bot.url, act)).status).toBe(401);
    expect((await post(bot.url, act, { authorization: "Bearer not-a-jwt" })).status).toBe(401);
    expect((await post(bot.url, act, { authorization: "Basic dXNlcjpwYXNz" })).status).toBe(401);
    const forged = hs256({ aud: "someone-else", iss: "https://api.botframework.com", exp: Math.floor(Date.now() / 1000) + 600 });
    expect((await post(bot.url, act, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect(bot.inbound).toHaveLength(0);
    expect(fake.calls.length).toBe(n);
  });

  it("NODE_ENV=production without MICROSOFT_APP_ID refuses to start (German + English)", () => {
    let err: unknown;
    try {
      new TeamsAdapter({ nodeEnv: "production" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TeamsConfigError);
    expect((err as TeamsConfigError).code).toBe("teams_unauthenticated_in_production");
    expect((err as Error).message).toMatch(/startet nicht[\s\S]*refuses to start/);
    expect(() => new TeamsAdapter({ ...teamsOptionsFromEnv({ NODE_ENV: "production" }), warn: quiet().warn })).toThrow(TeamsConfigError);
    expect(
      () => new TeamsAdapter({ ...teamsOptionsFromEnv({ NODE_ENV: "production", MICROSOFT_APP_ID: APP_ID }), warn: quiet().warn }),
    ).not.toThrow();
  });

  it("options from the environment", () => {
    expect(
      teamsOptionsFromEnv(
        { MICROSOFT_APP_ID: " a ", MICROSOFT_APP_PASSWORD: "p", MICROSOFT_APP_TENANT_ID: "t", NODE_ENV: "production" },
        "/data",
      ),
    ).toEqual({ appId: "a", appPassword: "p", tenantId: "t", nodeEnv: "production", legacyReferenceFile: "/data/teams-references.json" });
  });
});
