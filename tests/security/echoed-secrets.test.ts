/**
 * Issue #18, item 4: a secret that a remote API echoes in its error never reaches the timeline, the outbox, the
 * logs, the chat or the exports. The Slack Web API (our fake, speaking Slack's wire format) answers
 * `{ok:false, error:"invalid_auth_<bot token>"}`; the real `notfallbot serve` runs as a child process.
 * Then the shared redaction of serve's log lines, for every kind of configured secret.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactor, redactStream, secretsFromEnv } from "../../src/adapters/redact.ts";
import { slackErrorCode, toAdapterError } from "../../src/adapters/slack/errors.ts";
import { TeamsAdapter } from "../../src/adapters/teams/adapter.ts";
import { toAdapterError as teamsError } from "../../src/adapters/teams/errors.ts";
import { AdapterError } from "../../src/core/adapter.ts";
import { BOT_TOKEN, FakeSlackApi } from "../adapters/slack/fake-slack-api.ts";
import { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { MicrosoftLogin } from "../adapters/teams/microsoft-login.ts";
import { type ServeChild, SIGNING_SECRET, startServe } from "./_serve.ts";
import { slashCommand, threadReply, until } from "./_slack.ts";

const ECHO = `invalid_auth_${BOT_TOKEN}`;

describe("a token echoed by the Slack Web API (serve child process)", () => {
  let srv: ServeChild;
  let api: FakeSlackApi;
  let health = "";
  let exportFiles: string[] = [];

  beforeAll(async () => {
    api = new FakeSlackApi();
    await api.start();
    api.failNext("auth.test", 1, { error: ECHO }); // at start: into /healthz and the start-up warning
    srv = await startServe({ api });
    health = await (await fetch(`http://127.0.0.1:${srv.port}/healthz`)).text();

    expect(await slashCommand(srv.port, "verschlüsselung Server zeigt Erpressernachricht")).toBe(200);
    const root = await until(() => api.visible().find((m) => !m.threadTs)?.ts, 15_000, "the incident's root message");
    await until(() => api.visible().some((m) => m.threadTs === root), 15_000, "the first thread message");
    // the next message of the bot is refused with the echo: a permanent failure, recorded and reported in the thread
    api.failNext("chat.postMessage", 1, { error: ECHO });
    expect(await threadReply(srv.port, "rolle koordinator", root)).toBe(200);
    await until(() => api.visible().some((m) => /nicht zustellbar|nicht zugestellt/i.test(m.text)), 15_000, "the delivery failure note");
    expect(await threadReply(srv.port, "export", root)).toBe(200);
    exportFiles = await until(
      () => {
        try {
          const f = readdirSync(join(srv.dir, "data", "exports"));
          return f.length >= 3 ? f.map((x) => join(srv.dir, "data", "exports", x)) : undefined;
        } catch {
          return undefined;
        }
      },
      15_000,
      "the export files",
    );
    await until(() => api.visible().some((m) => /Export/.test(m.text)), 15_000, "the export reply");
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    await api?.stop();
  });

  it("the failure is recorded, under a generic code", () => {
    const db = new Database(srv.dbPath, { readonly: true });
    try {
      const kinds = db.prepare("SELECT kind, text FROM timeline").all() as { kind: string; text: string }[];
      const failed = kinds.filter((k) => k.kind === "delivery-failed");
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.text).toContain("unknown_error");
    } finally {
      db.close();
    }
  });

  it("never reaches the timeline, the outbox, the incident row or the dedup table", () => {
    const db = new Database(srv.dbPath, { readonly: true });
    try {
      for (const table of ["timeline", "outbox", "incidents", "tasks", "timers"]) {
        const rows = db.prepare(`SELECT * FROM ${table}`).all();
        if (table === "timeline" || table === "outbox" || table === "incidents") expect(rows.length, table).toBeGreaterThan(0);
        expect(JSON.stringify(rows), table).not.toContain(BOT_TOKEN);
      }
    } finally {
      db.close();
    }
  });

  it("never reaches stderr, stdout, /healthz, the chat or the exports", async () => {
    expect(srv.stderr()).not.toContain(BOT_TOKEN);
    expect(srv.stderr()).not.toContain(SIGNING_SECRET);
    expect(srv.stdout()).not.toContain(BOT_TOKEN);
    expect(health).not.toContain(BOT_TOKEN);
    expect(health).toContain("unknown_error");
    for (const m of api.messages) expect(JSON.stringify(m)).not.toContain(BOT_TOKEN);
    expect(exportFiles.some((f) => f.endsWith(".md"))).toBe(true);
    expect(exportFiles.some((f) => f.endsWith(".json"))).toBe(true);
    expect(exportFiles.some((f) => f.endsWith(".pdf"))).toBe(true);
    for (const f of exportFiles) {
      // the incident report (PDF) is compressed: read its text as a person would see it
      const text = f.endsWith(".pdf")
        ? (await extractText(await getDocumentProxy(new Uint8Array(readFileSync(f))), { mergePages: true })).text
        : readFileSync(f, "utf8");
      expect(text.replace(/\\(.)/g, "$1")).toContain("unknown_error"); // the Markdown escapes the underscore
      expect(text, f).not.toContain(BOT_TOKEN);
      expect(text.replace(/\\(.)/g, "$1"), f).not.toContain(BOT_TOKEN);
    }
  });
});

describe("Slack error codes at the adapter boundary", () => {
  it("keeps Slack's own names and replaces any other shape with unknown_error", () => {
    for (const ok of ["invalid_auth", "channel_not_found", "ratelimited", "not_in_channel", "a".repeat(64)])
      expect(slackErrorCode(ok)).toBe(ok);
    for (const bad of [ECHO, "Invalid_Auth", "<html>", "a".repeat(65), "", "token xoxb-1-2", 42, undefined, { error: "x" }])
      expect(slackErrorCode(bad)).toBe("unknown_error");
  });

  it("a WebClient platform error with an echoed token becomes an AdapterError without it", async () => {
    const fake = new FakeSlackApi();
    await fake.start();
    try {
      fake.failNext("chat.postMessage", 1, { error: ECHO });
      const { webApi } = await import("@slack/bolt");
      const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
      const err = await client.chat.postMessage({ channel: "C1", text: "x" }).catch((e: unknown) => e);
      const e = toAdapterError(err, "chat.postMessage");
      expect(e.platformCode).toBe("unknown_error");
      expect(`${e.message} ${e.platformCode} ${JSON.stringify(e)}`).not.toContain(BOT_TOKEN);
    } finally {
      await fake.stop();
    }
  });
});

describe("serve's log redaction covers every configured secret", () => {
  const env: NodeJS.ProcessEnv = {
    SLACK_BOT_TOKEN: "xoxb-9-8-slackbottoken",
    SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
    SLACK_APP_TOKEN: "xapp-1-A0-appleveltoken",
    MICROSOFT_APP_ID: "00000000-1111-2222-3333-444444444444",
    MICROSOFT_APP_PASSWORD: "Tm~8Q~teams.client-secret_value",
    MATRIX_ACCESS_TOKEN: "syt_bm90ZmFsbA_MatrixAccessTok_3fZ9",
    MATRIX_PASSWORD: "matrix password with spaces",
    DATABASE_URL: "postgres://notfall:p%40ss%2Fw0rd!@db.internal:5432/notfall",
    PGPASSWORD: "another-db-password",
    PORT: "3978",
    HOST: "127.0.0.1",
  };
  const secrets = [
    env.SLACK_BOT_TOKEN!,
    env.SLACK_SIGNING_SECRET!,
    env.SLACK_APP_TOKEN!,
    env.MICROSOFT_APP_PASSWORD!,
    env.MATRIX_ACCESS_TOKEN!,
    env.MATRIX_PASSWORD!,
    "p@ss/w0rd!",
    "p%40ss%2Fw0rd!",
    env.PGPASSWORD!,
  ];

  it("finds them in the environment and removes them, plain, URL-encoded and JSON-escaped", () => {
    const r = redactor(secretsFromEnv(env));
    for (const s of secrets) {
      for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) {
        const line = `error: ${form} (while calling)`;
        expect(r(line), form).not.toContain(s);
        expect(r(line)).toContain("[redacted]");
      }
    }
    // ordinary settings stay readable
    expect(r("listening on 127.0.0.1:3978 as 00000000-1111-2222-3333-444444444444")).toBe(
      "listening on 127.0.0.1:3978 as 00000000-1111-2222-3333-444444444444",
    );
    expect(r("postgres://notfall:whatever@db/x")).toBe("postgres://notfall:[redacted]@db/x");
  });

  it("applies to everything written to a stream, whoever writes it", () => {
    const written: string[] = [];
    const stream = {
      write(chunk: unknown, ..._rest: unknown[]): boolean {
        written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const restore = redactStream(stream, redactor(secretsFromEnv(env)));
    stream.write(`[matrix] token ${env.MATRIX_ACCESS_TOKEN}\n`);
    stream.write(Buffer.from(`teams: ${env.MICROSOFT_APP_PASSWORD}\n`));
    restore();
    stream.write(`after restore ${env.PGPASSWORD}\n`);
    expect(written[0]).toBe("[matrix] token [redacted]\n");
    expect(written[1]).toBe("teams: [redacted]\n");
    expect(written[2]).toContain(env.PGPASSWORD!);
  });
});

describe("Teams: a secret echoed by the token endpoint or the Bot Connector", () => {
  const APP_ID = "8c3e1a52-5f1d-4b7e-9f0a-2d6c4b1e7a90";
  const HOME = "0b5c7e9a-1d3f-4a6b-8c0d-2e4f6a8b0c1d";
  const TENANT = "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
  const CONV = "19:7d2b9c0e4a5f4e0b9c1d2e3f4a5b6c7d@thread.tacv2";
  // an app password of Entra's alphabet without `~`: shaped like an error code once glued to one
  const PASSWORD = "q8R2vT5xZ1nB4mK7wY0cL3hJ6gF9dS2a";
  const login = new MicrosoftLogin();
  const connector = new FakeConnector();

  beforeAll(async () => {
    await login.start();
    await connector.start();
    connector.conversation(CONV, "channel");
  });
  afterAll(async () => {
    await connector.stop();
    await login.stop();
  });

  async function failure(): Promise<AdapterError> {
    const adapter = new TeamsAdapter({
      appId: APP_ID,
      appPassword: PASSWORD,
      tenantId: HOME,
      fallbackServiceUrl: connector.url,
      nodeEnv: "production",
      warn: () => {},
    });
    const err = await adapter.deliver({ key: "k", channel: `teams:${TENANT}:${CONV}`, text: "Erinnerung", blocks: [], locale: "de" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterError);
    return err as AdapterError;
  }

  it("an Entra error naming the password becomes a code without it (the code goes into the timeline)", async () => {
    login.tokenError = { error: `invalid_client_${PASSWORD}`, error_description: `AADSTS7000215: Invalid client secret ${PASSWORD}` };
    try {
      const e = await failure();
      expect(`${e.platformCode} ${e.message}`).not.toContain(PASSWORD);
      expect(e.platformCode).toMatch(/^[a-z0-9_]{1,64}$/);
    } finally {
      login.tokenError = undefined;
    }
  });

  it("a Bot Connector error code naming the password is not kept either", async () => {
    connector.failNext(1, 400, undefined, { error: { code: `BadArgument_${PASSWORD}`, message: `bad ${PASSWORD}` } });
    const e = await failure();
    expect(`${e.platformCode} ${e.message}`).not.toContain(PASSWORD);
    expect(e.platformCode).toBe("http_400");
  });

  it("MSAL's own errors and network errors: Entra's code shape only, and never the error's text", () => {
    const msal = Object.assign(new Error(`invalid_client_${PASSWORD}: ${PASSWORD}`), { errorCode: `invalid_client_${PASSWORD}` });
    const m = teamsError(msal, new Date());
    expect(m.platformCode).toBe("token_error");
    expect(m.message).not.toContain(PASSWORD);
    expect(teamsError(Object.assign(new Error("x"), { errorCode: "invalid_client" }), new Date()).platformCode).toBe("invalid_client");
    const net = Object.assign(new TypeError(`fetch failed https://bot:${PASSWORD}@smba.example/v3`), {
      cause: Object.assign(new Error(`connect ECONNREFUSED ${PASSWORD}`), { code: "ECONNREFUSED" }),
    });
    const n = teamsError(net, new Date());
    expect(n.message).toBe("Teams nicht erreichbar / unreachable: TypeError ECONNREFUSED");
    expect(n.platformCode).toBe("network");
  });
});
