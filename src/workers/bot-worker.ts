/**
 * The bot thread of `notfallbot serve` (started by `bot-thread.ts`): the incident service, the storage connection
 * (SQLite file or PostgreSQL pool), the scheduler and the outbox dispatcher run here, so that their work — loading,
 * deciding, the one transaction per event, timers, the outbox queries — never delays the event loop that answers
 * HTTP. The adapters stay in the HTTP thread: events arrive here as `inbound` messages in the order the receivers
 * gave them and go into the same `createBot` as in every other wiring (one transaction per event, order per thread,
 * deduplication unchanged); a delivery goes back as `deliver` and the adapter there sends it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type Bot, createBot, type Logger, type SharedWork } from "../app.ts";
import { AdapterError, type ChatAdapter, type DeliveryResult, type InboundHandler, type Platform } from "../core/adapter.ts";
import { systemClock } from "../core/clock.ts";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import type { Outbound } from "../core/message.ts";
import { openChosenStorage, type Storage, tenantSinks, tenantsFromEnv } from "../deployment.ts";
import { loadPlaybooks } from "../machines/loader.ts";
import { type BotAdapters, type BotWorkerData, type FromBot, STORAGE_PORTS, type ToBot } from "./bot-protocol.ts";
import { lowerThreadPriority } from "./nice.ts";

const port = parentPort;
if (!port) throw new Error("bot-worker.ts läuft nur als Worker-Thread / runs only as a worker thread");
const data = workerData as BotWorkerData;
// the receivers' thread acknowledges first; the work behind an acknowledgement gets the cores it leaves
lowerThreadPriority();
/** The operator's log lines in the process's language. */
const ops = (data.locale === "en" ? en : de).ops;
const post = (m: FromBot) => port.postMessage(m);

const log: Logger = (level, msg, detail) => {
  const d = detail instanceof Error ? detail.message : detail === undefined ? undefined : String(detail);
  post({ kind: "log", level, msg, ...(d !== undefined ? { detail: d } : {}) });
};

/** Deliveries waiting for the adapter in the HTTP thread. */
const deliveries = new Map<number, { resolve: (r: DeliveryResult) => void; reject: (e: Error) => void }>();
let nextDelivery = 0;

/** An adapter of the HTTP thread as the core and the dispatcher see it: its capabilities, and delivery by message. */
class RemoteAdapter implements ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: ChatAdapter["capabilities"];
  private readonly gate: (() => boolean) | undefined;
  constructor(platform: Platform, capabilities: ChatAdapter["capabilities"], gate: (() => boolean) | undefined) {
    this.platform = platform;
    this.capabilities = capabilities;
    this.gate = gate;
  }
  async start(_onEvent: InboundHandler): Promise<void> {}
  async stop(): Promise<void> {}
  deliver(message: Outbound): Promise<DeliveryResult> {
    const id = ++nextDelivery;
    return new Promise((resolve, reject) => {
      deliveries.set(id, { resolve, reject });
      post({ kind: "deliver", id, platform: this.platform, message });
    });
  }
  canDeliver(): boolean {
    return this.gate?.() ?? true;
  }
}

/** An adapter's sending half in this thread (Slack: its Web API client), with the adapter's capabilities. */
class LocalSender implements ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: ChatAdapter["capabilities"];
  readonly deliver: (message: Outbound) => Promise<DeliveryResult>;
  constructor(platform: Platform, capabilities: ChatAdapter["capabilities"], deliver: (message: Outbound) => Promise<DeliveryResult>) {
    this.platform = platform;
    this.capabilities = capabilities;
    this.deliver = deliver;
  }
  async start(_onEvent: InboundHandler): Promise<void> {}
  async stop(): Promise<void> {}
}

/**
 * The sending half of a platform's adapter, built here from the same settings; undefined: delivered by the HTTP
 * thread. Slack with one bot token only (with OAuth installations the adapter picks the token per workspace).
 */
async function senderHere(platform: Platform): Promise<((message: Outbound) => Promise<DeliveryResult>) | undefined> {
  if (platform !== "slack") return undefined;
  const [{ readSlackConfig }, { SlackSender, slackClientOptions }, { createRedactingLogger }, { secretsFromEnv }, { webApi }] =
    await Promise.all([
      import("../adapters/slack/config.ts"),
      import("../adapters/slack/send.ts"),
      import("../adapters/slack/logger.ts"),
      import("../adapters/redact.ts"),
      import("@slack/bolt"),
    ]);
  const cfg = readSlackConfig(data.env);
  if (!cfg || cfg.mode === "oauth") return undefined;
  const logger = createRedactingLogger(secretsFromEnv(data.env), (level, line) =>
    log(level === "error" ? "error" : level === "warn" ? "warn" : "info", line),
  );
  // the adapter's client settings, this thread's log
  const client = new webApi.WebClient(
    cfg.token,
    slackClientOptions({ logger, ...(cfg.slackApiUrl ? { slackApiUrl: cfg.slackApiUrl } : {}) }),
  );
  const sender = new SlackSender(async () => client, systemClock);
  return (m) => sender.deliver(m);
}

/** Roles (PostgreSQL advisory locks) this process competes for on behalf of the HTTP thread's gated adapters. */
const roles = new Map<string, { isLeader: boolean; start(): Promise<void>; stop(): Promise<void> }>();

let storage: Storage | undefined;
let bot: Bot | undefined;
let tenancy: ReturnType<typeof tenantsFromEnv>;
/** The adapters of the HTTP thread, once it has built them. */
let adaptersGiven!: (a: BotAdapters) => void;
const adaptersKnown = new Promise<BotAdapters>((r) => {
  adaptersGiven = r;
});

/** The storage once open (adapter state is asked for from then on, also before the adapters are handed over). */
let storageOpened!: (s: Storage | undefined) => void;
const storageReady = new Promise<Storage | undefined>((r) => {
  storageOpened = r;
});

async function main(): Promise<void> {
  try {
    storage = await openChosenStorage(data.storage, data.env, log, data.locale ?? "de");
  } catch (err) {
    storageOpened(undefined);
    post({ kind: "failed", stage: "storage", message: err instanceof Error ? err.message : String(err) });
    return;
  }
  storageOpened(storage);
  const s = storage;
  const playbooks = loadPlaybooks(...(data.playbookDir ? [data.playbookDir] : []));
  const playbookList = playbooks.list();
  tenancy = tenantsFromEnv(data.env, s, playbookList, log, s.dataDir);
  tenancy?.watch();
  const single = tenantSinks(s.dataDir, "default", data.config, data.configPath, playbookList, s.dataDir);
  const num = (name: string) => {
    const v = Number(data.env[name]);
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const shared: SharedWork | undefined = s.shared
    ? {
        port: s.shared,
        ...(num("NOTFALL_OUTBOX_LEASE_MS") ? { outboxLeaseMs: num("NOTFALL_OUTBOX_LEASE_MS")! } : {}),
        ...(num("NOTFALL_TIMER_LEASE_MS") ? { timerLeaseMs: num("NOTFALL_TIMER_LEASE_MS")! } : {}),
        ...(num("NOTFALL_POLL_MS") ? { pollMs: num("NOTFALL_POLL_MS")! } : {}),
      }
    : undefined;
  const given = await adaptersKnown;
  const adapters: ChatAdapter[] = [];
  for (const a of given.adapters) {
    const here = given.sendHere.includes(a.platform) ? await senderHere(a.platform) : undefined;
    if (here) {
      adapters.push(new LocalSender(a.platform, a.capabilities, here));
      continue;
    }
    const role = given.gated.find((g) => g.platform === a.platform)?.role;
    adapters.push(new RemoteAdapter(a.platform, a.capabilities, role ? () => roles.get(role)?.isLeader === true : undefined));
  }
  bot = createBot({
    storage: s.base,
    ...(tenancy ? { tenancy } : {}),
    ...(shared ? { shared } : {}),
    deployment: {
      storeOf: s.storeOf,
      ...(s.dueAll ? { dueAll: s.dueAll } : {}),
      ...(s.nextAll ? { nextAll: s.nextAll } : {}),
    },
    adapters,
    clock: systemClock,
    playbooks,
    ...(data.config ? { config: data.config } : {}),
    ...(data.locale ? { locale: data.locale } : {}),
    ...(single.exports ? { exports: single.exports } : {}),
    ...(single.handbook ? { handbook: single.handbook } : {}),
    log,
  });
  try {
    await bot.start();
  } catch (err) {
    post({ kind: "failed", stage: "start", message: err instanceof Error ? err.message : String(err) });
    return;
  }
  post({
    kind: "ready",
    info: {
      description: s.description,
      dataDir: s.dataDir,
      tenants: tenancy ? tenancy.ids().length : undefined,
      tenantDir: tenancy?.dir,
      owner: s.pg?.owner,
    },
  });
}

async function stop(): Promise<void> {
  await bot?.stop();
  for (const r of roles.values()) await r.stop().catch((err) => log("warn", ops.roleNotReleased, err));
  tenancy?.stop();
  await storage?.close();
  post({ kind: "stopped" });
  port!.close();
}

port.on("message", (m: ToBot) => {
  switch (m.kind) {
    case "start":
      adaptersGiven(m);
      return;
    case "inbound":
      // bot.receive queues the event synchronously (one queue, events in the order they arrive) and never rejects
      void bot!.receive(m.event).then(() => post({ kind: "handled", seq: m.seq }));
      return;
    case "delivered": {
      const d = deliveries.get(m.id);
      if (!d) return;
      deliveries.delete(m.id);
      if (!m.error) d.resolve({ ref: m.ref ?? "" });
      else if (m.error.adapter)
        d.reject(
          new AdapterError(m.error.code, m.error.message, {
            ...(m.error.retryAfterMs !== undefined ? { retryAfterMs: m.error.retryAfterMs } : {}),
            ...(m.error.platformCode !== undefined ? { platformCode: m.error.platformCode } : {}),
          }),
        );
      else d.reject(new Error(m.error.message));
      return;
    }
    case "health":
      void (async () => {
        let database = true;
        try {
          await storage!.base.hasDelivery("healthz", "probe");
        } catch {
          database = false;
        }
        post({ kind: "health", id: m.id, database, tenants: tenancy ? tenancy.ids().length : undefined });
      })();
      return;
    case "idle":
      void bot!.idle().then(() => post({ kind: "idle", id: m.id }));
      return;
    case "role-start":
      void (async () => {
        const pg = storage?.pg;
        if (!pg) throw new Error(`Rolle ${m.name} braucht PostgreSQL / role needs PostgreSQL`);
        const role = pg.leadership(m.name, {
          onAcquired: () => post({ kind: "role", name: m.name, event: "acquired" }),
          onLost: (why) => post({ kind: "role", name: m.name, event: "lost", why }),
          onError: (err) => log("warn", ops.roleUncheckable(m.name), err),
        });
        roles.set(m.name, role);
        await role.start();
        post({ kind: "role-done", id: m.id, isLeader: role.isLeader });
      })();
      return;
    case "role-stop":
      void (async () => {
        const role = roles.get(m.name);
        await role?.stop();
        post({ kind: "role-done", id: m.id, isLeader: false });
      })();
      return;
    case "port":
      // what adapters keep in the database (Teams references, Slack installations), answered once it is open
      void (async () => {
        try {
          const s = await storageReady;
          if (!s) throw new Error("Datenbank nicht geöffnet / database not open");
          const allowed: readonly string[] = STORAGE_PORTS[m.port];
          if (!allowed.includes(m.method)) throw new Error(`${m.port}.${m.method} gibt es nicht / no such method`);
          const target = s[m.port] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
          const value = await target[m.method]!.apply(target, m.args);
          post({ kind: "port", id: m.id, ...(value !== undefined ? { value } : {}) });
        } catch (err) {
          post({ kind: "port", id: m.id, error: err instanceof Error ? err.message : String(err) });
        }
      })();
      return;
    case "stop":
      void stop();
      return;
  }
});

await main();
