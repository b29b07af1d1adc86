import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/index.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, ConfigFor, SeenMessage } from "../harness.ts";
import { BOT_TOKEN, BOT_USER_ID, FAKE_USERS, type FakeMessage, FakeSlackApi, TEAM_ID } from "./fake-slack-api.ts";
import { formBody, payloadBody, postSigned, type SignedPost } from "./signed-request.ts";

export const SLACK_CHANNEL = "C0NOTFALL";
const SIGNING_SECRET = "harness-5e3b1c0a9f7d2e4b6a8c0d1e2f3a4b5c";

/** anna, ben, cem as Slack users of the fake workspace. */
export const SLACK_PEOPLE: Record<string, { id: string; username: string }> = {
  anna: { id: "U0ANNA", username: "anna.albers" },
  ben: { id: "U0BEN", username: "ben.berger" },
  cem: { id: "U0CEM", username: "cem.celik" },
};

const EMOJI_NAMES: Record<string, string> = { "✅": "white_check_mark", "👍": "+1", "👀": "eyes" };

function person(name: string): { id: string; username: string } {
  const p = SLACK_PEOPLE[name];
  if (!p) throw new Error(`unbekannte Person ${name}`);
  return p;
}

/** Text as a Slack client sends it: `&<>` escaped, mentions as `<@U…>` (slash commands: `<@U…|name>`). */
function slackEscape(text: string, forCommand: boolean): string {
  return text
    .split(/(<@[UW][A-Z0-9]+>)/)
    .map((part) => {
      const m = /^<@([UW][A-Z0-9]+)>$/.exec(part);
      if (!m) return part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      if (!forCommand) return part;
      const p = Object.values(SLACK_PEOPLE).find((x) => x.id === m[1]);
      return p ? `<@${p.id}|${p.username}>` : part;
    })
    .join("");
}

/** Slack mrkdwn as a person reads it: formatting removed, mentions as `@Name`, entities decoded. */
export function mrkdwnToSeen(s: string): string {
  return s
    .replace(/<@([UW][A-Z0-9]+)>/g, (_m, id: string) => `@${FAKE_USERS.find((u) => u.id === id)?.displayName ?? id}`)
    .replace(/(^|[\s(>])\*(\S(?:[^*\n]*\S)?)\*(?=$|[\s).,:;!?–-])/gm, "$1$2")
    .replace(/(^|[\s(>])_(\S(?:[^_\n]*\S)?)_(?=$|[\s).,:;!?–-])/gm, "$1$2")
    .replace(/`([^`\n]*)`/g, "$1")
    .replace(/^>/gm, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

type Obj = Record<string, unknown>;

/** All visible text of a Block Kit message, block by block. */
export function blocksToSeen(blocks: unknown[], fallback: string): string {
  if (blocks.length === 0) return mrkdwnToSeen(fallback);
  const out: string[] = [];
  const textOf = (t: unknown): string | undefined => {
    if (!t || typeof t !== "object") return undefined;
    const o = t as Obj;
    if (typeof o.text !== "string") return undefined;
    return o.type === "mrkdwn" ? mrkdwnToSeen(o.text) : o.text;
  };
  for (const raw of blocks) {
    const b = raw as Obj;
    switch (b.type) {
      case "header":
      case "section": {
        const t = textOf(b.text);
        if (t !== undefined) out.push(t);
        for (const f of (b.fields as unknown[] | undefined) ?? []) {
          const ft = textOf(f);
          if (ft !== undefined) out.push(ft);
        }
        break;
      }
      case "context":
        out.push(((b.elements as unknown[]) ?? []).map(textOf).filter(Boolean).join(" "));
        break;
      case "rich_text":
        for (const el of (b.elements as Obj[]) ?? []) out.push(((el.elements as Obj[]) ?? []).map((x) => String(x.text ?? "")).join(""));
        break;
      default:
        break;
    }
  }
  return out.join("\n");
}

/** Commands carried by the buttons of a message (from the JSON button values). */
export function buttonsOf(blocks: unknown[]): { command: string; actionId: string; value: string }[] {
  const out: { command: string; actionId: string; value: string }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Obj;
      if (o.type === "button" && typeof o.value === "string") {
        const c = (JSON.parse(o.value) as { c: string }).c;
        out.push({ command: c, actionId: String(o.action_id), value: o.value });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

/** The people a Block Kit message mentions: `<@U…>` in its mrkdwn texts (Slack notifies them). */
function slackMentions(blocks: unknown[]): string[] {
  const ids = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Obj;
      if (o.type === "mrkdwn" && typeof o.text === "string") for (const m of o.text.matchAll(/<@([UW][A-Z0-9]+)>/g)) ids.add(m[1]!);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return Object.entries(SLACK_PEOPLE)
    .filter(([, p]) => ids.has(p.id))
    .map(([name]) => name);
}

function seen(m: FakeMessage): SeenMessage {
  const who = m.ephemeralFor ? Object.entries(SLACK_PEOPLE).find(([, p]) => p.id === m.ephemeralFor)?.[0] : undefined;
  return {
    text: blocksToSeen(m.blocks, m.text),
    inThread: m.threadTs !== undefined,
    buttons: buttonsOf(m.blocks).map((b) => b.command),
    ref: m.ts,
    mentioned: slackMentions(m.blocks),
    ...(who ? { visibleTo: who } : {}),
  };
}

/** Extras for Slack-specific tests on top of the shared harness. */
export interface SlackHarness extends AdapterHarness {
  readonly api: FakeSlackApi;
  readonly storage: SqliteStorage;
  readonly adapter: SlackAdapter;
  /** POST a signed request to /slack/events; returns status and wall time. */
  post(req: SignedPost): Promise<{ status: number; ms: number }>;
  /** Slash command form body as Slack sends it. */
  slashBody(person: string, args: string): string;
}

/**
 * Slack through the real Bolt SDK: our express app on loopback with the SlackAdapter mounted, people's actions sent
 * as signed HTTP requests (slash commands, Events API, block_actions), the bot's replies read from the fake Web API.
 */
export function slackHarness(): SlackHarness {
  const playbooks = loadPlaybooks();
  const api = new FakeSlackApi();
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  let storage: SqliteStorage;
  let adapter: SlackAdapter;
  let bot: Bot;
  let server: Server;
  let url = "";
  let n = 0;
  let last: SignedPost | undefined;
  let retries = 0;
  let makeConfig: ConfigFor | undefined;

  const boot = async () => {
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
    adapter = createSlackAdapter({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, slackApiUrl: api.url, clock, logSink: () => {} });
    bot = createBot({
      storage,
      adapters: [adapter],
      clock,
      playbooks,
      ...(makeConfig ? { config: makeConfig((p) => person(p).id, "slack") } : {}),
    });
    const app = express();
    adapter.mount(app);
    await bot.start();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  };

  const shutdown = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bot.stop();
    storage.close();
  };

  const post = async (req: SignedPost, remember = true) => {
    if (remember) {
      last = req;
      retries = 0;
    }
    const res = await postSigned(url, SIGNING_SECRET, req);
    if (res.status !== 200) throw new Error(`/slack/events antwortete ${res.status}: ${res.text}`);
    return { status: res.status, ms: res.ms };
  };

  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await adapter.idle();
      await bot.idle();
    }
  };

  /** A user message ts (distinct from the fake API's bot ts). */
  const userTs = () => `${1_772_500_000 + ++n}.000100`;

  /** Root ts of the newest incident thread. */
  const incidentRoot = (): string => {
    const msgs = api.visible(SLACK_CHANNEL);
    for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]!.threadTs) return msgs[i]!.threadTs!;
    const root = [...msgs].reverse().find((m) => /NF-\d{4}-\d{4}/.test(m.text));
    if (!root) throw new Error("kein Notfall-Thread gefunden");
    return root.ts;
  };

  const event = (ev: Obj): SignedPost => {
    const id = `Ev0H${String(++n).padStart(6, "0")}`;
    const body = {
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: TEAM_ID,
      api_app_id: "A0NOTFALL",
      event: ev,
      type: "event_callback",
      event_id: id,
      event_time: Math.floor(clock.now().getTime() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return { body: JSON.stringify(body), contentType: "application/json" };
  };

  const slashBody = (who: string, args: string) => {
    const p = person(who);
    return formBody({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: TEAM_ID,
      team_domain: "praxis-test",
      channel_id: SLACK_CHANNEL,
      channel_name: "it-notfall",
      user_id: p.id,
      user_name: p.username,
      command: "/notfall",
      text: slackEscape(args, true),
      api_app_id: "A0NOTFALL",
      is_enterprise_install: "false",
      response_url: `https://hooks.slack.com/commands/${TEAM_ID}/${++n}/xyz`,
      trigger_id: `${1_000_000 + ++n}.738474920.${n.toString(16).padStart(12, "0")}`,
    });
  };

  return {
    name: "slack",
    has: { buttons: true, reactions: true, ephemeral: true },
    api,
    get storage() {
      return storage;
    },
    get adapter() {
      return adapter;
    },
    post: (req) => post(req),
    slashBody,
    async leave(name) {
      api.leave(person(name).id);
    },
    async start(c) {
      clock = c;
      tmp = tempDir("notfallbot-slack-");
      await api.start();
      await boot();
    },
    async stop() {
      await shutdown();
      await api.stop();
      tmp.cleanup();
    },
    async restartBot() {
      await settle();
      await shutdown();
      await boot();
    },
    async command(who, args) {
      await post({ body: slashBody(who, args), contentType: "application/x-www-form-urlencoded" });
    },
    async reply(who, text) {
      const ts = userTs();
      await post(
        event({
          client_msg_id: `c0ffee00-0000-4000-8000-${String(n).padStart(12, "0")}`,
          type: "message",
          text: slackEscape(text, false),
          user: person(who).id,
          ts,
          team: TEAM_ID,
          thread_ts: incidentRoot(),
          parent_user_id: BOT_USER_ID,
          channel: SLACK_CHANNEL,
          event_ts: ts,
          channel_type: "channel",
        }),
      );
    },
    async press(who, command) {
      const msgs = api.messages;
      const target = [...msgs].reverse().find((m) => buttonsOf(m.blocks).some((b) => b.command === command));
      if (!target) throw new Error(`kein Knopf „${command}“ gefunden`);
      const btn = buttonsOf(target.blocks).find((b) => b.command === command)!;
      const p = person(who);
      const payload = {
        type: "block_actions",
        user: { id: p.id, username: p.username, name: p.username, team_id: TEAM_ID },
        api_app_id: "A0NOTFALL",
        token: "gIkuvaNzQIHg97ATvDxqgjtO",
        container: {
          type: "message",
          message_ts: target.ts,
          channel_id: target.channel,
          is_ephemeral: Boolean(target.ephemeralFor),
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        },
        trigger_id: `${2_000_000 + ++n}.1379717998065.9bc163894734c1f415a2c504e81dec91`,
        team: { id: TEAM_ID, domain: "praxis-test" },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: target.channel, name: "it-notfall" },
        message: {
          type: "message",
          user: BOT_USER_ID,
          bot_id: "B0BOT",
          ts: target.ts,
          text: target.text,
          blocks: target.blocks,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        },
        state: { values: {} },
        response_url: `https://hooks.slack.com/actions/${TEAM_ID}/${n}/abc`,
        actions: [{ action_id: btn.actionId, block_id: "b", value: btn.value, type: "button", action_ts: `${1_772_600_000 + n}.000200` }],
      };
      await post({ body: payloadBody(payload), contentType: "application/x-www-form-urlencoded" });
    },
    async react(who, emoji, message) {
      const name = EMOJI_NAMES[emoji];
      if (!name) throw new Error(`Emoji ${emoji} nicht abgebildet`);
      const ts = userTs();
      await post(
        event({
          type: "reaction_added",
          user: person(who).id,
          reaction: name,
          item_user: BOT_USER_ID,
          item: { type: "message", channel: SLACK_CHANNEL, ts: message.ref },
          event_ts: ts,
        }),
      );
    },
    async messages() {
      return api.messages.filter((m) => m.channel === SLACK_CHANNEL).map(seen);
    },
    async redeliverLast() {
      if (!last) return;
      // Slack re-sends the same body (same event_id), signed anew, with x-slack-retry-num.
      retries++;
      await post(
        { ...last, timestamp: undefined, headers: { "x-slack-retry-num": String(retries), "x-slack-retry-reason": "http_timeout" } },
        false,
      );
    },
    settle,
    botReactions: async () => api.reactions.map((r) => r.name),
    traffic: async () => ({
      posts: api.callsOf("chat.postMessage").length + api.callsOf("chat.postEphemeral").length,
      edits: api.callsOf("chat.update").length,
      unchanged: api.unchangedEdits,
    }),
    mention: (who) => `<@${person(who).id}>`,
    configure(make) {
      makeConfig = make;
    },
    identity: (who) => person(who).id,
  };
}
