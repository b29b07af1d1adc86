/**
 * Slack in many workspaces through Bolt's OAuth installation flow, end to end through `notfallbot serve` (the real
 * CLI as a child process) on SQLite and on the real PostgreSQL of the test run: two workspaces install the app as a
 * browser would (install page → Slack's authorize page, played by the fake → redirect with code and state →
 * oauth.v2.access on the fake Web API), each opens an incident with /notfall, and every message of that incident
 * goes out with that workspace's own bot token to its own tenant. A state that does not belong to the browser is
 * refused without asking Slack for a token; an uninstalled workspace's installation is removed from the database.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../../../src/adapters/slack/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { freshDatabase } from "../../postgres/context.ts";
import { type ServeChild, SIGNING_SECRET, startServe } from "../../security/_serve.ts";
import { FakeSlackApi, type FakeWorkspace, type RecordedCall } from "./fake-slack-api.ts";
import { formBody, postSigned } from "./signed-request.ts";

const STATE_SECRET = "state-5f0c2a7e9b1d3f4a6c8e0b2d4f6a8c0e";

const PRAXIS_A: FakeWorkspace = { teamId: "T0PRAXISA", teamName: "Praxis Albers", botUserId: "U0BOTA", botId: "B0BOTA" };
const PRAXIS_B: FakeWorkspace = { teamId: "T0PRAXISB", teamName: "Kanzlei Berger", botUserId: "U0BOTB", botId: "B0BOTB" };
/** A workspace of an Enterprise Grid organisation that installs the app for the whole organisation. */
const STATION: FakeWorkspace = {
  teamId: "T0STATION",
  teamName: "Station 3",
  botUserId: "U0BOTK",
  botId: "B0BOTK",
  enterprise: { id: "E0KLINIK", name: "Klinikverbund" },
};
const CHANNEL = { T0PRAXISA: "C0ALBERS", T0PRAXISB: "C0BERGER", T0STATION: "C0STATION" } as const;

/** What a browser keeps between the install page and Slack's redirect: the state cookie and the authorize link. */
interface InstallPage {
  status: number;
  html: string;
  cookie: string | undefined;
  authorizeUrl: string;
}

describe.each(["sqlite", "postgres"] as const)("Slack OAuth installation through serve [%s]", (backend) => {
  let api: FakeSlackApi;
  let serve: ServeChild;
  let tenants: ReturnType<typeof tempDir>;
  let pgDb: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let base = "";

  beforeAll(async () => {
    api = new FakeSlackApi();
    await api.start();
    tenants = tempDir("notfallbot-oauth-tenants-");
    writeFileSync(join(tenants.dir, "praxis-albers.yaml"), "name: Praxis Albers\ncovers:\n  slack: [T0PRAXISA]\n");
    writeFileSync(join(tenants.dir, "kanzlei-berger.yaml"), "name: Kanzlei Berger\ncovers:\n  slack: [T0PRAXISB]\n");
    writeFileSync(join(tenants.dir, "klinik.yaml"), "name: Klinikverbund\ncovers:\n  slack: [T0STATION]\n");
    if (backend === "postgres") pgDb = await freshDatabase("oauth");
    const data = join(tenants.dir, "data");
    mkdirSync(data, { recursive: true });
    serve = await startServe({
      api,
      env: {
        SLACK_BOT_TOKEN: undefined,
        SLACK_CLIENT_ID: api.app.clientId,
        SLACK_CLIENT_SECRET: api.app.clientSecret,
        SLACK_STATE_SECRET: STATE_SECRET,
        NOTFALL_TENANTS: tenants.dir,
        ...(pgDb ? { DATABASE_URL: pgDb.url, NOTFALL_DB: undefined, NOTFALL_DATA: data } : {}),
      },
    });
    base = `http://127.0.0.1:${serve.port}`;
  });

  afterAll(async () => {
    await serve?.stop();
    await api?.stop();
    await pgDb?.drop();
    tenants?.cleanup();
  });

  /** Rows of the installations table, straight from the database. */
  async function installations(): Promise<{ key: string; workspace: string | null; bot_token: string; bot_user_id: string }[]> {
    const q = "select key, workspace, bot_token, bot_user_id, installed_by, scopes from installations order by key";
    if (pgDb) {
      const c = new pg.Client(pgDb.url);
      await c.connect();
      try {
        return (await c.query(q)).rows;
      } finally {
        await c.end();
      }
    }
    const db = new Database(serve.dbPath, { readonly: true });
    try {
      return db.prepare(q).all() as { key: string; workspace: string | null; bot_token: string; bot_user_id: string }[];
    } finally {
      db.close();
    }
  }

  async function openInstallPage(): Promise<InstallPage> {
    const res = await fetch(`${base}/slack/install`);
    const html = await res.text();
    const href = /href="(https:\/\/slack\.com\/oauth\/v2\/authorize\?[^"]+)"/.exec(html)?.[1];
    if (!href) throw new Error(`no authorize link on the install page:\n${html}`);
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    return { status: res.status, html, cookie, authorizeUrl: href.replace(/&amp;/g, "&") };
  }

  /** Follows Slack's redirect back to us with the browser's cookie. */
  async function redirectBack(url: string, cookie: string | undefined): Promise<{ status: number; html: string }> {
    const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
    return { status: res.status, html: await res.text() };
  }

  async function install(ws: FakeWorkspace, user = "U0ANNA", orgWide = false): Promise<{ status: number; html: string }> {
    const page = await openInstallPage();
    const back = api.approve(page.authorizeUrl, ws, { user, orgWide, redirectUri: `${base}/slack/oauth_redirect` });
    return redirectBack(back, page.cookie);
  }

  function slash(ws: FakeWorkspace, text: string, n: number): Promise<{ status: number }> {
    const org: Record<string, string> = ws.enterprise
      ? { enterprise_id: ws.enterprise.id, enterprise_name: ws.enterprise.name, is_enterprise_install: "true" }
      : { is_enterprise_install: "false" };
    const body = formBody({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: ws.teamId,
      team_domain: ws.teamName.toLowerCase().replace(/\s+/g, "-"),
      channel_id: CHANNEL[ws.teamId as keyof typeof CHANNEL],
      channel_name: "it-notfall",
      user_id: "U0ANNA",
      user_name: "anna",
      command: "/notfall",
      text,
      api_app_id: api.app.appId,
      ...org,
      response_url: `https://hooks.slack.com/commands/${ws.teamId}/${n}/xyz`,
      trigger_id: `${1_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`,
    });
    return postSigned(`${base}/slack/events`, SIGNING_SECRET, { body, contentType: "application/x-www-form-urlencoded" });
  }

  function event(ws: FakeWorkspace, ev: Record<string, unknown>, n: number): Promise<{ status: number; text: string }> {
    const body = JSON.stringify({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: ws.teamId,
      api_app_id: api.app.appId,
      event: ev,
      type: "event_callback",
      event_id: `Ev0OAUTH${String(n).padStart(4, "0")}`,
      event_time: Math.floor(Date.now() / 1000),
      ...(ws.enterprise ? { enterprise_id: ws.enterprise.id } : {}),
      authorizations: [
        {
          enterprise_id: ws.enterprise?.id ?? null,
          team_id: ws.enterprise ? null : ws.teamId,
          user_id: ws.botUserId,
          is_bot: true,
          is_enterprise_install: ws.enterprise !== undefined,
        },
      ],
      is_ext_shared_channel: false,
    });
    return postSigned(`${base}/slack/events`, SIGNING_SECRET, { body, contentType: "application/json" });
  }

  /** The first chat.postMessage into a channel from now on (or already made). */
  async function firstPostIn(channel: string): Promise<RecordedCall> {
    const done = api.callsOf("chat.postMessage").find((c) => c.args.channel === channel && c.status === 200);
    return done ?? api.waitForCall((c) => c.method === "chat.postMessage" && c.args.channel === channel);
  }

  it("refuses a redirect whose state is not the browser's, without asking Slack for a token", async () => {
    const mine = await openInstallPage();
    const other = await openInstallPage(); // another browser (or an attacker's link)
    expect(mine.status).toBe(200);
    expect(mine.html).toContain("Notfallbot zu Slack hinzufügen");
    const link = new URL(mine.authorizeUrl);
    expect(link.searchParams.get("scope")).toBe(SLACK_BOT_SCOPES.join(","));
    expect(mine.cookie).toMatch(/^slack-app-oauth-state=.+/);
    const back = api.approve(other.authorizeUrl, PRAXIS_A, { redirectUri: `${base}/slack/oauth_redirect` });
    const refused = await redirectBack(back, mine.cookie);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Installations-Link ist abgelaufen oder wurde in einem anderen Browser geöffnet");
    expect(refused.html).toContain("/slack/install");
    // without any cookie, too
    const noCookie = await redirectBack(
      api.approve(mine.authorizeUrl, PRAXIS_A, { redirectUri: `${base}/slack/oauth_redirect` }),
      undefined,
    );
    expect(noCookie.status).toBe(400);
    // "Cancel" on Slack's page: Slack comes back with error=access_denied and no code
    const cancelled = new URL(`${base}/slack/oauth_redirect`);
    cancelled.searchParams.set("error", "access_denied");
    cancelled.searchParams.set("state", new URL(mine.authorizeUrl).searchParams.get("state")!);
    const cancel = await redirectBack(cancelled.toString(), mine.cookie);
    expect(cancel.status).toBe(400);
    expect(cancel.html).toContain("Die Installation wurde in Slack abgebrochen oder nicht erlaubt");
    expect(api.callsOf("oauth.v2.access")).toHaveLength(0);
    expect(await installations()).toEqual([]);
  });

  it("installs two workspaces; each one's /notfall opens an incident of its tenant, sent with its own token", async () => {
    const a = await install(PRAXIS_A, "U0ANNA");
    expect(a.status, serve.stderr()).toBe(200);
    expect(a.html).toContain("Notfallbot ist installiert");
    expect(a.html).toContain("covers: slack: [T0PRAXISA]");
    const b = await install(PRAXIS_B, "U0BEN");
    expect(b.status).toBe(200);
    expect(b.html).toContain("Kanzlei Berger");

    // /healthz says how many workspaces are installed
    const health = (await (await fetch(`${base}/healthz`)).json()) as { adapters: { slack: { ok: boolean; detail: string } } };
    expect(health.adapters.slack).toEqual({ ok: true, detail: "OAuth: 2 Installationen, neue über /slack/install" });

    const exchanges = api.callsOf("oauth.v2.access");
    expect(exchanges).toHaveLength(2);
    // the real client sends the app's credentials and no bot token
    for (const c of exchanges) expect(c.args.client_id).toBe(api.app.clientId);
    const tokenA = api.tokenOf("T0PRAXISA")!;
    const tokenB = api.tokenOf("T0PRAXISB")!;
    expect(tokenA).not.toBe(tokenB);
    const rows = await installations();
    expect(rows.map((r) => [r.key, r.workspace, r.bot_token, r.bot_user_id])).toEqual([
      ["ws:T0PRAXISA", "T0PRAXISA", tokenA, "U0BOTA"],
      ["ws:T0PRAXISB", "T0PRAXISB", tokenB, "U0BOTB"],
    ]);

    expect((await slash(PRAXIS_A, "ransomware Praxis-PCs verschlüsselt", 1)).status).toBe(200);
    expect((await slash(PRAXIS_B, "datenpanne Laptop verloren", 2)).status).toBe(200);
    const rootA = await firstPostIn(CHANNEL.T0PRAXISA);
    const rootB = await firstPostIn(CHANNEL.T0PRAXISB);
    // per-tenant numbering: each client's first incident is its 0001
    expect(String(rootA.args.text)).toMatch(/NF-\d{4}-0001/);
    expect(String(rootB.args.text)).toMatch(/NF-\d{4}-0001/);
    expect(rootA.token).toBe(tokenA);
    expect(rootB.token).toBe(tokenB);

    // the threads fill up; every call into a workspace's channel carries that workspace's token
    const threadOf = (channel: string) =>
      api.waitForCall((c) => c.method === "chat.postMessage" && c.args.channel === channel && c.args.thread_ts !== undefined);
    const [inA, inB] = await Promise.all([
      api.callsOf("chat.postMessage").find((c) => c.args.channel === CHANNEL.T0PRAXISA && c.args.thread_ts) ?? threadOf(CHANNEL.T0PRAXISA),
      api.callsOf("chat.postMessage").find((c) => c.args.channel === CHANNEL.T0PRAXISB && c.args.thread_ts) ?? threadOf(CHANNEL.T0PRAXISB),
    ]);
    expect(inA.token).toBe(tokenA);
    expect(inB.token).toBe(tokenB);
    const writes = api.calls.filter((c) => /^(chat|reactions)\./.test(c.method));
    for (const c of writes) {
      const expected = c.args.channel === CHANNEL.T0PRAXISA ? tokenA : c.args.channel === CHANNEL.T0PRAXISB ? tokenB : undefined;
      expect(c.token, `${c.method} in ${String(c.args.channel)}`).toBe(expected);
      expect(c.response.ok, `${c.method}: ${JSON.stringify(c.response)}`).toBe(true);
    }
    // names of the people come from their own workspace
    expect(api.callsOf("users.info").map((c) => c.token)).toEqual(expect.arrayContaining([tokenA, tokenB]));

    // nothing secret in the log
    for (const secret of [tokenA, tokenB, api.app.clientSecret, STATE_SECRET, SIGNING_SECRET]) {
      expect(serve.stderr()).not.toContain(secret);
    }
    expect(serve.stderr()).toContain("Workspace T0PRAXISA hat den Notfallbot installiert");
  });

  it("an uninstalled workspace's installation is deleted; the other workspace goes on", async () => {
    const tokenA = api.tokenOf("T0PRAXISA")!;
    api.revoke(tokenA); // Slack revokes the token and sends app_uninstalled
    const res = await event(PRAXIS_A, { type: "app_uninstalled", event_ts: `${Math.floor(Date.now() / 1000)}.000100` }, 1);
    expect(res.status).toBe(200);
    expect((await installations()).map((r) => r.key)).toEqual(["ws:T0PRAXISB"]);

    // a command from the uninstalled workspace reaches no one and posts nothing; the other one still works
    const from = api.calls.length;
    expect((await slash(PRAXIS_A, "status", 3)).status).toBe(200); // answered after Bolt's authorize failed
    expect((await slash(PRAXIS_B, "status", 4)).status).toBe(200);
    const reply = await api.waitForCall(
      (c) => (c.method === "chat.postEphemeral" || c.method === "chat.postMessage") && c.args.channel === CHANNEL.T0PRAXISB,
    );
    expect(reply.token).toBe(api.tokenOf("T0PRAXISB"));
    // (messages of its incident still in the outbox may be tried once more and fail: none gets through)
    expect(api.calls.slice(from).filter((c) => c.args.channel === CHANNEL.T0PRAXISA && c.response.ok === true)).toEqual([]);
    expect(api.calls.slice(from).filter((c) => c.method === "users.info" && c.token === tokenA)).toEqual([]);
    expect(serve.stderr()).toContain("Workspace T0PRAXISA: App entfernt (app_uninstalled), Installation gelöscht");
  });

  it("an org-wide install serves every workspace of the organisation; revoking its bot token removes it", async () => {
    const page = await install(STATION, "U0CEM", true);
    expect(page.status, serve.stderr()).toBe(200);
    expect(page.html).toContain("für die ganze Organisation");
    expect(page.html).toContain("covers: slack: [E0KLINIK]");
    const tokenK = api.tokenOf("T0STATION")!;
    expect((await installations()).find((r) => r.key === "org:E0KLINIK")).toMatchObject({ workspace: null, bot_token: tokenK });

    // /notfall in a workspace of the organisation: authorised with the org's installation, answered with its token
    expect((await slash(STATION, "ransomware Station 3", 5)).status).toBe(200);
    const root = await firstPostIn(CHANNEL.T0STATION);
    expect(String(root.args.text)).toMatch(/NF-\d{4}-0001/);
    expect(root.token).toBe(tokenK);

    // the bot token revoked (an admin removed it): the installation and what was noted about its workspaces go
    api.revoke(tokenK);
    const res = await event(STATION, { type: "tokens_revoked", tokens: { oauth: [], bot: ["U0BOTK"] } }, 2);
    expect(res.status).toBe(200);
    expect((await installations()).map((r) => r.key)).not.toContain("org:E0KLINIK");
    expect(serve.stderr()).toContain("Organisation E0KLINIK: Bot-Token widerrufen (tokens_revoked), Installation gelöscht");
  });
});

describe("Slack OAuth installation: settings", () => {
  it("serve refuses to start with only part of the OAuth settings and says in German what to set", async () => {
    const started = startServe({ env: { SLACK_BOT_TOKEN: undefined, SLACK_CLIENT_ID: "1111111111.2222222222" } });
    await expect(started).rejects.toThrow(/serve exited with 3/);
    await expect(started).rejects.toThrow(
      /es fehlen SLACK_CLIENT_SECRET \(Basic Information → App Credentials → Client Secret\), SLACK_STATE_SECRET/,
    );
  });
});
