/** Sign and POST requests the way Slack does (https://docs.slack.dev/authentication/verifying-requests-from-slack). */
import { createHmac } from "node:crypto";

/** `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** A slash command body, URL-encoded like Slack sends it. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** An interactivity payload (block_actions), sent as `payload=<json>` form field. */
export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SignedPost {
  body: string;
  contentType: "application/x-www-form-urlencoded" | "application/json";
  /** Seconds since epoch used for signing (default: real now; Bolt checks against the real clock). */
  timestamp?: number;
  /** Override the signature (forgery tests). */
  signature?: string;
  headers?: Record<string, string>;
}

export interface PostResult {
  status: number;
  text: string;
  /** Wall time until the response arrived, ms. */
  ms: number;
}

/** POST a signed request to `url` (our express app on loopback). */
export async function postSigned(url: string, secret: string, req: SignedPost): Promise<PostResult> {
  const ts = req.timestamp ?? Math.floor(Date.now() / 1000);
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": req.contentType,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": req.signature ?? slackSignature(secret, ts, req.body),
      ...req.headers,
    },
    body: req.body,
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}
