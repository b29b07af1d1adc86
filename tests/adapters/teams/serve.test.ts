/**
 * Teams through `notfallbot serve` as an operator runs it (issue #13): the real CLI (`bin/notfallbot.mjs serve`, the
 * bot in its worker thread, conversation references in the database), NOTFALL_TEAMS=1 without MICROSOFT_APP_ID (the
 * adapter's unauthenticated local mode), Bot Framework activities from the documented fixtures posted to
 * `/api/messages`, and the bot's replies going to the activities' serviceUrl: the strict fake Bot Connector, which
 * answers 404 ConversationNotFound for any conversation that does not exist in Teams.
 *
 * One incident runs to its summary in each place Teams has (channel, declared by a new post and as a reply inside a
 * thread somebody had started; group chat; personal chat), typed with and without `notfall`, with a card button
 * (`adaptiveCard/action` invoke) and a restart of `serve` in the middle, which must find the conversation references
 * in the database. No bot message may go to a conversation that does not exist, none may end as a failed delivery.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServe } from "../../helpers/cli.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { cardButtons, cardOf, cardText } from "./card-text.ts";
import { type ConversationType, FakeConnector, type FakeMessage } from "./fake-connector.ts";
import { fixture, PERSONAL_CHAT } from "./fixtures.ts";
import { assertPlaceShape, EARLIER_POST, fromTemplate, TEAMS_CHANNEL } from "./harness.ts";

const CH = TEAMS_CHANNEL;
const GROUP = fixture("group-chat-message").conversation!.id;

/** `notfallbot serve --db <db>` on a free port, Teams in local mode; resolves on `READY <port>`. */
async function startServe(db: string, cwd: string): Promise<{ url: string; stop(): Promise<void>; stderr(): string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
  Object.assign(env, { PORT: "0", NOTFALL_TEAMS: "1", NODE_ENV: "test", NODE_COMPILE_CACHE: join(cwd, "node-compile-cache") });
  const serve = await spawnServe(["--db", db], { cwd, env });
  return { url: `http://127.0.0.1:${serve.port}/api/messages`, stderr: serve.stderr, stop: serve.stop };
}

/** Where an incident runs and which documented activity shapes Teams sends there (tests/fixtures/teams). */
interface Place {
  name: string;
  type: ConversationType;
  command: string;
  reply: string;
  invoke: string;
  /** Conversation of the declaration (`id`: its activity id). */
  declareIn(id: string): string;
  /** How `notfall …` is typed to declare. */
  declare: (args: string) => string;
  /** Three lines typed as a person does there after the declaration: plain, with `notfall`, with a mention. */
  forms: ((text: string) => string)[];
  people: [string, string, string];
}

const AT = "<at>Notfallbot</at>";
const PLACES: Place[] = [
  {
    name: "Kanal, neuer Beitrag",
    type: "channel",
    command: "channel-message-mention",
    reply: "channel-thread-reply-plain",
    invoke: "adaptive-card-invoke",
    declareIn: (id) => `${CH};messageid=${id}`,
    declare: (a) => `${AT} notfall ${a}`,
    forms: [(t) => t, (t) => `${AT} ${t}`, (t) => `notfall ${t}`],
    people: ["anna", "ben", "cem"],
  },
  {
    name: "Kanal, Antwort in einem bestehenden Thread",
    type: "channel",
    command: "channel-thread-reply-mention",
    reply: "channel-thread-reply-plain",
    invoke: "adaptive-card-invoke",
    declareIn: () => `${CH};messageid=${EARLIER_POST}`,
    declare: (a) => `${AT} notfall ${a}`,
    forms: [(t) => t, (t) => `${AT} ${t}`, (t) => `notfall ${t}`],
    people: ["anna", "ben", "cem"],
  },
  {
    name: "Gruppenchat",
    type: "groupChat",
    command: "group-chat-mention",
    reply: "group-chat-message",
    invoke: "adaptive-card-invoke-chat",
    declareIn: () => GROUP,
    declare: (a) => `${AT} notfall ${a}`,
    forms: [(t) => t, (t) => `notfall ${t}`, (t) => `${AT} ${t}`],
    people: ["anna", "ben", "cem"],
  },
  {
    name: "persönlicher Chat",
    type: "personal",
    command: "personal-message",
    reply: "personal-message",
    invoke: "adaptive-card-invoke-personal",
    declareIn: () => PERSONAL_CHAT,
    declare: (a) => `notfall ${a}`,
    forms: [(t) => t, (t) => `notfall ${t}`],
    people: ["anna", "anna", "anna"],
  },
];

const norm = (s: string) => s.replace(/\s+/g, " ");
const shown = (m: FakeMessage) => {
  const card = cardOf(m.activity);
  return norm(card ? cardText(card) : String(m.activity.text ?? ""));
};

function taskNr(msgs: FakeMessage[], re: RegExp): number {
  for (const m of msgs) {
    const card = cardOf(m.activity);
    for (const line of (card ? cardText(card) : String(m.activity.text ?? "")).split("\n")) {
      const hit = /(\d+)\.\s+(?:\(!\)\s*)?(.*)$/.exec(line);
      if (hit && re.test(hit[2]!)) return Number(hit[1]);
    }
  }
  throw new Error(`Aufgabe ${re} nicht gefunden`);
}

describe("Teams through `notfallbot serve`: no message goes to a conversation that does not exist", () => {
  const tmp = tempDir("notfallbot-teams-serve-");
  const db = join(tmp.dir, "notfall.db");
  const connector = new FakeConnector();
  let serve: Awaited<ReturnType<typeof startServe>>;
  let nextId = 1_772_438_500_000;

  beforeAll(async () => {
    await connector.start();
    // the team channel and the thread somebody started there before anyone called the bot
    connector.conversation(CH, "channel");
    connector.rootMessage(CH, EARLIER_POST);
    serve = await startServe(db, tmp.dir);
  }, 90_000);

  afterAll(async () => {
    await serve?.stop();
    await connector.stop();
    tmp.cleanup();
  });

  /** Until the bot applied the activity (its delivery id is recorded) and sent everything it had to send. */
  async function settled(deliveryId: string | undefined): Promise<void> {
    const deadline = Date.now() + 30_000;
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const applied = conn.prepare("SELECT 1 FROM deliveries WHERE id = ?").pluck();
      const pending = conn.prepare("SELECT count(*) FROM outbox WHERE status = 'pending'").pluck();
      while (!((deliveryId === undefined || applied.get(deliveryId)) && pending.get() === 0)) {
        if (Date.now() > deadline) throw new Error(`serve hat ${deliveryId} nicht verarbeitet:\n${serve.stderr()}`);
        await new Promise((r) => setTimeout(r, 20)); // another process: wait for its database
      }
    } finally {
      conn.close();
    }
  }

  async function post(activity: Record<string, unknown>, recorded = true): Promise<void> {
    connector.personPosted(activity);
    const res = await fetch(serve.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    expect(res.status, JSON.stringify(activity).slice(0, 200)).toBe(200);
    const conv = String((activity.conversation as { id: string }).id).split(";messageid=")[0];
    await settled(recorded ? `${conv}|${String(activity.id)}` : undefined);
    const lost = connector.lost().map((c) => `${c.kind} ${c.conversationId}`);
    expect(lost, "Bot-Nachrichten an Unterhaltungen, die es nicht gibt (404 ConversationNotFound)").toEqual([]);
  }

  async function restart(): Promise<void> {
    await serve.stop();
    serve = await startServe(db, tmp.dir);
  }

  it("the install welcome reaches the channel chosen at install and the personal chat, once each, also after a restart", async () => {
    const before = connector.list().length;
    const added = fixture("conversation-update-bot-added", connector.url);
    await post(added);
    await post(fixture("installation-update-add", connector.url), false);
    await restart();
    await post({ ...added, id: "f:reinstall-after-restart" }, false);
    const personal = fixture("conversation-update-personal", connector.url);
    await post(personal);
    await post({ ...personal, id: "f:personal-again" }, false);
    const welcomes = connector.list().slice(before);
    expect(welcomes.map((m) => m.conversationId)).toEqual([CH, PERSONAL_CHAT]);
    for (const m of welcomes) expect(shown(m)).toMatch(/Notfall melden/);
    expect(connector.lost()).toEqual([]);
  }, 120_000);

  for (const place of PLACES) {
    it(`${place.name}: the incident runs to its summary, every bot message in the conversation it belongs to`, async () => {
      const firstCall = connector.calls.length;
      const firstMsg = connector.list().length;
      const [lead, tech, comms] = place.people;
      const at = () => new Date();
      const id = () => String(nextId++);
      const declId = id();
      const conversationId = place.declareIn(declId);
      const root = conversationId.split(";messageid=")[1];
      const activity = (template: string, person: string, text: string | undefined, extra: Record<string, unknown> = {}) => {
        const a = fromTemplate(template, {
          person,
          conversationId,
          id: typeof extra.id === "string" ? extra.id : id(),
          at: at(),
          serviceUrl: connector.url,
          ...(text !== undefined ? { text } : {}),
          ...(root ? { replyToId: root } : {}),
          ...(extra.value !== undefined ? { value: extra.value, replyToId: String(extra.replyToId) } : {}),
        });
        assertPlaceShape(a, place.type);
        return a;
      };
      const say = async (person: string, text: string) => post(activity(place.reply, person, text));
      const mine = () => connector.list().slice(firstMsg);

      // declared: with a mention in channel and group chat, plainly in the personal chat
      const declaration = activity(place.command, lead, place.declare("verschlüsselung Server zeigt Erpressernachricht"), { id: declId });
      if (place.type === "channel" && root === declId) delete declaration.replyToId; // a new post replies to nothing
      await post(declaration);
      const header = mine().find((m) => cardOf(m.activity) && cardButtons(cardOf(m.activity)!).includes("rolle koordinator"));
      expect(header, "Kopfkarte mit Knopf „rolle koordinator“").toBeDefined();

      // the coordinator role by button (Action.Execute invoke on the header card), the others typed
      const press = activity(place.invoke, lead, undefined, {
        id: `f:${id()}`,
        replyToId: header!.id,
        value: {
          action: { type: "Action.Execute", verb: "notfall", data: { c: "rolle koordinator", i: incidentOf(header!) } },
          trigger: "manual",
        },
      });
      await post(press);
      await say(tech, "rolle technik");
      await say(comms, "rolle kommunikation");
      const nr = taskNr(mine(), /Nicht mit einem Administratorkonto/);
      await say(tech, `erledigt ${nr}`);

      // `serve` restarts: the conversation reference comes from the database
      await restart();
      for (const form of place.forms) await say(lead, form("status"));
      for (const reason of ["Lage klar", "eingedämmt", "Betrieb läuft", "System wieder da"]) await say(lead, `weiter ${reason}`);
      await say(lead, "abschließen alles besprochen");

      const calls = connector.calls.slice(firstCall);
      expect(calls.filter((c) => c.status !== 200 && c.status !== 201)).toEqual([]);
      expect(connector.lost()).toEqual([]);
      const msgs = mine();
      const texts = msgs.map(shown);
      expect(texts.filter((t) => /abgeschlossen – Zusammenfassung/.test(t))).toHaveLength(1);
      expect(texts.some((t) => new RegExp(`${nr}\\..*Nicht mit einem Administratorkonto.*erledigt`).test(t))).toBe(true);
      expect(texts.filter((t) => /Lagebild|Lage NF-/.test(t)).length).toBeGreaterThanOrEqual(place.forms.length);
      // every message of the incident in its thread (channel) or in the chat itself, never at channel level
      expect(new Set(msgs.map((m) => m.conversationId))).toEqual(new Set([conversationId]));
      if (place.type !== "channel") expect(texts.some((t) => /im Thread|in the thread/.test(t))).toBe(false);
      const sends = calls.filter((c) => c.kind === "send").length;
      const updates = calls.filter((c) => c.kind === "update").length;
      process.stdout.write(
        `teams-serve ${place.name}: ${sends} Nachrichten, ${updates} Aktualisierungen an ${conversationId}, 404 ConversationNotFound: ${connector.lost().length}\n`,
      );
      const conn = new Database(db, { readonly: true });
      try {
        expect(conn.prepare("SELECT count(*) FROM outbox WHERE status = 'failed'").pluck().get()).toBe(0);
      } finally {
        conn.close();
      }
    }, 180_000);
  }
});

function incidentOf(m: FakeMessage): string {
  const hit = /NF-\d{4}-\d{4}/.exec(JSON.stringify(m.activity));
  if (!hit) throw new Error("keine Notfallnummer auf der Karte");
  return hit[0];
}
