/**
 * The conformance harness for Matrix: the whole bot (createBot + SQLite + MatrixAdapter) against the real Synapse of
 * this test run; anna, ben and cem act through their own matrix-js-sdk clients, like people in Element. With
 * `encrypted`, the room is end-to-end encrypted, the bot runs with crypto, and each person's client encrypts and
 * decrypts with the Rust crypto in a process of its own (crypto-person.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Direction } from "matrix-js-sdk";
import { MatrixAdapter } from "../../../src/adapters/matrix/adapter.ts";
import { decodeEntities } from "../../../src/adapters/matrix/parse.ts";
import { escapeHtml } from "../../../src/adapters/matrix/render.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, ConfigFor, SeenMessage } from "../harness.ts";
import { synapse } from "./context.ts";
import { CryptoPerson } from "./crypto-person.ts";
import { Person } from "./people.ts";
import { registerUser, type TestUser } from "./synapse.ts";

type Obj = Record<string, unknown>;
const PEOPLE = ["anna", "ben", "cem"] as const;
type Name = (typeof PEOPLE)[number];

/**
 * HTML of a bot message as Element shows it, as text: list items numbered like a browser does (`<ol start>`),
 * blocks on their own lines, tags removed, entities decoded.
 */
export function htmlToSeen(html: string): string {
  const lists: { ordered: boolean; n: number }[] = [];
  let out = "";
  const re = /<(\/?)([a-z0-9]+)([^>]*)>|([^<]+)/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[4] !== undefined) {
      out += decodeEntities(m[4]);
      continue;
    }
    const closing = m[1] === "/";
    const tag = m[2]!.toLowerCase();
    if (tag === "ol" || tag === "ul") {
      if (closing) lists.pop();
      else lists.push({ ordered: tag === "ol", n: Number(/start="(\d+)"/.exec(m[3] ?? "")?.[1] ?? 1) });
      out += "\n";
    } else if (tag === "li" && !closing) {
      const l = lists[lists.length - 1];
      out += l?.ordered ? `\n${l.n++}. ` : "\n• ";
    } else if (["br", "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "div", "blockquote"].includes(tag)) {
      out += "\n";
    }
  }
  return out
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A message as a Matrix client sends it when the person picked people from the mention list: pills in the HTML. */
function composed(text: string, names: Map<string, string>): Obj {
  const ids = /@[a-z0-9._=\-/+]+:[a-z0-9.-]+(?::\d+)?/gi;
  if (!ids.test(text)) return { msgtype: "m.text", body: text };
  const body = text.replace(ids, (id) => names.get(id) ?? id);
  const formatted = escapeHtml(text).replace(ids, (id) => `<a href="https://matrix.to/#/${id}">${escapeHtml(names.get(id) ?? id)}</a>`);
  const userIds = [...new Set(text.match(ids))];
  return { msgtype: "m.text", body, format: "org.matrix.custom.html", formatted_body: formatted, "m.mentions": { user_ids: userIds } };
}

/** A person in the room: a plain client in this process, or an encrypting one in its own process. */
type Member = Person | CryptoPerson;

/** Extras for Matrix-specific tests. */
export interface MatrixHarness extends AdapterHarness {
  readonly room: string;
  person(name: Name): Member;
  /** Milliseconds from the declaring `!notfall …` to the first bot message in its thread, per declared incident. */
  readonly declareLatencies: number[];
}

export function matrixHarness(opts: { encrypted?: boolean } = {}): MatrixHarness {
  const encrypted = opts.encrypted === true;
  const hs = synapse();
  const playbooks = loadPlaybooks();
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  let storage: SqliteStorage;
  let adapter: MatrixAdapter;
  let bot: Bot;
  let botUser: TestUser;
  const people = new Map<Name, Member>();
  let room = "";
  /** Receipts per Matrix event id at the core (across restarts) and how many the harness expects. */
  const received = new Map<string, number>();
  const expected = new Map<string, number>();
  let waiters: (() => void)[] = [];
  let last: { eventId: string; stateBefore: string | undefined } | undefined;
  const pendingDeclares: { eventId: string; sentAt: number }[] = [];
  const declareLatencies: number[] = [];
  let makeConfig: ConfigFor | undefined;

  const stateFile = () => join(tmp.dir, "matrix-state.json");
  const person = (name: string): Member => {
    const p = people.get(name as Name);
    if (!p) throw new Error(`unbekannte Person ${name}`);
    return p;
  };
  const names = () => new Map([...people.values()].map((p) => [p.id, p.user.displayName]));

  const boot = async () => {
    storage = openStorage(join(tmp.dir, "notfall.db"), { clock });
    adapter = new MatrixAdapter({
      config: {
        homeserverUrl: hs.url,
        accessToken: botUser.accessToken,
        deviceId: botUser.deviceId,
        allowed: [],
        stateFile: stateFile(),
        ...(encrypted ? { cryptoSecret: "geheimnis-der-konformitaetstests", cryptoFile: join(tmp.dir, "matrix-crypto.bin") } : {}),
      },
      clock,
      sdkLogLevel: "error",
      log: () => {},
      pollTimeoutMs: 10_000,
    });
    // Count what reaches the core, so settle() knows when the bot has seen everything people sent.
    const start = adapter.start.bind(adapter);
    adapter.start = (onEvent) =>
      start(async (ev) => {
        await onEvent(ev);
        received.set(ev.deliveryId, (received.get(ev.deliveryId) ?? 0) + 1);
        const w = waiters;
        waiters = [];
        for (const r of w) r();
      });
    bot = createBot({
      storage,
      adapters: [adapter],
      clock,
      playbooks,
      ...(makeConfig ? { config: makeConfig((p) => person(p).id, "matrix") } : {}),
    });
    await bot.start();
  };

  const shutdown = async () => {
    await bot.stop();
    storage.close();
  };

  /** Everything in the room, oldest first, read from the homeserver through anna's client (decrypted there). */
  const history = async (): Promise<Obj[]> => {
    const anna = person("anna");
    if (anna instanceof CryptoPerson) {
      return (await anna.history(room)).map((e) => ({ event_id: e.id, sender: e.sender, type: e.type, content: e.content }));
    }
    const client = anna.client;
    const events: Obj[] = [];
    let from: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await client.createMessagesRequest(room, from, 500, Direction.Backward);
      events.push(...(res.chunk as unknown as Obj[]));
      if (!res.end || res.chunk.length === 0) break;
      from = res.end;
    }
    return events.reverse();
  };

  /** The people an event mentions the Matrix way: intentional mentions (m.mentions) with a pill in the HTML. */
  const matrixMentions = (content: Obj): string[] => {
    const ids = ((content["m.mentions"] as { user_ids?: string[] } | undefined)?.user_ids ?? []).filter(
      (id) => typeof content.formatted_body === "string" && content.formatted_body.includes(`https://matrix.to/#/${id}`),
    );
    return [...people.entries()].filter(([, p]) => ids.includes(p.id)).map(([name]) => name);
  };

  const botMessages = async (): Promise<{ seen: SeenMessage; root?: string }[]> => {
    const out = new Map<string, { seen: SeenMessage; root?: string }>();
    for (const ev of await history()) {
      if (ev.sender !== botUser.userId || ev.type !== "m.room.message") continue;
      const content = ev.content as Obj;
      const rel = content["m.relates_to"] as Obj | undefined;
      const view = (c: Obj) => (typeof c.formatted_body === "string" ? htmlToSeen(c.formatted_body) : String(c.body ?? ""));
      if (rel?.rel_type === "m.replace") {
        const orig = out.get(String(rel.event_id));
        if (orig) orig.seen.text = view(content["m.new_content"] as Obj);
        continue;
      }
      const root = rel?.rel_type === "m.thread" ? String(rel.event_id) : undefined;
      out.set(String(ev.event_id), {
        seen: {
          text: view(content),
          inThread: root !== undefined,
          buttons: [],
          ref: String(ev.event_id),
          mentioned: matrixMentions(content),
        },
        ...(root ? { root } : {}),
      });
    }
    return [...out.values()];
  };

  /**
   * The bot's messages and edits in the room's history; an edit is unchanged when it shows what the message showed
   * before it (the original, or the edit before).
   */
  const traffic = async () => {
    const shown = new Map<string, string>();
    let posts = 0;
    let edits = 0;
    let unchanged = 0;
    const view = (c: Obj) => JSON.stringify([c.body ?? null, c.formatted_body ?? null, c["m.mentions"] ?? null]);
    for (const ev of await history()) {
      if (ev.sender !== botUser.userId || ev.type !== "m.room.message") continue;
      const content = ev.content as Obj;
      const rel = content["m.relates_to"] as Obj | undefined;
      if (rel?.rel_type === "m.replace") {
        edits++;
        const now = view(content["m.new_content"] as Obj);
        if (shown.get(String(rel.event_id)) === now) unchanged++;
        shown.set(String(rel.event_id), now);
        continue;
      }
      posts++;
      // anna's crypto client hands out an edited event with its newest content: compare edits with edits only there
      if (!encrypted) shown.set(String(ev.event_id), view(content));
    }
    return { posts, edits, unchanged };
  };

  /** Root of the newest incident thread. */
  const incidentRoot = async (): Promise<string> => {
    const msgs = await botMessages();
    for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]!.root) return msgs[i]!.root!;
    throw new Error("kein Notfall-Thread gefunden");
  };

  /** Send as a person; remember the event and the bot's saved sync position before it (for redeliverLast). */
  const act = async (send: () => Promise<string>): Promise<string> => {
    const stateBefore = existsSync(stateFile()) ? readFileSync(stateFile(), "utf8") : undefined;
    const eventId = await send();
    expected.set(eventId, 1);
    last = { eventId, stateBefore };
    return eventId;
  };

  const settle = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const missing = [...expected].filter(([id, n]) => (received.get(id) ?? 0) < n);
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new Error(`Bot hat ${missing.map(([id]) => id).join(", ")} nicht erhalten`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1_000);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await bot.idle();
    for (const d of pendingDeclares.splice(0)) {
      // when anna's syncing client got the first bot message in the thread of the declaring message
      const inThread = (e: { sender: string; content: Obj }) =>
        e.sender === botUser.userId && (e.content["m.relates_to"] as Obj | undefined)?.event_id === d.eventId;
      if (!(await botMessages()).some((m) => m.root === d.eventId)) continue;
      const first = await person("anna").waitFor(inThread, "first message in the incident thread");
      declareLatencies.push(first.at - d.sentAt);
    }
  };

  return {
    name: encrypted ? "matrix, end-to-end encrypted room (real Synapse)" : "matrix (real Synapse)",
    has: { buttons: false, reactions: true, ephemeral: false },
    get room() {
      return room;
    },
    person: (name) => person(name),
    declareLatencies,
    async start(c) {
      clock = c;
      tmp = tempDir("notfallbot-matrix-");
      botUser = await registerUser(hs.url, hs.sharedSecret, encrypted ? "nfbot-conformance-e2ee" : "nfbot-conformance", {
        displayName: "Notfallbot",
      });
      if (encrypted) {
        // fresh logins: an encrypting client needs a device of its own
        const users = await Promise.all(PEOPLE.map((name) => registerUser(hs.url, hs.sharedSecret, name)));
        const clients = await Promise.all(users.map((u) => CryptoPerson.connect(hs.url, u)));
        for (const [i, name] of PEOPLE.entries()) people.set(name, clients[i]!);
      } else {
        for (const name of PEOPLE) people.set(name, await Person.connect(hs.url, hs.users[name]));
      }
      await boot();
      const anna = person("anna");
      room = await anna.createRoom({
        name: "IT-Notfall Praxis",
        invite: [botUser.userId, person("ben").id, person("cem").id],
        ...(encrypted ? { encrypted: true } : {}),
      });
      await Promise.all([person("ben").join(room), person("cem").join(room), anna.waitForMembership(room, botUser.userId, "join")]);
    },
    async leave(name) {
      // the bot sees the leave before any later event of the room (one timeline, in order)
      const p = person(name);
      if (!(p instanceof Person)) throw new Error("leave: nur im unverschlüsselten Raum / unencrypted room only");
      await p.leave(room);
      await person("anna").waitForMembership(room, person(name).id, "leave");
    },
    async stop() {
      await shutdown();
      for (const p of people.values()) p.stop();
      tmp.cleanup();
    },
    async restartBot() {
      await settle();
      await shutdown();
      await boot();
    },
    async command(who, args) {
      const content = composed(`!notfall ${args}`, names());
      const sentAt = Date.now();
      const id = await act(() => person(who).send(room, "m.room.message", content));
      pendingDeclares.push({ eventId: id, sentAt });
    },
    async reply(who, text) {
      const root = await incidentRoot();
      const content = composed(text, names());
      await act(() =>
        person(who).send(room, "m.room.message", {
          ...content,
          "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
        }),
      );
    },
    async press() {
      throw new Error("Matrix hat keine Knöpfe");
    },
    async react(who, emoji, message) {
      await act(() => person(who).react(room, message.ref, emoji));
    },
    async messages() {
      return (await botMessages()).map((m) => m.seen);
    },
    traffic,
    /**
     * Matrix redelivers an event when a client syncs again from an older position (crash after handling, before the
     * position was saved). Simulated for real: the bot is stopped, its saved sync state is put back to what it was
     * before the last event, and it starts again; the homeserver sends the same event again.
     */
    async redeliverLast() {
      if (!last) return;
      await settle();
      await shutdown();
      if (last.stateBefore !== undefined) writeFileSync(stateFile(), last.stateBefore);
      expected.set(last.eventId, (expected.get(last.eventId) ?? 1) + 1);
      await boot();
    },
    settle,
    mention: (who) => person(who).id,
    configure(make) {
      makeConfig = make;
    },
    identity: (who) => person(who).id,
    async botReactions() {
      return (await history())
        .filter((e) => e.sender === botUser.userId && e.type === "m.reaction")
        .map((e) => String(((e.content as Obj)["m.relates_to"] as Obj | undefined)?.key ?? ""));
    },
  };
}
