/**
 * The HTTP server under test in the Slack benchmark (child process of bench/suites/slack.ts), on 127.0.0.1 and a
 * free port. Both modes use @slack/bolt's ExpressReceiver on `POST /slack/events` of an express app, with the same
 * signing secret and the same receiver options as src/adapters/slack/adapter.ts (signature verification on,
 * `processBeforeResponse: true`: the answer goes out when the listener returns, which for `/notfall` is right after
 * `ack()`; log level warn):
 *
 *   --mode ours   our real stack: `serve()` of src/serve.ts itself (as `notfallbot serve` with SLACK_SIGNING_SECRET,
 *                 SLACK_BOT_TOKEN and SLACK_API_URL=`--api`), SQLite file in `--dir`: express, route guards, our
 *                 SlackAdapter on this thread, the incident service, storage, scheduler and dispatcher in the bot thread
 *                 (src/workers/bot-thread.ts).
 *   --mode inproc diagnosis, the shape before the bot thread: the same SlackAdapter and the bot (createBot, system
 *                 clock, all playbooks) on a real SQLite file (openStorage) in this thread, on the loop that answers HTTP.
 *   --mode floor  a bare Bolt app (same Bolt, same receiver set-up) whose `/notfall` handler only calls `ack()`;
 *                 its WebClient also points at `--api` (Bolt's one auth.test for the token).
 *
 * Both also answer `GET /bench/idle` once everything received so far is handled and delivered (between rounds,
 * so that one round's delivery does not run into the next round; not used while measuring), and `GET /bench/loop`
 * with the longest event-loop stall since the last call (the load generator asks before and after each measured
 * round, so that a round's stalls are told apart from start-up, the warm-up and the other servers' rounds).
 * Prints `ready {"url", "idle", "loop"}`; on SIGTERM stops and prints a JSON line with what the bot did.
 *
 * Run alone: node bench/lib/slack-target.ts --mode ours --api http://127.0.0.1:PORT/api/ --dir /tmp/x
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import Database from "better-sqlite3";
import express from "express";
import { createSlackAdapter } from "../../src/adapters/slack/index.ts";
import { type Bot, createBot } from "../../src/app.ts";
import { systemClock } from "../../src/core/clock.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { serve } from "../../src/serve.ts";
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

/** Checkpoints on the bot's event loop (timer, src/storage/checkpointer.ts, and the one at close): timed for the notes. */
const checkpoints: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
/** The longest stall from ready to SIGTERM: `loopDelay` is reset by every `/bench/loop`, its windows' maxima meet here. */
let wholeRunMaxMs = 0;
const windowMaxMs = () => (loopDelay.count ? loopDelay.max / 1e6 : 0);

/** `GET /bench/loop`: the longest stall and the p99 of the loop delay since the last call (ms); starts a new window. */
function loopWindow(_req: unknown, res: express.Response): void {
  const window = { maxMs: windowMaxMs(), p99Ms: loopDelay.count ? loopDelay.percentile(99) / 1e6 : 0 };
  wholeRunMaxMs = Math.max(wholeRunMaxMs, window.maxMs);
  loopDelay.reset();
  res.json(window);
}

let serving: Promise<number> | undefined;
let serveDb: string | undefined;
let servedUrl: string | undefined;

if (mode === "ours") {
  // warnings and errors of serve() go to stderr: counted (the first five shown)
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const line = String(chunk);
    if (/\[(warn|error)\]/i.test(line)) {
      errors++;
      if (errors > 5) return true;
    } else if (/\[info\]/.test(line)) return true;
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  serveDb = join(a.str("dir"), "notfall.db");
  const listening = new Promise<number>((resolve) => {
    serving = serve({
      storage: { kind: "sqlite", file: serveDb! },
      config: undefined,
      locale: undefined,
      port: 0,
      host: "127.0.0.1",
      env: { ...process.env, SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: apiUrl },
      instrument: (app, { thread, adapters }) => {
        app.get("/bench/idle", (_req, res) => {
          void (async () => {
            for (const ad of adapters) await (ad as { idle?: () => Promise<void> }).idle?.();
            await thread.idle();
            res.json({ ok: true });
          })();
        });
        app.get("/bench/loop", loopWindow);
      },
      onListening: resolve,
    });
  });
  servedUrl = `http://127.0.0.1:${await listening}`;
} else if (mode === "inproc") {
  // --checkpoint-ms: diagnosis only (0 = SQLite's automatic checkpoint inside a commit); default: the storage's own.
  storage = openStorage(join(a.str("dir"), "notfall.db"), {
    ...(a.flag("checkpoint-ms") ? { checkpointMs: a.num("checkpoint-ms", 1000) } : {}),
    onCheckpoint: (d) => checkpoints.push(d.ms),
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
  app.get("/bench/loop", loopWindow);
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
  app.get("/bench/loop", loopWindow);
  app.use(receiver.router);
} else {
  throw new Error(`--mode ours|inproc|floor, nicht ${mode}`);
}

const server: Server | undefined = servedUrl
  ? undefined
  : await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
const base = servedUrl ?? `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;

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
process.stdout.write(`ready ${JSON.stringify({ url: `${base}/slack/events`, idle: `${base}/bench/idle`, loop: `${base}/bench/loop` })}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    stopProfile?.();
    await profiling;
    let incidents = 0;
    let unsent = 0;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    if (serving && serveDb) {
      // serve() ends on this SIGTERM by itself (answers in flight, adapters, bot thread, storage)
      await serving;
      const sql = new Database(serveDb, { readonly: true });
      incidents = (sql.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
      unsent = (sql.prepare("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").get() as { n: number }).n;
      sql.close();
    }
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
      loopDelayMax: Math.max(wholeRunMaxMs, windowMaxMs()),
      checkpoints: sorted.length,
      checkpointP50: sorted[Math.floor(sorted.length / 2)] ?? 0,
      checkpointMax: sorted.at(-1) ?? 0,
      checkpointOver10: sorted.filter((x) => x > 10).length,
    };
    process.stdout.write(`${JSON.stringify({ mode, incidents, unsent, errors, ...stalls })}\n`);
    process.exit(0);
  })();
});
