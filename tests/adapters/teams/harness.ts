import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, ConfigFor, SeenMessage } from "../harness.ts";
import { cardButtons, cardOf, cardText } from "./card-text.ts";
import { type ConversationType, FakeConnector, type FakeMessage } from "./fake-connector.ts";
import { BOT_ID, CHANNEL_CONV, fixture, GROUP_CHAT, PERSONAL_CHAT, TENANT } from "./fixtures.ts";

export const TEAMS_TENANT = TENANT;
export const TEAMS_CHANNEL = CHANNEL_CONV;
export const TEAMS_TEAM = "19:0a1b2c3d4e5f40718293a4b5c6d7e8f9@thread.tacv2";
const BOT = { id: BOT_ID, name: "Notfallbot" };

/** anna, ben, cem as Teams users (MRI ids as Teams sends them). */
export const PEOPLE: Record<string, { id: string; name: string; aadObjectId: string }> = {
  anna: { id: "29:1AnnA-8f3kQ2mZ7vX1cL9pR4tY6wB0nH5jD3sG8eK2uF7iO", name: "Anna", aadObjectId: "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
  ben: { id: "29:1BeN-2q7WzX4vC9bN1mL6kJ3hG8fD5sA0pO7iU2yT9rE4w", name: "Ben", aadObjectId: "9f8e7d6c-5b4a-4392-8171-605f4e3d2c1b" },
  cem: { id: "29:1CeM-5t1YpQ8wE3rT6yU9iO2pA4sD7fG0hJ3kL6zX9cV1b", name: "Cem", aadObjectId: "5c4b3a29-1807-4f6e-9d5c-4b3a29180706" },
};

/**
 * Where the incident runs in Teams:
 * - `channel`: declared by a new post in a team channel (its id becomes the thread root),
 * - `channel-thread`: declared as a reply inside a thread someone had started earlier (the root is that post),
 * - `groupChat`, `personal`: chats, which have no threads.
 */
export type TeamsPlace = "channel" | "channel-thread" | "groupChat" | "personal";

/**
 * How people write to the bot after the declaration: `mention` (`@Notfallbot erledigt 3`, what reaches a bot without
 * resource-specific consent), `plain` (`erledigt 3`, delivered with RSC `ChannelMessage.Read.Group` /
 * `ChatMessage.Read.Chat`, and always in a personal chat), `prefix` (`notfall erledigt 3`).
 */
export type TeamsReplies = "mention" | "plain" | "prefix";

export interface TeamsHarnessOptions {
  place?: TeamsPlace;
  replies?: TeamsReplies;
}

/** Root of the thread that somebody started in the channel before the bot was involved (`channel-thread`). */
export const EARLIER_POST = "1772438400777";

/** Templates (tests/fixtures/teams, shapes from Microsoft's documentation) per place. */
const TEMPLATES: Record<TeamsPlace, { command: string; reply: string; invoke: string; conversation: string; type: ConversationType }> = {
  channel: {
    command: "channel-message-mention",
    reply: "channel-thread-reply-plain",
    invoke: "adaptive-card-invoke",
    conversation: CHANNEL_CONV,
    type: "channel",
  },
  "channel-thread": {
    command: "channel-thread-reply-mention",
    reply: "channel-thread-reply-plain",
    invoke: "adaptive-card-invoke",
    conversation: CHANNEL_CONV,
    type: "channel",
  },
  groupChat: {
    command: "group-chat-mention",
    reply: "group-chat-message",
    invoke: "adaptive-card-invoke-chat",
    conversation: GROUP_CHAT,
    type: "groupChat",
  },
  personal: {
    command: "personal-message",
    reply: "personal-message",
    invoke: "adaptive-card-invoke-personal",
    conversation: PERSONAL_CHAT,
    type: "personal",
  },
};

interface Filled {
  person: string;
  conversationId: string;
  id: string;
  at: Date;
  serviceUrl: string;
  /** Message text; `<at>Name</at>` of the bot and of known people get mention entities. */
  text?: string;
  replyToId?: string;
  value?: unknown;
}

/**
 * An activity from a fixture template with who, where, when and what filled in. Everything else (conversation type,
 * isGroup, channelData, clientInfo entity, textFormat) stays as Microsoft documents it.
 */
export function fromTemplate(template: string, f: Filled): Record<string, unknown> {
  const p = PEOPLE[f.person];
  if (!p) throw new Error(`unbekannte Person ${f.person}`);
  const a = fixture(template, f.serviceUrl) as Record<string, unknown>;
  a.id = f.id;
  a.timestamp = f.at.toISOString();
  delete a.localTimestamp;
  a.from = { id: p.id, name: p.name, aadObjectId: p.aadObjectId };
  a.recipient = BOT;
  a.conversation = { ...(a.conversation as object), id: f.conversationId };
  if (f.replyToId) a.replyToId = f.replyToId;
  else delete a.replyToId;
  if (f.value !== undefined) a.value = f.value;
  if (f.text !== undefined) {
    const other = ((a.entities as { type: string }[] | undefined) ?? []).filter((e) => e.type !== "mention");
    const mentions: Record<string, unknown>[] = [];
    for (const m of f.text.matchAll(/<at>([^<]+)<\/at>/g)) {
      const who = m[1] === BOT.name ? BOT : Object.values(PEOPLE).find((x) => x.name === m[1]);
      if (who) mentions.push({ mentioned: { id: who.id, name: who.name }, text: m[0], type: "mention" });
    }
    a.text = f.text;
    a.entities = [...mentions, ...other];
    let n = 0;
    const html = f.text
      .replace(/&/g, "&amp;")
      .replace(/<at>([^<]+)<\/at>/g, (_all, name: string) => `\u0000${n++}\u0001${name}\u0002`)
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(
        /\u0000(\d+)\u0001([^\u0002]*)\u0002/g,
        '<span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="$1">$2</span>',
      );
    a.attachments = [{ contentType: "text/html", content: `<p>${html}</p>` }];
  }
  return a;
}

/** Install events are posted from their own fixtures, for any place. */
const TEAMS_INSTALL_EVENTS = new Set(["conversationUpdate", "installationUpdate"]);

/**
 * The conversation shape Teams sends in each kind of conversation (bots-conv-channel.md "Receiving messages",
 * dev-preview notes on `conversationType`, conversation-messages.md "Teams channel data"): `conversationType` of the
 * place; `isGroup: true` in channels and group chats and absent in a personal chat; `channelData.team`/`channel` only
 * in a channel; the tenant always. A harness activity of another shape would test a conversation Teams never sends.
 */
export function assertPlaceShape(a: Record<string, unknown>, type: ConversationType): void {
  const conv = a.conversation as { conversationType?: unknown; isGroup?: unknown; id?: unknown } | undefined;
  const cd = (a.channelData ?? {}) as { team?: unknown; channel?: unknown; tenant?: { id?: unknown } };
  const wrong: string[] = [];
  if (conv?.conversationType !== type) wrong.push(`conversationType ${String(conv?.conversationType)} statt ${type}`);
  if (type === "personal" ? conv?.isGroup !== undefined : conv?.isGroup !== true) wrong.push(`isGroup ${String(conv?.isGroup)}`);
  if ((type === "channel") !== Boolean(cd.team && cd.channel)) wrong.push("channelData.team/channel");
  if (typeof cd.tenant?.id !== "string") wrong.push("channelData.tenant");
  const id = String(conv?.id ?? "");
  if (type !== "channel" && id.includes(";messageid=")) wrong.push("`;messageid=` außerhalb eines Kanals");
  if (wrong.length) throw new Error(`Activity ${String(a.type)} hat nicht die Form eines ${type}-Gesprächs: ${wrong.join(", ")}`);
}

/**
 * The people a card mentions the Teams way: a mention entity in `msteams.entities` whose `<at>…</at>` text stands in a
 * TextBlock of the card (Teams notifies them), by their Teams id or Entra object id.
 */
export function teamsMentions(card: object): string[] {
  const c = card as { body?: unknown[]; msteams?: { entities?: { type?: string; text?: string; mentioned?: { id?: string } }[] } };
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "TextBlock" && typeof o.text === "string") texts.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(c.body);
  const ids = (c.msteams?.entities ?? [])
    .filter((e) => e.type === "mention" && e.text && texts.some((t) => t.includes(e.text!)))
    .map((e) => e.mentioned?.id);
  return Object.entries(PEOPLE)
    .filter(([, p]) => ids.includes(p.aadObjectId) || ids.includes(p.id))
    .map(([name]) => name);
}

/** Activity JSON as Teams posts it for a channel message / card action (template: channel-message-mention). */
export function activityBase(person: string, conversationId: string, id: string, serviceUrl: string, at: Date): Record<string, unknown> {
  return fromTemplate("channel-message-mention", { person, conversationId, id, serviceUrl, at });
}

/** `@Notfallbot <text>` with mention entities for the bot and every `<at>Name</at>` of a known person. */
export function mentionMessage(base: Record<string, unknown>, text: string): Record<string, unknown> {
  const p = Object.entries(PEOPLE).find(([, x]) => x.id === (base.from as { id: string }).id)![0];
  return fromTemplate("channel-message-mention", {
    person: p,
    conversationId: (base.conversation as { id: string }).id,
    id: String(base.id),
    serviceUrl: String(base.serviceUrl),
    at: new Date(String(base.timestamp)),
    text: `<at>${BOT.name}</at> ${text}`,
  });
}

/**
 * Teams through the real Microsoft 365 Agents SDK: our express app on loopback with the TeamsAdapter mounted
 * (unauthenticated local mode), people posting Bot Framework Activity JSON (from the fixtures) to /api/messages, and
 * the bot's replies caught by the strict fake Bot Connector. `settle()` fails the test when any bot message went to
 * a conversation that does not exist (404 ConversationNotFound): nobody would have seen it.
 */
export function teamsHarness(opts: TeamsHarnessOptions = {}): AdapterHarness & {
  readonly connector: FakeConnector;
  post(body: string): Promise<number>;
} {
  const place = opts.place ?? "channel";
  const replies = opts.replies ?? "mention";
  const tpl = TEMPLATES[place];
  const playbooks = loadPlaybooks();
  const connector = new FakeConnector();
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  let storage: SqliteStorage;
  let bot: Bot;
  let server: Server;
  let url = "";
  let nextId = 1_772_438_400_000;
  let lastBody: string | undefined;
  let lastCommandRoot: string | undefined;
  let lostSeen = 0;
  let makeConfig: ConfigFor | undefined;

  const boot = async () => {
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
    const adapter = new TeamsAdapter({ clock, state: storage, nodeEnv: "test", warn: () => {} });
    bot = createBot({
      storage,
      adapters: [adapter],
      clock,
      playbooks,
      ...(makeConfig ? { config: makeConfig((p) => PEOPLE[p]!.aadObjectId, "teams") } : {}),
    });
    const app = express();
    adapter.mount(app);
    await bot.start();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  };

  const shutdown = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bot.stop();
    storage.close();
  };

  const post = async (body: string): Promise<number> => {
    lastBody = body;
    const activity = JSON.parse(body) as Record<string, unknown>;
    // install events come from their own fixtures; an activity without conversationType is an older shape posted on purpose
    const typed = (activity.conversation as { conversationType?: unknown } | undefined)?.conversationType !== undefined;
    if (!TEAMS_INSTALL_EVENTS.has(String(activity.type)) && typed) assertPlaceShape(activity, tpl.type);
    connector.personPosted(activity as Parameters<FakeConnector["personPosted"]>[0]);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/api/messages antwortete ${res.status}`);
    return res.status;
  };

  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await bot.idle();
    }
    const lost = connector.lost();
    if (lost.length > lostSeen) {
      lostSeen = lost.length;
      throw new Error(
        `Bot-Nachrichten an Unterhaltungen, die es nicht gibt (404 ConversationNotFound): ${lost.map((c) => c.conversationId).join(", ")}`,
      );
    }
  };

  const seen = (m: FakeMessage): SeenMessage => {
    const card = cardOf(m.activity);
    const text = card ? cardText(card) : String(m.activity.text ?? "");
    // a chat has no threads: the whole chat is the incident's thread
    const inThread = tpl.type === "channel" ? m.conversationId.includes(";messageid=") : true;
    return { text, inThread, buttons: card ? cardButtons(card) : [], ref: m.id, mentioned: card ? teamsMentions(card) : [] };
  };

  /** The channel thread of the newest incident (root of the newest thread the bot wrote an incident message into). */
  const incidentRoot = (): string => {
    if (place === "channel-thread") return EARLIER_POST;
    const msgs = connector.list();
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i]!;
      const root = /;messageid=(.+)$/.exec(m.conversationId)?.[1];
      if (root && /NF-\d{4}-\d{4}/.test(seen(m).text)) return root;
    }
    if (!lastCommandRoot) throw new Error("kein Notfall-Thread gefunden");
    return lastCommandRoot;
  };

  const nextActivityId = () => String(nextId++);
  const botMention = `<at>${BOT.name}</at>`;

  return {
    name: `teams (${place}, ${replies})`,
    has: { buttons: true, reactions: false, ephemeral: false, single: place !== "channel" },
    connector,
    post,
    async leave(name) {
      const p = PEOPLE[name]!;
      connector.leave(p.id, p.aadObjectId);
    },
    async start(c) {
      clock = c;
      tmp = tempDir("notfallbot-teams-");
      await connector.start();
      // the team channel and the thread someone started there before anyone called the bot
      connector.conversation(CHANNEL_CONV, "channel");
      connector.rootMessage(CHANNEL_CONV, EARLIER_POST);
      await boot();
    },
    async stop() {
      await shutdown();
      await connector.stop();
      tmp.cleanup();
    },
    async restartBot() {
      await settle();
      await shutdown();
      await boot();
    },
    async command(person, args) {
      const id = nextActivityId();
      let conversationId = tpl.conversation;
      if (place === "channel") {
        conversationId = `${CHANNEL_CONV};messageid=${id}`; // a new post: its own id is the thread root
        lastCommandRoot = id;
      } else if (place === "channel-thread") conversationId = `${CHANNEL_CONV};messageid=${EARLIER_POST}`;
      const text = place === "personal" ? `notfall ${args}` : `${botMention} notfall ${args}`;
      const body = fromTemplate(tpl.command, {
        person,
        conversationId,
        id,
        at: clock.now(),
        serviceUrl: connector.url,
        text,
        ...(place === "channel-thread" ? { replyToId: EARLIER_POST } : {}),
      });
      await post(JSON.stringify(body));
    },
    async reply(person, text) {
      const inChannel = tpl.type === "channel";
      const root = inChannel ? incidentRoot() : undefined;
      const typed = replies === "mention" ? `${botMention} ${text}` : replies === "prefix" ? `notfall ${text}` : text;
      const body = fromTemplate(replies === "mention" && !inChannel ? tpl.command : tpl.reply, {
        person,
        conversationId: root ? `${CHANNEL_CONV};messageid=${root}` : tpl.conversation,
        id: nextActivityId(),
        at: clock.now(),
        serviceUrl: connector.url,
        text: typed,
        ...(root ? { replyToId: root } : {}),
      });
      await post(JSON.stringify(body));
    },
    async press(person, command) {
      const msgs = connector.list();
      const target = [...msgs].reverse().find((m) => seen(m).buttons.includes(command));
      if (!target) throw new Error(`kein Knopf „${command}“ gefunden`);
      const card = cardOf(target.activity)!;
      const data = (JSON.stringify(card).match(/"data":(\{"c":"[^"]*"(?:,"i":"[^"]*")?\})/g) ?? [])
        .map((d) => JSON.parse(d.slice(7)) as { c: string; i?: string })
        .find((d) => d.c === command)!;
      // a card in a channel thread is acted on in that thread; a card at channel level starts its own reply chain
      const conversationId =
        tpl.type !== "channel"
          ? tpl.conversation
          : target.conversationId.includes(";messageid=")
            ? target.conversationId
            : `${CHANNEL_CONV};messageid=${target.id}`;
      const invoke = fromTemplate(tpl.invoke, {
        person,
        conversationId,
        id: `f:${nextActivityId()}`,
        at: clock.now(),
        serviceUrl: connector.url,
        replyToId: target.id,
        value: { action: { type: "Action.Execute", title: command, verb: "notfall", data }, trigger: "manual" },
      });
      await post(JSON.stringify(invoke));
    },
    async react() {
      throw new Error("Teams-Reaktionen sind nicht zuverlässig (capabilities.reactions = false)");
    },
    async messages() {
      return connector.list().map(seen);
    },
    async redeliverLast() {
      if (lastBody) await post(lastBody);
    },
    traffic: async () => {
      const ok = connector.calls.filter((c) => c.status < 300);
      return {
        posts: ok.filter((c) => c.kind === "send" || c.kind === "reply").length,
        edits: ok.filter((c) => c.kind === "update").length,
        unchanged: connector.unchangedUpdates,
      };
    },
    settle,
    mention: (person) => `<at>${PEOPLE[person]?.name ?? person}</at>`,
    configure(make) {
      makeConfig = make;
    },
    identity: (person) => PEOPLE[person]!.aadObjectId,
  };
}
