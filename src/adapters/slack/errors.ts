import { webApi } from "@slack/bolt";
import { AdapterError } from "../../core/adapter.ts";

/** Slack `error` names that mean "try again later", not "this will never work". */
const TRANSIENT_PLATFORM = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

/** The shape of Slack's error names (`channel_not_found`, `invalid_auth`, …). */
const SLACK_CODE = /^[a-z0-9_]{1,64}$/;

/** What an `error` of another shape becomes: never the text itself, which may echo a token or a request. */
export const UNKNOWN_SLACK_ERROR = "unknown_error";

/**
 * Slack's `error` field as a code that is safe to keep (timeline, outbox, logs, chat): Slack's own names match
 * `^[a-z0-9_]{1,64}$`; anything else (an echoed token `invalid_auth_xoxb-…`, HTML, a long text) becomes
 * {@link UNKNOWN_SLACK_ERROR}.
 */
export function slackErrorCode(value: unknown): string {
  return typeof value === "string" && SLACK_CODE.test(value) ? value : UNKNOWN_SLACK_ERROR;
}

/**
 * Convert anything the WebClient throws into an {@link AdapterError}: 429 → `rate_limited` (with Retry-After),
 * 5xx and network errors → `transient`, `{ok:false, error}` → `permanent` with the Slack error name.
 * Never includes request bodies or tokens in the message, and only error names of Slack's shape ({@link slackErrorCode}).
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
    const code = slackErrorCode(err.data.error);
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
