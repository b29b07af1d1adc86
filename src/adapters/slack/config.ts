/** Slack settings read from the environment (`notfallbot serve`). */
export interface SlackConfig {
  /** `http`: Events API / interactivity / slash commands on `POST /slack/events`; `socket`: Socket Mode (no public URL). */
  mode: "http" | "socket";
  /** Bot token (`xoxb-…`). */
  token: string;
  /** Signing secret; required in HTTP mode. */
  signingSecret?: string;
  /** App-level token (`xapp-…`) for Socket Mode. */
  appToken?: string;
  /** Web API base URL, ending in `/` (default Slack's). */
  slackApiUrl?: string;
}

/** Raised when Slack settings are present but incomplete or malformed. German first, English second. */
export class SlackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlackConfigError";
  }
}

/**
 * Read the Slack settings. Returns `undefined` when no Slack variable is set (Slack stays off);
 * throws {@link SlackConfigError} when some are set but not enough to run.
 */
export function readSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig | undefined {
  const token = clean(env.SLACK_BOT_TOKEN);
  const signingSecret = clean(env.SLACK_SIGNING_SECRET);
  const appToken = clean(env.SLACK_APP_TOKEN);
  const apiUrl = clean(env.SLACK_API_URL);
  if (!token && !signingSecret && !appToken) return undefined;
  if (!token) {
    throw new SlackConfigError(
      "Slack: SLACK_BOT_TOKEN fehlt (beginnt mit xoxb-, zu finden unter „OAuth & Permissions“). / SLACK_BOT_TOKEN is missing.",
    );
  }
  const slackApiUrl = apiUrl ? normaliseApiUrl(apiUrl) : undefined;
  if (appToken) {
    return { mode: "socket", token, appToken, ...(signingSecret ? { signingSecret } : {}), ...(slackApiUrl ? { slackApiUrl } : {}) };
  }
  if (!signingSecret) {
    throw new SlackConfigError(
      "Slack: SLACK_SIGNING_SECRET fehlt (zu finden unter „Basic Information → App Credentials“). " +
        "Für Socket Mode stattdessen SLACK_APP_TOKEN (xapp-…) setzen. / SLACK_SIGNING_SECRET is missing (or set SLACK_APP_TOKEN for Socket Mode).",
    );
  }
  return { mode: "http", token, signingSecret, ...(slackApiUrl ? { slackApiUrl } : {}) };
}

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function normaliseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SlackConfigError(
      `Slack: SLACK_API_URL ist keine gültige URL (Beispiel: https://slack.com/api/). / SLACK_API_URL is not a valid URL.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SlackConfigError("Slack: SLACK_API_URL muss mit https:// beginnen. / SLACK_API_URL must be an http(s) URL.");
  }
  const s = url.toString();
  return s.endsWith("/") ? s : `${s}/`;
}
