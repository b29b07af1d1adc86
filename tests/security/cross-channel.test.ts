/**
 * Issue #18 item 1: an incident id named by an event (a button's payload, `status NF-…`, `export NF-…`) is data the
 * person controls. It is followed only to an incident of the same tenant, platform and channel (and, for a button
 * pressed inside an incident's thread, that incident); anything else is refused in German, changes nothing on the
 * named incident, and is recorded on the incident of the event's own channel (and in a log line), never on the
 * named one.
 *
 * One bot with Slack and Teams on one database, as `notfallbot serve` runs them: signed Slack requests (slash
 * commands, block_actions) over real HTTP through Bolt, Teams activities (Action.Execute invokes) through the Agents
 * SDK with the fake Bot Connector. Matrix: tests/adapters/matrix/cross-room.test.ts (needs the real Synapse).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../src/adapters/slack/index.ts";
import { TeamsAdapter } from "../../src/adapters/teams/adapter.ts";
import { type Bot, createBot } from "../../src/app.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { IncidentState } from "../../src/core/state.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { BOT_TOKEN, BOT_USER_ID, type FakeMessage, FakeSlackApi, TEAM_ID } from "../adapters/slack/fake-slack-api.ts";
import { buttonsOf } from "../adapters/slack/harness.ts";
import { formBody, payloadBody, postSigned } from "../adapters/slack/signed-request.ts";
import { cardOf, cardText } from "../adapters/teams/card-text.ts";
import { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { GROUP_CHAT, TENANT } from "../adapters/teams/fixtures.ts";
import { fromTemplate } from "../adapters/teams/harness.ts";
import { tempDir } from "../helpers/tmp.ts";

const SIGNING_SECRET = "cross-7d1e5a9b3c2f4a6d8e0b1c3f5a7d9e1b";
const ONE = "C0ONE";
const TWO = "C0TWO";
const USERS: Record<string, string> = { anna: "U0ANNA", ben: "U0BEN", cem: "U0CEM" };
const TEAMS_ONE = "19:1a2b3c4d5e6f40718293a4b5c6d7e8f9@thread.tacv2";
const TEAMS_TWO = "19:9f8e7d6c5b4a40312f1e0d9c8b7a6f5e@thread.tacv2";
const GROUP_TWO = "19:5e4d3c2b1a0f49e8d7c6b5a4f3e2d1c0@thread.v2";
/** A post in TEAMS_TWO someone wrote before: the thread an attacker's card action happens in. */
const TWO_POST = "1772438499999";
const REFUSED_BUTTON = "Diese Schaltfläche gehört nicht zu einem Notfall, der hier läuft. Nichts wurde geändert.";

const clock = new FakeClock("2026-03-02T08:00:00Z");
const api = new FakeSlackApi();
const connector = new FakeConnector();
const logs: string[] = [];
let tmp: ReturnType<typeof tempDir>;
let storage: SqliteStorage;
let slack: SlackAdapter;
let bot: Bot;
let server: Server;
let base = "";
let n = 0;

async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setImmediate(r));
    await slack.idle();
    await bot.idle();
  }
}

async function slackPost(body: string, contentType: "application/json" | "application/x-www-form-urlencoded"): Promise<void> {
  const res = await postSigned(`${base}/slack/events`, SIGNING_SECRET, { body, contentType });
  expect(res.status, `${res.text} ${body.slice(0, 300)}`).toBe(200);
  await settle();
}

/** `/notfall <text>` typed by `who` in Slack channel `channel`. */
function slash(who: string, channel: string, text: string): Promise<void> {
  n++;
  return slackPost(
    formBody({
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: TEAM_ID,
      team_domain: "praxis-test",
      channel_id: channel,
      channel_name: channel.toLowerCase(),
      user_id: USERS[who]!,
      user_name: who,
      command: "/notfall",
      text,
      api_app_id: "A0NOTFALL",
      is_enterprise_install: "false",
      response_url: `https://hooks.slack.com/commands/${TEAM_ID}/${n}/xyz`,
      trigger_id: `${3_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`,
    }),
    "application/x-www-form-urlencoded",
  );
}

/**
 * A signed block_actions request as Slack sends it when `who` presses a button of `message`, with the button's value
 * replaced by `value` (what an attacker controls: the payload of their own request).
 */
function press(who: string, message: FakeMessage, value: { c: string; i?: string }): Promise<void> {
  n++;
  const thread = message.threadTs ? { thread_ts: message.threadTs } : {};
  return slackPost(
    payloadBody({
      type: "block_actions",
      user: { id: USERS[who]!, username: who, name: who, team_id: TEAM_ID },
      api_app_id: "A0NOTFALL",
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, ...thread },
      trigger_id: `${4_000_000 + n}.1379717998065.9bc163894734c1f415a2c504e81dec91`,
      team: { id: TEAM_ID, domain: "praxis-test" },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: message.channel.toLowerCase() },
      message: {
        type: "message",
        user: BOT_USER_ID,
        bot_id: "B0BOT",
        ts: message.ts,
        text: message.text,
        blocks: message.blocks,
        ...thread,
      },
      state: { values: {} },
      response_url: `https://hooks.slack.com/actions/${TEAM_ID}/${n}/abc`,
      actions: [
        { action_id: `nf_${n}`, block_id: "b", value: JSON.stringify(value), type: "button", action_ts: `${1_772_600_000 + n}.000200` },
      ],
    }),
    "application/x-www-form-urlencoded",
  );
}

/** The root message (header, with the role buttons) of incident `id` in Slack channel `channel`. */
function slackRoot(channel: string, id: string): FakeMessage {
  const m = api.visible(channel).find((x) => !x.threadTs && x.text.includes(id) && buttonsOf(x.blocks).length > 0);
  if (!m) throw new Error(`kein Kopf von ${id} in ${channel}`);
  return m;
}

async function teamsPost(activity: Record<string, unknown>): Promise<void> {
  connector.personPosted(activity as Parameters<FakeConnector["personPosted"]>[0]);
  const res = await fetch(`${base}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  await settle();
}

let teamsId = 1_772_438_500_000;

/** `@Notfallbot notfall <text>` as a new post in a Teams channel (its id is the thread root), or in a group chat. */
function teamsCommand(who: string, conversation: string, text: string, chat = false): Promise<void> {
  const id = String(teamsId++);
  return teamsPost(
    fromTemplate(chat ? "group-chat-mention" : "channel-message-mention", {
      person: who,
      conversationId: chat ? conversation : `${conversation};messageid=${id}`,
      id,
      at: clock.now(),
      serviceUrl: connector.url,
      text: `<at>Notfallbot</at> notfall ${text}`,
    }),
  );
}

/** An Action.Execute invoke by `who` in `conversationId` (a thread: `<channel>;messageid=<root>`) with data `data`. */
function teamsInvoke(who: string, conversationId: string, replyToId: string, data: { c: string; i?: string }, chat = false): Promise<void> {
  return teamsPost(
    fromTemplate(chat ? "adaptive-card-invoke-chat" : "adaptive-card-invoke", {
      person: who,
      conversationId,
      id: `f:${teamsId++}`,
      at: clock.now(),
      serviceUrl: connector.url,
      replyToId,
      value: { action: { type: "Action.Execute", title: data.c, verb: "notfall", data }, trigger: "manual" },
    }),
  );
}

/** Bot messages in a Teams conversation (all its threads), as text. */
function teamsTexts(conversation: string): string[] {
  return connector
    .list()
    .filter((m) => m.conversationId.split(";")[0] === conversation)
    .map((m) => {
      const card = cardOf(m.activity);
      return card ? cardText(card) : String(m.activity.text ?? "");
    });
}

/** A Teams bot message of incident `id` in `conversation`: its activity id and the conversation id it lives in. */
function teamsMessage(conversation: string, id: string): { id: string; conversationId: string } {
  const m = connector.list().find((x) => x.conversationId.split(";")[0] === conversation && JSON.stringify(x.activity).includes(id));
  if (!m) throw new Error(`keine Nachricht von ${id} in ${conversation}`);
  return { id: m.id, conversationId: m.conversationId };
}

/** The open incident of a channel (canonical id), by the database. */
async function incidentIn(channel: string): Promise<string> {
  const open = await storage.openIncidentsInChannel(channel);
  expect(open.length, channel).toBeGreaterThan(0);
  return open.at(-1)!.id;
}

/** What must not change on an incident attacked from elsewhere: its record and its timeline. */
async function fingerprint(
  id: string,
): Promise<{ version: number; lastSeq: number; awareAt: string; closedAt: string | null; level: string; roles: unknown; entries: number }> {
  const rec = (await storage.getIncident(id))!;
  const st = rec.snapshot as IncidentState;
  return {
    version: rec.version,
    lastSeq: rec.lastSeq,
    awareAt: rec.awareAt,
    closedAt: rec.closedAt,
    level: rec.level,
    roles: (st.machine as { context?: { roles?: unknown } }).context?.roles,
    entries: (await storage.timeline(id)).length,
  };
}

const slackOne = `slack:${TEAM_ID}:${ONE}`;
const slackTwo = `slack:${TEAM_ID}:${TWO}`;
let nfOne = "";
let nfTwo = "";
let nfTeams = "";
let nfChat = "";

beforeAll(async () => {
  tmp = tempDir("notfallbot-cross-");
  await api.start();
  await connector.start();
  connector.conversation(TEAMS_ONE, "channel");
  connector.conversation(TEAMS_TWO, "channel");
  connector.rootMessage(TEAMS_TWO, TWO_POST);
  connector.conversation(GROUP_CHAT, "groupChat");
  connector.conversation(GROUP_TWO, "groupChat");
  storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
  slack = createSlackAdapter({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, slackApiUrl: api.url, clock, logSink: () => {} });
  const teams = new TeamsAdapter({ clock, state: storage, nodeEnv: "test", warn: () => {} });
  bot = createBot({
    storage,
    adapters: [slack, teams],
    clock,
    playbooks: loadPlaybooks(),
    log: (level, msg) => logs.push(`[${level}] ${msg}`),
  });
  const app = express();
  slack.mount(app);
  teams.mount(app);
  await bot.start();
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // the attacked incident in Slack channel C0ONE, and one of ben's own in C0TWO
  await slash("anna", ONE, "verschlüsselung Server verschlüsselt");
  nfOne = await incidentIn(slackOne);
  await slash("ben", TWO, "verschlüsselung Testrechner");
  nfTwo = await incidentIn(slackTwo);
  // a Teams channel incident and a Teams group-chat incident
  await teamsCommand("anna", TEAMS_ONE, "verschlüsselung Praxisserver");
  nfTeams = await incidentIn(`teams:${TENANT}:${TEAMS_ONE}`);
  await teamsCommand("anna", GROUP_CHAT, "verschlüsselung Empfangsrechner", true);
  nfChat = await incidentIn(`teams:${TENANT}:${GROUP_CHAT}`);
  expect(new Set([nfOne, nfTwo, nfTeams, nfChat]).size).toBe(4);
}, 120_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await bot?.stop();
  storage?.close();
  await api.stop();
  await connector.stop();
  tmp?.cleanup();
});

describe("Slack: a button naming an incident of another channel", () => {
  it("from C0TWO, ben cannot take a role in, escalate or close the incident of C0ONE; he is told why, and it is recorded in C0TWO's incident", async () => {
    const before = await fingerprint(nfOne);
    const own = slackRoot(TWO, nfTwo);
    const ownBefore = (await storage.timeline(nfTwo)).length;
    for (const c of ["rolle koordinator", "eskalieren katastrophe", "abschließen Fehlalarm"]) await press("ben", own, { c, i: nfOne });

    expect(await fingerprint(nfOne)).toEqual(before);
    expect((await storage.timeline(nfOne)).filter((e) => e.actorId === USERS.ben)).toEqual([]);
    const answers = api.messages.filter((m) => m.channel === TWO && m.ephemeralFor === USERS.ben && m.text.includes(REFUSED_BUTTON));
    expect(answers).toHaveLength(3);
    // nothing about C0ONE's incident reaches C0TWO (only ben's own incident and the refusals)
    expect(api.messages.filter((m) => m.channel === TWO && m.text.includes(nfOne))).toEqual([]);
    // recorded where it happened: on ben's own incident, naming the incident he tried
    const refused = (await storage.timeline(nfTwo)).slice(ownBefore).filter((e) => e.kind === "refused");
    expect(refused.map((e) => [e.actorId, e.text])).toEqual(
      Array(3).fill([USERS.ben, `Abgelehnt: Schaltfläche für ${nfOne} (läuft nicht hier); nichts geändert`]),
    );
    expect(logs.filter((l) => l.includes(`Schaltfläche für ${nfOne} von "${USERS.ben}" in "${slackTwo}"`))).toHaveLength(3);
  });

  it("a button pressed inside the thread of one incident acts on that incident only, even in the same channel", async () => {
    // a second incident of the same type: `neu` (without it, the declaration points to the running one)
    await slash("cem", ONE, "neu verschlüsselung zweiter Server");
    const open = await storage.openIncidentsInChannel(slackOne);
    const second = open.map((r) => r.id).find((id) => id !== nfOne)!;
    expect(second).toBeDefined();
    // a bot message in the thread of the second incident
    const root = slackRoot(ONE, second);
    const inThread = api.visible(ONE).find((m) => m.threadTs === root.ts);
    expect(inThread).toBeDefined();
    const before = await fingerprint(nfOne);
    await press("cem", inThread!, { c: "rolle koordinator", i: nfOne });
    expect(await fingerprint(nfOne)).toEqual(before);
    expect(api.messages.some((m) => m.ephemeralFor === USERS.cem && m.text.includes(REFUSED_BUTTON))).toBe(true);
    // the same button with its own incident's id works
    await press("cem", inThread!, { c: "rolle koordinator", i: second });
    const roles = ((await storage.getIncident(second))!.snapshot as IncidentState).machine as {
      context: { roles: Record<string, string> };
    };
    expect(roles.context.roles.koordinator).toBe(USERS.cem);
  });

  it("the incident's own buttons keep working in its channel", async () => {
    await press("anna", slackRoot(ONE, nfOne), { c: "rolle koordinator", i: nfOne });
    const st = (await storage.getIncident(nfOne))!.snapshot as IncidentState;
    expect((st.machine as { context: { roles: Record<string, string> } }).context.roles.koordinator).toBe(USERS.anna);
  });
});

describe("Slack: typed incident ids answer only in the incident's own channel", () => {
  it("`/notfall status NF-…` of C0ONE's incident, typed in C0TWO, shows nothing of it", async () => {
    await slash("ben", TWO, `status ${nfOne}`);
    const last = api.messages.at(-1)!;
    expect(last).toMatchObject({ channel: TWO, ephemeralFor: USERS.ben });
    expect(last.text).toContain(`${nfOne} läuft nicht hier. Status und Export eines Notfalls gibt es nur in seinem eigenen Kanal`);
    expect(api.messages.filter((m) => m.channel === TWO && m.text.includes("Server verschlüsselt"))).toEqual([]);
  });

  it("`/notfall export NF-…` typed in C0TWO writes nothing, not even into the other incident's timeline", async () => {
    const before = await fingerprint(nfOne);
    await slash("ben", TWO, `export ${nfOne}`);
    expect(api.messages.at(-1)!.text).toContain(`${nfOne} läuft nicht hier.`);
    expect(await fingerprint(nfOne)).toEqual(before);
    expect(logs.some((l) => l.startsWith("[warn]") && l.includes(`Befehl für ${nfOne} von "${USERS.ben}" in "${slackTwo}"`))).toBe(true);
    expect((await storage.timeline(nfTwo)).at(-1)).toMatchObject({
      kind: "refused",
      actorId: USERS.ben,
      text: `Abgelehnt: Befehl mit ${nfOne} (läuft nicht hier); nichts angezeigt`,
    });
  });

  it("an id that exists nowhere gets the same answer (the answer says nothing about other channels)", async () => {
    await slash("ben", TWO, "status NF-2026-0999");
    expect(api.messages.at(-1)!.text).toContain("NF-2026-0999 läuft nicht hier.");
    // a mistyped id is no attack: a plain log line, nothing on the timeline of the channel's incident
    expect(logs.filter((l) => l.includes("NF-2026-0999")).map((l) => l.slice(0, 7))).toEqual(["[info] "]);
    expect((await storage.timeline(nfTwo)).filter((e) => e.text.includes("NF-2026-0999"))).toEqual([]);
  });

  it("`status NF-…` in the incident's own channel still shows it", async () => {
    await slash("anna", ONE, `status ${nfOne}`);
    expect(api.messages.filter((m) => m.channel === ONE).at(-1)!.text).toContain(nfOne);
    expect(api.messages.filter((m) => m.channel === ONE).at(-1)!.text).not.toContain("läuft nicht hier");
  });
});

describe("Teams: an invoke naming an incident of another conversation or platform", () => {
  it("from another Teams channel, nobody takes a role in or answers a question of the Slack incident", async () => {
    const before = await fingerprint(nfOne);
    // ben acts in a thread of channel TEAMS_TWO with card data naming the Slack incident
    const conv = `${TEAMS_TWO};messageid=${TWO_POST}`;
    for (const c of ["rolle koordinator", "antwort 1 gestern 7:00"]) await teamsInvoke("ben", conv, TWO_POST, { c, i: nfOne });
    expect(await fingerprint(nfOne)).toEqual(before);
    const answers = teamsTexts(TEAMS_TWO);
    expect(answers.filter((t) => t.includes(REFUSED_BUTTON))).toHaveLength(2);
    expect(answers.filter((t) => t.includes(nfOne))).toEqual([]);
  });

  it("from another Teams channel, the Teams incident of the first channel cannot be acted on either", async () => {
    const before = await fingerprint(nfTeams);
    await teamsInvoke("ben", `${TEAMS_TWO};messageid=${TWO_POST}`, TWO_POST, { c: "rolle koordinator", i: nfTeams });
    expect(await fingerprint(nfTeams)).toEqual(before);
    expect(teamsTexts(TEAMS_TWO).at(-1)).toContain(REFUSED_BUTTON);
  });

  it("a group chat is one incident thread: its own card works there, and from another chat it is refused", async () => {
    const card = teamsMessage(GROUP_CHAT, nfChat);
    const before = await fingerprint(nfChat);
    await teamsInvoke("ben", GROUP_TWO, card.id, { c: "rolle technik", i: nfChat }, true);
    expect(await fingerprint(nfChat)).toEqual(before);
    expect(teamsTexts(GROUP_TWO).at(-1)).toContain(REFUSED_BUTTON);

    await teamsInvoke("ben", GROUP_CHAT, card.id, { c: "rolle technik", i: nfChat }, true);
    const st = (await storage.getIncident(nfChat))!.snapshot as IncidentState;
    expect((st.machine as { context: { roles: Record<string, string> } }).context.roles.technik).toMatch(/^29:1BeN/);
  });

  it("`notfall status NF-…` of the Slack incident, typed in Teams, shows nothing of it", async () => {
    await teamsCommand("ben", TEAMS_TWO, `status ${nfOne}`);
    const last = teamsTexts(TEAMS_TWO).at(-1)!;
    expect(last).toContain(`${nfOne} läuft nicht hier.`);
    expect(teamsTexts(TEAMS_TWO).filter((t) => t.includes("Server verschlüsselt"))).toEqual([]);
  });
});
