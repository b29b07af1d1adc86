import { join } from "node:path";
import type { AuthConfiguration } from "@microsoft/agents-hosting";
import type { Clock } from "../../core/clock.ts";
import type { AdapterStatePort } from "../../core/ports.ts";

/** Settings of the Teams adapter. Without `appId` it runs unauthenticated (local testing only). */
export interface TeamsAdapterOptions {
  /** `MICROSOFT_APP_ID`: the bot's Entra app (client) id. */
  appId?: string;
  /** `MICROSOFT_APP_PASSWORD`: client secret. */
  appPassword?: string;
  /**
   * `MICROSOFT_APP_TENANT_ID`: the home tenant of the bot's registration (Azure Bot type "Single Tenant", the only
   * type Azure creates since 31 July 2025). Its Entra app may still accept accounts of any organisation, so this one
   * registration serves the Teams of every client. Absent, `common`, `organizations` or `botframework.com`: a bot
   * registered as "Multi Tenant" before that date ({@link teamsAuthMode}).
   */
  tenantId?: string;
  /**
   * Where conversation references, display names and welcomed conversations are kept: the database, handed in by
   * the wiring (`serve`), shared by every process on it. Absent: in memory (local tests).
   */
  state?: AdapterStatePort;
  /** `teams-references.json` of older versions: imported into {@link state} once at start, then renamed. */
  legacyReferenceFile?: string;
  /** Route to mount; default `/api/messages`. */
  path?: string;
  clock?: Clock;
  /** `NODE_ENV`; default `process.env.NODE_ENV`. */
  nodeEnv?: string;
  /** Where start-up warnings go; default stderr. */
  warn?: (text: string) => void;
  /** Service URL when a channel has no stored reference yet (authenticated mode only); default Teams' global URL. */
  fallbackServiceUrl?: string;
}

/** Thrown when the adapter must not start (e.g. unauthenticated in production). */
export class TeamsConfigError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "TeamsConfigError";
    this.code = code;
  }
}

export const GLOBAL_SERVICE_URL = "https://smba.trafficmanager.net/teams/";

export const UNAUTHENTICATED_WARNING = [
  "",
  "!!! ACHTUNG: Teams-Adapter läuft OHNE ANMELDUNG (MICROSOFT_APP_ID ist nicht gesetzt).",
  "!!! Jede Anfrage an /api/messages wird geglaubt; jeder, der diesen Server erreicht, kann sich als beliebige Person ausgeben.",
  "!!! Nur für lokale Tests (Bot Framework Emulator). Für den Betrieb MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD und",
  "!!! MICROSOFT_APP_TENANT_ID setzen (siehe docs/teams.md).",
  "!!! WARNING: Teams adapter is running UNAUTHENTICATED (MICROSOFT_APP_ID is not set). Every request to /api/messages",
  "!!! is trusted; anyone who can reach this server can impersonate anyone. Local testing only. For production set",
  "!!! MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (see docs/teams.md).",
  "",
].join("\n");

export const PRODUCTION_REFUSAL =
  "Teams-Adapter startet nicht: NODE_ENV=production, aber MICROSOFT_APP_ID fehlt. Ohne Anmeldung läuft der Bot nur für lokale Tests. " +
  "Bitte MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD und MICROSOFT_APP_TENANT_ID setzen (siehe docs/teams.md).\n" +
  "Teams adapter refuses to start: NODE_ENV=production but MICROSOFT_APP_ID is not set. Set MICROSOFT_APP_ID, " +
  "MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (see docs/teams.md).";

/** Throws {@link TeamsConfigError} for settings that must not run; returns warnings for settings that may. */
export function checkTeamsOptions(o: TeamsAdapterOptions): string[] {
  const env = (o.nodeEnv ?? process.env.NODE_ENV ?? "").toLowerCase();
  if (!o.appId) {
    if (env === "production") throw new TeamsConfigError("teams_unauthenticated_in_production", PRODUCTION_REFUSAL);
    return [UNAUTHENTICATED_WARNING];
  }
  const warnings: string[] = [];
  if (!o.appPassword) {
    warnings.push(
      "Teams: MICROSOFT_APP_PASSWORD fehlt; der Bot kann eingehende Nachrichten prüfen, aber nicht antworten.\n" +
        "Teams: MICROSOFT_APP_PASSWORD is missing; the bot can verify requests but cannot reply.",
    );
  }
  if (teamsAuthMode(o) === "multi-tenant") {
    warnings.push(
      "Teams: MICROSOFT_APP_TENANT_ID ist nicht gesetzt (oder common): Anmeldung als Multi-Tenant-Bot über den Bot-Framework-Mandanten. " +
        "Das passt nur zu einer Azure-Bot-Registrierung vom Typ Multi Tenant (vor dem 31.07.2025 angelegt). Neue Registrierungen sind " +
        "Single Tenant: dann die Mandanten-ID (Tenant ID) Ihres eigenen Entra-Mandanten eintragen – eine Registrierung bedient trotzdem " +
        "alle Kunden (siehe docs/teams.md).\n" +
        "Teams: MICROSOFT_APP_TENANT_ID is not set (or common): signing in as a multi-tenant bot via the Bot Framework tenant. This only " +
        "fits an Azure Bot of type Multi Tenant (created before 31 July 2025). New registrations are Single Tenant: set your own Entra " +
        "tenant id; one registration still serves every client (see docs/teams.md).",
    );
  }
  return warnings;
}

/** Tenant values that do not name the bot's home tenant. */
const NOT_A_HOME_TENANT = new Set(["common", "organizations", "botframework.com"]);

/**
 * How the bot signs in, following the Bot Connector's rules (docs "Authentication with the Bot Connector API"):
 * - `single-tenant` (`MICROSOFT_APP_TENANT_ID` = the registration's home tenant): tokens for the Bot Connector come
 *   from `login.microsoftonline.com/<home tenant>`; this is also how one registration serves many client tenants
 *   (Entra app with "accounts in any organizational directory", the Teams app installed in each client tenant).
 * - `multi-tenant` (absent, `common`, `organizations`, `botframework.com`): a bot registered as Multi Tenant; tokens
 *   come from the Bot Framework tenant `botframework.com`.
 * In both modes a request from Teams, whatever client tenant it comes from, carries a Bot Connector token (issuer
 * `https://api.botframework.com`, audience = app id); the client's tenant is in the activity, never the token.
 */
export function teamsAuthMode(o: Pick<TeamsAdapterOptions, "tenantId">): "single-tenant" | "multi-tenant" {
  const t = o.tenantId?.trim().toLowerCase();
  return !t || NOT_A_HOME_TENANT.has(t) ? "multi-tenant" : "single-tenant";
}

/**
 * The SDK's settings: audience (app id), secret, the tenant tokens are requested from, and issuer validation on
 * (the SDK's default is off): the Bot Connector's `https://api.botframework.com`, Microsoft's first-party tenants,
 * and in single-tenant mode the Entra issuers of the home tenant (v1 `sts.windows.net/<tenant>/`, v2
 * `login.microsoftonline.com/<tenant>/v2.0`). Empty without an app id (unauthenticated local mode).
 */
export function sdkAuth(o: TeamsAdapterOptions): AuthConfiguration {
  if (!o.appId) return {};
  const tenantId = teamsAuthMode(o) === "single-tenant" ? o.tenantId!.trim() : "botframework.com";
  return {
    clientId: o.appId,
    ...(o.appPassword ? { clientSecret: o.appPassword } : {}),
    tenantId,
    validateIssuer: true,
    // The core's outbox is the only retry mechanism.
    msalRetryCount: 0,
  };
}

/**
 * Options from the environment (`MICROSOFT_APP_ID`, `MICROSOFT_APP_PASSWORD`, `MICROSOFT_APP_TENANT_ID`);
 * `<dataDir>/teams-references.json` of older versions is imported into the database at start.
 */
export function teamsOptionsFromEnv(env: NodeJS.ProcessEnv, dataDir?: string): TeamsAdapterOptions {
  const get = (k: string) => {
    const v = env[k]?.trim();
    return v ? v : undefined;
  };
  const appId = get("MICROSOFT_APP_ID");
  const appPassword = get("MICROSOFT_APP_PASSWORD");
  const tenantId = get("MICROSOFT_APP_TENANT_ID");
  const nodeEnv = get("NODE_ENV");
  return {
    ...(appId ? { appId } : {}),
    ...(appPassword ? { appPassword } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(nodeEnv ? { nodeEnv } : {}),
    ...(dataDir ? { legacyReferenceFile: join(dataDir, "teams-references.json") } : {}),
  };
}
