import type { Inbound } from "./inbound.ts";
import type { Outbound } from "./message.ts";

export type Platform = "console" | "slack" | "teams" | "matrix" | "memory";

export interface Capabilities {
  /** Interactive buttons. Without them the core shows the command to type. */
  buttons: boolean;
  /** Edit an earlier message in place. Without it the core posts a new message. */
  update: boolean;
  /** Reactions on messages arrive as events (✅ acknowledges a task). */
  reactions: boolean;
  /** Messages visible to one person only. */
  ephemeral: boolean;
  /** Threads. */
  threads: boolean;
  /**
   * Where an incident declared by a typed message lives: in the thread of that message (`message`, Matrix/Teams),
   * or in the thread of the bot's first message (`bot`, Slack slash commands, terminal).
   */
  threadRoot: "message" | "bot";
  /**
   * One keyboard writes for everyone: `@name: text` speaks as name (the terminal). Hints then show how to confirm a
   * role as the person asked (`@erika: ok rolle`).
   */
  speakAs?: boolean;
}

/** A platform with none of the optional capabilities (a terminal): the core falls back to typed commands. */
export const NO_CAPABILITIES: Capabilities = Object.freeze({
  buttons: false,
  update: false,
  reactions: false,
  ephemeral: false,
  threads: false,
  threadRoot: "bot",
});

export interface DeliveryResult {
  /** Platform id of the posted (or updated) message, used for later updates, threads and reactions. */
  ref: string;
}

/** Coded error raised by adapters at the boundary. The core never sees an SDK error type. */
export type AdapterErrorCode =
  | "rate_limited" // retry after `retryAfterMs`
  | "transient" // 5xx, network: retry with backoff
  | "permanent" // e.g. channel_not_found, not_in_channel: do not retry, tell the coordinator
  | "unauthorized";

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  readonly retryAfterMs: number | undefined;
  /** Platform's own error name (e.g. `channel_not_found`, `M_FORBIDDEN`), safe to show. */
  readonly platformCode: string | undefined;
  constructor(code: AdapterErrorCode, message: string, opts: { retryAfterMs?: number; platformCode?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "AdapterError";
    this.code = code;
    this.retryAfterMs = opts.retryAfterMs;
    this.platformCode = opts.platformCode;
  }
}

export type InboundHandler = (event: Inbound) => Promise<void>;

/**
 * One chat platform. Adapters translate; they never touch storage and never decide.
 * `deliver` must be safe to call again for the same `Outbound.key` after a failure.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: Capabilities;
  /** Start receiving; every verified, normalised event goes to `onEvent`. */
  start(onEvent: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  /** Render and send one message. Throws {@link AdapterError} on failure. */
  deliver(message: Outbound): Promise<DeliveryResult>;
  /** Readiness for `/healthz`. */
  health?(): { ok: boolean; detail?: string };
  /**
   * Whether this process can deliver to the platform right now (default yes). With several processes, messages for
   * an adapter that cannot (Matrix in a process that does not hold the sync) are left to the process that can.
   */
  canDeliver?(): boolean;
}
