import { createServer, Server } from "node:http";
import { dirname, join, resolve } from "node:path";
import express from "express";
import {
  applyServerLimits,
  BEARER_ROUTE_MAX_BODY,
  bearerShape,
  guardRoutes,
  type HttpMountable,
  isHttpMountable,
  notFound,
  type Refusal,
  type RouteLimits,
  SERVER_LIMITS,
  serverOptions,
} from "./adapters/http.ts";
import { redactor, redactStream, secretsFromEnv } from "./adapters/redact.ts";
import { AdapterError, type ChatAdapter } from "./core/adapter.ts";
import { type Catalog, de } from "./core/i18n/de.ts";
import { en } from "./core/i18n/en.ts";
import type { OrgConfig } from "./core/org.ts";
import type { AdapterStatePort, InstallationsPort } from "./core/ports.ts";
import { LeaderGatedAdapter } from "./leader-gate.ts";
import type { StorageChoice } from "./storage/select.ts";
import { BotThread } from "./workers/bot-thread.ts";

export interface ServeOptions {
  /** The backend (selectStorage): SQLite file or PostgreSQL URL. */
  storage: StorageChoice;
  config: OrgConfig | undefined;
  /** The organisation file (its date goes on the printed handbook). */
  configPath?: string | undefined;
  locale: "en" | undefined;
  port: number;
  /** Interface to listen on; default `HOST` from the environment, else {@link DEFAULT_HOST}. */
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** The playbook folder the bot thread loads (default: the bundled playbooks, as `playbooks` came from). */
  playbookDir?: string;
  /** Benchmarks: extra routes on the app (after the adapters), with the bot thread (`idle()`) and the adapters. */
  instrument?: (app: express.Express, bot: { thread: BotThread; adapters: readonly ChatAdapter[] }) => void;
  /** Benchmarks: called with the port once the server listens (after `READY <port>`). */
  onListening?: (port: number) => void;
}

/**
 * Loopback by default: Slack and Teams only talk to HTTPS, so in production a TLS reverse proxy on the same machine
 * forwards to this port, and nothing else needs to reach it. `HOST=0.0.0.0` (or `::`) listens on every interface,
 * e.g. in a container whose port is published, or when the proxy runs on another machine.
 */
export const DEFAULT_HOST = "127.0.0.1";

/** Whether the environment has settings of any adapter ({@link adaptersFromEnv} may still build none). */
function adapterSettings(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.SLACK_SIGNING_SECRET ||
      env.SLACK_BOT_TOKEN ||
      env.SLACK_APP_TOKEN ||
      env.MICROSOFT_APP_ID !== undefined ||
      env.NOTFALL_TEAMS === "1" ||
      env.MATRIX_HOMESERVER_URL,
  );
}

/** Slack's variables: one workspace (bot token) or many (OAuth installation). */
const SLACK_VARS = [
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
];

/**
 * Adapters whose settings are present in the environment. Each module is only loaded when configured. `state`: what
 * adapters keep beyond one process (Teams conversation references), in the database; `installations`: Slack's OAuth
 * installations (bot token per workspace), in the database.
 */
export async function adaptersFromEnv(
  env: NodeJS.ProcessEnv,
  dbPath: string,
  state?: AdapterStatePort,
  installations?: InstallationsPort,
): Promise<ChatAdapter[]> {
  const out: ChatAdapter[] = [];
  if (SLACK_VARS.some((v) => env[v])) {
    const { createSlackAdapterFromEnv } = await import("./adapters/slack/index.ts");
    const slack = createSlackAdapterFromEnv(env, {}, installations ? { installations } : {});
    if (slack) out.push(slack);
  }
  if (env.MICROSOFT_APP_ID !== undefined || env.NOTFALL_TEAMS === "1") {
    const { teamsFromEnv } = await import("./adapters/teams/index.ts");
    out.push(teamsFromEnv(env, { dataDir: dirname(dbPath), ...(state ? { state } : {}) }));
  }
  if (env.MATRIX_HOMESERVER_URL) {
    const { matrixFromEnv } = await import("./adapters/matrix/index.ts");
    out.push(await matrixFromEnv(env, { dbPath }));
  }
  return out;
}

function log(level: "info" | "warn" | "error", msg: string, detail?: unknown): void {
  const d = detail instanceof Error ? `: ${detail.message}` : "";
  process.stderr.write(`${new Date().toISOString()} [${level}] ${msg}${d}\n`); // redacted: see redactStream in serve()
}

/**
 * The webhook routes of the configured adapters with their pre-body limits. An adapter that does not declare its
 * routes (Teams today) gets the generic Bearer route on its default path: `Authorization: Bearer <JWT>` of the right
 * shape unless it runs unauthenticated for local tests.
 */
export function routeLimitsOf(adapters: readonly ChatAdapter[]): RouteLimits[] {
  const out: RouteLimits[] = [];
  for (const a of adapters) {
    if (!isHttpMountable(a)) continue;
    const declared = (a as HttpMountable).routes?.();
    if (declared) out.push(...declared);
    else if (a.platform === "teams") {
      const open = (a as { unauthenticated?: boolean }).unauthenticated === true;
      // no content-type check here: the Teams adapter answers a wrong type itself, saying what to send
      out.push({ path: "/api/messages", maxBodyBytes: BEARER_ROUTE_MAX_BODY, ...(open ? {} : { precheck: (h) => bearerShape(h) }) });
    }
  }
  return out;
}

/** One line per route and status per minute about refused requests (an attack must not flood the log). */
function refusalLog(ops: Catalog["ops"], everyMs = 60_000): (route: string, r: Refusal) => void {
  const counts = new Map<string, number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const [key, n] of counts) if (n > 1) log("warn", ops.moreRefused(n - 1, key));
    counts.clear();
  };
  return (route, r) => {
    const key = `${r.status} ${route}`;
    const n = counts.get(key);
    counts.set(key, (n ?? 0) + 1);
    if (n !== undefined) return;
    log("warn", ops.requestRefused(key, r.reason.slice(0, 80)));
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, everyMs).unref();
    }
  };
}

/** The database could not be opened or migrated: what to check, exit 1. */
function databaseUnreachable(ops: Catalog["ops"], choice: StorageChoice, message: string): number {
  process.stderr.write(`${ops.databaseUnreachable(choice.kind === "postgres", message)}\n`);
  return 1;
}

/** `host:port` as a URL authority (IPv6 in brackets). */
function authority(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === "::1" || host === "localhost";
}

/** Listen with the server limits; resolves with the server, or with the error (port taken, address not here). */
function listen(app: express.Express, host: string, port: number): Promise<Server | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const server = createServer(serverOptions(SERVER_LIMITS), app);
    applyServerLimits(server, SERVER_LIMITS);
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err));
    server.listen(port, host, () => resolve(server));
  });
}

/** `notfallbot serve`: one HTTP server for every configured adapter, plus `GET /healthz`. */
export async function serve(o: ServeOptions): Promise<number> {
  const env = o.env ?? process.env;
  // every line this process writes passes the redaction of every configured secret, whoever writes it
  const redact = redactor(secretsFromEnv(env));
  const restore = [redactStream(process.stderr, redact), redactStream(process.stdout, redact)];
  try {
    return await serveRedacted(o, env);
  } finally {
    for (const r of restore) r();
  }
}

async function serveRedacted(o: ServeOptions, env: NodeJS.ProcessEnv): Promise<number> {
  // what the process says to its operator, in the language it runs in (--lang en), German by default
  const ops = (o.locale === "en" ? en : de).ops;
  // listen for SIGTERM from the very start: a stop during start-up waits until start-up is done, then shuts down cleanly
  const stopRequested = new Promise<void>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
  });
  // the incident service, storage, scheduler and dispatcher run in their own thread (src/workers/bot-thread.ts):
  // nothing they do delays the event loop that verifies and acknowledges requests here. It starts first and opens the
  // storage while the adapters are built; without any adapter settings there is nothing to start (and no file to create).
  if (!adapterSettings(env)) {
    process.stderr.write(`${ops.noAdapter}\n`);
    return 2;
  }
  let down = false;
  const thread: BotThread = new BotThread({
    data: {
      storage: o.storage,
      config: o.config,
      configPath: o.configPath,
      playbookDir: o.playbookDir,
      locale: o.locale,
      env: { ...env },
    },
    log,
    onDeath: (why) => {
      // like a crash: the service manager restarts the process; what was not committed was not acknowledged
      if (down) return;
      down = true;
      log("error", ops.exiting(why));
      process.exit(70);
    },
  });
  let adapters: ChatAdapter[];
  try {
    // adapters keep their routing data in the database (Teams references), shared by every process: through the
    // bot thread, which opens the database before anything else
    adapters = await adaptersFromEnv(
      env,
      o.storage.kind === "sqlite" ? o.storage.file : join(resolve(env.NOTFALL_DATA ?? "data"), "notfall.db"),
      thread.adapterState,
      thread.installations,
    );
  } catch (err) {
    // configuration errors of an adapter (e.g. Teams without app id in production): say what to set, no stack trace
    down = true;
    await thread.stop();
    if (thread.storageError !== undefined) return databaseUnreachable(ops, o.storage, thread.storageError);
    if (err instanceof Error && /ConfigError$/.test(err.name)) {
      process.stderr.write(`${err.message}\n`);
      return 3;
    }
    throw err;
  }
  if (adapters.length === 0) {
    down = true;
    await thread.stop();
    process.stderr.write(`${ops.noAdapter}\n`);
    return 2;
  }
  const gated = o.storage.kind === "postgres" ? adapters.filter((a) => a.platform === "matrix") : [];
  // several processes may share PostgreSQL: adapters that must run once (the Matrix sync) hold a role
  const roles: LeaderGatedAdapter[] = [];
  if (gated.length) {
    adapters = adapters.map((a) => {
      if (a.platform !== "matrix") return a;
      const gate = new LeaderGatedAdapter(a, thread.role("matrix-sync"), log, ops);
      roles.push(gate);
      return gate;
    });
  }
  const started = await thread.start(adapters, {
    gated: gated.map((a) => ({ platform: a.platform, role: "matrix-sync" })),
    // Slack with one bot token: its Web API calls (chat.postMessage, chat.update, reactions.add) need only the token,
    // so the bot thread makes them with its own client; Teams, Matrix and Slack with OAuth installations send through
    // their adapters here
    sendHere: ["slack"],
  });
  if (!started.ok) {
    down = true;
    await thread.stop();
    if (started.stage === "storage") return databaseUnreachable(ops, o.storage, started.message);
    throw new Error(started.message);
  }
  const info = started.info;
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", async (_req, res) => {
    const { database: db, tenants } = await thread.health();
    const status = Object.fromEntries(adapters.map((a) => [a.platform, a.health?.() ?? { ok: true }]));
    const ok = db && Object.values(status).every((s) => s.ok);
    res.status(ok ? 200 : 503).json({
      ok,
      database: db,
      backend: o.storage.kind,
      adapters: status,
      // which roles this process holds: every process delivers the outbox and fires timers (claims); the
      // Matrix sync runs in one process at a time
      roles: {
        inbound: true,
        outbox: true,
        timers: true,
        ...Object.fromEntries(roles.map((r) => [r.role.name, r.active])),
      },
      ...(tenants !== undefined ? { tenants } : {}),
      ...(info.owner ? { process: info.owner } : {}),
    });
  });
  // cheap checks before any body is read (headers, size, type); then the adapters' own verification
  app.use(guardRoutes(routeLimitsOf(adapters), refusalLog(ops)));
  for (const a of adapters) if (isHttpMountable(a)) a.mount(app);
  o.instrument?.(app, { thread, adapters });
  app.use(notFound);
  const stopAll = async () => {
    for (const a of adapters) await a.stop().catch((err) => log("warn", ops.adapterStopFailed(a.platform), err));
    down = true;
    await thread.stop();
  };
  try {
    for (const a of adapters) await a.start(thread.receive);
  } catch (err) {
    // e.g. a rejected Slack token: the adapter says in German what to fix
    if (err instanceof AdapterError && err.code === "unauthorized") {
      process.stderr.write(`${err.message}\n`);
      await stopAll();
      return 3;
    }
    throw err;
  }
  const host = o.host ?? (env.HOST?.trim() || DEFAULT_HOST);
  const server = await listen(app, host, o.port);
  if (!(server instanceof Server)) {
    process.stderr.write(`${ops.cannotListen(authority(host, o.port), server.code ?? server.message)}\n`);
    await stopAll();
    return 2;
  }
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.port;
  log("info", ops.listening(`http://${authority(host, port)}`, adapters.map((a) => a.platform).join(", "), isLoopback(host)));
  log("info", ops.database(info.description, info.tenants, info.tenantDir, info.owner));
  process.stdout.write(`READY ${port}\n`);
  o.onListening?.(port);
  await stopRequested;
  await new Promise<void>((resolve) => server.close(() => resolve())); // answers requests already in flight

  await stopAll();
  return 0;
}
