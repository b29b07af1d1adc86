/**
 * Issue #18 on Matrix, against the real Synapse of this test run:
 * - item 1: `!notfall status NF-…` and `!notfall export NF-…` typed in another room answer only there, with a
 *   refusal; nothing of the incident is shown there and nothing is written into its timeline;
 * - item 5: the task message the bot edits when a task changes cannot mention anyone through what people typed: a
 *   display name with a mention in it, or a skip reason with one.
 * The whole bot (createBot + SQLite + MatrixAdapter); people act through their own matrix-js-sdk clients.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { synapse } from "./context.ts";
import { Person, type SeenEvent } from "./people.ts";
import { registerUser, type TestUser } from "./synapse.ts";

type Obj = Record<string, unknown>;

const hs = synapse();
const clock = new FakeClock("2026-03-02T08:00:00Z");
const tmp = tempDir("notfallbot-cross-room-");
const logs: string[] = [];
let storage: SqliteStorage;
let bot: Bot;
let botUser: TestUser;
let anna: Person;
let ben: Person;
let mallory: Person;
let roomA = "";
let roomB = "";
let nf = "";

/** Poll `check` until it gives a value, at most `ms`. */
async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The bot's messages in a room (edits as their own events), oldest first, as the homeserver has them. */
async function botEvents(who: Person, room: string): Promise<SeenEvent[]> {
  return (await who.history(room, 200)).filter((e) => e.sender === botUser.userId && e.type === "m.room.message");
}

/** Send `body` as `who` in `room`, and wait until the bot has answered it (a new bot message there) and is idle. */
async function say(who: Person, room: string, body: string): Promise<SeenEvent> {
  const before = (await botEvents(who, room)).length;
  await who.say(room, body);
  const ev = await until(async () => (await botEvents(who, room))[before], `the bot's answer to „${body}“`);
  await bot.idle();
  return ev;
}

/** What must not change on an incident asked about from elsewhere. */
async function fingerprint(id: string): Promise<{ version: number; entries: string[] }> {
  const rec = (await storage.getIncident(id))!;
  return { version: rec.version, entries: (await storage.timeline(id)).map((e) => `${e.kind}: ${e.text}`) };
}

beforeAll(async () => {
  botUser = await registerUser(hs.url, hs.sharedSecret, "nfbot-crossroom", { displayName: "Notfallbot" });
  const benUser = hs.users.ben;
  // a display name that carries a mention of ben, as anyone can set it in Element
  const malloryUser = await registerUser(hs.url, hs.sharedSecret, "mallory-crossroom", { displayName: `Mallory <@${benUser.userId}>` });
  anna = await Person.connect(hs.url, hs.users.anna);
  ben = await Person.connect(hs.url, benUser);
  mallory = await Person.connect(hs.url, malloryUser);
  storage = openStorage(join(tmp.dir, "notfall.db"), { clock });
  const adapter = new MatrixAdapter({
    config: {
      homeserverUrl: hs.url,
      accessToken: botUser.accessToken,
      deviceId: botUser.deviceId,
      allowed: [],
      stateFile: join(tmp.dir, "matrix-state.json"),
    },
    clock,
    sdkLogLevel: "error",
    log: () => {},
    pollTimeoutMs: 10_000,
  });
  bot = createBot({ storage, adapters: [adapter], clock, playbooks: loadPlaybooks(), log: (level, msg) => logs.push(`[${level}] ${msg}`) });
  await bot.start();
  roomA = await anna.createRoom({ name: "IT-Notfall Praxis", invite: [botUser.userId, ben.id, mallory.id] });
  await Promise.all([ben.join(roomA), mallory.join(roomA), anna.waitForMembership(roomA, botUser.userId, "join")]);
  roomB = await ben.createRoom({ name: "Bens Raum", invite: [botUser.userId] });
  await ben.waitForMembership(roomB, botUser.userId, "join");

  await say(anna, roomA, "!notfall verschlüsselung Server verschlüsselt");
  nf = await until(async () => (await storage.openIncidentsInChannel(`matrix:${roomA}`))[0]?.id, "the incident of room A");
}, 180_000);

afterAll(async () => {
  await bot?.stop();
  storage?.close();
  for (const p of [anna, ben, mallory]) p?.stop();
  tmp.cleanup();
});

describe("Matrix: typed incident ids answer only in the incident's own room", () => {
  it("`!notfall status NF-…` in another room shows nothing of the incident there (nor in its own room)", async () => {
    const inA = (await botEvents(anna, roomA)).length;
    const answer = await say(ben, roomB, `!notfall status ${nf}`);
    expect((await botEvents(anna, roomA)).length).toBe(inA);
    const body = String(answer.content.body);
    expect(body).toContain(`${nf} läuft nicht hier. Status und Export eines Notfalls gibt es nur in seinem eigenen Kanal`);
    const inB = (await botEvents(ben, roomB)).map((e) => String(e.content.body)).join("\n");
    expect(inB).not.toContain("Server verschlüsselt");
    expect(inB).not.toMatch(/Lage NF-/);
  });

  it("`!notfall export NF-…` in another room exports nothing and writes nothing into the incident's timeline", async () => {
    const before = await fingerprint(nf);
    const answer = await say(ben, roomB, `!notfall export ${nf}`);
    expect(String(answer.content.body)).toContain(`${nf} läuft nicht hier.`);
    // delivery failures of the answer would land here too: give the dispatcher its turn
    await bot.idle();
    expect(await fingerprint(nf)).toEqual(before);
    expect(logs.some((l) => l.includes(`Befehl für ${nf} von "${ben.id}" in "matrix:${roomB}"`))).toBe(true);
  });
});

describe("Matrix: the edited task message mentions nobody through a display name or a skip reason", () => {
  it("a task done by someone whose display name carries a mention, and one skipped with a mention in the reason", async () => {
    const cem = hs.users.cem.userId;
    await say(mallory, roomA, "!notfall rolle koordinator");
    const editsBefore = (await botEvents(anna, roomA)).filter(
      (e) => (e.content["m.relates_to"] as Obj | undefined)?.rel_type === "m.replace",
    ).length;
    // tasks of the coordinator's card (since the short cards of #10 a card holds its role's tasks only: 1, 2, 3, 6, …)
    await mallory.say(roomA, "!notfall erledigt 1");
    await mallory.say(roomA, `!notfall überspringen 3 <@${cem}> hat schon fotografiert`);
    const edits = await until(async () => {
      const all = (await botEvents(anna, roomA)).filter((e) => (e.content["m.relates_to"] as Obj | undefined)?.rel_type === "m.replace");
      const fresh = all.slice(editsBefore).map((e) => e.content["m.new_content"] as Obj);
      return fresh.some((c) => String(c.body).includes("übersprungen von")) ? fresh : undefined;
    }, "the edited task message with the skipped task");
    await bot.idle();
    const last = edits.filter((c) => String(c.body).includes("übersprungen von")).at(-1)!;
    // what people typed is shown as text in what Element shows …
    const html = String(last.formatted_body);
    expect(html).toContain(`übersprungen von Mallory &lt;@${ben.id}&gt;: &lt;@${cem}&gt; hat schon fotografiert`);
    // … and never becomes a pill or an intentional mention (a notification) of ben or cem
    for (const c of edits) {
      const html = String(c.formatted_body ?? "");
      expect(html).not.toMatch(/matrix\.to\/#\/@(ben|cem)/);
      const mentioned = ((c["m.mentions"] as { user_ids?: string[] } | undefined)?.user_ids ?? []).filter((u) => u === ben.id || u === cem);
      expect(mentioned).toEqual([]);
    }
  });
});
