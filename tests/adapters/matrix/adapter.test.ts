/**
 * The Matrix adapter end to end against the real Synapse started by global-setup.ts:
 * the adapter on one side, people with their own matrix-js-sdk clients on the other.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import { type MatrixConfig, parseAllowList } from "../../../src/adapters/matrix/config.ts";
import { toAdapterError } from "../../../src/adapters/matrix/errors.ts";
import { AdapterError } from "../../../src/core/adapter.ts";
import type { Outbound } from "../../../src/core/message.ts";
import { synapse } from "./context.ts";
import { Inbox } from "./inbox.ts";
import { Person, type SeenEvent } from "./people.ts";
import { freePort, overrideRatelimit, registerUser, type TestUser } from "./synapse.ts";

const T = 60_000;

describe("Matrix adapter against a real Synapse", () => {
  const hs = synapse();
  const tmp = mkdtempSync(join(tmpdir(), "nf-matrix-"));
  const logs: string[] = [];
  const log = (level: string, line: string) => void logs.push(`${level}: ${line}`);
  let bot: TestUser;
  let anna: Person;
  let ben: Person;
  let adapter: MatrixAdapter;
  const inbox = new Inbox();
  let room: string;
  let channel: string;
  const adapters: MatrixAdapter[] = [];

  function config(user: TestUser, extra: Partial<MatrixConfig> = {}): MatrixConfig {
    return { homeserverUrl: hs.url, accessToken: user.accessToken, deviceId: user.deviceId, allowed: [], ...extra };
  }
  function newAdapter(cfg: MatrixConfig): MatrixAdapter {
    const a = new MatrixAdapter({ config: cfg, log, sdkLogLevel: "error", pollTimeoutMs: 10_000 });
    adapters.push(a);
    return a;
  }
  function out(partial: Partial<Outbound> & { key: string }): Outbound {
    return { channel, text: "", blocks: [], locale: "de", ...partial };
  }
  const fromBot = (roomId: string) => (e: SeenEvent) => e.roomId === roomId && e.sender === bot.userId && e.type === "m.room.message";

  beforeAll(async () => {
    bot = await registerUser(hs.url, hs.sharedSecret, "nfbot-adapter", { displayName: "Notfallbot" });
    [anna, ben] = await Promise.all([Person.connect(hs.url, hs.users.anna), Person.connect(hs.url, hs.users.ben)]);
    adapter = newAdapter(config(bot, { stateFile: join(tmp, "matrix-state.json") }));
    await adapter.start(inbox.handler);
  }, T);

  afterAll(async () => {
    for (const a of adapters) await a.stop();
    anna?.stop();
    ben?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it(
    "joins a room when a person of its own homeserver invites it",
    async () => {
      room = await anna.createRoom({ name: "IT-Notfall", invite: [bot.userId, ben.id] });
      channel = `matrix:${room}`;
      await anna.waitForMembership(room, bot.userId, "join");
      await ben.join(room);
      expect(adapter.health()).toEqual({ ok: true, detail: expect.stringMatching(/^sync (syncing|prepared)$/) });
    },
    T,
  );

  it(
    "refuses invites from people not in MATRIX_ALLOWED and joins for those who are (password login)",
    async () => {
      const strict = await registerUser(hs.url, hs.sharedSecret, "nfbot-strict", { displayName: "Notfallbot" });
      const a2 = newAdapter({
        homeserverUrl: hs.url,
        userId: strict.userId,
        password: strict.password,
        deviceId: "NFSTRICT",
        allowed: parseAllowList(ben.id),
      });
      await a2.start(async () => {});
      expect(a2.userId).toBe(strict.userId);
      const byAnna = await anna.createRoom({ name: "Anna lädt ein", invite: [strict.userId] });
      await anna.waitForMembership(byAnna, strict.userId, "leave");
      expect(logs.some((l) => l.includes("abgelehnt") && l.includes(anna.id))).toBe(true);
      const byBen = await ben.createRoom({ name: "Ben lädt ein", invite: [strict.userId] });
      await ben.waitForMembership(byBen, strict.userId, "join");
      await a2.stop();
    },
    T,
  );

  let declared: string;
  let notice: string;

  it(
    "hands `!notfall …` to the core as a command with the event id as messageRef",
    async () => {
      declared = await anna.say(room, "!notfall verschlüsselung Server gesperrt");
      const ev = await inbox.byRef(declared);
      expect(ev).toMatchObject({
        platform: "matrix",
        tenant: "localhost",
        channel,
        kind: "command",
        text: "verschlüsselung Server gesperrt",
        messageRef: declared,
        deliveryId: declared,
        actor: { id: anna.id, displayName: "Anna" },
      });
      expect(ev.threadRef).toBeUndefined();
      expect(ev.receivedAt).toBeInstanceOf(Date);
    },
    T,
  );

  it(
    "understands /notfall and a pill mention of the bot; ignores plain room talk",
    async () => {
      await anna.say(room, "Guten Morgen zusammen");
      const slash = await anna.say(room, "/notfall status");
      expect(await inbox.byRef(slash)).toMatchObject({ kind: "command", text: "status" });
      const pill = await anna.say(room, "Notfallbot: notfall hilfe", {
        format: "org.matrix.custom.html",
        formatted_body: `<a href="https://matrix.to/#/${bot.userId}">Notfallbot</a>: notfall hilfe`,
        "m.mentions": { user_ids: [bot.userId] },
      });
      expect(await inbox.byRef(pill)).toMatchObject({ kind: "command", text: "hilfe" });
      expect(inbox.count((e) => e.text?.includes("Guten Morgen") ?? false)).toBe(0);
    },
    T,
  );

  it(
    "delivers into the thread of the declaring message as m.notice with HTML and plain body",
    async () => {
      const msg = out({
        key: "NF-2026-0001/opened",
        thread: { ref: declared },
        text: "Notfall eröffnet",
        blocks: [
          { type: "heading", text: "Verschlüsselung – NF-2026-0001" },
          { type: "paragraph", text: "**Ruhe bewahren.** Netzwerkkabel ziehen, Geräte _nicht_ ausschalten." },
          {
            type: "tasks",
            items: [
              {
                nr: 1,
                text: "Netzwerkkabel ziehen",
                critical: true,
                state: "offen",
                actions: [{ label: "Erledigt", command: "erledigt 1" }],
              },
            ],
          },
        ],
      });
      const t0 = Date.now();
      const { ref } = await adapter.deliver(msg);
      const seen = await anna.waitFor((e) => e.id === ref, "bot notice");
      const latency = Date.now() - t0;
      expect(seen).toMatchObject({ type: "m.room.message", sender: bot.userId });
      expect(seen.content).toMatchObject({
        msgtype: "m.notice",
        format: "org.matrix.custom.html",
        "m.relates_to": { rel_type: "m.thread", event_id: declared },
      });
      expect(seen.content.body).toContain("Ruhe bewahren. Netzwerkkabel ziehen, Geräte nicht ausschalten.");
      expect(seen.content.body).toContain("✅ reagieren oder „erledigt 1“ antworten");
      expect(seen.content.formatted_body).toContain("<h4>Verschlüsselung – NF-2026-0001</h4>");
      expect(seen.content.formatted_body).toContain("<strong>Ruhe bewahren.</strong>");
      notice = ref;
      // a retried delivery (same outbox key = same transaction id) is deduplicated by the homeserver
      expect(await adapter.deliver(msg)).toEqual({ ref });
      process.stderr.write(`[matrix] deliver → visible in anna's client: ${latency} ms\n`);
    },
    T,
  );

  it(
    "turns a ✔️ reaction on the bot's message into an Inbound reaction with ✅",
    async () => {
      const r = await anna.react(room, notice, "✔️");
      expect(await inbox.byRef(r)).toMatchObject({
        kind: "reaction",
        reaction: { emoji: "✅", messageRef: notice },
        threadRef: declared,
        actor: { id: anna.id, displayName: "Anna" },
      });
    },
    T,
  );

  it(
    "hands thread replies to the core with threadRef, mentions resolved from the member state",
    async () => {
      const done = await anna.replyInThread(room, declared, "erledigt 1");
      expect(await inbox.byRef(done)).toMatchObject({ kind: "reply", threadRef: declared, text: "erledigt 1" });
      const role = await anna.replyInThread(room, declared, "rolle technik Ben", {
        format: "org.matrix.custom.html",
        formatted_body: `rolle technik <a href="https://matrix.to/#/${ben.id}">Ben</a>`,
      });
      expect(await inbox.byRef(role)).toMatchObject({
        kind: "reply",
        text: `rolle technik <@${ben.id}>`,
        mentions: [{ id: ben.id, displayName: "Ben" }],
      });
      // a client without threads answers with a plain reply to the bot's message: same thread
      const plainReply = await ben.say(room, "> <@nfbot> …\n\nok 1", { "m.relates_to": { "m.in_reply_to": { event_id: notice } } });
      expect(await inbox.byRef(plainReply)).toMatchObject({
        kind: "reply",
        threadRef: declared,
        text: "ok 1",
        actor: { id: ben.id, displayName: "Ben" },
      });
    },
    T,
  );

  it(
    "edits a message in place (m.replace) when Outbound.replace is set",
    async () => {
      const res = await adapter.deliver(
        out({
          key: "NF-2026-0001/opened",
          thread: { ref: declared },
          replace: true,
          replaceRef: notice,
          text: "",
          blocks: [{ type: "paragraph", text: "Aufgabe 1 **erledigt**" }],
        }),
      );
      expect(res).toEqual({ ref: notice });
      const edit = await anna.waitFor(
        (e) =>
          fromBot(room)(e) &&
          (e.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined)?.event_id === notice &&
          e.content["m.new_content"] !== undefined,
        "edit",
      );
      expect(edit.content["m.relates_to"]).toEqual({ rel_type: "m.replace", event_id: notice });
      expect(edit.content["m.new_content"]).toMatchObject({
        msgtype: "m.notice",
        body: "Aufgabe 1 erledigt",
        formatted_body: "<p>Aufgabe 1 <strong>erledigt</strong></p>",
      });
    },
    T,
  );

  it(
    "after a sync restart: what was sent meanwhile arrives once, nothing earlier is repeated",
    async () => {
      await adapter.stop();
      expect(adapter.health().ok).toBe(false);
      const meanwhile = await anna.replyInThread(room, declared, "notiz während der Pause");
      await adapter.start(inbox.handler);
      const after = await anna.replyInThread(room, declared, "notiz danach");
      await inbox.byRef(after);
      expect(inbox.count((e) => e.messageRef === meanwhile)).toBe(1);
      const ids = inbox.all.map((e) => e.deliveryId);
      expect(new Set(ids).size).toBe(ids.length);
    },
    T,
  );

  it(
    "a new bot process with the same state file continues where the last one stopped",
    async () => {
      await adapter.stop();
      const meanwhile = await anna.replyInThread(room, declared, "notiz beim Neustart");
      adapter = newAdapter(config(bot, { stateFile: join(tmp, "matrix-state.json") }));
      const inbox2 = new Inbox();
      await adapter.start(inbox2.handler);
      const after = await anna.replyInThread(room, declared, "notiz nach Neustart");
      await inbox2.byRef(after);
      expect(inbox2.all.map((e) => e.text)).toEqual(["notiz beim Neustart", "notiz nach Neustart"]);
      expect(inbox2.count((e) => e.messageRef === meanwhile)).toBe(1);
    },
    T,
  );

  it(
    "a freshly started bot (no saved state) ignores everything from before it started",
    async () => {
      const old = await anna.say(room, "!notfall alt");
      const fresh = newAdapter(config(bot));
      const inbox3 = new Inbox();
      await adapter.stop();
      await fresh.start(inbox3.handler);
      const neu = await anna.say(room, "!notfall neu");
      await inbox3.byRef(neu);
      expect(inbox3.all.map((e) => e.messageRef)).toEqual([neu]);
      expect(inbox3.count((e) => e.messageRef === old)).toBe(0);
      await fresh.stop();
      adapter = newAdapter(config(bot, { stateFile: join(tmp, "matrix-state.json") }));
      await adapter.start(inbox.handler);
    },
    T,
  );

  it(
    "tells an encrypted room once, in plain German, that it cannot read it",
    async () => {
      const enc = await anna.createRoom({ name: "Verschlüsselt", invite: [bot.userId], encrypted: true });
      await anna.waitForMembership(enc, bot.userId, "join");
      const first = await anna.waitFor((e) => fromBot(enc)(e), "encryption notice");
      expect(first.content.msgtype).toBe("m.notice");
      expect(first.content.body).toContain("Dieser Raum ist Ende-zu-Ende-verschlüsselt");
      expect(first.content.body).toContain("„Ende-zu-Ende-Verschlüsselung aktivieren“ ausschalten");
      expect(first.content.body).toContain(bot.userId);
      // an encrypted message: still only one notice (checked after a later event was handled)
      await anna.send(enc, "m.room.encrypted", {
        algorithm: "m.megolm.v1.aes-sha2",
        ciphertext: "AwgAEnAb",
        sender_key: "c2VuZGVy",
        session_id: "c2Vzc2lvbg",
        device_id: "ANNADEV",
      });
      const sentinel = await anna.say(room, "!notfall status");
      await inbox.byRef(sentinel);
      const notices = (await anna.history(enc)).filter((e) => e.sender === bot.userId && e.type === "m.room.message");
      expect(notices).toHaveLength(1);
    },
    T,
  );

  it(
    "maps homeserver errors to AdapterError codes",
    async () => {
      // M_FORBIDDEN: a room the bot is not in
      const privateRoom = await anna.createRoom({ name: "Privat" });
      const forbidden = await adapter
        .deliver(out({ key: "x/forbidden", channel: `matrix:${privateRoom}`, text: "hallo" }))
        .catch((e: unknown) => e);
      expect(forbidden).toBeInstanceOf(AdapterError);
      expect(forbidden).toMatchObject({ code: "permanent", platformCode: "M_FORBIDDEN" });
      // not a Matrix channel
      await expect(adapter.deliver(out({ key: "x/bad", channel: "slack:T1:C1", text: "x" }))).rejects.toMatchObject({ code: "permanent" });
      // network error from the real SDK
      const port = await freePort();
      const err = await createClient({ baseUrl: `http://127.0.0.1:${port}` })
        .whoami()
        .catch((e: unknown) => e);
      expect(toAdapterError(err, "whoami")).toMatchObject({ code: "transient", platformCode: "network" });
      // not started
      await expect(newAdapter(config(bot)).deliver(out({ key: "x/ns", text: "x" }))).rejects.toMatchObject({ code: "transient" });
    },
    T,
  );

  it(
    "refuses to start with a wrong token, without echoing the token",
    async () => {
      const wrong = newAdapter({ homeserverUrl: hs.url, accessToken: "syt_geheim_falsch_123456", deviceId: "X", allowed: [] });
      const err = await wrong.start(async () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdapterError);
      expect(err).toMatchObject({ code: "unauthorized", platformCode: "M_UNKNOWN_TOKEN" });
      expect((err as Error).message).toMatch(/Anmeldung abgelehnt/);
      expect((err as Error).message).not.toContain("syt_geheim");
      expect(wrong.health().ok).toBe(false);
      expect(logs.join("\n")).not.toContain("syt_geheim");
    },
    T,
  );

  it(
    "reports M_LIMIT_EXCEEDED as rate_limited with the homeserver's retry time",
    async () => {
      const admin = await registerUser(hs.url, hs.sharedSecret, "nf-admin", { admin: true });
      const slow = await registerUser(hs.url, hs.sharedSecret, "nfbot-slow", { displayName: "Langsambot" });
      await anna.invite(room, slow.userId);
      const a = newAdapter(config(slow));
      await a.start(async () => {});
      await anna.waitForMembership(room, slow.userId, "join");
      await overrideRatelimit(hs.url, admin.accessToken, slow.userId, 1, 1);
      let limited: unknown;
      for (let i = 0; i < 10 && !limited; i++) {
        await a.deliver(out({ key: `slow/${i}`, text: `Nachricht ${i}` })).catch((e: unknown) => {
          limited = e;
        });
      }
      expect(limited).toBeInstanceOf(AdapterError);
      expect(limited).toMatchObject({ code: "rate_limited", platformCode: "M_LIMIT_EXCEEDED" });
      expect((limited as AdapterError).retryAfterMs).toBeGreaterThan(0);
      await a.stop();
    },
    T,
  );
});
