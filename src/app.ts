import { type ChatAdapter, NO_CAPABILITIES } from "./core/adapter.ts";
import { type Clock, systemClock, type TimerHandle } from "./core/clock.ts";
import { Dispatcher } from "./core/dispatcher.ts";
import type { Inbound } from "./core/inbound.ts";
import type { OrgConfig } from "./core/org.ts";
import type { StoragePort } from "./core/ports.ts";
import { Scheduler } from "./core/scheduler.ts";
import { type ExportSink, type HandbookSink, IncidentService, type PlaybookSource } from "./core/service.ts";
import { loadPlaybooks } from "./machines/loader.ts";

const DAY_MS = 86_400_000;
/** How long inbound delivery ids are kept for deduplication (platform retries come within hours). */
export const DELIVERY_RETENTION_MS = 14 * DAY_MS;

export type Logger = (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;

export interface BotOptions {
  storage: StoragePort;
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
  readonly service: IncidentService;
  readonly scheduler: Scheduler;
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
  const adapters = new Map(o.adapters.map((a) => [a.platform as string, a]));
  const playbooks = o.playbooks ?? loadPlaybooks();
  let scheduler!: Scheduler;
  let dispatcher!: Dispatcher;
  const service = new IncidentService({
    storage: o.storage,
    clock,
    playbooks,
    capabilities: (p) => adapters.get(p)?.capabilities ?? NO_CAPABILITIES,
    ...(o.config ? { config: o.config } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    ...(o.exports ? { exports: o.exports } : {}),
    ...(o.handbook ? { handbook: o.handbook } : {}),
    log,
    onCommitted: (added, cancelled) => {
      scheduler.add(added);
      scheduler.remove(cancelled);
      dispatcher.kick();
    },
  });
  dispatcher = new Dispatcher({
    storage: o.storage,
    clock,
    adapters,
    log,
    onFailed: (row, code) => service.deliveryFailed(row, code),
  });
  scheduler = new Scheduler({ storage: o.storage, clock, fire: (t) => service.fireTimer(t) });

  let pruneTimer: TimerHandle | undefined;
  const receive = async (ev: Inbound): Promise<void> => {
    try {
      await service.handle(ev);
    } catch (err) {
      log("error", "Ereignis konnte nicht verarbeitet werden", err);
    } finally {
      dispatcher.kick();
    }
  };

  return {
    service,
    scheduler,
    receive,
    async start() {
      const prune = async () => {
        const n = await o.storage.pruneDeliveries(new Date(clock.now().getTime() - DELIVERY_RETENTION_MS).toISOString());
        if (n) log("info", `${n} alte Zustell-Kennungen gelöscht`);
        pruneTimer = clock.setTimer(new Date(clock.now().getTime() + DAY_MS), () => {
          prune().catch((err) => log("error", "Zustell-Kennungen konnten nicht gelöscht werden", err));
        });
      };
      await prune();
      await scheduler.start();
      dispatcher.kick();
      for (const a of o.adapters) await a.start(receive);
    },
    async stop() {
      if (pruneTimer) clock.clearTimer(pruneTimer);
      for (const a of o.adapters) await a.stop().catch((err) => log("warn", `Adapter ${a.platform} hielt nicht sauber an`, err));
      scheduler.stop();
      await dispatcher.stop();
    },
    async idle() {
      // events, timers and delivery failures (the service) and deliveries (the dispatcher) start each other
      for (let i = 0; i < 1000; i++) {
        await service.idle();
        await dispatcher.idle();
        await new Promise<void>((r) => setImmediate(r));
        if (service.pending === 0) {
          await dispatcher.idle();
          if (service.pending === 0) return;
        }
      }
    },
  };
}
