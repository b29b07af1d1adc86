/** Slack settings read from the environment (`notfallbot serve`). */
export type SlackConfig = SlackTokenConfig | SlackOAuthConfig;

/** One workspace with one bot token (`SLACK_BOT_TOKEN`). */
export interface SlackTokenConfig {
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

/**
 * Many workspaces through Slack's OAuth installation flow ("Add to Slack" on `/slack/install`, Slack returns to
 * `/slack/oauth_redirect`): each workspace's bot token is stored in the database when it installs the app.
 */
export interface SlackOAuthConfig {
  mode: "oauth";
  /** Basic Information → App Credentials → Client ID. */
  clientId: string;
  /** Basic Information → App Credentials → Client Secret. */
  clientSecret: string;
  /** Our own secret for the `state` parameter of the install link (CSRF protection), at least 16 characters. */
  stateSecret: string;
  signingSecret: string;
  /** Where Slack returns after "Allow" (SLACK_REDIRECT_URI); default: the app's only redirect URL. */
  redirectUri?: string;
  slackApiUrl?: string;
}

/** The bot scopes asked for on installation: those of deploy/slack/manifest.yaml (a test keeps them equal). */
export const SLACK_BOT_SCOPES: readonly string[] = [
  "commands",
  "chat:write",
  "chat:write.public",
  "reactions:read",
  "reactions:write",
  "users:read",
  "channels:read",
  "groups:read",
  "channels:history",
  "groups:history",
  "im:history",
  "mpim:history",
  "app_mentions:read",
];

/** Shortest state secret accepted (it keys the HMAC of the install link's state). */
const MIN_STATE_SECRET = 16;

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
  const oauth = [clean(env.SLACK_CLIENT_ID), clean(env.SLACK_CLIENT_SECRET), clean(env.SLACK_STATE_SECRET)] as const;
  if (oauth.some((v) => v !== undefined)) return readOAuth(env, oauth, { token, signingSecret, appToken, apiUrl });
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

function readOAuth(
  env: NodeJS.ProcessEnv,
  [clientId, clientSecret, stateSecret]: readonly [string | undefined, string | undefined, string | undefined],
  o: { token: string | undefined; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string | undefined },
): SlackOAuthConfig {
  const missing = [
    clientId ? undefined : "SLACK_CLIENT_ID (Basic Information → App Credentials → Client ID)",
    clientSecret ? undefined : "SLACK_CLIENT_SECRET (Basic Information → App Credentials → Client Secret)",
    stateSecret ? undefined : "SLACK_STATE_SECRET (ein eigenes Geheimnis, z. B. `openssl rand -hex 32`)",
    o.signingSecret ? undefined : "SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret)",
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    throw new SlackConfigError(
      `Slack-Installation über OAuth (mehrere Workspaces): es ${missing.length === 1 ? "fehlt" : "fehlen"} ${missing.join(", ")}. ` +
        "Für einen einzelnen Workspace stattdessen SLACK_CLIENT_ID, SLACK_CLIENT_SECRET und SLACK_STATE_SECRET weglassen und SLACK_BOT_TOKEN setzen. " +
        `/ Slack OAuth installation: missing ${missing.map((m) => m.split(" ")[0]).join(", ")}.`,
    );
  }
  if (o.token) {
    throw new SlackConfigError(
      "Slack: SLACK_BOT_TOKEN und die OAuth-Installation (SLACK_CLIENT_ID …) sind beide gesetzt. Entweder ein Workspace mit " +
        "SLACK_BOT_TOKEN oder viele Workspaces über OAuth – bei OAuth SLACK_BOT_TOKEN entfernen, die Tokens stehen dann in der Datenbank. " +
        "/ SLACK_BOT_TOKEN and OAuth are both set: remove SLACK_BOT_TOKEN for OAuth.",
    );
  }
  if (o.appToken) {
    throw new SlackConfigError(
      "Slack: Die OAuth-Installation braucht eine öffentliche HTTPS-Adresse (/slack/install, /slack/oauth_redirect, /slack/events); " +
        "SLACK_APP_TOKEN (Socket Mode) bitte entfernen. / OAuth installation needs HTTP mode: remove SLACK_APP_TOKEN.",
    );
  }
  if (stateSecret!.length < MIN_STATE_SECRET) {
    throw new SlackConfigError(
      `Slack: SLACK_STATE_SECRET ist zu kurz (mindestens ${MIN_STATE_SECRET} Zeichen; erzeugen z. B. mit \`openssl rand -hex 32\`). ` +
        "/ SLACK_STATE_SECRET too short.",
    );
  }
  const redirect = clean(env.SLACK_REDIRECT_URI);
  if (redirect && !/^https?:\/\/[^/]+\/(?:.*\/)?slack\/oauth_redirect$/.test(redirect)) {
    throw new SlackConfigError(
      "Slack: SLACK_REDIRECT_URI muss die volle Adresse sein und auf /slack/oauth_redirect enden, z. B. https://notfall.example.de/slack/oauth_redirect " +
        "(so auch unter „OAuth & Permissions → Redirect URLs“ eintragen). / SLACK_REDIRECT_URI must be a full URL ending in /slack/oauth_redirect.",
    );
  }
  const slackApiUrl = o.apiUrl ? normaliseApiUrl(o.apiUrl) : undefined;
  return {
    mode: "oauth",
    clientId: clientId!,
    clientSecret: clientSecret!,
    stateSecret: stateSecret!,
    signingSecret: o.signingSecret!,
    ...(redirect ? { redirectUri: redirect } : {}),
    ...(slackApiUrl ? { slackApiUrl } : {}),
  };
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
