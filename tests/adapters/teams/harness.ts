import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, SeenMessage } from "../harness.ts";
import { cardButtons, cardOf, cardText } from "./card-text.ts";
import { FakeConnector, type FakeMessage } from "./fake-connector.ts";

export const TEAMS_TENANT = "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
export const TEAMS_CHANNEL = "19:2c5e8a1f0b7d4c3e9a6f1b2d3c4e5f6a@thread.tacv2";
export const TEAMS_TEAM = "19:0a1b2c3d4e5f40718293a4b5c6d7e8f9@thread.tacv2";
const BOT = { id: "28:8c3e1a52-5f1d-4b7e-9f0a-2d6c4b1e7a90", name: "Notfallbot" };

/** anna, ben, cem as Teams users (MRI ids as Teams sends them). */
export const PEOPLE: Record<string, { id: string; name: string; aadObjectId: string }> = {
  anna: { id: "29:1AnnA-8f3kQ2mZ7vX1cL9pR4tY6wB0nH5jD3sG8eK2uF7iO", name: "Anna", aadObjectId: "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
  ben: { id: "29:1BeN-2q7WzX4vC9bN1mL6kJ3hG8fD5sA0pO7iU2yT9rE4w", name: "Ben", aadObjectId: "9f8e7d6c-5b4a-4392-8171-605f4e3d2c1b" },
  cem: { id: "29:1CeM-5t1YpQ8wE3rT6yU9iO2pA4sD7fG0hJ3kL6zX9cV1b", name: "Cem", aadObjectId: "5c4b3a29-1807-4f6e-9d5c-4b3a29180706" },
};

/** Activity JSON as Teams posts it for a channel message / card action (see tests/fixtures/teams). */
export function activityBase(person: string, conversationId: string, id: string, serviceUrl: string, at: Date): Record<string, unknown> {
  const p = PEOPLE[person];
  if (!p) throw new Error(`unbekannte Person ${person}`);
  return {
    id,
    timestamp: at.toISOString(),
    channelId: "msteams",
    serviceUrl,
    from: { id: p.id, name: p.name, aadObjectId: p.aadObjectId },
    conversation: { isGroup: true, conversationType: "channel", tenantId: TEAMS_TENANT, id: conversationId },
    recipient: BOT,
    channelData: {
      teamsChannelId: TEAMS_CHANNEL,
      teamsTeamId: TEAMS_TEAM,
      channel: { id: TEAMS_CHANNEL },
      team: { id: TEAMS_TEAM },
      tenant: { id: TEAMS_TENANT },
    },
    locale: "de-DE",
  };
}

/** `@Notfallbot <text>` with mention entities for the bot and every `<at>Name</at>` of a known person. */
export function mentionMessage(base: Record<string, unknown>, text: string): Record<string, unknown> {
  const entities: Record<string, unknown>[] = [{ type: "mention", mentioned: BOT, text: `<at>${BOT.name}</at>` }];
  for (const m of text.matchAll(/<at>([^<]+)<\/at>/g)) {
    const p = Object.values(PEOPLE).find((x) => x.name === m[1]);
    if (p) entities.push({ type: "mention", mentioned: { id: p.id, name: p.name }, text: m[0] });
  }
  entities.push({ type: "clientInfo", locale: "de-DE", country: "DE", platform: "Web", timezone: "Europe/Berlin" });
  return { ...base, type: "message", text: `<at>${BOT.name}</at> ${text}`, textFormat: "plain", entities };
}

function seen(m: FakeMessage): SeenMessage {
  const card = cardOf(m.activity);
  const text = card ? cardText(card) : String(m.activity.text ?? "");
  return { text, inThread: m.conversationId.includes(";messageid="), buttons: card ? cardButtons(card) : [], ref: m.id };
}

/**
 * Teams through the real Microsoft 365 Agents SDK: our express app on loopback with the TeamsAdapter mounted
 * (unauthenticated local mode), people posting Bot Framework Activity JSON to /api/messages, and the bot's
 * replies caught by a fake Bot Connector (the activities carry its URL as serviceUrl).
 */
export function teamsHarness(): AdapterHarness & { readonly connector: FakeConnector; post(body: string): Promise<number> } {
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

  const boot = async () => {
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
    const adapter = new TeamsAdapter({ clock, referenceFile: `${tmp.dir}/teams-references.json`, nodeEnv: "test", warn: () => {} });
    bot = createBot({ storage, adapters: [adapter], clock, playbooks });
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
  };

  /** Root of the newest incident thread: the newest thread the bot wrote an incident message into. */
  const incidentRoot = (): string => {
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

  return {
    name: "teams",
    has: { buttons: true, reactions: false, ephemeral: false },
    connector,
    post,
    async start(c) {
      clock = c;
      tmp = tempDir("notfallbot-teams-");
      await connector.start();
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
      lastCommandRoot = id;
      const base = activityBase(person, `${TEAMS_CHANNEL};messageid=${id}`, id, connector.url, clock.now());
      await post(JSON.stringify(mentionMessage(base, `notfall ${args}`)));
    },
    async reply(person, text) {
      const root = incidentRoot();
      const base = activityBase(person, `${TEAMS_CHANNEL};messageid=${root}`, nextActivityId(), connector.url, clock.now());
      await post(JSON.stringify(mentionMessage(base, text)));
    },
    async press(person, command) {
      const msgs = connector.list();
      const target = [...msgs].reverse().find((m) => seen(m).buttons.includes(command));
      if (!target) throw new Error(`kein Knopf „${command}“ gefunden`);
      const card = cardOf(target.activity)!;
      const data = (JSON.stringify(card).match(/"data":(\{"c":"[^"]*"(?:,"i":"[^"]*")?\})/g) ?? [])
        .map((d) => JSON.parse(d.slice(7)) as { c: string; i?: string })
        .find((d) => d.c === command)!;
      const conversationId = target.conversationId.includes(";messageid=")
        ? target.conversationId
        : `${TEAMS_CHANNEL};messageid=${target.id}`;
      const invoke = {
        ...activityBase(person, conversationId, `f:${nextActivityId()}`, connector.url, clock.now()),
        type: "invoke",
        name: "adaptiveCard/action",
        replyToId: target.id,
        value: { action: { type: "Action.Execute", title: command, verb: "notfall", data }, trigger: "manual" },
      };
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
    settle,
    mention: (person) => `<at>${PEOPLE[person]?.name ?? person}</at>`,
  };
}
