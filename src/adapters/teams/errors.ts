import { AdapterError } from "../../core/adapter.ts";

interface HttpLikeError {
  status: number;
  response?: { headers?: { get(name: string): string | null }; data?: unknown };
}

function isHttpLike(e: unknown): e is HttpLikeError {
  return typeof e === "object" && e !== null && typeof (e as HttpLikeError).status === "number";
}

/** `Retry-After` in seconds or as an HTTP date, in ms from `now`. */
export function retryAfterMs(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The shape of the Bot Connector's error codes (`BadArgument`, `ConversationNotFound`, `BotNotInConversationRoster`):
 * one PascalCase word. Anything else may be an echo of what was sent (a token, the app password glued to a code).
 */
const CONNECTOR_CODE = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** The Bot Connector's error code from `{ error: { code, message } }` if of its shape, else `http_<status>`. */
function platformCodeOf(e: HttpLikeError): string {
  const data = e.response?.data as { error?: { code?: unknown } } | undefined;
  const code = data?.error?.code;
  return typeof code === "string" && CONNECTOR_CODE.test(code) ? code : `http_${e.status}`;
}

/** MSAL's error codes are Entra's OAuth error names (`invalid_client`, `unauthorized_client`); others are not kept. */
const ENTRA_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Map a Bot Connector failure to the project's coded error: 429 → rate_limited (Retry-After), 5xx/408/network →
 * transient, other 4xx (401/403/404 …) → permanent with the platform code. The core's outbox does all retrying.
 */
export function toAdapterError(err: unknown, now: Date): AdapterError {
  if (err instanceof AdapterError) return err;
  if (isHttpLike(err)) {
    const code = platformCodeOf(err);
    if (err.status === 429) {
      const ms = retryAfterMs(err.response?.headers?.get("retry-after"), now);
      return new AdapterError("rate_limited", `Teams: zu viele Anfragen (429) / rate limited`, {
        ...(ms !== undefined ? { retryAfterMs: ms } : {}),
        platformCode: code,
        cause: err,
      });
    }
    if (err.status >= 500 || err.status === 408) {
      return new AdapterError("transient", `Teams: Dienst vorübergehend gestört (${err.status}) / service error`, {
        platformCode: code,
        cause: err,
      });
    }
    return new AdapterError("permanent", `Teams lehnt die Nachricht ab (${err.status} ${code}) / rejected`, {
      platformCode: code,
      cause: err,
    });
  }
  // MSAL (token for the Bot Connector): wrong app id / secret / tenant will not heal by retrying.
  const msal = err as { errorCode?: unknown } | null;
  if (typeof msal?.errorCode === "string") {
    const bad = /invalid_client|unauthorized_client|invalid_request|invalid_tenant|tenant_not_found|AADSTS7000215|AADSTS700016/i;
    const text = `${msal.errorCode} ${(err as Error).message ?? ""}`;
    if (bad.test(text)) {
      return new AdapterError(
        "unauthorized",
        "Teams: Anmeldung des Bots fehlgeschlagen (App-ID/Passwort/Tenant prüfen) / bot credentials rejected",
        {
          platformCode: entraCode(msal.errorCode),
          cause: err,
        },
      );
    }
    return new AdapterError("transient", "Teams: Token konnte nicht geholt werden / token request failed", {
      platformCode: entraCode(msal.errorCode),
      cause: err,
    });
  }
  // never the error's text (it may carry a URL or what was sent): its name and a system code such as ECONNREFUSED
  const name = err instanceof Error && /^[A-Za-z]{1,40}$/.test(err.name) ? err.name : "Error";
  const sys = [(err as { code?: unknown } | null)?.code, (err as { cause?: { code?: unknown } } | null)?.cause?.code].find(
    (c): c is string => typeof c === "string" && /^[A-Z][A-Z0-9_]{1,39}$/.test(c),
  );
  return new AdapterError("transient", `Teams nicht erreichbar / unreachable: ${name}${sys ? ` ${sys}` : ""}`, {
    platformCode: "network",
    cause: err,
  });
}

function entraCode(code: string): string {
  return ENTRA_CODE.test(code) ? code : "token_error";
}
