/**
 * The HTTP server under test in the Slack benchmark (child process of bench/suites/slack.ts), on 127.0.0.1 and a
 * free port. Both modes use @slack/bolt's ExpressReceiver on `POST /slack/events` of an express app, with the same
 * signing secret and the same receiver options as src/adapters/slack/adapter.ts (signature verification on,
 * `processBeforeResponse: true`: the answer goes out when the listener returns, which for `/notfall` is right after
 * `ack()`; log level warn):
 *
 *   --mode ours   our real stack, wired like `notfallbot serve` (src/serve.ts): express app with `x-powered-by` off
 *                 and `GET /healthz`, our SlackAdapter mounted, the bot (createBot, system clock, all playbooks) on a
 *                 real SQLite file (openStorage: WAL, synchronous NORMAL), the Web API pointed at `--api`.
 *   --mode floor  a bare Bolt app (same Bolt, same receiver set-up) whose `/notfall` handler only calls `ack()`;
 *                 its WebClient also points at `--api` (Bolt's one auth.test for the token).
 *
 * Both also answer `GET /bench/idle` once everything received so far is handled and delivered (between rounds,
 * so that one round's delivery does not run into the next round; not used while measuring).
 * Prints `ready {"url", "idle"}`; on SIGTERM stops and prints a JSON line with what the bot did.
 *
 * Run alone: node bench/lib/slack-target.ts --mode ours --api http://127.0.0.1:PORT/api/ --dir /tmp/x
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import express from "express";
import { createSlackAdapter } from "../../src/adapters/slack/index.ts";
import { type Bot, createBot } from "../../src/app.ts";
import { systemClock } from "../../src/core/clock.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { BOT_TOKEN } from "../../tests/adapters/slack/fake-slack-api.ts";
import { args } from "./args.ts";
import { profiled } from "./profile.ts";
import { BENCH_SIGNING_SECRET } from "./slack-request.ts";

const a = args();
const mode = a.str("mode");
const apiUrl = a.str("api");
const profileFile = a.flag("profile") ? a.str("profile") : undefined;

const app = express();
app.disable("x-powered-by");
let bot: Bot | undefined;
let storage: SqliteStorage | undefined;
let errors = 0;

/** Checkpoints run on the bot's own event loop (src/storage/sqlite-storage.ts): timed for the notes. */
const checkpoints: number[] = [];
/** Checkpoints of the checkpoint thread (src/storage/checkpointer.ts), off the loop: their wall time in the thread. */
const threadCheckpoints: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

if (mode === "ours") {
  // --checkpoint-ms: diagnosis only (0 = SQLite's automatic checkpoint inside a commit); default: the storage's own.
  storage = openStorage(join(a.str("dir"), "notfall.db"), {
    ...(a.flag("checkpoint-ms") ? { checkpointMs: a.num("checkpoint-ms", 1000) } : {}),
    onCheckpoint: (d) => threadCheckpoints.push(d.ms),
  });
  const checkpoint = storage.checkpoint.bind(storage);
  storage.checkpoint = () => {
    const t0 = performance.now();
    checkpoint();
    checkpoints.push(performance.now() - t0);
  };
  const adapter = createSlackAdapter({
    token: BOT_TOKEN,
    signingSecret: BENCH_SIGNING_SECRET,
    slackApiUrl: apiUrl,
    clock: systemClock,
    logSink: (_level, line) => {
      errors++;
      if (errors <= 5) process.stderr.write(`${line}\n`);
    },
  });
  bot = createBot({
    storage,
    adapters: [adapter],
    clock: systemClock,
    playbooks: loadPlaybooks(),
    log: (level, msg) => {
      if (level === "info") return;
      errors++;
      if (errors <= 5) process.stderr.write(`[${level}] ${msg}\n`);
    },
  });
  const s = storage;
  app.get("/healthz", async (_req, res) => {
    let db = true;
    try {
      await s.hasDelivery("healthz", "probe");
    } catch {
      db = false;
    }
    res.status(db ? 200 : 503).json({ ok: db, database: db, adapters: { slack: adapter.health() } });
  });
  app.get("/bench/idle", (_req, res) => {
    void (async () => {
      await adapter.idle();
      await bot!.idle();
      res.json({ ok: true });
    })();
  });
  adapter.mount(app);
  await bot.start();
} else if (mode === "floor") {
  const receiver = new ExpressReceiver({
    signingSecret: BENCH_SIGNING_SECRET,
    endpoints: "/slack/events",
    signatureVerification: true,
    processBeforeResponse: true,
    logLevel: LogLevel.WARN,
  });
  const bolt = new App({
    receiver,
    token: BOT_TOKEN,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 } },
    convoStore: false,
  });
  bolt.command("/notfall", async ({ ack }) => {
    await ack();
  });
  app.get("/bench/idle", (_req, res) => {
    res.json({ ok: true });
  });
  app.use(receiver.router);
} else {
  throw new Error(`--mode ours|floor, nicht ${mode}`);
}

const server: Server = await new Promise((resolve) => {
  const s = app.listen(0, "127.0.0.1", () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// --profile: a CPU profile of everything between ready and SIGTERM (the measured rounds and their delivery).
let stopProfile: (() => void) | undefined;
const profiling = profiled(
  profileFile,
  () =>
    new Promise<void>((r) => {
      stopProfile = r;
    }),
);
loopDelay.enable();
process.stdout.write(`ready ${JSON.stringify({ url: `${base}/slack/events`, idle: `${base}/bench/idle` })}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    stopProfile?.();
    await profiling;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    let incidents = 0;
    let unsent = 0;
    if (bot && storage) {
      await bot.stop();
      const sql = storage.db.$client;
      incidents = (sql.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
      unsent = (sql.prepare("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").get() as { n: number }).n;
      await storage.close();
    }
    loopDelay.disable();
    const sorted = checkpoints.sort((x, y) => x - y);
    const stalls = {
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      loopDelayMax: loopDelay.max / 1e6,
      checkpoints: sorted.length,
      checkpointP50: sorted[Math.floor(sorted.length / 2)] ?? 0,
      checkpointMax: sorted.at(-1) ?? 0,
      checkpointOver10: sorted.filter((x) => x > 10).length,
      threadCheckpoints: threadCheckpoints.length,
      threadCheckpointMax: Math.max(0, ...threadCheckpoints),
    };
    process.stdout.write(`${JSON.stringify({ mode, incidents, unsent, errors, ...stalls })}\n`);
    process.exit(0);
  })();
});
