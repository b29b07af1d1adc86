/**
 * The HTTP thread's side of the bot thread (`bot-worker.ts`): starts the worker, forwards every event a receiver
 * gives to it in receive order (`postMessage` between two threads is FIFO), runs the deliveries the worker asks for
 * through the real adapters here, and answers `/healthz`.
 *
 * A worker that dies (an uncaught error, an exit) is a crash of the bot: {@link BotThreadOptions.onDeath} is called
 * once, and `serve` ends the process non-zero so that systemd starts it again — never a silent restart of the thread
 * with half a state. What was not committed counts as not acknowledged, exactly as after a crash of the process.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../app.ts";
import { AdapterError, type ChatAdapter, type InboundHandler, type Platform } from "../core/adapter.ts";
import type { Inbound } from "../core/inbound.ts";
import type { AdapterStatePort, InstallationsPort } from "../core/ports.ts";
import type { RoleFactory } from "../leader-gate.ts";
import {
  type BotReady,
  type BotWorkerData,
  type FromBot,
  type Gated,
  STORAGE_PORTS,
  type StoragePortName,
  type ToBot,
  type WireError,
} from "./bot-protocol.ts";

export interface BotThreadOptions {
  data: BotWorkerData;
  log: Logger;
  /** The worker ended without being asked to (after start-up). Called once. */
  onDeath: (why: string) => void;
  /** The worker's module; tests use another one. */
  url?: URL;
}

/** The bot thread's young generation (MB): three semi-spaces of 4 MB, like the main thread under `bin/notfallbot.mjs`. */
const YOUNG_GENERATION_MB = 12;

export type StartResult = { ok: true; info: BotReady } | { ok: false; stage: "storage" | "start"; message: string };

export class BotThread {
  private readonly worker: Worker;
  private readonly o: BotThreadOptions;
  private adapters = new Map<string, ChatAdapter>();
  private readonly result: Promise<StartResult>;
  private seq = 0;
  private nextId = 0;
  private readonly handled = new Map<number, () => void>();
  private readonly requests = new Map<number, (m: FromBot) => void>();
  private readonly roleHooks = new Map<string, { onAcquired: () => void; onLost: (why: string) => void; isLeader: boolean }>();
  private starting: ((r: StartResult) => void) | undefined;
  /** The worker could not open the storage (its message), as soon as it said so. */
  storageError: string | undefined;
  private stopped: (() => void) | undefined;
  private stopping = false;
  private dead = false;

  constructor(o: BotThreadOptions) {
    this.o = o;
    this.result = new Promise((resolve) => {
      this.starting = resolve;
    });
    this.worker = new Worker(o.url ?? new URL("./bot-worker.ts", import.meta.url), {
      workerData: o.data,
      // the young generation of the launcher's `--max-semi-space-size=4` (3 × 4 MB), which a worker does not inherit:
      // ~15 MB less RSS, as for the main thread (docs/performance.md, "Speicher")
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker.on("message", (m: FromBot) => this.onMessage(m));
    this.worker.on("error", (err) => this.die(`Fehler im Bot-Thread / error in the bot thread: ${err.stack ?? err.message}`));
    this.worker.on("exit", (code) => {
      if (this.stopping) this.stopped?.();
      else this.die(`Bot-Thread unerwartet beendet (Code ${code}) / bot thread exited`);
    });
  }

  /**
   * Hands the adapters of this thread to the worker (it renders for their capabilities and delivers through them;
   * `gated`: platforms delivered only while this process holds their role). Resolves when the worker has opened the
   * storage and started timers and delivery, or says why it could not. The worker opens the storage and loads the
   * playbooks from its construction on, while this thread builds the adapters.
   */
  start(adapters: readonly ChatAdapter[], o: { gated?: Gated[]; sendHere?: Platform[] } = {}): Promise<StartResult> {
    this.adapters = new Map(adapters.map((a) => [a.platform as string, a]));
    this.send({
      kind: "start",
      adapters: adapters.map((a) => ({ platform: a.platform, capabilities: a.capabilities })),
      gated: o.gated ?? [],
      sendHere: o.sendHere ?? [],
    });
    return this.result;
  }

  /** The handler for the adapters of this thread: resolves when the worker has committed the event. */
  readonly receive: InboundHandler = (event: Inbound) =>
    new Promise<void>((resolve) => {
      const seq = ++this.seq;
      this.handled.set(seq, resolve);
      this.send({ kind: "inbound", seq, event });
    });

  /** Whether the database answers (asked in the worker; false after `timeoutMs`). */
  async health(timeoutMs = 5000): Promise<{ database: boolean; tenants: number | undefined }> {
    const answer = await Promise.race([
      this.request((id) => ({ kind: "health", id })),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs).unref()),
    ]);
    return answer?.kind === "health" ? { database: answer.database, tenants: answer.tenants } : { database: false, tenants: undefined };
  }

  /** Resolves when every event sent so far is handled and nothing deliverable is left (benchmarks, tests). */
  async idle(): Promise<void> {
    await this.request((id) => ({ kind: "idle", id }));
  }

  /**
   * What adapters keep beyond one process (Teams conversation references), read and written in the database of the
   * worker. Usable from construction on: the worker answers once its storage is open.
   */
  readonly adapterState: AdapterStatePort = this.remote("adapterState") as unknown as AdapterStatePort;

  /** Slack's OAuth installations (bot token per workspace), in the database of the worker; usable from construction on. */
  readonly installations: InstallationsPort = this.remote("installations") as unknown as InstallationsPort;

  /** A storage port of the worker as an object of async methods here. */
  private remote(port: StoragePortName): Record<string, (...args: unknown[]) => Promise<unknown>> {
    const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const method of STORAGE_PORTS[port]) {
      out[method] = async (...args: unknown[]) => {
        const m = await this.request((id) => ({ kind: "port", id, port, method, args }));
        if (m.kind !== "port") throw new Error("Bot-Thread beendet / bot thread ended");
        if (m.error !== undefined) throw new Error(m.error);
        return m.value;
      };
    }
    return out;
  }

  /** A role held through the worker's PostgreSQL connection (the Matrix sync in one process at a time). */
  role(name: string): RoleFactory {
    return (hooks) => {
      const state = { ...hooks, isLeader: false };
      this.roleHooks.set(name, state);
      return {
        name,
        get isLeader() {
          return state.isLeader;
        },
        start: async () => {
          const m = await this.request((id) => ({ kind: "role-start", id, name }));
          if (m.kind === "role-done" && m.isLeader && !state.isLeader) {
            state.isLeader = true;
            hooks.onAcquired();
          }
        },
        stop: async () => {
          await this.request((id) => ({ kind: "role-stop", id, name }));
          if (state.isLeader) {
            state.isLeader = false;
            hooks.onLost("stopped");
          }
        },
      };
    };
  }

  /**
   * Stops timers and delivery in the worker and closes the storage (adapters here must be stopped first, so that no
   * new events come), then ends the thread.
   */
  async stop(): Promise<void> {
    if (this.dead) return;
    this.stopping = true;
    const exited = new Promise<void>((r) => {
      this.stopped = r;
    });
    const done = new Promise<void>((r) => {
      this.requests.set(-1, () => r());
    });
    this.send({ kind: "stop" });
    await Promise.race([done, exited]);
    await this.worker.terminate();
  }

  private send(m: ToBot): void {
    if (!this.dead) this.worker.postMessage(m);
  }

  private request(make: (id: number) => ToBot): Promise<FromBot> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.requests.set(id, resolve);
      this.send(make(id));
    });
  }

  private onMessage(m: FromBot): void {
    switch (m.kind) {
      case "ready":
        this.starting?.({ ok: true, info: m.info });
        this.starting = undefined;
        return;
      case "failed":
        if (m.stage === "storage") this.storageError = m.message;
        this.starting?.({ ok: false, stage: m.stage, message: m.message });
        this.starting = undefined;
        return;
      case "handled": {
        const r = this.handled.get(m.seq);
        this.handled.delete(m.seq);
        r?.();
        return;
      }
      case "deliver":
        void this.deliver(m.id, m.platform, m.message);
        return;
      case "log":
        this.o.log(m.level, m.msg, m.detail !== undefined ? new Error(m.detail) : undefined);
        return;
      case "role": {
        const h = this.roleHooks.get(m.name);
        if (!h) return;
        if (m.event === "acquired" && !h.isLeader) {
          h.isLeader = true;
          h.onAcquired();
        } else if (m.event === "lost" && h.isLeader) {
          h.isLeader = false;
          h.onLost(m.why ?? "");
        }
        return;
      }
      case "stopped": {
        const r = this.requests.get(-1);
        this.requests.delete(-1);
        r?.(m);
        return;
      }
      case "health":
      case "idle":
      case "role-done":
      case "port": {
        const r = this.requests.get(m.id);
        this.requests.delete(m.id);
        r?.(m);
        return;
      }
    }
  }

  private async deliver(id: number, platform: Platform, message: Parameters<ChatAdapter["deliver"]>[0]): Promise<void> {
    const a = this.adapters.get(platform);
    try {
      if (!a) throw new AdapterError("permanent", `Kein Adapter für ${platform} / no adapter for ${platform}`);
      if (a.canDeliver?.() === false)
        throw new AdapterError("transient", `${platform} stellt hier gerade nicht zu / not delivering here now`);
      const r = await a.deliver(message);
      this.send({ kind: "delivered", id, ref: r.ref });
    } catch (err) {
      this.send({ kind: "delivered", id, error: wireError(err) });
    }
  }

  private die(why: string): void {
    if (this.dead || this.stopping) return;
    this.dead = true;
    // start-up still waiting: it fails like any start-up error
    if (this.starting) {
      this.starting({ ok: false, stage: "start", message: why });
      this.starting = undefined;
    }
    this.o.onDeath(why);
  }
}

function wireError(err: unknown): WireError {
  if (err instanceof AdapterError) {
    return {
      adapter: true,
      code: err.code,
      message: err.message,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}),
    };
  }
  return { adapter: false, code: "transient", message: err instanceof Error ? err.message : String(err) };
}
