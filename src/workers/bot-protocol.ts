/**
 * Messages between the HTTP thread of `notfallbot serve` and the bot thread (`bot-worker.ts`): plain, structured-
 * clonable data, no shared memory. See docs/performance.md, "Dienst und Datenbank in einem Worker-Thread".
 */
import type { AdapterErrorCode, Capabilities, Platform } from "../core/adapter.ts";
import type { Inbound } from "../core/inbound.ts";
import type { Outbound } from "../core/message.ts";
import type { OrgConfig } from "../core/org.ts";
import type { StorageChoice } from "../storage/select.ts";

/** What the bot thread is started with. */
export interface BotWorkerData {
  storage: StorageChoice;
  config: OrgConfig | undefined;
  configPath: string | undefined;
  /** Playbook folder; undefined: the bundled playbooks. */
  playbookDir: string | undefined;
  locale: "en" | undefined;
  env: Record<string, string | undefined>;
}

/**
 * What the bot thread needs from the adapters, sent once the HTTP thread has built them (the worker opens the
 * storage and loads the playbooks meanwhile).
 */
export interface BotAdapters {
  /** The adapters of the HTTP thread: their platform and capabilities (the core renders for them). */
  adapters: { platform: Platform; capabilities: Capabilities }[];
  /** Platforms that run in one process at a time (Matrix on PostgreSQL): delivered only while the role is held. */
  gated: Gated[];
  /**
   * Platforms whose messages the bot thread sends itself, with its own Web API client built from the same settings
   * (Slack with one bot token): the outbox's calls then run off the loop that answers HTTP. The others go back as
   * `deliver` to their adapter in the HTTP thread.
   */
  sendHere: Platform[];
}

export interface Gated {
  platform: Platform;
  role: string;
}

/** A failed delivery as it crosses the threads (an {@link AdapterError} is rebuilt on the other side). */
export interface WireError {
  adapter: boolean;
  code: AdapterErrorCode;
  message: string;
  retryAfterMs?: number;
  platformCode?: string;
}

/** HTTP thread → bot thread. */
export type ToBot =
  | ({ kind: "start" } & BotAdapters)
  | { kind: "inbound"; seq: number; event: Inbound }
  | { kind: "delivered"; id: number; ref?: string; error?: WireError }
  | { kind: "health"; id: number }
  | { kind: "idle"; id: number }
  | { kind: "role-start"; id: number; name: string }
  | { kind: "role-stop"; id: number; name: string }
  | { kind: "port"; id: number; port: StoragePortName; method: string; args: unknown[] }
  | { kind: "stop" };

/** Storage the HTTP thread's adapters use (through the bot thread), and the methods they may call. */
export const STORAGE_PORTS = {
  adapterState: ["getAdapterState", "putAdapterState"],
  installations: ["save", "find", "forWorkspace", "noteWorkspace", "remove", "list"],
} as const;

export type StoragePortName = keyof typeof STORAGE_PORTS;

/** What the bot thread reports once it runs. */
export interface BotReady {
  description: string;
  dataDir: string;
  tenants: number | undefined;
  tenantDir: string | undefined;
  owner: string | undefined;
}

/** Bot thread → HTTP thread. */
export type FromBot =
  | { kind: "ready"; info: BotReady }
  | { kind: "failed"; stage: "storage" | "start"; message: string }
  | { kind: "handled"; seq: number }
  | { kind: "deliver"; id: number; platform: Platform; message: Outbound }
  | { kind: "log"; level: "info" | "warn" | "error"; msg: string; detail?: string }
  | { kind: "health"; id: number; database: boolean; tenants: number | undefined }
  | { kind: "idle"; id: number }
  | { kind: "role"; name: string; event: "acquired" | "lost"; why?: string }
  | { kind: "role-done"; id: number; isLeader: boolean }
  | { kind: "port"; id: number; value?: unknown; error?: string }
  | { kind: "stopped" };
