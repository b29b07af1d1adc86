import type { Server } from "node:http";
import { dirname } from "node:path";
import express from "express";
import { isHttpMountable } from "./adapters/http.ts";
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
  playbooks: PlaybookSource;
  locale: "en" | undefined;
  port: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
}

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
  process.stderr.write(`${new Date().toISOString()} [${level}] ${msg}${d}\n`);
}

/** `notfallbot serve`: one HTTP server for every configured adapter, plus `GET /healthz`. */
export async function serve(o: ServeOptions): Promise<number> {
  const env = o.env ?? process.env;
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
    exports: fileExportSink(exportDirFor(o.dbPath)),
    handbook: handbookFor(o.playbooks.list(), o.config, o.dbPath),
    log,
  });
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    let db = true;
    try {
      storage.hasDelivery("healthz", "probe");
    } catch {
      db = false;
    }
    const status = Object.fromEntries(adapters.map((a) => [a.platform, a.health?.() ?? { ok: true }]));
    const ok = db && Object.values(status).every((s) => s.ok);
    res.status(ok ? 200 : 503).json({ ok, database: db, adapters: status });
  });
  for (const a of adapters) if (isHttpMountable(a)) a.mount(app);
  try {
    await bot.start();
  } catch (err) {
    // e.g. a rejected Slack token: the adapter says in German what to fix
    if (err instanceof AdapterError && err.code === "unauthorized") {
      process.stderr.write(`${err.message}\n`);
      storage.close();
      return 3;
    }
    throw err;
  }
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(o.port, o.host ?? "0.0.0.0", () => resolve(s));
  });
  const addr = server.address();
  log(
    "info",
    `notfallbot hört auf Port ${typeof addr === "object" && addr ? addr.port : o.port} (${adapters.map((a) => a.platform).join(", ")})`,
  );
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : o.port}\n`);
  await stopRequested;
  await new Promise<void>((resolve) => server.close(() => resolve())); // answers requests already in flight

  await bot.stop();
  storage.close();
  return 0;
}
