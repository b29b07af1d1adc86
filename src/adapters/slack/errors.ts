import { webApi } from "@slack/bolt";
import { AdapterError } from "../../core/adapter.ts";

/** Slack `error` names that mean "try again later", not "this will never work". */
const TRANSIENT_PLATFORM = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

/**
 * Convert anything the WebClient throws into an {@link AdapterError}: 429 → `rate_limited` (with Retry-After),
 * 5xx and network errors → `transient`, `{ok:false, error}` → `permanent` with the Slack error name.
 * Never includes request bodies or tokens in the message.
 */
export function toAdapterError(err: unknown, method: string): AdapterError {
  if (err instanceof AdapterError) return err;
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new AdapterError("rate_limited", `Slack ${method}: rate limited, retry after ${err.retryAfter}s`, {
      retryAfterMs: Math.max(0, err.retryAfter) * 1000,
      platformCode: "ratelimited",
    });
  }
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = typeof err.data.error === "string" ? err.data.error : "unknown_error";
    if (code === "ratelimited") {
      const retry = Number(err.data.response_metadata?.retryAfter ?? 1);
      return new AdapterError("rate_limited", `Slack ${method}: ${code}`, { retryAfterMs: retry * 1000, platformCode: code });
    }
    const kind = TRANSIENT_PLATFORM.has(code) ? "transient" : "permanent";
    return new AdapterError(kind, `Slack ${method}: ${code}`, { platformCode: code });
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    const s = err.statusCode;
    const kind = s >= 500 || s === 408 ? "transient" : s === 401 || s === 403 ? "unauthorized" : "permanent";
    return new AdapterError(kind, `Slack ${method}: HTTP ${s}`, { platformCode: `http_${s}` });
  }
  if (err instanceof webApi.WebAPIRequestError) {
    return new AdapterError("transient", `Slack ${method}: network error (${err.original?.name ?? "Error"})`, {
      platformCode: "request_error",
    });
  }
  const name = err instanceof Error ? err.name : "Error";
  return new AdapterError("transient", `Slack ${method}: unexpected ${name}`);
}
