import { type Logger, LogLevel } from "@slack/bolt";
import { type Clock, systemClock } from "../../core/clock.ts";
import type { InstallationsPort } from "../../core/ports.ts";
import { SlackAdapter } from "./adapter.ts";
import { readSlackConfig, SLACK_BOT_SCOPES, type SlackConfig, SlackConfigError } from "./config.ts";
import { createNotice, createRedactingLogger, type LogSink } from "./logger.ts";

export { SlackAdapter } from "./adapter.ts";
export { readSlackConfig, SLACK_BOT_SCOPES, type SlackConfig, SlackConfigError } from "./config.ts";
export { INSTALL_PATH, REDIRECT_PATH } from "./oauth-pages.ts";

/** Options of {@link createSlackAdapter}. Secrets given here are redacted from every log line. */
export interface CreateSlackAdapterOptions {
  /** One workspace's bot token; or `oauth` for many workspaces. */
  token?: string;
  /** Many workspaces through Slack's OAuth installation; installations kept in `installations` (the database). */
  oauth?: {
    clientId: string;
    clientSecret: string;
    stateSecret: string;
    installations: InstallationsPort;
    scopes?: readonly string[];
    redirectUri?: string;
    authorizationUrl?: string;
  };
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
  const secrets = [opts.token, opts.signingSecret, opts.appToken, opts.oauth?.clientSecret, opts.oauth?.stateSecret].filter(
    (s): s is string => typeof s === "string",
  );
  const logger = opts.logger ?? createRedactingLogger(secrets, opts.logSink, opts.logLevel ?? LogLevel.WARN);
  const o = opts.oauth;
  return new SlackAdapter({
    notice: createNotice(secrets, opts.logSink),
    ...(opts.token ? { token: opts.token } : {}),
    ...(o
      ? {
          oauth: {
            clientId: o.clientId,
            clientSecret: o.clientSecret,
            stateSecret: o.stateSecret,
            installations: o.installations,
            scopes: o.scopes ?? SLACK_BOT_SCOPES,
            ...(o.redirectUri ? { redirectUri: o.redirectUri } : {}),
            ...(o.authorizationUrl ? { authorizationUrl: o.authorizationUrl } : {}),
          },
        }
      : {}),
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
  deps: { installations?: InstallationsPort } = {},
): SlackAdapter | undefined {
  const cfg: SlackConfig | undefined = readSlackConfig(env);
  if (!cfg) return undefined;
  if (cfg.mode === "oauth") {
    if (!deps.installations) throw new SlackConfigError("Slack: OAuth-Installation ohne Datenbank / OAuth installation needs the database");
    return createSlackAdapter({
      signingSecret: cfg.signingSecret,
      oauth: {
        clientId: cfg.clientId,
        clientSecret: cfg.clientSecret,
        stateSecret: cfg.stateSecret,
        installations: deps.installations,
        ...(cfg.redirectUri ? { redirectUri: cfg.redirectUri } : {}),
      },
      ...(cfg.slackApiUrl ? { slackApiUrl: cfg.slackApiUrl } : {}),
      ...extra,
    });
  }
  return createSlackAdapter({
    token: cfg.token,
    ...(cfg.signingSecret ? { signingSecret: cfg.signingSecret } : {}),
    ...(cfg.appToken ? { appToken: cfg.appToken } : {}),
    ...(cfg.slackApiUrl ? { slackApiUrl: cfg.slackApiUrl } : {}),
    ...extra,
  });
}
