/**
 * One app registration for the Teams of many clients. Every request from Teams carries a Bot Connector token,
 * whatever client tenant the activity comes from: the SDK checks its RS256 signature against the keys it fetches
 * over HTTPS (here from the local stand-in for login.botframework.com / login.microsoftonline.com), its audience (the
 * app id) and, since this change, its issuer. The client's tenant is in the activity and picks the organisation via
 * `covers:`; nothing of one client is visible to the other.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import { sdkAuth, teamsAuthMode, teamsOptionsFromEnv } from "../../../src/adapters/teams/options.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import { tenantSinks } from "../../../src/deployment.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage } from "../../../src/storage/index.ts";
import { TenantDirectory } from "../../../src/tenants.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { cardOf, cardText } from "./card-text.ts";
import { FakeConnector } from "./fake-connector.ts";
import { fromTemplate } from "./harness.ts";
import { BOT_FRAMEWORK_TENANT, MicrosoftLogin } from "./microsoft-login.ts";

/** The bot's app id (the fixtures' recipient is `28:<app id>`). */
const APP_ID = "8c3e1a52-5f1d-4b7e-9f0a-2d6c4b1e7a90";
/** The service provider's own Entra tenant, where the registration lives. */
const HOME = "0b5c7e9a-1d3f-4a6b-8c0d-2e4f6a8b0c1d";
/** Two clients' Microsoft 365 tenants. */
const PRAXIS = "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
const KANZLEI = "a7c4e2f0-9b1d-4e3f-8a6c-5d7e9f1b3c2a";
const PRAXIS_CHANNEL = "19:7d2b9c0e4a5f4e0b9c1d2e3f4a5b6c7d@thread.tacv2";
const KANZLEI_CHANNEL = "19:kanzlei0c4e6a8b0d2f4a6c8e0b2d4f6a8c@thread.tacv2";

const login = new MicrosoftLogin();
const fake = new FakeConnector();
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  await login.start();
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
  await login.stop();
});
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function listen(app: express.Express): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
}

async function startAdapter(adapter: TeamsAdapter): Promise<{ url: string; inbound: Inbound[]; adapter: TeamsAdapter }> {
  const app = express();
  adapter.mount(app);
  const inbound: Inbound[] = [];
  await adapter.start(async (i) => {
    inbound.push(i);
  });
  stops.push(() => adapter.stop());
  return { url: await listen(app), inbound, adapter };
}

/** A channel message of a client tenant as Teams sends it (tenant in `conversation.tenantId` and `channelData`). */
function fromTenant(tenant: string, channel: string, id: string, text: string): Record<string, unknown> {
  const a = fromTemplate("channel-message-mention", {
    person: tenant === PRAXIS ? "anna" : "ben",
    conversationId: `${channel};messageid=${id}`,
    id,
    at: new Date(),
    serviceUrl: fake.url,
    text: `<at>Notfallbot</at> ${text}`,
  });
  (a.conversation as { tenantId: string }).tenantId = tenant;
  const cd = a.channelData as { tenant: { id: string }; channel: { id: string } };
  cd.tenant.id = tenant;
  cd.channel.id = channel;
  return a;
}

async function post(url: string, body: Record<string, unknown>, token?: string): Promise<number> {
  fake.personPosted(body);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

const quiet = { warn: () => {}, nodeEnv: "production" };

/** Claims of a bearer token (the fake Bot Connector received it; only its payload matters here). */
function claims(authorization: string | undefined): Record<string, unknown> {
  const jwt = /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? "";
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** A reminder into each client's channel, proactively: returns the claims of the token each call carried. */
async function remindBoth(adapter: TeamsAdapter): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const [tenant, channel] of [
    [PRAXIS, PRAXIS_CHANNEL],
    [KANZLEI, KANZLEI_CHANNEL],
  ] as const) {
    const n = fake.calls.length;
    await adapter.deliver({ key: `r/${tenant}`, channel: `teams:${tenant}:${channel}`, text: "Erinnerung", blocks: [], locale: "de" });
    const call = fake.calls[n]!;
    expect(call).toMatchObject({ kind: "send", conversationId: channel });
    expect(call.body).toMatchObject({ conversation: { tenantId: tenant } });
    out.push(claims(call.authorization));
  }
  return out;
}

describe("Teams: one registration, requests from any client tenant", () => {
  it("multi-tenant registration (no MICROSOFT_APP_TENANT_ID): Bot Connector tokens for activities of two tenants are accepted", async () => {
    login.tokenRequests.length = 0;
    const bot = await startAdapter(new TeamsAdapter({ appId: APP_ID, appPassword: "s3cret", ...quiet }));
    const token = login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url });
    expect(await post(bot.url, fromTenant(PRAXIS, PRAXIS_CHANNEL, "1772438500001", "notfall hilfe"), token)).toBe(200);
    expect(await post(bot.url, fromTenant(KANZLEI, KANZLEI_CHANNEL, "1772438500002", "notfall hilfe"), token)).toBe(200);
    expect(bot.inbound.map((i) => [i.tenant, i.channel])).toEqual([
      [PRAXIS, `teams:${PRAXIS}:${PRAXIS_CHANNEL}`],
      [KANZLEI, `teams:${KANZLEI}:${KANZLEI_CHANNEL}`],
    ]);
    // the keys came from the Bot Framework's key endpoint over HTTPS
    expect(login.requests).toContain("login.botframework.com /v1/.well-known/keys");

    // the SDK fetched the bot's token for each turn, and proactive messages into both clients' channels carry it:
    // from the Bot Framework tenant
    const sent = await remindBoth(bot.adapter);
    for (const c of sent) expect(c).toMatchObject({ aud: "https://api.botframework.com", tid: BOT_FRAMEWORK_TENANT, appid: APP_ID });
    expect(new Set(login.tokenRequests.map((r) => r.tenant))).toEqual(new Set(["botframework.com"]));
    expect(login.tokenRequests[0]?.form).toMatchObject({
      grant_type: "client_credentials",
      client_id: APP_ID,
      client_secret: "s3cret",
      scope: "https://api.botframework.com/.default",
    });
  });

  it("single-tenant registration (the provider's home tenant): the same, for any client tenant; home-tenant Entra tokens too", async () => {
    login.tokenRequests.length = 0;
    const bot = await startAdapter(new TeamsAdapter({ appId: APP_ID, appPassword: "s3cret", tenantId: HOME, ...quiet }));
    const token = login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url });
    expect(await post(bot.url, fromTenant(PRAXIS, PRAXIS_CHANNEL, "1772438500011", "notfall hilfe"), token)).toBe(200);
    expect(await post(bot.url, fromTenant(KANZLEI, KANZLEI_CHANNEL, "1772438500012", "notfall hilfe"), token)).toBe(200);
    const entra = login.entraToken({ tenant: HOME, aud: APP_ID, appid: APP_ID, serviceUrl: fake.url });
    expect(await post(bot.url, fromTenant(KANZLEI, KANZLEI_CHANNEL, "1772438500013", "notfall hilfe"), entra)).toBe(200);
    expect(bot.inbound.map((i) => i.tenant)).toEqual([PRAXIS, KANZLEI, KANZLEI]);

    // to both clients with the token of the home tenant (the Bot Connector wants the registration's tenant, the
    // client's tenant goes in the activity)
    const sent = await remindBoth(bot.adapter);
    for (const c of sent) expect(c).toMatchObject({ aud: "https://api.botframework.com", tid: HOME, appid: APP_ID });
    expect(new Set(login.tokenRequests.map((r) => r.tenant))).toEqual(new Set([HOME]));
  });

  for (const mode of ["multi-tenant", "single-tenant"] as const) {
    it(`${mode}: wrong audience, wrong issuer, expired or foreign-signed tokens get 401 and never reach the core`, async () => {
      const bot = await startAdapter(
        new TeamsAdapter({ appId: APP_ID, appPassword: "s3cret", ...(mode === "single-tenant" ? { tenantId: HOME } : {}), ...quiet }),
      );
      const act = () => fromTenant(PRAXIS, PRAXIS_CHANNEL, "1772438500021", "notfall hilfe");
      const now = Math.floor(Date.now() / 1000);
      const refused = {
        // a token for another bot
        audience: login.botConnectorToken({ aud: "11111111-2222-4333-8444-555555555555", serviceUrl: fake.url }),
        // signed with the Bot Framework's key, but claiming another issuer
        issuer: login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url, iss: "https://api.botframework.example" }),
        // a valid Entra app token of some other tenant for this app id: anyone with an app in their own tenant can get
        // one; accepted before this change (the SDK checks issuers only when told to)
        otherTenant: login.entraToken({ tenant: KANZLEI, aud: APP_ID, appid: "99999999-8888-4777-8666-555555555555" }),
        otherTenantV1: login.entraToken({ tenant: KANZLEI, aud: APP_ID, appid: "99999999-8888-4777-8666-555555555555", v1: true }),
        expired: login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url, exp: now - 3600 }),
        // the Bot Connector's claims, signed with a key Microsoft does not publish for it
        foreignKey: login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url, signedBy: "entra" }),
      };
      for (const [what, token] of Object.entries(refused)) {
        expect([what, await post(bot.url, act(), token)]).toEqual([what, 401]);
      }
      expect(bot.inbound).toHaveLength(0);
      // and the right token still gets through
      expect(await post(bot.url, act(), login.botConnectorToken({ aud: APP_ID, serviceUrl: fake.url }))).toBe(200);
      expect(bot.inbound).toHaveLength(1);
    });
  }
});

describe("Teams: which tenant the bot signs in with", () => {
  it("multi-tenant registration via the Bot Framework tenant, single-tenant via its home tenant; issuers always checked", () => {
    expect(teamsAuthMode({})).toBe("multi-tenant");
    for (const t of ["common", "organizations", "botframework.com", " Common "])
      expect(teamsAuthMode({ tenantId: t })).toBe("multi-tenant");
    expect(teamsAuthMode({ tenantId: HOME })).toBe("single-tenant");
    expect(sdkAuth({ appId: APP_ID, appPassword: "p" })).toMatchObject({
      clientId: APP_ID,
      tenantId: "botframework.com",
      validateIssuer: true,
    });
    expect(sdkAuth({ appId: APP_ID, appPassword: "p", tenantId: "common" })).toMatchObject({ tenantId: "botframework.com" });
    expect(sdkAuth({ appId: APP_ID, appPassword: "p", tenantId: HOME })).toMatchObject({ tenantId: HOME, validateIssuer: true });
    expect(sdkAuth({})).toEqual({});
    expect(teamsOptionsFromEnv({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: "" })).not.toHaveProperty("tenantId");
  });

  it("says at start which registration type the settings fit (German and English)", async () => {
    const lines: string[] = [];
    await new TeamsAdapter({ appId: APP_ID, appPassword: "p", nodeEnv: "production", warn: (t) => lines.push(t) }).start(async () => {});
    expect(lines.join("\n")).toMatch(/Multi-Tenant-Bot[\s\S]*Single Tenant[\s\S]*multi-tenant bot/);
    const single: string[] = [];
    await new TeamsAdapter({ appId: APP_ID, appPassword: "p", tenantId: HOME, nodeEnv: "production", warn: (t) => single.push(t) }).start(
      async () => {},
    );
    expect(single).toEqual([]);
  });
});

describe("Teams: two client tenants on one adapter land in two organisations", () => {
  it("each client's incidents are numbered and answered in its own organisation; ids of the other find nothing", async () => {
    const tmp = tempDir("notfallbot-teams-mt-");
    const orgs = join(tmp.dir, "mandanten");
    mkdirSync(orgs);
    writeFileSync(join(orgs, "praxis-anna.yaml"), `name: Praxis Anna Muster\ncovers:\n  teams: ["${PRAXIS.toUpperCase()}"]\n`);
    writeFileSync(join(orgs, "kanzlei-berta.yaml"), `name: Kanzlei Berta\ncovers:\n  teams: ["${KANZLEI}"]\n`);
    const clock = new FakeClock("2026-03-02T08:00:00Z");
    const dataDir = join(tmp.dir, "data");
    const storage = openStorage(join(dataDir, "notfall.db"), { clock });
    const playbooks = loadPlaybooks();
    const tenancy = new TenantDirectory(orgs, {
      storeOf: (t) => storage.forTenant(t),
      sinks: (t, config, file) => tenantSinks(dataDir, t, config, file, playbooks.list(), dataDir),
    });
    const adapter = new TeamsAdapter({ clock, state: storage, nodeEnv: "test", warn: () => {} });
    const bot: Bot = createBot({
      storage,
      tenancy,
      deployment: {
        storeOf: (t) => storage.forTenant(t),
        dueAll: (now, limit, busy) => storage.dueOutboxAllTenants(now, limit, busy),
        nextAll: () => storage.nextOutboxAttemptAllTenants(),
      },
      adapters: [adapter],
      clock,
      playbooks,
    });
    const app = express();
    adapter.mount(app);
    await bot.start();
    const url = await listen(app);
    stops.push(async () => {
      await bot.stop();
      tenancy.stop();
      await storage.close();
      tmp.cleanup();
    });
    let id = 1772438600000;
    const say = async (tenant: string, text: string) => {
      const channel = tenant === PRAXIS ? PRAXIS_CHANNEL : KANZLEI_CHANNEL;
      expect(await post(url, fromTenant(tenant, channel, String(++id), text))).toBe(200);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        await bot.idle();
      }
    };
    const seenIn = (channel: string) =>
      fake
        .list()
        .filter((m) => m.conversationId.startsWith(channel))
        .map((m) => {
          const card = cardOf(m.activity);
          return card ? cardText(card) : String(m.activity.text ?? "");
        })
        .join("\n");

    await say(PRAXIS, "notfall verschlüsselung Server zeigt Erpressernachricht");
    await say(PRAXIS, "notfall phishing Link in Mail geklickt");
    await say(KANZLEI, "notfall verschlüsselung Bildschirm zeigt Lösegeldforderung");
    const praxis = storage.forTenant("praxis-anna");
    const kanzlei = storage.forTenant("kanzlei-berta");
    expect((await praxis.listIncidents()).map((i) => i.id).sort()).toEqual(["NF-2026-0001", "NF-2026-0002"]);
    expect((await kanzlei.listIncidents()).map((i) => [i.id, i.workspace])).toEqual([["NF-2026-0001", KANZLEI]]);
    const before = await praxis.timeline("NF-2026-0002");

    // the Kanzlei asks for, exports and acts on the Praxis's second incident (a phishing case) by its id
    await say(KANZLEI, "notfall status NF-2026-0002");
    await say(KANZLEI, "notfall export NF-2026-0002");
    const invoke = fromTemplate("adaptive-card-invoke", {
      person: "ben",
      conversationId: `${KANZLEI_CHANNEL};messageid=${id}`,
      id: `f:${++id}`,
      at: clock.now(),
      serviceUrl: fake.url,
      replyToId: String(id - 1),
      value: { action: { type: "Action.Execute", title: "erledigt 1", verb: "notfall", data: { c: "erledigt 1", i: "NF-2026-0002" } } },
    });
    (invoke.conversation as { tenantId: string }).tenantId = KANZLEI;
    (invoke.channelData as { tenant: { id: string } }).tenant.id = KANZLEI;
    expect(await post(url, invoke)).toBe(200);
    await bot.idle();

    const kanzleiSaw = seenIn(KANZLEI_CHANNEL);
    expect(kanzleiSaw).toMatch(/NF-2026-0001/);
    expect(kanzleiSaw).not.toMatch(/Phishing|Link in Mail|Erpressernachricht/i);
    expect(seenIn(PRAXIS_CHANNEL)).not.toMatch(/Lösegeldforderung|Kanzlei/);
    expect(await praxis.timeline("NF-2026-0002")).toEqual(before);
    // the references of both tenants' channels are kept side by side, each under its own Teams tenant
    expect(await storage.getAdapterState("teams", "ref", `teams:${PRAXIS}:${PRAXIS_CHANNEL}`)).toContain(PRAXIS);
    expect(await storage.getAdapterState("teams", "ref", `teams:${KANZLEI}:${KANZLEI_CHANNEL}`)).toContain(KANZLEI);
  });
});
