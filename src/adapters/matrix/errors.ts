import { ConnectionError, MatrixError } from "matrix-js-sdk";
import { AdapterError } from "../../core/adapter.ts";

/** Error codes that mean "this will work later" although the status is below 500. */
const TRANSIENT_CODES = new Set(["M_UNKNOWN", "M_RESOURCE_LIMIT_EXCEEDED"]);
const UNAUTHORIZED_CODES = new Set(["M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_LOCKED", "M_USER_DEACTIVATED"]);

/** Matrix error codes are upper case (`M_FORBIDDEN`, namespaced `ORG.EXAMPLE.FOO`); anything else is not kept. */
const ERRCODE = /^[A-Z][A-Z0-9_.]{0,63}$/;

/**
 * Convert whatever matrix-js-sdk throws into an {@link AdapterError}: M_LIMIT_EXCEEDED / 429 → `rate_limited`
 * (with retry_after_ms or Retry-After), 5xx and network errors → `transient`, bad token → `unauthorized`,
 * M_FORBIDDEN, M_NOT_FOUND, M_TOO_LARGE … → `permanent`. Messages carry the errcode, never a token or request body.
 */
export function toAdapterError(err: unknown, what: string): AdapterError {
  if (err instanceof AdapterError) return err;
  if (err instanceof MatrixError) {
    // a server's errcode of another shape (an echoed token, a text) never reaches the timeline or the logs
    const code = err.errcode && ERRCODE.test(err.errcode) ? err.errcode : err.httpStatus ? `http_${err.httpStatus}` : "M_UNKNOWN";
    const status = err.httpStatus ?? 0;
    if (err.isRateLimitError()) {
      let retryAfterMs = 1_000;
      try {
        retryAfterMs = Math.max(0, err.getRetryAfterMs() ?? 1_000);
      } catch {
        // malformed hint: keep the default
      }
      return new AdapterError("rate_limited", `Matrix ${what}: ${code}, retry after ${retryAfterMs} ms`, {
        retryAfterMs,
        platformCode: code,
        cause: err,
      });
    }
    if (status >= 500 || status === 408 || (status === 0 && TRANSIENT_CODES.has(code))) {
      return new AdapterError("transient", `Matrix ${what}: ${code} (HTTP ${status})`, { platformCode: code, cause: err });
    }
    if (UNAUTHORIZED_CODES.has(code) || status === 401) {
      return new AdapterError("unauthorized", `Matrix ${what}: ${code}`, { platformCode: code, cause: err });
    }
    return new AdapterError("permanent", `Matrix ${what}: ${code} (HTTP ${status})`, { platformCode: code, cause: err });
  }
  if (err instanceof ConnectionError || (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))) {
    return new AdapterError("transient", `Matrix ${what}: network error (${err.name})`, { platformCode: "network", cause: err });
  }
  const name = err instanceof Error ? err.name : "Error";
  return new AdapterError("transient", `Matrix ${what}: unexpected ${name}`, { cause: err });
}
