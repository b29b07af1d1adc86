/**
 * The homeserver goes down and comes back while the bot runs: the adapter reports it (health, transient errors for
 * sends), resumes its sync without losing or repeating events, and a retried send is deduplicated by transaction id.
 * Uses a second Synapse of its own (same installation as global-setup.ts), because this one gets restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import { AdapterError } from "../../../src/core/adapter.ts";
import type { Outbound } from "../../../src/core/message.ts";
import { synapse } from "./context.ts";
import { Inbox } from "./inbox.ts";
import { Person } from "./people.ts";
import { ensureSynapse, registerUser, SynapseServer } from "./synapse.ts";

const T = 120_000;

/** Wait (on the real system) until `cond` holds; for state that changes when a server goes away. */
async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("Matrix adapter survives a homeserver restart", () => {
  synapse(); // fails with the setup message (what to install) when Synapse is not available
  let server: SynapseServer;
  let adapter: MatrixAdapter;
  let anna: Person;
  const inbox = new Inbox();
  let room: string;
  let botToken: string;

  beforeAll(async () => {
    server = await SynapseServer.create(ensureSynapse().python, "restart");
    const bot = await registerUser(server.url, server.sharedSecret, "notfallbot", { displayName: "Notfallbot" });
    botToken = bot.accessToken;
    anna = await Person.connect(server.url, await registerUser(server.url, server.sharedSecret, "anna"));
    adapter = new MatrixAdapter({
      config: { homeserverUrl: server.url, accessToken: bot.accessToken, deviceId: bot.deviceId, allowed: [] },
      sdkLogLevel: "silent",
      log: () => {},
      pollTimeoutMs: 5_000,
    });
    await adapter.start(inbox.handler);
    room = await anna.createRoom({ name: "IT-Notfall", invite: [bot.userId] });
    await anna.waitForMembership(room, bot.userId, "join");
  }, T);

  afterAll(async () => {
    await adapter?.stop();
    anna?.stop();
    await server?.destroy();
  });

  it(
    "reports the outage, resumes afterwards, loses and repeats nothing",
    async () => {
      const before = await anna.say(room, "!notfall verschlüsselung vor dem Neustart");
      await inbox.byRef(before);
      const msg: Outbound = {
        key: "NF-2026-0001/header",
        channel: `matrix:${room}`,
        thread: { ref: before },
        text: "Notfall NF-2026-0001 eröffnet",
        blocks: [],
        locale: "de",
      };

      await server.stop();
      const down = await adapter.deliver(msg).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(AdapterError);
      expect(down).toMatchObject({ code: "transient" });
      await until(() => !adapter.health().ok, "health reports the outage");

      const t0 = Date.now();
      await server.start();
      const after = await anna.say(room, "!notfall status nach dem Neustart");
      await inbox.byRef(after, 60_000);
      const resumeMs = Date.now() - t0;
      await until(() => adapter.health().ok, "health back to ok");
      expect(inbox.count((e) => e.messageRef === before)).toBe(1);
      expect(inbox.count((e) => e.messageRef === after)).toBe(1);

      // the outbox retries the failed send: it goes out once; a further retry is deduplicated by the homeserver
      const { ref } = await adapter.deliver(msg);
      expect(await adapter.deliver(msg)).toEqual({ ref });
      const notices = (await anna.history(room)).filter((e) => e.content.msgtype === "m.notice");
      expect(notices.map((e) => e.id)).toEqual([ref]);
      process.stderr.write(`[matrix] Homeserver-Neustart: Bot wieder empfangsbereit nach ${resumeMs} ms\n`);
    },
    T,
  );

  it(
    "starts while the homeserver is down and connects when it comes up",
    async () => {
      await adapter.stop();
      await server.stop();
      const late = new Inbox();
      adapter = new MatrixAdapter({
        config: { homeserverUrl: server.url, accessToken: botToken, deviceId: "LATE", allowed: [] },
        sdkLogLevel: "silent",
        log: () => {},
        pollTimeoutMs: 5_000,
      });
      await adapter.start(late.handler); // resolves although nobody answers
      expect(adapter.health()).toEqual({ ok: false, detail: "verbinde … / connecting" });
      await server.start();
      await until(() => adapter.health().ok, "connected after the homeserver came up");
      const cmd = await anna.say(room, "!notfall hilfe");
      expect(await late.byRef(cmd, 60_000)).toMatchObject({ kind: "command", text: "hilfe" });
    },
    T,
  );
});
