/**
 * The Matrix adapter in an end-to-end encrypted room, against the real Synapse of the test run. Anna and Ben use
 * matrix-js-sdk with the Rust crypto in their own processes (crypto-person.ts), so everything they send is encrypted
 * by their clients and everything the bot sends has to be decryptable there.
 */
import { spawn } from "node:child_process";
import { unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import type { MatrixConfig } from "../../../src/adapters/matrix/config.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { Outbound } from "../../../src/core/message.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { synapse } from "./context.ts";
import { CryptoPerson, type SeenCryptoEvent } from "./crypto-person.ts";
import { Inbox } from "./inbox.ts";
import { registerUser, type TestUser } from "./synapse.ts";

const T = 90_000;
const KEY_WAIT_MS = 60_000;

describe("Matrix adapter in an end-to-end encrypted room", () => {
  const hs = synapse();
  const tmp = tempDir("nf-matrix-e2ee-");
  const clock = new FakeClock("2026-03-02T08:00:00Z");
  const logs: string[] = [];
  let bot: TestUser;
  let anna: CryptoPerson;
  let ben: CryptoPerson;
  let adapter: MatrixAdapter;
  let inbox = new Inbox();
  let room: string;
  let declared: string;
  let notice: string;

  const config = (): MatrixConfig => ({
    homeserverUrl: hs.url,
    accessToken: bot.accessToken,
    deviceId: bot.deviceId,
    allowed: [],
    stateFile: join(tmp.dir, "matrix-state.json"),
    cryptoSecret: "ein-langes-testgeheimnis-fuer-die-schluessel",
    cryptoFile: join(tmp.dir, "matrix-crypto.bin"),
  });
  const newAdapter = () =>
    new MatrixAdapter({
      config: config(),
      clock,
      log: (level, line) => void logs.push(`${level}: ${line}`),
      sdkLogLevel: "error",
      pollTimeoutMs: 10_000,
      keyWaitMs: KEY_WAIT_MS,
    });
  const fromBot = (pred: (e: SeenCryptoEvent) => boolean) => (e: SeenCryptoEvent) =>
    e.roomId === room && e.sender === bot.userId && e.type === "m.room.message" && pred(e);

  beforeAll(async () => {
    bot = await registerUser(hs.url, hs.sharedSecret, "nfbot-e2ee", { displayName: "Notfallbot" });
    // fresh logins: devices of their own (other test files use anna's and ben's registration devices)
    const [a, b] = await Promise.all([registerUser(hs.url, hs.sharedSecret, "anna"), registerUser(hs.url, hs.sharedSecret, "ben")]);
    [anna, ben] = await Promise.all([CryptoPerson.connect(hs.url, a), CryptoPerson.connect(hs.url, b)]);
    adapter = newAdapter();
    await adapter.start(inbox.handler);
  }, T);

  afterAll(async () => {
    await adapter?.stop();
    anna?.stop();
    ben?.stop();
    tmp.cleanup();
  });

  it(
    "joins an encrypted room and reads a command its members' clients encrypted",
    async () => {
      room = await anna.createRoom({ name: "IT-Notfall (verschlüsselt)", invite: [bot.userId, ben.id], encrypted: true });
      await ben.join(room);
      await anna.waitForMembership(room, bot.userId, "join");
      declared = await anna.say(room, "!notfall verschlüsselung Server gesperrt");
      expect(await inbox.byRef(declared)).toMatchObject({
        kind: "command",
        text: "verschlüsselung Server gesperrt",
        actor: { id: anna.id, displayName: "Anna" },
      });
      const wire = (await anna.history(room)).find((e) => e.id === declared);
      expect(wire).toMatchObject({ wireType: "m.room.encrypted", decryptionFailure: false });
    },
    T,
  );

  it(
    "sends its messages encrypted, in the thread, readable by everyone in the room",
    async () => {
      const msg: Outbound = {
        key: "NF-2026-0001/opened",
        channel: `matrix:${room}`,
        thread: { ref: declared },
        text: "",
        blocks: [{ type: "paragraph", text: "**Ruhe bewahren.** Netzwerkkabel ziehen." }],
        locale: "de",
      };
      notice = (await adapter.deliver(msg)).ref;
      for (const p of [anna, ben]) {
        const seen = await p.waitFor((e) => e.id === notice, "bot notice");
        expect(seen.wireType).toBe("m.room.encrypted");
        expect(seen.decryptionFailure).toBe(false);
        expect(seen.content).toMatchObject({
          msgtype: "m.notice",
          body: "Ruhe bewahren. Netzwerkkabel ziehen.",
          "m.relates_to": { rel_type: "m.thread", event_id: declared },
        });
      }
      // the outbox retries with the same key: the homeserver deduplicates by transaction id
      expect(await adapter.deliver(msg)).toEqual({ ref: notice });
      const edit = await adapter.deliver({
        ...msg,
        replace: true,
        replaceRef: notice,
        blocks: [{ type: "paragraph", text: "Aufgabe 1 erledigt" }],
      });
      expect(edit).toEqual({ ref: notice });
      const seenEdit = await anna.waitFor(
        (e) => fromBot((x) => (x.content["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type === "m.replace")(e),
        "edit",
      );
      expect(seenEdit.wireType).toBe("m.room.encrypted");
      expect(seenEdit.content["m.new_content"]).toMatchObject({ body: "Aufgabe 1 erledigt" });
    },
    T,
  );

  it(
    "sends the same edit again and again, and what comes after it (the header re-rendered unchanged on each phase)",
    async () => {
      const header: Outbound = {
        key: "NF-2026-0001/header",
        channel: `matrix:${room}`,
        text: "",
        blocks: [{ type: "paragraph", text: "NF-2026-0001 Verschlüsselung" }],
        locale: "de",
      };
      const ref = (await adapter.deliver(header)).ref;
      await anna.waitFor((e) => e.id === ref, "header");
      const edit = {
        ...header,
        replace: true,
        replaceRef: ref,
        blocks: [{ type: "paragraph" as const, text: "NF-2026-0001 · Rollen: Anna" }],
      };
      // before the fix the third one failed with "addPendingEvent called on an event with known txnId": the second
      // was deduplicated by the homeserver, so the SDK's local echo of it never got its remote echo
      for (let i = 0; i < 4; i++) expect(await adapter.deliver(edit)).toEqual({ ref });
      const after = (await adapter.deliver({ ...header, key: "NF-2026-0001/phase/nachbereitung", thread: { ref: declared } })).ref;
      const seen = await anna.waitFor((e) => e.id === after, "message after the edits");
      expect(seen.decryptionFailure).toBe(false);
      const edits = (await anna.history(room)).filter(
        (e) => (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === ref && !e.decryptionFailure,
      );
      expect(edits.length).toBe(1);
      expect(edits[0]!.content["m.new_content"]).toMatchObject({ body: "NF-2026-0001 · Rollen: Anna" });
    },
    T,
  );

  it(
    "reads thread replies and reactions from the encrypted room",
    async () => {
      const reply = await ben.replyInThread(room, declared, "rolle technik");
      expect(await inbox.byRef(reply)).toMatchObject({ kind: "reply", threadRef: declared, text: "rolle technik" });
      const reaction = await ben.react(room, notice, "✅");
      expect(await inbox.byRef(reaction)).toMatchObject({
        kind: "reaction",
        reaction: { emoji: "✅", messageRef: notice },
        threadRef: declared,
        actor: { id: ben.id },
      });
    },
    T,
  );

  it(
    "shows up in Element as a device verified by its owner (cross-signing)",
    async () => {
      expect(await anna.deviceStatus(bot.userId, bot.deviceId)).toEqual({ signedByOwner: true, crossSigningVerified: false });
    },
    T,
  );

  it(
    "reads a message whose room key arrives after the message",
    async () => {
      await anna.newSession(room);
      await anna.holdKeys(bot.userId);
      const late = await anna.replyInThread(room, declared, "status");
      await until(() => logs.some((l) => l.includes(late) && l.includes("warte auf den Schlüssel")), "bot waits for the key");
      expect(inbox.count((e) => e.messageRef === late)).toBe(0);
      expect(await anna.releaseKeys()).toBeGreaterThan(0);
      expect(await inbox.byRef(late)).toMatchObject({ kind: "reply", text: "status", threadRef: declared });
    },
    T,
  );

  it(
    "reads a message whose room key arrives after a restart of the bot",
    async () => {
      await anna.newSession(room);
      await anna.holdKeys(bot.userId);
      const late = await anna.replyInThread(room, declared, "status nach dem Neustart");
      await until(() => logs.some((l) => l.includes(late) && l.includes("warte auf den Schlüssel")), "bot waits for the key");
      await adapter.stop();
      adapter = newAdapter();
      inbox = new Inbox();
      await adapter.start(inbox.handler);
      expect(await anna.releaseKeys()).toBeGreaterThan(0);
      expect(await inbox.byRef(late)).toMatchObject({ kind: "reply", text: "status nach dem Neustart", threadRef: declared });
    },
    T,
  );

  it(
    "says once in the thread which message it could not read when the key never comes, also after a restart",
    async () => {
      await anna.newSession(room);
      await anna.holdKeys(bot.userId);
      const lost = await anna.replyInThread(room, declared, "erledigt 1");
      await until(() => logs.some((l) => l.includes(lost) && l.includes("warte auf den Schlüssel")), "bot waits for the key");
      // a restart while waiting: the wait goes on (it is in the state file), nothing is posted early
      await adapter.stop();
      adapter = newAdapter();
      inbox = new Inbox();
      await adapter.start(inbox.handler);
      await clock.advance(KEY_WAIT_MS + 1_000);
      const told = await anna.waitFor(
        fromBot((e) => String(e.content.body).includes("nicht entschlüsseln")),
        "unreadable notice",
      );
      expect(told.wireType).toBe("m.room.encrypted");
      expect(told.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: declared });
      expect(told.content["m.mentions"]).toEqual({ user_ids: [anna.id] });
      expect(String(told.content.body)).toMatch(/Nachricht von Anna \(\d\d:\d\d\).*noch einmal senden/s);
      expect(String(told.content.body)).toContain(encodeURIComponent(lost));
      // once: later deadlines and a restart do not repeat it
      expect(await anna.dropHeldKeys()).toBeGreaterThan(0);
      await anna.newSession(room);
      await clock.advance(KEY_WAIT_MS * 3);
      await adapter.stop();
      adapter = newAdapter();
      await adapter.start(inbox.handler);
      const sentinel = await anna.say(room, "!notfall hilfe");
      await inbox.byRef(sentinel);
      const notices = (await anna.history(room)).filter(
        (e) => e.sender === bot.userId && String(e.content.body).includes("nicht entschlüsseln"),
      );
      expect(notices).toHaveLength(1);
      expect(inbox.count((e) => e.messageRef === lost)).toBe(0);
    },
    T,
  );

  it(
    "keeps one device with the same keys across restarts",
    async () => {
      const before = await anna.devicesOf(bot.userId);
      expect(Object.keys(before)).toEqual([bot.deviceId]);
      await adapter.stop();
      adapter = newAdapter();
      inbox = new Inbox();
      await adapter.start(inbox.handler);
      const msg = await ben.replyInThread(room, declared, "nach dem Neustart");
      expect(await inbox.byRef(msg)).toMatchObject({ kind: "reply", text: "nach dem Neustart" });
      expect(await anna.devicesOf(bot.userId)).toEqual(before);
    },
    T,
  );

  it(
    "waits while another live process still holds its key file (the Matrix role handed over) and reads once it lets go",
    async () => {
      await adapter.stop();
      // the previous holder of the role: alive, its lock on the key file not yet released
      const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      const lock = `${config().cryptoFile}.lock`;
      try {
        writeFileSync(lock, `${other.pid}\n`);
        adapter = newAdapter();
        inbox = new Inbox();
        // was: start rejected for good ("permanent"), so the process holding the role never ran Matrix
        await adapter.start(inbox.handler);
        expect(adapter.health()).toMatchObject({ ok: false, detail: "verbinde … / connecting" });
        expect(logs.some((l) => l.startsWith("warn:") && l.includes(`benutzt (PID ${other.pid})`))).toBe(true);
        const early = await ben.replyInThread(room, declared, "während der Übergabe");
        // the other process stops: its lock goes away (as releaseLock does), then it exits
        unlinkSync(lock);
        expect(await inbox.byRef(early, 30_000)).toMatchObject({ kind: "reply", text: "während der Übergabe" });
        expect(adapter.health().ok).toBe(true);
        expect(Object.keys(await anna.devicesOf(bot.userId))).toEqual([bot.deviceId]);
      } finally {
        other.kill("SIGKILL");
      }
    },
    T,
  );
});

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
