/**
 * Issue #10: on a homeserver nobody tuned, the bot must still answer. A Synapse of its own with Synapse's DEFAULT
 * message rate limit (`rc_message`: 0.2 per second, burst 10) for the bot; the person is exempted (admin API), so
 * only the bot's sending is limited. A declaration and ten acknowledgements typed one per second all get their
 * answers, on the real clock (the homeserver's Retry-After is real time). The duration is written to stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import { systemClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { Person, type SeenEvent } from "./people.ts";
import { ensureSynapse, overrideRatelimit, registerUser, SynapseServer, type TestUser } from "./synapse.ts";

const T = 240_000;
const ACKS = 10;

let server: SynapseServer;
let tmp: ReturnType<typeof tempDir>;
let storage: SqliteStorage;
let bot: Bot;
let botUser: TestUser;
let anna: Person;
let room: string;

describe("Matrix with Synapse's default message rate limit for the bot (no admin lifted it)", () => {
  beforeAll(async () => {
    const { python } = ensureSynapse();
    server = await SynapseServer.create(python, "default-ratelimit", { defaultMessageRateLimit: true });
    const admin = await registerUser(server.url, server.sharedSecret, "rl-admin", { admin: true });
    botUser = await registerUser(server.url, server.sharedSecret, "notfallbot", { displayName: "Notfallbot" });
    const annaUser = await registerUser(server.url, server.sharedSecret, "anna");
    // only the bot keeps the default; anna types as fast as the test wants
    await overrideRatelimit(server.url, admin.accessToken, annaUser.userId, 0, 0);
    tmp = tempDir("notfallbot-matrix-rl-");
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock: systemClock });
    const adapter = new MatrixAdapter({
      config: {
        homeserverUrl: server.url,
        accessToken: botUser.accessToken,
        deviceId: botUser.deviceId,
        allowed: [],
        stateFile: `${tmp.dir}/matrix-state.json`,
      },
      clock: systemClock,
      sdkLogLevel: "error",
      log: () => {},
      pollTimeoutMs: 10_000,
    });
    bot = createBot({ storage, adapters: [adapter], clock: systemClock, playbooks: loadPlaybooks() });
    await bot.start();
    anna = await Person.connect(server.url, annaUser);
    room = await anna.createRoom({ name: "IT-Notfall Praxis", invite: [botUser.userId] });
    await anna.waitForMembership(room, botUser.userId, "join");
  }, T);

  afterAll(async () => {
    await bot?.stop();
    await storage?.close();
    anna?.stop();
    await server?.destroy();
    tmp?.cleanup();
  }, T);

  it(
    "a declaration and ten acknowledgements typed one per second all get their answers",
    async () => {
      const fromBot = (e: SeenEvent) => e.sender === botUser.userId && e.type === "m.room.message";
      const t0 = Date.now();
      const root = await anna.say(room, "!notfall verschlüsselung Server zeigt Erpressernachricht");
      for (let nr = 1; nr <= ACKS; nr++) {
        await new Promise((r) => setTimeout(r, 1000));
        await anna.replyInThread(room, root, `ok ${nr}`);
      }
      const header = await anna.waitFor((e) => fromBot(e) && /Jetzt sofort/.test(String(e.content.body)), "the first message", T);
      const answers: SeenEvent[] = [];
      for (let nr = 1; nr <= ACKS; nr++) {
        answers.push(
          await anna.waitFor(
            (e) => fromBot(e) && new RegExp(`Aufgabe ${nr} bestätigt`).test(String(e.content.body)),
            `the answer to ok ${nr}`,
            T,
          ),
        );
      }
      const last = Math.max(...answers.map((a) => a.at));
      const seconds = (last - t0) / 1000;
      process.stderr.write(
        `[matrix default rate limit] declaration + ${ACKS} acknowledgements (one per second): first message after ${((header.at - t0) / 1000).toFixed(1)} s, all answers after ${seconds.toFixed(1)} s; ${anna.events(room).filter(fromBot).length} bot messages\n`,
      );
      // three messages for the declaration, one per acknowledgement, nothing else
      expect(anna.events(room).filter(fromBot).length).toBeLessThanOrEqual(3 + ACKS);
      expect(seconds).toBeLessThan(120);
    },
    T,
  );
});
