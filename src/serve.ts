import { createServer, Server } from "node:http";
import { dirname } from "node:path";
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
import { createBot } from "./app.ts";
import { AdapterError, type ChatAdapter } from "./core/adapter.ts";
import { systemClock } from "./core/clock.ts";
import type { OrgConfig } from "./core/org.ts";
import type { PlaybookSource } from "./core/service.ts";
import { exportDirFor, fileExportSink, handbookFor } from "./exports.ts";
import { openStorage } from "./storage/index.ts";

export interface ServeOptions {
  dbPath: string;
  config: OrgConfig | undefined;
  /** The organisation file (its date goes on the printed handbook). */
  configPath?: string | undefined;
  playbooks: PlaybookSource;
  locale: "en" | undefined;
  port: number;
  /** Interface to listen on; default `HOST` from the environment, else {@link DEFAULT_HOST}. */
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Loopback by default: Slack and Teams only talk to HTTPS, so in production a TLS reverse proxy on the same machine
 * forwards to this port, and nothing else needs to reach it. `HOST=0.0.0.0` (or `::`) listens on every interface,
 * e.g. in a container whose port is published, or when the proxy runs on another machine.
 */
export const DEFAULT_HOST = "127.0.0.1";

/** Adapters whose settings are present in the environment. Each module is only loaded when configured. */
export async function adaptersFromEnv(env: NodeJS.ProcessEnv, dbPath: string): Promise<ChatAdapter[]> {
  const out: ChatAdapter[] = [];
  if (env.SLACK_SIGNING_SECRET || env.SLACK_BOT_TOKEN || env.SLACK_APP_TOKEN) {
    const { createSlackAdapterFromEnv } = await import("./adapters/slack/index.ts");
    const slack = createSlackAdapterFromEnv(env);
    if (slack) out.push(slack);
  }
  if (env.MICROSOFT_APP_ID !== undefined || env.NOTFALL_TEAMS === "1") {
    const { teamsFromEnv } = await import("./adapters/teams/index.ts");
    out.push(teamsFromEnv(env, { dataDir: dirname(dbPath) }));
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
function refusalLog(everyMs = 60_000): (route: string, r: Refusal) => void {
  const counts = new Map<string, number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const [key, n] of counts) if (n > 1) log("warn", `${n - 1} weitere Anfragen abgewiesen: ${key} / more requests refused`);
    counts.clear();
  };
  return (route, r) => {
    const key = `${r.status} ${route}`;
    const n = counts.get(key);
    counts.set(key, (n ?? 0) + 1);
    if (n !== undefined) return;
    log("warn", `Anfrage abgewiesen: ${key} (${r.reason.slice(0, 80)}) / request refused before reading its body`);
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, everyMs).unref();
    }
  };
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
  // listen for SIGTERM from the very start: a stop during start-up waits until start-up is done, then shuts down cleanly
  const stopRequested = new Promise<void>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
  });
  let adapters: ChatAdapter[];
  try {
    adapters = await adaptersFromEnv(env, o.dbPath);
  } catch (err) {
    // configuration errors of an adapter (e.g. Teams without app id in production): say what to set, no stack trace
    if (err instanceof Error && /ConfigError$/.test(err.name)) {
      process.stderr.write(`${err.message}\n`);
      return 3;
    }
    throw err;
  }
  if (adapters.length === 0) {
    process.stderr.write(
      "Kein Chat-Dienst eingerichtet. Setzen Sie z. B. SLACK_SIGNING_SECRET und SLACK_BOT_TOKEN (Slack), MICROSOFT_APP_ID (Teams) oder MATRIX_HOMESERVER_URL (Matrix). Details: README.md\n",
    );
    return 2;
  }
  const storage = openStorage(o.dbPath);
  const bot = createBot({
    storage,
    adapters,
    clock: systemClock,
    playbooks: o.playbooks,
    ...(o.config ? { config: o.config } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    // replies in chat name files relative to the data directory, never by their path on the server
    exports: fileExportSink(exportDirFor(o.dbPath), dirname(o.dbPath)),
    handbook: handbookFor(o.playbooks.list(), o.config, o.dbPath, dirname(o.dbPath), o.configPath),
    log,
  });
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", async (_req, res) => {
    let db = true;
    try {
      await storage.hasDelivery("healthz", "probe");
    } catch {
      db = false;
    }
    const status = Object.fromEntries(adapters.map((a) => [a.platform, a.health?.() ?? { ok: true }]));
    const ok = db && Object.values(status).every((s) => s.ok);
    res.status(ok ? 200 : 503).json({ ok, database: db, adapters: status });
  });
  // cheap checks before any body is read (headers, size, type); then the adapters' own verification
  app.use(guardRoutes(routeLimitsOf(adapters), refusalLog()));
  for (const a of adapters) if (isHttpMountable(a)) a.mount(app);
  app.use(notFound);
  try {
    await bot.start();
  } catch (err) {
    // e.g. a rejected Slack token: the adapter says in German what to fix
    if (err instanceof AdapterError && err.code === "unauthorized") {
      process.stderr.write(`${err.message}\n`);
      await storage.close();
      return 3;
    }
    throw err;
  }
  const host = o.host ?? (env.HOST?.trim() || DEFAULT_HOST);
  const server = await listen(app, host, o.port);
  if (!(server instanceof Server)) {
    process.stderr.write(
      `notfallbot kann nicht auf ${authority(host, o.port)} hören (${server.code ?? server.message}). ` +
        "Bitte HOST (Adresse dieses Rechners, z. B. 127.0.0.1 oder 0.0.0.0) und PORT prüfen. / cannot listen, check HOST and PORT.\n",
    );
    await bot.stop();
    storage.close();
    return 2;
  }
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.port;
  const where = isLoopback(host)
    ? "nur von diesem Rechner erreichbar (Reverse Proxy davor); alle Schnittstellen: HOST=0.0.0.0 / loopback only, set HOST=0.0.0.0 for all interfaces"
    : "von außen erreichbar – davor gehört ein TLS-Reverse-Proxy; nur lokal: HOST=127.0.0.1 / reachable from other machines, set HOST=127.0.0.1 for loopback only";
  log("info", `notfallbot hört auf http://${authority(host, port)} (${adapters.map((a) => a.platform).join(", ")}), ${where}`);
  process.stdout.write(`READY ${port}\n`);
  await stopRequested;
  await new Promise<void>((resolve) => server.close(() => resolve())); // answers requests already in flight

  await bot.stop();
  await storage.close();
  return 0;
}
