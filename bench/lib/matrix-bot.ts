/**
 * The bots of the Matrix benchmark (child process of bench/suites/matrix.ts), both on the benchmark's Synapse:
 *
 *  - our bot, wired like `notfallbot serve` with Matrix settings (src/adapters/matrix MatrixAdapter with an access
 *    token, sync state file next to the database, default long-poll; createBot, system clock, all playbooks, a real
 *    SQLite file with the storage defaults);
 *  - an echo client (diagnosis): a plain matrix-js-sdk client (tests/adapters/matrix/people.ts) that answers every
 *    message of another user in its room at once with an m.notice in that message's m.thread — the least any bot
 *    can do between a person's message and its answer in the thread (two trips through the homeserver).
 *
 * Control on 127.0.0.1: `GET /idle` answers once our bot has handled and delivered everything it received so far.
 * Prints `ready {"control"}`; on SIGTERM stops both and prints a JSON line with what the bot did.
 *
 * `--crypto SECRET`: our bot with end-to-end encryption (crypto state `matrix-crypto.bin` in --dir, like serve).
 *
 * Run alone: node bench/lib/matrix-bot.ts --hs URL --bot '<TestUser json>' --echo '<TestUser json>' --dir /tmp/x
 *   [--profile file.cpuprofile] [--crypto SECRET]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type MatrixEvent, Method, RoomEvent, RoomMemberEvent } from "matrix-js-sdk";
import { MatrixAdapter } from "../../src/adapters/matrix/adapter.ts";
import { createBot } from "../../src/app.ts";
import { systemClock } from "../../src/core/clock.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage } from "../../src/storage/index.ts";
import { Person } from "../../tests/adapters/matrix/people.ts";
import type { TestUser } from "../../tests/adapters/matrix/synapse.ts";
import { args } from "./args.ts";
import { profiled } from "./profile.ts";

const a = args();
const hs = a.str("hs");
const botUser = JSON.parse(a.str("bot")) as TestUser;
const echoUser = JSON.parse(a.str("echo")) as TestUser;
const dir = a.str("dir");
const profileFile = a.flag("profile") ? a.str("profile") : undefined;
const cryptoSecret = a.flag("crypto") ? a.str("crypto") : undefined;

let problems = 0;
const storage = openStorage(join(dir, "notfall.db"));
const adapter = new MatrixAdapter({
  config: {
    homeserverUrl: hs,
    accessToken: botUser.accessToken,
    deviceId: botUser.deviceId,
    allowed: [],
    stateFile: join(dir, "matrix-state.json"),
    ...(cryptoSecret ? { cryptoSecret, cryptoFile: join(dir, "matrix-crypto.bin") } : {}),
  },
  clock: systemClock,
  sdkLogLevel: "error",
  log: (level, line) => {
    if (level === "info") return;
    problems++;
    if (problems <= 5) process.stderr.write(`[matrix ${level}] ${line}\n`);
  },
});
const bot = createBot({
  storage,
  adapters: [adapter],
  clock: systemClock,
  playbooks: loadPlaybooks(),
  log: (level, msg) => {
    if (level === "info") return;
    problems++;
    if (problems <= 5) process.stderr.write(`[${level}] ${msg}\n`);
  },
});
await bot.start();

// The echo client: answers in the thread of every message from someone else, in rooms it has joined.
const echo = await Person.connect(hs, echoUser);
let echoed = 0;
echo.client.on(RoomEvent.Timeline, (ev: MatrixEvent, _room, toStart) => {
  const root = ev.getId();
  const roomId = ev.getRoomId();
  if (toStart || !root || !roomId || root.startsWith("~") || ev.getType() !== "m.room.message" || ev.getSender() === echoUser.userId)
    return;
  echoed++;
  const path = `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(`echo-${root}`)}`;
  void echo.client.http
    .authedRequest(Method.Put, path, undefined, {
      msgtype: "m.notice",
      body: "Echo",
      "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
    })
    .catch(() => {
      problems++;
    });
});
// Invites to the echo user are accepted at once.
echo.client.on(RoomMemberEvent.Membership, (_ev, member) => {
  if (member.userId === echoUser.userId && member.membership === "invite") void echo.client.joinRoom(member.roomId);
});

const control = createServer((req, res) => {
  if (req.url !== "/idle") {
    res.writeHead(404).end();
    return;
  }
  void bot.idle().then(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
});
await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
// --profile: a CPU profile of everything between ready and SIGTERM (the measured samples).
let stopProfile: (() => void) | undefined;
const profiling = profiled(
  profileFile,
  () =>
    new Promise<void>((r) => {
      stopProfile = r;
    }),
);
process.stdout.write(
  `ready ${JSON.stringify({ control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`, botUserId: adapter.userId })}\n`,
);

process.once("SIGTERM", () => {
  void (async () => {
    stopProfile?.();
    await profiling;
    control.close();
    echo.stop();
    await bot.stop();
    const sql = storage.db.$client;
    const incidents = (sql.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
    const sent = (sql.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent'").get() as { n: number }).n;
    const unsent = (sql.prepare("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'").get() as { n: number }).n;
    await storage.close();
    process.stdout.write(`${JSON.stringify({ incidents, sent, unsent, echoed, problems })}\n`);
    process.exit(0);
  })();
});
