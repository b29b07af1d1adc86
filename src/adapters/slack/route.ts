import type { IncomingHttpHeaders } from "node:http";
import type { RouteLimits } from "../http.ts";

/**
 * Largest request body accepted on `POST /slack/events`. Slack's payloads are small: our largest button press
 * (`block_actions` carrying a whole status message, form-encoded) is about 20 KB, a message event at Slack's limit of
 * 40,000 characters (text plus its rich_text copy) about 100 KB. Bolt reads up to 4 MB by default.
 */
export const SLACK_MAX_BODY_BYTES = 256 * 1024;

/** Slack's window for `X-Slack-Request-Timestamp` (https://docs.slack.dev/authentication/verifying-requests-from-slack). */
export const SLACK_MAX_AGE_SECONDS = 5 * 60;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * Headers of a request Slack could have sent: one `X-Slack-Signature` of the form `v0=<64 hex>` and an
 * `X-Slack-Request-Timestamp` within five minutes of now (either direction). Shape only: Bolt verifies the HMAC.
 */
export function slackHeaderShape(headers: IncomingHttpHeaders, nowMs: number): string | undefined {
  const sig = headers["x-slack-signature"];
  const ts = headers["x-slack-request-timestamp"];
  if (typeof sig !== "string" || !SIGNATURE.test(sig)) return "X-Slack-Signature missing or malformed";
  if (typeof ts !== "string" || !TIMESTAMP.test(ts)) return "X-Slack-Request-Timestamp missing or malformed";
  if (Math.abs(nowMs / 1000 - Number(ts)) > SLACK_MAX_AGE_SECONDS) return "X-Slack-Request-Timestamp not within 5 minutes";
  return undefined;
}

/** The limits of Slack's webhook route (slash commands and interactivity are form-encoded, events are JSON). */
export function slackRoute(path: string): RouteLimits {
  return {
    path,
    maxBodyBytes: SLACK_MAX_BODY_BYTES,
    contentTypes: ["application/x-www-form-urlencoded", "application/json"],
    precheck: slackHeaderShape,
  };
}

/**
 * Slack's OAuth pages (`GET /slack/install`, `GET /slack/oauth_redirect`): a browser opens them, with no body. Bolt
 * mounts the redirect with `router.use`, which would answer any method below that path; everything but GET/HEAD is
 * refused (405) and any body (413) before Bolt sees the request.
 */
export function slackOAuthRoute(path: string): RouteLimits {
  return { path, methods: ["GET", "HEAD"], subpaths: true, maxBodyBytes: 0 };
}
