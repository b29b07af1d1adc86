import { type ChatAdapter, NO_CAPABILITIES } from "./core/adapter.ts";
import { type Clock, systemClock, type TimerHandle } from "./core/clock.ts";
import { DEFAULT_TENANT_ID, Dispatcher } from "./core/dispatcher.ts";
import { de } from "./core/i18n/de.ts";
import { en } from "./core/i18n/en.ts";
import type { Inbound } from "./core/inbound.ts";
import type { OrgConfig } from "./core/org.ts";
import type { OfTenant, OutboxRow, SharedWorkPort, StoragePort, TimerRow } from "./core/ports.ts";
import { ClaimingScheduler, Scheduler, type TimerRunner } from "./core/scheduler.ts";
import { type ExportSink, type HandbookSink, IncidentService, type PlaybookSource } from "./core/service.ts";
import { loadPlaybooks } from "./machines/loader.ts";

const DAY_MS = 86_400_000;
/** How long inbound delivery ids are kept for deduplication (platform retries come within hours). */
export const DELIVERY_RETENTION_MS = 14 * DAY_MS;
/** At most one log line per minute about events of one uncovered platform tenant (see createBot). */
export const UNCOVERED_LOG_MS = 60_000;

export type Logger = (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;

/** One organisation in a deployment: its store and organisation file, where its exports and handbook go. */
export interface TenantSetup {
  id: string;
  storage: StoragePort;
  config?: OrgConfig | undefined;
  exports?: ExportSink | undefined;
  handbook?: HandbookSink | undefined;
}

/**
 * The organisations of a deployment (src/tenants.ts reads them from `NOTFALL_TENANTS`). Read on every event, so a
 * reloaded folder takes effect at once; a setup object that changed (new organisation file) gets a new service.
 */
export interface Tenancy {
  /** The tenant an inbound event belongs to (by Slack team, Teams tenant, Matrix room or server); undefined: none. */
  resolve(ev: Inbound): string | undefined;
  get(id: string): TenantSetup | undefined;
  ids(): Iterable<string>;
}

/** Several processes on one database: claims with leases instead of one process's own bookkeeping. */
export interface SharedWork {
  port: SharedWorkPort;
  /** Outbox lease: longer than the slowest delivery attempt (default 60 s). */
  outboxLeaseMs?: number;
  /** Timer lease: longer than the slowest firing (default 60 s). */
  timerLeaseMs?: number;
  /** Look for work no process has claimed (its process died) this often (default 2 s). */
  pollMs?: number;
}

export interface BotOptions {
  /** The store of the single tenant (without {@link tenancy}), else of the deployment's default tenant. */
  storage: StoragePort;
  /** Several organisations; `storage`, `config`, `exports` and `handbook` are then each tenant's own. */
  tenancy?: Tenancy;
  /** Several processes on one database (PostgreSQL). */
  shared?: SharedWork;
  /**
   * The store of any tenant in the database, also one no longer configured (its pending messages are still
   * delivered), and the outbox of all tenants in one query where the backend has it (SQLite).
   */
  deployment?: {
    storeOf(tenant: string): StoragePort;
    dueAll?(now: string, limit: number, busy: (tenant: string, lane: string) => boolean): Promise<OfTenant<OutboxRow>[]>;
    nextAll?(): Promise<string | undefined>;
  };
  adapters: ChatAdapter[];
  clock?: Clock;
  playbooks?: PlaybookSource;
  config?: OrgConfig;
  locale?: "de" | "en";
  exports?: ExportSink;
  handbook?: HandbookSink;
  log?: Logger;
}

export interface Bot {
  /** The service of the single (or default) tenant. */
  readonly service: IncidentService;
  /** The service of a tenant; undefined when the deployment does not know it. */
  serviceFor(tenant: string): IncidentService | undefined;
  readonly scheduler: TimerRunner;
  /** Start timers, the outbox and every adapter. */
  start(): Promise<void>;
  /** Stop adapters first (no new events), then timers and delivery. */
  stop(): Promise<void>;
  /**
   * Handle one event as if an adapter had received it (used by adapters and tests). Resolves once it is committed
   * (or found to be a redelivery); events are handled one at a time in the order received.
   */
  receive(ev: Inbound): Promise<void>;
  /** Resolves when every received event is handled and nothing deliverable is left in the outbox. */
  idle(): Promise<void>;
}

/** Wire the pure core to storage, clock and adapters. */
export function createBot(o: BotOptions): Bot {
  const clock = o.clock ?? systemClock;
  const log: Logger = o.log ?? (() => {});
  // the operator's log lines in the process's language
  const ops = (o.locale === "en" ? en : de).ops;
  const adapters = new Map(o.adapters.map((a) => [a.platform as string, a]));
  const playbooks = o.playbooks ?? loadPlaybooks();
  let scheduler!: TimerRunner;
  let dispatcher!: Dispatcher;
  const single: TenantSetup = { id: DEFAULT_TENANT_ID, storage: o.storage, config: o.config, exports: o.exports, handbook: o.handbook };
  const setupOf = (tenant: string): TenantSetup | undefined =>
    o.tenancy ? o.tenancy.get(tenant) : tenant === DEFAULT_TENANT_ID ? single : undefined;
  /** One service per tenant, rebuilt when its setup changes (a reloaded organisation file). */
  const services = new Map<string, { setup: TenantSetup; service: IncidentService }>();
  /** Services replaced by a reload that may still have work queued. */
  const retired = new Set<IncidentService>();
  const serviceFor = (tenant: string): IncidentService | undefined => {
    const setup = setupOf(tenant);
    if (!setup) return undefined;
    const have = services.get(tenant);
    if (have?.setup === setup) return have.service;
    if (have) {
      retired.add(have.service);
      void have.service.idle().then(() => retired.delete(have.service));
    }
    const service = new IncidentService({
      storage: setup.storage,
      clock,
      playbooks,
      capabilities: (p) => adapters.get(p)?.capabilities ?? NO_CAPABILITIES,
      ...(setup.config ? { config: setup.config } : {}),
      ...(o.locale ? { locale: o.locale } : {}),
      ...(setup.exports ? { exports: setup.exports } : {}),
      ...(setup.handbook ? { handbook: setup.handbook } : {}),
      log,
      onCommitted: (added, cancelled) => {
        scheduler.add(added, tenant);
        scheduler.remove(cancelled, tenant);
        dispatcher.kick();
      },
    });
    services.set(tenant, { setup, service });
    return service;
  };
  const tenants = o.tenancy
    ? {
        ids: () => o.tenancy!.ids(),
        storeOf: (t: string) => {
          const s = o.tenancy!.get(t)?.storage ?? o.deployment?.storeOf(t);
          if (!s) throw new Error(`unknown tenant ${t}`);
          return s;
        },
        ...(o.deployment?.dueAll ? { dueAll: o.deployment.dueAll } : {}),
        ...(o.deployment?.nextAll ? { nextAll: o.deployment.nextAll } : {}),
      }
    : undefined;
  const deliveryFailed = (row: OfTenant<OutboxRow>, code: string) => serviceFor(row.tenant)?.deliveryFailed(row, code);
  dispatcher = new Dispatcher({
    storage: o.storage,
    ...(tenants ? { tenants } : {}),
    ...(o.shared ? { shared: { port: o.shared.port, leaseMs: o.shared.outboxLeaseMs ?? 60_000, pollMs: o.shared.pollMs ?? 2000 } } : {}),
    clock,
    adapters,
    log,
    ops,
    onFailed: deliveryFailed,
  });
  const fire = (t: OfTenant<TimerRow>) => {
    const svc = serviceFor(t.tenant);
    if (!svc) log("warn", ops.timerNoTenant(t.id, t.tenant));
    return svc?.fireTimer(t);
  };
  scheduler = o.shared
    ? new ClaimingScheduler(
        { shared: o.shared.port, clock, fire, leaseMs: o.shared.timerLeaseMs ?? 60_000, pollMs: o.shared.pollMs ?? 2000 },
        (err) => log("error", ops.timersUnreadable, err),
      )
    : new Scheduler({ storage: o.storage, ...(tenants ? { tenants } : {}), clock, fire });

  // Events no organisation file covers (a workspace that installed the app through OAuth without a tenant, a
  // stranger's Teams tenant): one line per platform and tenant per minute, with how many were dropped in between;
  // whoever sends them must not be able to fill the log.
  const uncovered = new Map<string, { at: number; dropped: number }>();
  const dropUncovered = (ev: Inbound): void => {
    const key = `${ev.platform}\n${ev.tenant}`;
    const now = clock.now().getTime();
    const seen = uncovered.get(key);
    if (seen && now - seen.at < UNCOVERED_LOG_MS) {
      seen.dropped++;
      return;
    }
    if (!seen && uncovered.size >= 1000) uncovered.clear();
    uncovered.set(key, { at: now, dropped: 0 });
    log("warn", ops.noTenant(ev.platform, `${ev.tenant}`, ev.channel) + (seen?.dropped ? ops.noTenantMore(seen.dropped) : ""));
  };
  let pruneTimer: TimerHandle | undefined;
  const receive = async (ev: Inbound): Promise<void> => {
    try {
      const tenant = o.tenancy ? o.tenancy.resolve(ev) : DEFAULT_TENANT_ID;
      const svc = tenant === undefined ? undefined : serviceFor(tenant);
      if (!svc) {
        dropUncovered(ev);
        return;
      }
      await svc.handle(ev);
    } catch (err) {
      log("error", ops.eventFailed, err);
    } finally {
      dispatcher.kick();
    }
  };
  const allServices = () => [...[...services.values()].map((s) => s.service), ...retired];
  const pruneOnce = async (before: string): Promise<number> => {
    if (o.shared) return o.shared.port.pruneAllDeliveries(before);
    if (!tenants) return o.storage.pruneDeliveries(before);
    let n = 0;
    for (const t of tenants.ids()) n += await tenants.storeOf(t).pruneDeliveries(before);
    return n;
  };

  return {
    get service() {
      return serviceFor(DEFAULT_TENANT_ID) ?? serviceFor([...(o.tenancy?.ids() ?? [])][0] ?? DEFAULT_TENANT_ID)!;
    },
    serviceFor,
    scheduler,
    receive,
    async start() {
      const prune = async () => {
        const n = await pruneOnce(new Date(clock.now().getTime() - DELIVERY_RETENTION_MS).toISOString());
        if (n) log("info", ops.deliveryIdsPruned(n));
        pruneTimer = clock.setTimer(new Date(clock.now().getTime() + DAY_MS), () => {
          prune().catch((err) => log("error", ops.deliveryIdsNotPruned, err));
        });
      };
      await prune();
      await scheduler.start();
      dispatcher.kick();
      for (const a of o.adapters) await a.start(receive);
    },
    async stop() {
      if (pruneTimer) clock.clearTimer(pruneTimer);
      for (const a of o.adapters) await a.stop().catch((err) => log("warn", ops.adapterStopFailed(a.platform), err));
      scheduler.stop();
      await dispatcher.stop();
      if (o.shared) await o.shared.port.releaseClaims().catch((err) => log("warn", ops.leasesNotReturned, err));
    },
    async idle() {
      // events, timers and delivery failures (the services) and deliveries (the dispatcher) start each other
      const pending = () => allServices().reduce((n, s) => n + s.pending, 0);
      for (let i = 0; i < 1000; i++) {
        await scheduler.idle?.();
        for (const s of allServices()) await s.idle();
        await dispatcher.idle();
        await new Promise<void>((r) => setImmediate(r));
        if (pending() === 0) {
          await dispatcher.idle();
          if (pending() === 0) return;
        }
      }
    },
  };
}
