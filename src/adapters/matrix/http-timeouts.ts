import type { MatrixClient } from "matrix-js-sdk";

type RequestOtherUrl = MatrixClient["http"]["requestOtherUrl"];
type RequestOpts = NonNullable<Parameters<RequestOtherUrl>[2]>;

/**
 * matrix-js-sdk enforces `localTimeoutMs` (80 s beyond the long-poll for every /sync) with a timer it never clears,
 * so a stopped bot lingers for up to two minutes before the process can exit. This replaces that timer, for this
 * client only, with an equivalent one that is cleared when the request ends and does not keep the process alive.
 */
export function useClearableTimeouts(client: MatrixClient): void {
  const http = client.http;
  const original = http.requestOtherUrl.bind(http) as (
    method: unknown,
    url: unknown,
    body?: unknown,
    opts?: RequestOpts,
  ) => Promise<unknown>;
  const wrapped = (method: unknown, url: unknown, body?: unknown, opts: RequestOpts = {}): Promise<unknown> => {
    const ms = opts.localTimeoutMs;
    if (ms === undefined) return original(method, url, body, opts);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), ms);
    timer.unref?.();
    const signal = opts.abortSignal ? AbortSignal.any([opts.abortSignal, timeout.signal]) : timeout.signal;
    return original(method, url, body, { ...opts, localTimeoutMs: undefined, abortSignal: signal }).finally(() => clearTimeout(timer));
  };
  http.requestOtherUrl = wrapped as unknown as RequestOtherUrl;
}
