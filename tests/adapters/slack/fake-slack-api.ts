/**
 * A fake of Slack's Web API on 127.0.0.1: speaks the wire format (POST /api/<method>, form-encoded or JSON body,
 * `Authorization: Bearer <token>`, JSON answers `{ok, …}`), records every call, and can be told to fail.
 * The real @slack/web-api WebClient (inside Bolt) talks to it through `slackApiUrl`.
 *
 * Several workspaces: each installed workspace has its own bot token ({@link FakeSlackApi.approve} plays Slack's
 * authorize page, `oauth.v2.access` exchanges the code for the token as documented at
 * https://docs.slack.dev/reference/methods/oauth.v2.access); `auth.test` answers for the token's workspace, and
 * every call is recorded with the token it came with.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";
import { blockKitProblems } from "./block-kit-rules.ts";

export interface FakeUser {
  id: string;
  name: string;
  displayName: string;
  realName: string;
  locale?: string;
}

export const TEAM_ID = "T0TEAM";
export const BOT_USER_ID = "U0BOT";
export const BOT_ID = "B0BOT";
export const BOT_TOKEN = "xoxb-1111-2222-fakebottoken";

export const FAKE_USERS: FakeUser[] = [
  { id: "U0ANNA", name: "anna", displayName: "Anna", realName: "Anna Albers", locale: "de-DE" },
  { id: "U0BEN", name: "ben", displayName: "Ben", realName: "Ben Berger", locale: "de-DE" },
  { id: "U0CEM", name: "cem", displayName: "Cem", realName: "Cem Çelik", locale: "en-US" },
];

/** One recorded Web API call. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  contentType: string;
  /** HTTP status we answered with. */
  status: number;
  /** The JSON we answered with. */
  response: Record<string, unknown>;
  /** performance.now() when the request had arrived completely. */
  at: number;
}

/** A message as it exists in the fake workspace. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  user: string;
  botId: string;
  /** For ephemeral messages: the only person who sees it. */
  ephemeralFor?: string;
  /** How often chat.update changed it. */
  edits: number;
}

/** A workspace of the fake, with the bot's identity there. */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  /** Enterprise Grid organisation the workspace belongs to. */
  enterprise?: { id: string; name: string };
}

/** The app as registered at Slack (Basic Information → App Credentials). */
export interface FakeApp {
  appId: string;
  clientId: string;
  clientSecret: string;
}

export type Failure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string } | { network: true };

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** Messages in posting order (ephemeral ones included, marked). */
  readonly messages: FakeMessage[] = [];
  readonly reactions: { channel: string; timestamp: string; name: string }[] = [];
  /** chat.update calls that left the message exactly as it was. */
  unchangedEdits = 0;
  private server: Server | undefined;
  private readonly failures = new Map<string, Failure[]>();
  private tsCounter = 0;
  private readonly tsBase: number;
  /** Valid bot tokens and the workspace (or, org-wide, the organisation's first workspace) each belongs to. */
  private readonly tokens = new Map<string, FakeWorkspace & { orgWide?: boolean }>();
  private readonly codes = new Map<string, { ws: FakeWorkspace; user: string; orgWide: boolean; redirectUri?: string; used: boolean }>();
  private codeCounter = 0;
  private readonly users = new Map<string, FakeUser>();
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  /** The registered app (OAuth); `approve` and `oauth.v2.access` check against it. */
  readonly app: FakeApp = { appId: "A0NOTFALL", clientId: "1111111111.2222222222", clientSecret: "c0ffeec0ffeec0ffeec0ffeec0ffee42" };

  constructor(opts: { token?: string; tsBase?: number; users?: FakeUser[]; workspace?: FakeWorkspace } = {}) {
    this.tokens.set(
      opts.token ?? BOT_TOKEN,
      opts.workspace ?? { teamId: TEAM_ID, teamName: "Praxis Test", botUserId: BOT_USER_ID, botId: BOT_ID },
    );
    this.tsBase = opts.tsBase ?? 1_772_438_400; // 2026-03-02T08:00:00Z
    for (const u of opts.users ?? FAKE_USERS) this.users.set(u.id, u);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** Base URL for the WebClient's `slackApiUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /**
   * Slack's authorize page: a person of `ws` clicks "Allow" on the `authorizeUrl` our install page links to.
   * Returns where Slack sends the browser next: the redirect URL with `code` and the unchanged `state`.
   * Checks what Slack checks: the client id, and the redirect URL (when given) against the app's.
   */
  approve(authorizeUrl: string, ws: FakeWorkspace, opts: { user?: string; orgWide?: boolean; redirectUri: string }): string {
    const u = new URL(authorizeUrl);
    if (u.searchParams.get("client_id") !== this.app.clientId)
      throw new Error(`authorize: unknown client_id ${u.searchParams.get("client_id")}`);
    const asked = u.searchParams.get("redirect_uri");
    if (asked && asked !== opts.redirectUri) throw new Error(`authorize: redirect_uri ${asked} not registered`);
    const code = `${Date.now()}.${++this.codeCounter}.fakecode${this.codeCounter.toString(16).padStart(8, "0")}`;
    this.codes.set(code, {
      ws,
      user: opts.user ?? "U0ANNA",
      orgWide: opts.orgWide === true,
      used: false,
      ...(asked ? { redirectUri: asked } : {}),
    });
    const back = new URL(opts.redirectUri);
    back.searchParams.set("code", code);
    const state = u.searchParams.get("state");
    if (state !== null) back.searchParams.set("state", state);
    return back.toString();
  }

  /** The bot token a workspace got on installation (undefined: not installed or revoked). */
  tokenOf(teamId: string): string | undefined {
    for (const [t, ws] of this.tokens) if (ws.teamId === teamId) return t;
    return undefined;
  }

  /** The workspace uninstalled the app: its token stops working (Slack answers `token_revoked`). */
  revoke(token: string): void {
    this.tokens.delete(token);
    this.revoked.add(token);
  }

  private readonly revoked = new Set<string>();
  private readonly away = new Set<string>();

  /** The person is not (any more) a member of the channels: `conversations.members` leaves them out. */
  leave(...users: string[]): void {
    for (const u of users) this.away.add(u);
  }

  /** Answer the next `n` calls of `method` with `failure` (429 + Retry-After, 5xx, `{ok:false, error}`, or a dropped connection). */
  failNext(method: string, n: number, failure: Failure): void {
    const q = this.failures.get(method) ?? [];
    for (let i = 0; i < n; i++) q.push(failure);
    this.failures.set(method, q);
  }

  /** Resolves with the first call from now on that matches. */
  waitForCall(match: (call: RecordedCall) => boolean): Promise<RecordedCall> {
    return new Promise((resolve) => {
      const l = (call: RecordedCall) => {
        if (!match(call)) return;
        this.listeners.delete(l);
        resolve(call);
      };
      this.listeners.add(l);
    });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages visible in a channel (not ephemeral), in posting order. */
  visible(channel?: string): FakeMessage[] {
    return this.messages.filter((m) => !m.ephemeralFor && (channel === undefined || m.channel === channel));
  }

  private nextTs(): string {
    this.tsCounter++;
    return `${this.tsBase + Math.floor(this.tsCounter / 1_000_000)}.${String(this.tsCounter % 1_000_000).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/api\/([A-Za-z0-9.]+)$/.exec(url.pathname);
    const contentType = String(req.headers["content-type"] ?? "");
    if (req.method !== "POST" || !m) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const method = m[1]!;
    const args = parseArgs(body, contentType);
    const auth = String(req.headers.authorization ?? "");
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : typeof args.token === "string" ? args.token : undefined;
    const at = performance.now();
    const record = (status: number, response: Record<string, unknown>) => {
      const call = { method, args, token, contentType, status, response, at };
      this.calls.push(call);
      for (const l of this.listeners) l(call);
    };

    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ("network" in failure) {
        record(0, {});
        req.socket.destroy();
        return;
      }
      if ("error" in failure) {
        const r = { ok: false, error: failure.error };
        record(200, r);
        json(res, 200, r);
        return;
      }
      if (failure.status === 429) {
        const r = { ok: false, error: "ratelimited" };
        record(429, r);
        json(res, 429, r, { "retry-after": String(failure.retryAfter) });
        return;
      }
      record(failure.status, {});
      res.writeHead(failure.status, { "content-type": "text/html" }).end("<html>Service unavailable</html>");
      return;
    }

    if (method === "oauth.v2.access") return this.answer(res, record, this.exchange(args, auth));
    if (!token) return this.answer(res, record, { ok: false, error: "not_authed" });
    if (this.revoked.has(token)) return this.answer(res, record, { ok: false, error: "token_revoked" });
    const ws = this.tokens.get(token);
    if (!ws) return this.answer(res, record, { ok: false, error: "invalid_auth" });
    return this.answer(res, record, this.dispatch(method, args, ws));
  }

  private answer(res: ServerResponse, record: (s: number, r: Record<string, unknown>) => void, r: Record<string, unknown>): void {
    record(200, r);
    json(res, 200, r);
  }

  /**
   * `oauth.v2.access`: client credentials as form fields or HTTP Basic, a code used once; the answer as documented
   * (bot token in `access_token`, scopes comma-separated, `team`/`enterprise` objects or null, `authed_user`).
   */
  private exchange(a: Record<string, unknown>, auth: string): Record<string, unknown> {
    let clientId = str(a.client_id);
    let clientSecret = str(a.client_secret);
    if (auth.startsWith("Basic ")) [clientId, clientSecret] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
    if (clientId !== this.app.clientId) return { ok: false, error: "invalid_client_id" };
    if (clientSecret !== this.app.clientSecret) return { ok: false, error: "bad_client_secret" };
    const grant = this.codes.get(str(a.code) ?? "");
    if (!grant || grant.used) return { ok: false, error: "invalid_code" };
    if (grant.redirectUri && str(a.redirect_uri) !== grant.redirectUri) return { ok: false, error: "bad_redirect_uri" };
    grant.used = true;
    const ws = grant.ws;
    const token = `xoxb-${ws.teamId}-${1000 + this.codeCounter}-${"fake".repeat(3)}${this.codeCounter}`;
    this.tokens.set(token, { ...ws, ...(grant.orgWide ? { orgWide: true } : {}) });
    return {
      ok: true,
      access_token: token,
      token_type: "bot",
      scope:
        "commands,chat:write,chat:write.public,reactions:read,reactions:write,users:read,channels:read,groups:read,channels:history,groups:history,im:history,mpim:history,app_mentions:read",
      bot_user_id: ws.botUserId,
      app_id: this.app.appId,
      team: grant.orgWide ? null : { name: ws.teamName, id: ws.teamId },
      enterprise: ws.enterprise ? { name: ws.enterprise.name, id: ws.enterprise.id } : null,
      is_enterprise_install: grant.orgWide,
      authed_user: { id: grant.user },
    };
  }

  private dispatch(method: string, a: Record<string, unknown>, ws: FakeWorkspace & { orgWide?: boolean }): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url:
            ws.orgWide && ws.enterprise
              ? `https://${ws.enterprise.id.toLowerCase()}.enterprise.slack.com/`
              : `https://${ws.teamId.toLowerCase()}.slack.com/`,
          team: ws.teamName,
          user: "notfallbot",
          team_id: ws.teamId,
          user_id: ws.botUserId,
          bot_id: ws.botId,
          ...(ws.enterprise ? { enterprise_id: ws.enterprise.id } : {}),
          is_enterprise_install: ws.orgWide === true,
        };
      case "chat.postMessage":
      case "chat.postEphemeral": {
        const channel = str(a.channel);
        if (!channel) return { ok: false, error: "channel_not_found" };
        const blocks = parseBlocks(a.blocks);
        if (blocks === "invalid") return { ok: false, error: "invalid_blocks_format" };
        const text = str(a.text) ?? "";
        if (!text && blocks.length === 0) return { ok: false, error: "no_text" };
        const problems = blockKitProblems(blocks);
        if (problems.length > 0) return { ok: false, error: "invalid_blocks", errors: problems };
        const ts = this.nextTs();
        const msg: FakeMessage = { channel, ts, text, blocks, user: BOT_USER_ID, botId: BOT_ID, edits: 0 };
        const threadTs = str(a.thread_ts);
        if (threadTs) msg.threadTs = threadTs;
        if (method === "chat.postEphemeral") {
          const user = str(a.user);
          if (!user || !this.users.has(user)) return { ok: false, error: "user_not_in_channel" };
          msg.ephemeralFor = user;
          this.messages.push(msg);
          return { ok: true, message_ts: ts };
        }
        this.messages.push(msg);
        return {
          ok: true,
          channel,
          ts,
          message: { type: "message", user: BOT_USER_ID, bot_id: BOT_ID, text, ts, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) },
        };
      }
      case "chat.update": {
        const channel = str(a.channel);
        const ts = str(a.ts);
        const msg = this.messages.find((x) => x.channel === channel && x.ts === ts && !x.ephemeralFor);
        if (!msg) return { ok: false, error: "message_not_found" };
        const blocks = parseBlocks(a.blocks);
        if (blocks === "invalid") return { ok: false, error: "invalid_blocks_format" };
        const problems = blockKitProblems(blocks);
        if (problems.length > 0) return { ok: false, error: "invalid_blocks", errors: problems };
        const text = str(a.text) ?? msg.text;
        if (JSON.stringify([msg.text, msg.blocks]) === JSON.stringify([text, blocks])) this.unchangedEdits++;
        msg.text = text;
        msg.blocks = blocks;
        msg.edits++;
        return { ok: true, channel, ts, text: msg.text, message: { text: msg.text, blocks } };
      }
      case "reactions.add": {
        const r = { channel: str(a.channel) ?? "", timestamp: str(a.timestamp) ?? "", name: str(a.name) ?? "" };
        if (this.reactions.some((x) => x.channel === r.channel && x.timestamp === r.timestamp && x.name === r.name)) {
          return { ok: false, error: "already_reacted" };
        }
        this.reactions.push(r);
        return { ok: true };
      }
      case "conversations.members": {
        // every person the fake knows is in every channel, except those who left ({@link leave})
        if (!str(a.channel)) return { ok: false, error: "channel_not_found" };
        const all = [...this.users.keys()].filter((u) => !this.away.has(u));
        const limit = Math.max(1, Number(a.limit ?? 100) || 100);
        const from = Number(str(a.cursor) ?? "0") || 0;
        const next = from + limit < all.length ? String(from + limit) : "";
        return { ok: true, members: all.slice(from, from + limit), response_metadata: { next_cursor: next } };
      }
      case "users.info": {
        const u = this.users.get(str(a.user) ?? "");
        if (!u) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: TEAM_ID,
            name: u.name,
            real_name: u.realName,
            deleted: false,
            is_bot: false,
            tz: "Europe/Berlin",
            ...(a.include_locale === true || a.include_locale === "true" ? { locale: u.locale ?? "de-DE" } : {}),
            profile: { display_name: u.displayName, real_name: u.realName, display_name_normalized: u.displayName },
          },
        };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

function parseArgs(body: string, contentType: string): Record<string, unknown> {
  if (contentType.includes("application/json")) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  const q = parseQuery(body);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

function parseBlocks(v: unknown): unknown[] | "invalid" {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v !== "string") return "invalid";
  try {
    const parsed = JSON.parse(v) as unknown;
    return Array.isArray(parsed) ? parsed : "invalid";
  } catch {
    return "invalid";
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}
