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
import { createBot, type SharedWork } from "./app.ts";
import { AdapterError, type ChatAdapter } from "./core/adapter.ts";
import { systemClock } from "./core/clock.ts";
import type { OrgConfig } from "./core/org.ts";
import type { AdapterStatePort, InstallationsPort } from "./core/ports.ts";
import type { PlaybookSource } from "./core/service.ts";
import { openChosenStorage, type Storage, tenantSinks, tenantsFromEnv } from "./deployment.ts";
import { LeaderGatedAdapter } from "./leader-gate.ts";
import type { StorageChoice } from "./storage/select.ts";

export interface ServeOptions {
  /** The backend (selectStorage): SQLite file or PostgreSQL URL. */
  storage: StorageChoice;
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
  let storage: Storage;
  try {
    storage = await openChosenStorage(o.storage, env, log, o.locale ?? "de");
  } catch (err) {
    process.stderr.write(
      `Datenbank nicht erreichbar oder nicht migrierbar (${o.storage.kind === "postgres" ? "DATABASE_URL prüfen" : "--db / NOTFALL_DB prüfen"}): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  let adapters: ChatAdapter[];
  try {
    // the database first: adapters keep their routing data there (Teams references), shared by every process
    adapters = await adaptersFromEnv(env, storage.dbPath, storage.adapterState, storage.installations);
  } catch (err) {
    await storage.close();
    // configuration errors of an adapter (e.g. Teams without app id in production): say what to set, no stack trace
    if (err instanceof Error && /ConfigError$/.test(err.name)) {
      process.stderr.write(`${err.message}\n`);
      return 3;
    }
    throw err;
  }
  if (adapters.length === 0) {
    await storage.close();
    process.stderr.write(
      "Kein Chat-Dienst eingerichtet. Setzen Sie z. B. SLACK_SIGNING_SECRET und SLACK_BOT_TOKEN (Slack, ein Workspace; viele Workspaces: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), MICROSOFT_APP_ID (Teams) oder MATRIX_HOMESERVER_URL (Matrix). Details: README.md\n",
    );
    return 2;
  }
  // several processes may share PostgreSQL: adapters that must run once (the Matrix sync) hold a role
  const roles: LeaderGatedAdapter[] = [];
  if (storage.pg) {
    const pg = storage.pg;
    adapters = adapters.map((a) => {
      if (a.platform !== "matrix") return a;
      const gated = new LeaderGatedAdapter(
        a,
        (hooks) =>
          pg.leadership("matrix-sync", {
            ...hooks,
            onError: (err) => log("warn", "matrix-sync: Rolle nicht prüfbar / cannot check role", err),
          }),
        log,
      );
      roles.push(gated);
      return gated;
    });
  }
  const playbookList = o.playbooks.list();
  // replies in chat name files relative to the data directory, never by their path on the server
  const tenancy = tenantsFromEnv(env, storage, playbookList, log, storage.dataDir);
  tenancy?.watch();
  const single = tenantSinks(storage.dataDir, "default", o.config, o.configPath, playbookList, storage.dataDir);
  const shared: SharedWork | undefined = storage.shared
    ? {
        port: storage.shared,
        ...numberFromEnv(env, "NOTFALL_OUTBOX_LEASE_MS", (v) => ({ outboxLeaseMs: v })),
        ...numberFromEnv(env, "NOTFALL_TIMER_LEASE_MS", (v) => ({ timerLeaseMs: v })),
        ...numberFromEnv(env, "NOTFALL_POLL_MS", (v) => ({ pollMs: v })),
      }
    : undefined;
  const bot = createBot({
    storage: storage.base,
    ...(tenancy ? { tenancy } : {}),
    ...(shared ? { shared } : {}),
    deployment: {
      storeOf: storage.storeOf,
      ...(storage.dueAll ? { dueAll: storage.dueAll } : {}),
      ...(storage.nextAll ? { nextAll: storage.nextAll } : {}),
    },
    adapters,
    clock: systemClock,
    playbooks: o.playbooks,
    ...(o.config ? { config: o.config } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    ...(single.exports ? { exports: single.exports } : {}),
    ...(single.handbook ? { handbook: single.handbook } : {}),
    log,
  });
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", async (_req, res) => {
    let db = true;
    try {
      await storage.base.hasDelivery("healthz", "probe");
    } catch {
      db = false;
    }
    const status = Object.fromEntries(adapters.map((a) => [a.platform, a.health?.() ?? { ok: true }]));
    const ok = db && Object.values(status).every((s) => s.ok);
    res.status(ok ? 200 : 503).json({
      ok,
      database: db,
      backend: storage.choice.kind,
      adapters: status,
      // which roles this process holds: every process delivers the outbox and fires timers (claims); the
      // Matrix sync runs in one process at a time
      roles: {
        inbound: true,
        outbox: true,
        timers: true,
        ...Object.fromEntries(roles.map((r) => [r.role.name, r.active])),
      },
      ...(tenancy ? { tenants: tenancy.ids().length } : {}),
      ...(storage.pg ? { process: storage.pg.owner } : {}),
    });
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
      tenancy?.stop();
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
    tenancy?.stop();
    await storage.close();
    return 2;
  }
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.port;
  const where = isLoopback(host)
    ? "nur von diesem Rechner erreichbar (Reverse Proxy davor); alle Schnittstellen: HOST=0.0.0.0 / loopback only, set HOST=0.0.0.0 for all interfaces"
    : "von außen erreichbar – davor gehört ein TLS-Reverse-Proxy; nur lokal: HOST=127.0.0.1 / reachable from other machines, set HOST=127.0.0.1 for loopback only";
  log("info", `notfallbot hört auf http://${authority(host, port)} (${adapters.map((a) => a.platform).join(", ")}), ${where}`);
  log(
    "info",
    `Datenbank: ${storage.description}${tenancy ? `, ${tenancy.ids().length} Mandanten aus ${tenancy.dir}` : ""}${storage.pg ? ` (Prozess ${storage.pg.owner})` : ""}`,
  );
  process.stdout.write(`READY ${port}\n`);
  await stopRequested;
  await new Promise<void>((resolve) => server.close(() => resolve())); // answers requests already in flight

  await bot.stop();
  tenancy?.stop();
  await storage.close();
  return 0;
}

/** A positive whole number from the environment, as options (tests shorten leases and polls this way). */
function numberFromEnv<T>(env: NodeJS.ProcessEnv, name: string, as: (v: number) => T): T | Record<string, never> {
  const v = Number(env[name]);
  return Number.isInteger(v) && v > 0 ? as(v) : {};
}
