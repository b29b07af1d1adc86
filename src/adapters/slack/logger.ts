import { type Logger, LogLevel } from "@slack/bolt";
import { redact } from "../redact.ts";

/** Where log lines go (default: stderr). */
export type LogSink = (level: LogLevel, line: string) => void;

const ORDER: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

function format(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (typeof p === "string") return p;
      if (p instanceof Error) return `${p.name}: ${p.message}`;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(" ");
}

/** The default sink: one line on stderr. */
const STDERR: LogSink = (_lvl, line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Lines an operator must see whatever the log level (a workspace installed or removed the app), redacted like
 * every other line.
 */
export function createNotice(secrets: readonly string[], sink: LogSink = STDERR): (msg: string) => void {
  return (msg) => sink(LogLevel.INFO, redact(`[INFO] slack: ${msg}`, secrets));
}

/**
 * A Bolt/WebClient logger that never writes a token or the signing secret: every line passes through
 * the shared redaction (`src/adapters/redact.ts`). Default level `warn`.
 */
export function createRedactingLogger(secrets: readonly string[], sink?: LogSink, level: LogLevel = LogLevel.WARN): Logger {
  let current = level;
  let name = "slack";
  const write: LogSink =
    sink ??
    ((lvl, line) => {
      process.stderr.write(`${line}\n`);
      void lvl;
    });
  const log = (lvl: LogLevel, parts: unknown[]) => {
    if (ORDER[lvl] < ORDER[current]) return;
    write(lvl, redact(`[${lvl.toUpperCase()}] ${name}: ${format(parts)}`, secrets));
  };
  return {
    debug: (...m: unknown[]) => log(LogLevel.DEBUG, m),
    info: (...m: unknown[]) => log(LogLevel.INFO, m),
    warn: (...m: unknown[]) => log(LogLevel.WARN, m),
    error: (...m: unknown[]) => log(LogLevel.ERROR, m),
    setLevel: (l: LogLevel) => {
      // Bolt raises the level to what the app asks for; never go below warn unless we were created lower.
      current = ORDER[l] < ORDER[level] ? level : l;
    },
    getLevel: () => current,
    setName: (n: string) => {
      name = n;
    },
  };
}
