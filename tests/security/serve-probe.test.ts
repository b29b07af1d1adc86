/**
 * Issue #18, probed again as an attacker would through the real `notfallbot serve` (child process on loopback) after
 * the bot thread (src/workers), Slack's OAuth installations, Teams in many tenants and menus in the database:
 *
 * - two Slack workspaces installed through OAuth, one database (no tenant folder: the incidents of both are in one
 *   store), and Teams conversations of two Microsoft 365 tenants (`NOTFALL_TEAMS=1`, the unauthenticated local mode:
 *   what an activity says about its tenant is what Teams would say);
 * - button payloads and typed ids naming an incident of another workspace, tenant or platform;
 * - answers to a menu typed by another person, in another channel, from another workspace;
 * - `/slack/install` and `/slack/oauth_redirect` with forged state, big bodies and long queries;
 * - hostile but signed payloads the bot thread has to digest: the process must stay up and `/healthz` answer;
 * - afterwards no secret (client secret, state secret, signing secret, the workspaces' bot tokens) in stderr, stdout,
 *   the timeline, the outbox or an export, and every file under the data directory private to the service user.
 */
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeMessage, FakeSlackApi, type FakeWorkspace } from "../adapters/slack/fake-slack-api.ts";
import { formBody, payloadBody, postSigned } from "../adapters/slack/signed-request.ts";
import { cardOf, cardText } from "../adapters/teams/card-text.ts";
import { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { fromTemplate } from "../adapters/teams/harness.ts";
import { type ServeChild, SIGNING_SECRET, startServe } from "./_serve.ts";
import { until } from "./_slack.ts";

const STATE_SECRET = "state-1b3d5f7a9c0e2a4c6e8a0c2e4a6c8e0a";
const A: FakeWorkspace = { teamId: "T0PRAXISA", teamName: "Praxis Albers", botUserId: "U0BOTA", botId: "B0BOTA" };
const B: FakeWorkspace = { teamId: "T0PRAXISB", teamName: "Kanzlei Berger", botUserId: "U0BOTB", botId: "B0BOTB" };
const C_A = "C0ALBERS";
const C_A2 = "C0ALBERS2";
const C_B = "C0BERGER";
/** Two Microsoft 365 tenants and one channel each. */
const PRAXIS = "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
const KANZLEI = "a7c4e2f0-9b1d-4e3f-8a6c-5d7e9f1b3c2a";
const T_PRAXIS = "19:1a2b3c4d5e6f40718293a4b5c6d7e8f9@thread.tacv2";
const T_KANZLEI = "19:9f8e7d6c5b4a40312f1e0d9c8b7a6f5e@thread.tacv2";
const KANZLEI_POST = "1772438499999";
const REFUSED_BUTTON = "Diese Schaltfläche gehört nicht zu einem Notfall, der hier läuft. Nichts wurde geändert.";
const NOT_HERE = "läuft nicht hier.";

const api = new FakeSlackApi();
const connector = new FakeConnector();
let serve: ServeChild;
let base = "";
let n = 0;

function db<T>(q: string, ...args: unknown[]): T[] {
  const d = new Database(serve.dbPath, { readonly: true });
  try {
    return d.prepare(q).all(...args) as T[];
  } finally {
    d.close();
  }
}

/** What must not change on an attacked incident: its record and its timeline. */
function fingerprint(id: string): unknown {
  const [rec] = db<Record<string, unknown>>(
    "select version, last_seq, aware_at, closed_at, level, phase, snapshot from incidents where id = ?",
    id,
  );
  return { ...rec, entries: db<{ n: number }>("select count(*) n from timeline where incident_id = ?", id)[0]!.n };
}

function openIn(channel: string): string[] {
  return db<{ id: string }>("select id from incidents where channel = ? and closed_at is null order by id", channel).map((r) => r.id);
}

async function openInstallPage(): Promise<{ cookie: string | undefined; authorizeUrl: string; setCookie: string }> {
  const res = await fetch(`${base}/slack/install`);
  const html = await res.text();
  const href = /href="(https:\/\/slack\.com\/oauth\/v2\/authorize\?[^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error(`no authorize link:\n${html}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0], authorizeUrl: href.replace(/&amp;/g, "&"), setCookie };
}

async function redirectBack(url: string, cookie: string | undefined): Promise<{ status: number; html: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

async function install(ws: FakeWorkspace): Promise<void> {
  const page = await openInstallPage();
  const back = api.approve(page.authorizeUrl, ws, { user: "U0ANNA", redirectUri: `${base}/slack/oauth_redirect` });
  const r = await redirectBack(back, page.cookie);
  expect(r.status, serve.stderr()).toBe(200);
}

async function signed(body: string, contentType: "application/json" | "application/x-www-form-urlencoded"): Promise<number> {
  const res = await postSigned(`${base}/slack/events`, SIGNING_SECRET, { body, contentType });
  return res.status;
}

/** `/notfall <text>` by `user` in `channel` of workspace `ws`. */
function slash(ws: FakeWorkspace, channel: string, user: string, text: string): Promise<number> {
  n++;
  return signed(
    formBody({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: ws.teamId,
      team_domain: ws.teamName.toLowerCase().replace(/\s+/g, "-"),
      channel_id: channel,
      channel_name: "it-notfall",
      user_id: user,
      user_name: user.toLowerCase(),
      command: "/notfall",
      text,
      api_app_id: api.app.appId,
      is_enterprise_install: "false",
      response_url: `https://hooks.slack.com/commands/${ws.teamId}/${n}/xyz`,
      trigger_id: `${5_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`,
    }),
    "application/x-www-form-urlencoded",
  );
}

/** A channel message (not in a thread) by `user` in `channel` of workspace `ws`. */
function message(ws: FakeWorkspace, channel: string, user: string, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  n++;
  const ts = `${1_772_700_000 + n}.000100`;
  return signed(
    JSON.stringify({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: ws.teamId,
      api_app_id: api.app.appId,
      event: { type: "message", channel, channel_type: "channel", user, text, ts, event_ts: ts, client_msg_id: `probe-${n}`, ...extra },
      type: "event_callback",
      event_id: `Ev0PROBE${String(n).padStart(5, "0")}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: ws.teamId, user_id: ws.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    }),
    "application/json",
  );
}

/** A signed block_actions from workspace `ws`, channel `channel`, on `msg`, with the button value `value`. */
function press(ws: FakeWorkspace, channel: string, user: string, msg: FakeMessage | undefined, value: unknown): Promise<number> {
  n++;
  const ts = msg?.ts ?? `${1_772_800_000 + n}.000100`;
  return signed(
    payloadBody({
      type: "block_actions",
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: ws.teamId },
      api_app_id: api.app.appId,
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      container: { type: "message", message_ts: ts, channel_id: channel, is_ephemeral: false },
      trigger_id: `${6_000_000 + n}.1379717998065.9bc163894734c1f415a2c504e81dec91`,
      team: { id: ws.teamId, domain: ws.teamName.toLowerCase() },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel, name: channel.toLowerCase() },
      message: { type: "message", user: ws.botUserId, bot_id: ws.botId, ts, text: msg?.text ?? "", blocks: msg?.blocks ?? [] },
      state: { values: {} },
      response_url: `https://hooks.slack.com/actions/${ws.teamId}/${n}/abc`,
      actions: [
        {
          action_id: `nf_${n}`,
          block_id: "b",
          value: typeof value === "string" ? value : JSON.stringify(value),
          type: "button",
          action_ts: `${1_772_900_000 + n}.000200`,
        },
      ],
    }),
    "application/x-www-form-urlencoded",
  );
}

let teamsId = 1_772_438_600_000;

async function teamsPost(activity: Record<string, unknown>): Promise<number> {
  connector.personPosted(activity as Parameters<FakeConnector["personPosted"]>[0]);
  const res = await fetch(`${base}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The activity as it comes from a client tenant: the tenant in `conversation.tenantId` and `channelData.tenant`. */
function inTenant(a: Record<string, unknown>, tenant: string): Record<string, unknown> {
  a.conversation = { ...(a.conversation as object), tenantId: tenant };
  a.channelData = { ...((a.channelData as object | undefined) ?? {}), tenant: { id: tenant } };
  return a;
}

function teamsCommand(who: string, tenant: string, channel: string, text: string): Promise<number> {
  const id = String(teamsId++);
  return teamsPost(
    inTenant(
      fromTemplate("channel-message-mention", {
        person: who,
        conversationId: `${channel};messageid=${id}`,
        id,
        at: new Date(),
        serviceUrl: connector.url,
        text: `<at>Notfallbot</at> notfall ${text}`,
      }),
      tenant,
    ),
  );
}

function teamsInvoke(who: string, tenant: string, conversationId: string, replyToId: string, data: unknown): Promise<number> {
  return teamsPost(
    inTenant(
      fromTemplate("adaptive-card-invoke", {
        person: who,
        conversationId,
        id: `f:${teamsId++}`,
        at: new Date(),
        serviceUrl: connector.url,
        replyToId,
        value: { action: { type: "Action.Execute", title: "x", verb: "notfall", data }, trigger: "manual" },
      }),
      tenant,
    ),
  );
}

function teamsTexts(conversation: string): string[] {
  return connector
    .list()
    .filter((m) => m.conversationId.split(";")[0] === conversation)
    .map((m) => {
      const card = cardOf(m.activity);
      return card ? cardText(card) : String(m.activity.text ?? "");
    });
}

function rootOf(channel: string, id: string): FakeMessage {
  const m = api.visible(channel).find((x) => !x.threadTs && x.text.includes(id));
  if (!m) throw new Error(`no root of ${id} in ${channel}`);
  return m;
}

async function healthy(): Promise<void> {
  const res = await fetch(`${base}/healthz`);
  expect(res.status, serve.stderr()).toBe(200);
  await res.arrayBuffer();
}

const slackA = `slack:${A.teamId}:${C_A}`;
const slackB = `slack:${B.teamId}:${C_B}`;
const teamsPraxis = `teams:${PRAXIS}:${T_PRAXIS}`;
const teamsKanzlei = `teams:${KANZLEI}:${T_KANZLEI}`;
let nfA = "";
let nfB = "";
let nfPraxis = "";
let nfKanzlei = "";

beforeAll(async () => {
  await api.start();
  await connector.start();
  connector.conversation(T_PRAXIS, "channel");
  connector.conversation(T_KANZLEI, "channel");
  connector.rootMessage(T_KANZLEI, KANZLEI_POST);
  serve = await startServe({
    api,
    env: {
      SLACK_BOT_TOKEN: undefined,
      SLACK_CLIENT_ID: api.app.clientId,
      SLACK_CLIENT_SECRET: api.app.clientSecret,
      SLACK_STATE_SECRET: STATE_SECRET,
      NOTFALL_TEAMS: "1",
      NODE_ENV: "test",
    },
  });
  base = `http://127.0.0.1:${serve.port}`;
  await install(A);
  await install(B);
  expect(await slash(A, C_A, "U0ANNA", "verschlüsselung Praxis-PCs verschlüsselt")).toBe(200);
  expect(await slash(B, C_B, "U0BEN", "verschlüsselung Kanzlei-Server verschlüsselt")).toBe(200);
  expect(await teamsCommand("anna", PRAXIS, T_PRAXIS, "verschlüsselung Empfangsrechner verschlüsselt")).toBe(200);
  expect(await teamsCommand("ben", KANZLEI, T_KANZLEI, "verschlüsselung Aktenserver verschlüsselt")).toBe(200);
  nfA = await until(() => openIn(slackA)[0], 30_000, "incident in A");
  nfB = await until(() => openIn(slackB)[0], 30_000, "incident in B");
  nfPraxis = await until(() => openIn(teamsPraxis)[0], 30_000, "Teams incident of PRAXIS");
  nfKanzlei = await until(() => openIn(teamsKanzlei)[0], 30_000, "Teams incident of KANZLEI");
  // the roots are out (the buttons an attacker copies)
  await until(() => api.visible(C_A).some((m) => m.text.includes(nfA)) && api.visible(C_B).some((m) => m.text.includes(nfB)), 30_000);
  expect(new Set([nfA, nfB, nfPraxis, nfKanzlei]).size).toBe(4);
}, 180_000);

afterAll(async () => {
  await serve?.stop();
  await api.stop();
  await connector.stop();
});

describe("one database, two Slack workspaces (OAuth) and two Teams tenants: nothing crosses", () => {
  it("a button in workspace B naming A's incident is refused; A's incident is unchanged and nothing of it reaches B", async () => {
    const before = fingerprint(nfA);
    const own = rootOf(C_B, nfB);
    for (const c of ["rolle koordinator", "eskalieren katastrophe", "abschließen Fehlalarm"])
      expect(await press(B, C_B, "U0BEN", own, { c, i: nfA })).toBe(200);
    // the same channel id in B (a channel shared between workspaces looks like this) is still not A's channel
    expect(await press(B, C_A, "U0BEN", own, { c: "rolle koordinator", i: nfA })).toBe(200);
    await until(() => api.messages.filter((m) => m.ephemeralFor === "U0BEN" && m.text.includes(REFUSED_BUTTON)).length >= 4, 20_000);
    expect(fingerprint(nfA)).toEqual(before);
    // what B saw was sent with B's token, never A's
    const tokenA = api.tokenOf(A.teamId)!;
    const intoB = api.calls.filter((c) => c.args.channel === C_B);
    expect(intoB.length).toBeGreaterThan(0);
    for (const c of intoB) expect(c.token).not.toBe(tokenA);
    expect(api.messages.filter((m) => m.channel === C_B && m.text.includes(nfA))).toEqual([]);
  });

  it("`/notfall status|export <A's id>` typed in B shows nothing of it and writes nothing into it", async () => {
    const before = fingerprint(nfA);
    expect(await slash(B, C_B, "U0BEN", `status ${nfA}`)).toBe(200);
    expect(await slash(B, C_B, "U0BEN", `export ${nfA}`)).toBe(200);
    await until(() => api.messages.filter((m) => m.channel === C_B && m.text.includes(`${nfA} ${NOT_HERE}`)).length >= 2, 20_000);
    expect(fingerprint(nfA)).toEqual(before);
    expect(api.messages.filter((m) => m.channel === C_B && m.text.includes("Praxis-PCs"))).toEqual([]);
    expect(readdirSync(join(serve.dir, "data")).filter((f) => f === "exports")).toEqual([]);
  });

  it("a Teams invoke from tenant KANZLEI naming PRAXIS's or A's Slack incident is refused; both unchanged", async () => {
    const praxis = fingerprint(nfPraxis);
    const slackIncident = fingerprint(nfA);
    const conv = `${T_KANZLEI};messageid=${KANZLEI_POST}`;
    for (const i of [nfPraxis, nfA]) {
      for (const c of ["rolle koordinator", "antwort 1 gestern 7:00"])
        expect(await teamsInvoke("ben", KANZLEI, conv, KANZLEI_POST, { c, i })).toBe(200);
    }
    await until(() => teamsTexts(T_KANZLEI).filter((t) => t.includes(REFUSED_BUTTON)).length >= 4, 20_000);
    expect(fingerprint(nfPraxis)).toEqual(praxis);
    expect(fingerprint(nfA)).toEqual(slackIncident);
    expect(teamsTexts(T_KANZLEI).filter((t) => t.includes(nfPraxis) || t.includes("Empfangsrechner"))).toEqual([]);
  });

  it("the same conversation id claimed by another tenant is another channel: PRAXIS's incident stays untouched", async () => {
    const before = fingerprint(nfPraxis);
    const conv = `${T_PRAXIS};messageid=${KANZLEI_POST}`;
    expect(await teamsInvoke("ben", KANZLEI, conv, KANZLEI_POST, { c: "rolle koordinator", i: nfPraxis })).toBe(200);
    // refused and logged where it happened (that conversation of KANZLEI has no incident to record it on)
    await until(
      () => serve.stderr().includes(`Schaltfläche für ${nfPraxis} von`) && serve.stderr().includes(`teams:${KANZLEI}:${T_PRAXIS}`),
      20_000,
    );
    expect(fingerprint(nfPraxis)).toEqual(before);
  });
});

describe("menus answer only the person they were shown to, in that channel and workspace", () => {
  it("a `1` by someone else, in another channel or from another workspace opens nothing; the person's own `1` does", async () => {
    const openBefore = db<{ n: number }>("select count(*) n from incidents")[0]!.n;
    expect(await slash(A, C_A2, "U0ANNA", "Daten verloren nach Serverabsturz")).toBe(200);
    const annasKey = `${A.teamId}\nslack:${A.teamId}:${C_A2}\nU0ANNA`;
    const annas = () => db<{ menu: string; shown_at: string }>("select menu, shown_at from menus where key = ?", annasKey);
    await until(() => annas().length === 1, 20_000, "menu stored");
    const shown = annas();
    await until(() => api.messages.some((m) => m.channel === C_A2 && m.ephemeralFor === "U0ANNA"), 20_000, "menu shown");
    // on Slack a menu is answered with `/notfall 1`: ben in the same channel; anna in another channel of A; anna (the
    // same user id) in a channel of that name in workspace B
    expect(await slash(A, C_A2, "U0BEN", "1")).toBe(200);
    expect(await slash(A, C_A, "U0ANNA", "1")).toBe(200);
    expect(await slash(B, C_A2, "U0ANNA", "1")).toBe(200);
    // and a plain `1` in the channel by ben (channel chatter: not even read)
    expect(await message(A, C_A2, "U0BEN", "1")).toBe(200);
    // a marker after them: when its refusal is out, the lines before it are handled (one queue)
    expect(await slash(A, C_A2, "U0CEM", `status ${nfB}`)).toBe(200);
    await until(() => api.messages.some((m) => m.channel === C_A2 && m.ephemeralFor === "U0CEM"), 20_000);
    expect(db<{ n: number }>("select count(*) n from incidents")[0]!.n).toBe(openBefore);
    // (their `/notfall 1` is a declaration of its own and gets its own menu, never anna's)
    expect(annas()).toEqual(shown);
    // the person it was shown to, where it was shown
    expect(await slash(A, C_A2, "U0ANNA", "1")).toBe(200);
    const opened = await until(() => openIn(`slack:${A.teamId}:${C_A2}`)[0], 20_000, "incident from the menu");
    expect(db<{ playbook_id: string }>("select playbook_id from incidents where id = ?", opened)[0]!.playbook_id).toBe("serverausfall");
  });
});

describe("/slack/install and /slack/oauth_redirect", () => {
  it("the state cookie is HttpOnly, Secure and short-lived", async () => {
    const page = await openInstallPage();
    expect(page.setCookie).toMatch(/^slack-app-oauth-state=[^;]+;/);
    expect(page.setCookie).toMatch(/HttpOnly/i);
    expect(page.setCookie).toMatch(/Secure/i);
    expect(page.setCookie).toMatch(/Max-Age=600/i);
  });

  it("a state signed with another secret is refused, even with a matching cookie; Slack is not asked for a token", async () => {
    const exchanges = api.callsOf("oauth.v2.access").length;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const head = b64({ alg: "HS256", typ: "JWT" });
    const body = b64({
      installOptions: { scopes: ["chat:write"] },
      now: new Date().toISOString(),
      random: 1,
      iat: Math.floor(Date.now() / 1000),
    });
    const sig = createHmac("sha256", "not-the-state-secret").update(`${head}.${body}`).digest("base64url");
    const forged = `${head}.${body}.${sig}`;
    for (const state of [forged, `${head}.${body}.`, "x".repeat(4000)]) {
      const url = `${base}/slack/oauth_redirect?code=attacker-code&state=${encodeURIComponent(state)}`;
      const r = await redirectBack(url, `slack-app-oauth-state=${state}`);
      expect(r.status, state.slice(0, 40)).toBe(400);
      expect(r.html).toContain("Installations-Link ist abgelaufen");
    }
    expect(api.callsOf("oauth.v2.access")).toHaveLength(exchanges);
    expect(db<{ n: number }>("select count(*) n from installations")[0]!.n).toBe(2);
  });

  it("only GET without a body: other methods 405, any body 413, answered before the body is read and the connection closed", async () => {
    const rss = serve.rss();
    for (const [method, path, expected] of [
      ["POST", "/slack/install", 405],
      ["POST", "/slack/oauth_redirect", 405],
      ["PUT", "/slack/oauth_redirect/anything", 405],
      ["GET", "/slack/oauth_redirect?code=x&state=y", 413],
      ["GET", "/slack/install", 413],
    ] as const) {
      const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = request(`${base}${path}`, { method, headers: { "content-length": String(64 * 1024 * 1024) } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
        });
        req.on("error", reject);
        // a quarter of a megabyte of the declared 64 MiB: the answer comes without the rest
        req.write(Buffer.alloc(256 * 1024, 0x61));
      });
      expect(answer, `${method} ${path}`).toEqual({ status: expected, connection: "close" });
    }
    // a chunked body on a page that takes none
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/slack/install`, { method: "GET", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("a".repeat(1024));
    });
    expect(chunked).toBe(413);
    // a request line far over Node's header limit is refused by Node itself
    const long = await fetch(`${base}/slack/oauth_redirect?state=${"a".repeat(40_000)}`).catch(() => undefined);
    expect(long?.status ?? 431).toBe(431);
    expect(serve.rss() - rss).toBeLessThan(32 * 1024 * 1024);
    await healthy();
  });
});

describe("the bot thread digests hostile, validly signed input without going down", () => {
  it("odd payloads from both platforms: every request answered, /healthz 200, no crash in the log", async () => {
    const own = rootOf(C_B, nfB);
    const values: unknown[] = [
      "{",
      "null",
      "[]",
      '{"c":{"toString":1},"i":[1]}',
      '{"c":"rolle koordinator","i":{"__proto__":{"x":1}}}',
      { c: "rolle koordinator", i: "../../../etc/passwd" },
      { c: "rolle koordinator", i: `NF-2026-${"9".repeat(2000)}` },
      { c: "x".repeat(150_000), i: nfB },
      { c: "status", i: "NF-2026-0001' OR 1=1 --" },
      { __proto__: { c: "abschließen" }, constructor: { prototype: { c: "x" } } },
    ];
    for (const v of values) expect(await press(B, C_B, "U0BEN", own, v)).toBeLessThan(500);
    // message events with wrong types in every field Slack normally fills
    for (const extra of [
      { text: 12 },
      { text: { a: 1 } },
      { user: ["U0X"] },
      { thread_ts: { x: 1 } },
      { channel: 7 },
      { blocks: "nope" },
      { files: [{ id: null }] },
      { text: "\u0000\u202e\ud800 status" },
    ])
      expect(await message(B, C_B, "U0BEN", "status", extra)).toBeLessThan(500);
    // Teams: card data of every wrong shape, and an activity with odd ids
    const conv = `${T_KANZLEI};messageid=${KANZLEI_POST}`;
    for (const data of [null, 1, "x", [], { c: 1 }, { c: "status", i: 5 }, { c: "a".repeat(100_000) }])
      expect(await teamsInvoke("ben", KANZLEI, conv, KANZLEI_POST, data)).toBeLessThan(500);
    const odd = inTenant(
      fromTemplate("channel-message-mention", {
        person: "ben",
        conversationId: `${T_KANZLEI};messageid=;messageid=x:y`,
        id: "x:y:z",
        at: new Date(),
        serviceUrl: connector.url,
        text: "<at>Notfallbot</at> notfall status",
      }),
      "a:b:c",
    );
    expect(await teamsPost(odd)).toBeLessThan(500);
    await healthy();
    // still working: a normal command in B gets its answer
    const before = api.messages.length;
    expect(await slash(B, C_B, "U0BEN", "status")).toBe(200);
    await until(() => api.messages.slice(before).some((m) => m.channel === C_B && m.text.includes(nfB)), 20_000, "status answered");
    expect(serve.stderr()).not.toMatch(/Bot-Thread|bot thread|Error:\s+at |\n\s+at /);
  });
});

describe("afterwards: no secret anywhere, every file private", () => {
  it("client secret, state secret, signing secret and the workspaces' tokens are in no log, table or export", async () => {
    // an export of B's incident in its own channel, so that an export file exists to look into
    expect(await slash(B, C_B, "U0BEN", `export ${nfB}`)).toBe(200);
    const exportsDir = join(serve.dir, "data", "exports");
    await until(
      () => {
        try {
          return readdirSync(exportsDir).some((f) => f.endsWith(".md"));
        } catch {
          return false;
        }
      },
      30_000,
      "export written",
    );
    const secrets = [api.app.clientSecret, STATE_SECRET, SIGNING_SECRET, api.tokenOf(A.teamId)!, api.tokenOf(B.teamId)!];
    const places: [string, string][] = [
      ["stderr", serve.stderr()],
      ["stdout", serve.stdout()],
      ["timeline", JSON.stringify(db("select * from timeline"))],
      ["outbox", JSON.stringify(db("select * from outbox"))],
      ["incidents", JSON.stringify(db("select * from incidents"))],
      ["menus", JSON.stringify(db("select * from menus"))],
      ["adapter_state", JSON.stringify(db("select * from adapter_state"))],
    ];
    for (const f of readdirSync(exportsDir)) places.push([`exports/${f}`, readFileText(join(exportsDir, f))]);
    for (const [where, text] of places) for (const s of secrets) expect(text.includes(s), `${where} contains a secret`).toBe(false);
  });

  it("the data directory and everything in it are private to the service user", () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)],
      );
    const data = join(serve.dir, "data");
    const wrong = [data, ...walk(data)]
      .map((p) => [p.slice(serve.dir.length), (statSync(p).mode & 0o777).toString(8)] as const)
      .filter(([p, mode]) => mode !== (statSync(join(serve.dir, p)).isDirectory() ? "700" : "600"));
    expect(wrong).toEqual([]);
  });
});

function readFileText(p: string): string {
  // PDFs too: a secret would be visible in their text streams (uncompressed strings) or not at all
  return readFileSync(p, "latin1");
}
