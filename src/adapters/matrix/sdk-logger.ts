import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { logger as globalSdkLogger } from "matrix-js-sdk/lib/logger.js";

export type SdkLogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<string, number> = { trace: 0, debug: 1, log: 1, info: 2, warn: 3, error: 4, silent: 5 };

type MethodFactory = (methodName: string, level: number, loggerName: string | symbol) => (...args: unknown[]) => void;
interface LoglevelLogger {
  methodFactory: MethodFactory;
  setLevel(level: string | number, persist?: boolean): void;
}

/**
 * SDK messages logged as errors or warnings that are harmless for a bot: MatrixRTC (calls) complains about state
 * events of rooms it has not seen yet, for every room the bot joins; the push processor adds rules the homeserver
 * lacks at every start; with thread support off, every message sent into a thread of an encrypted room (sent through
 * the SDK so that it encrypts) warns that the thread has no timeline of its own; cross-signing is set up before
 * secret storage on the first start.
 */
const NOISE = [
  /Got room state event for unknown room/,
  /Adding default global \w+ push rule/,
  /Couldn't find timeline for thread ID/,
  /resetCrossSigning: Secret storage is not yet set up/,
];

function isNoise(args: unknown[]): boolean {
  const first = args[0];
  return typeof first === "string" && NOISE.some((re) => re.test(first));
}

/** The least severe SDK log level that is still printed (process-wide: the SDK's loggers are global). */
let minRank = RANK.warn!;
let wrapped = false;

/**
 * Quiet matrix-js-sdk's logging down to `level` (it logs every HTTP request at debug level by default).
 * The SDK's child loggers (one per component, created with DEBUG) copy the root logger's method factory,
 * so a filtering factory on the root covers every logger created afterwards. Returns a logger with the same
 * filter for `createClient({ logger })`.
 */
export function sdkLogger(level: SdkLogLevel, sink: (level: string, parts: unknown[]) => void = defaultSink): Logger {
  minRank = RANK[level] ?? RANK.warn!;
  const root = globalSdkLogger as unknown as LoglevelLogger;
  if (!wrapped) {
    wrapped = true;
    const original = root.methodFactory;
    root.methodFactory = (methodName, lvl, loggerName) => {
      const method = original(methodName, lvl, loggerName);
      const rank = RANK[methodName] ?? RANK.info!;
      // loglevel methods read `this` (the logger's prefix): keep it.
      return function (this: unknown, ...args: unknown[]) {
        if (rank >= minRank && !isNoise(args)) method.apply(this, args);
      };
    };
  }
  root.setLevel("trace", false); // rebuild the root's methods with the filtering factory
  const at =
    (l: keyof typeof RANK) =>
    (...parts: unknown[]): void => {
      if ((RANK[l] ?? 0) >= minRank && !isNoise(parts)) sink(l, parts);
    };
  const log: Logger = {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    getChild: () => log,
  };
  return log;
}

function defaultSink(level: string, parts: unknown[]): void {
  const text = parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === "string" ? p : safeJson(p))).join(" ");
  process.stderr.write(`[matrix-sdk] ${level}: ${text}\n`);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 500) ?? String(v);
  } catch {
    return String(v);
  }
}
