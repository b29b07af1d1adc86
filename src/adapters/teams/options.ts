import { join } from "node:path";
import type { Clock } from "../../core/clock.ts";

/** Settings of the Teams adapter. Without `appId` it runs unauthenticated (local testing only). */
export interface TeamsAdapterOptions {
  /** `MICROSOFT_APP_ID`: the bot's Entra app (client) id. */
  appId?: string;
  /** `MICROSOFT_APP_PASSWORD`: client secret. */
  appPassword?: string;
  /** `MICROSOFT_APP_TENANT_ID`: tenant of a single-tenant bot. */
  tenantId?: string;
  /** JSON file for conversation references, so proactive messages work after a restart (under the data directory). */
  referenceFile?: string;
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
  if (!o.tenantId) {
    warnings.push(
      "Teams: MICROSOFT_APP_TENANT_ID fehlt; für einen Single-Tenant-Bot (Standard seit 2025) muss sie gesetzt sein.\n" +
        "Teams: MICROSOFT_APP_TENANT_ID is missing; single-tenant bots (the default since 2025) need it.",
    );
  }
  return warnings;
}

/**
 * Options from the environment (`MICROSOFT_APP_ID`, `MICROSOFT_APP_PASSWORD`, `MICROSOFT_APP_TENANT_ID`);
 * the reference file goes to `<dataDir>/teams-references.json`.
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
    ...(dataDir ? { referenceFile: join(dataDir, "teams-references.json") } : {}),
  };
}
