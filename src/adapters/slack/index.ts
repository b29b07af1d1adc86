import { type Logger, LogLevel } from "@slack/bolt";
import { type Clock, systemClock } from "../../core/clock.ts";
import { SlackAdapter } from "./adapter.ts";
import { readSlackConfig, type SlackConfig } from "./config.ts";
import { createRedactingLogger, type LogSink } from "./logger.ts";

export { SlackAdapter } from "./adapter.ts";
export { readSlackConfig, type SlackConfig, SlackConfigError } from "./config.ts";

/** Options of {@link createSlackAdapter}. Secrets given here are redacted from every log line. */
export interface CreateSlackAdapterOptions {
  token: string;
  /** Required in HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Web API base URL (tests: the fake Slack API). */
  slackApiUrl?: string;
  clock?: Clock;
  /** A Bolt-compatible logger; default: redacting stderr logger at level warn. */
  logger?: Logger;
  /** Where the default logger writes (tests capture lines here). */
  logSink?: LogSink;
  logLevel?: LogLevel;
  command?: string;
  requestTimeoutMs?: number;
}

/** Build the Slack adapter. HTTP mode unless `appToken` is given. */
export function createSlackAdapter(opts: CreateSlackAdapterOptions): SlackAdapter {
  const secrets = [opts.token, opts.signingSecret, opts.appToken].filter((s): s is string => typeof s === "string");
  const logger = opts.logger ?? createRedactingLogger(secrets, opts.logSink, opts.logLevel ?? LogLevel.WARN);
  return new SlackAdapter({
    token: opts.token,
    clock: opts.clock ?? systemClock,
    logger,
    ...(opts.signingSecret ? { signingSecret: opts.signingSecret } : {}),
    ...(opts.appToken ? { appToken: opts.appToken } : {}),
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.command ? { command: opts.command } : {}),
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
}

/**
 * For `notfallbot serve`: the Slack adapter when SLACK_* variables are set, otherwise undefined.
 * Throws `SlackConfigError` (German + English) when they are incomplete.
 */
export function createSlackAdapterFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  extra: { clock?: Clock; logSink?: LogSink } = {},
): SlackAdapter | undefined {
  const cfg: SlackConfig | undefined = readSlackConfig(env);
  if (!cfg) return undefined;
  return createSlackAdapter({
    token: cfg.token,
    ...(cfg.signingSecret ? { signingSecret: cfg.signingSecret } : {}),
    ...(cfg.appToken ? { appToken: cfg.appToken } : {}),
    ...(cfg.slackApiUrl ? { slackApiUrl: cfg.slackApiUrl } : {}),
    ...extra,
  });
}
