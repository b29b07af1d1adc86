/**
 * Slash commands as Slack sends them, for the Slack benchmark: the same form fields as the Slack test harness
 * (tests/adapters/slack/harness.ts), signed with the test helpers' Slack signature (v0 HMAC-SHA256).
 */
import { TEAM_ID } from "../../tests/adapters/slack/fake-slack-api.ts";
import { formBody, slackSignature } from "../../tests/adapters/slack/signed-request.ts";

/** The signing secret both servers of the Slack benchmark verify with. */
export const BENCH_SIGNING_SECRET = "bench-8d1f0c3a5e7b9d2f4a6c8e0b1d3f5a7c";

let n = 0;

/** `/notfall <text>` by anna in `channel`, with a unique trigger id (the core's delivery id). */
export function slashCommand(channel: string, text: string): string {
  n++;
  return formBody({
    token: "gIkuvaNzQIHg97ATvDxqgjtO",
    team_id: TEAM_ID,
    team_domain: "praxis-test",
    channel_id: channel,
    channel_name: "it-notfall",
    user_id: "U0ANNA",
    user_name: "anna.albers",
    command: "/notfall",
    text,
    api_app_id: "A0NOTFALL",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.com/commands/${TEAM_ID}/${process.pid}${n}/xyz`,
    trigger_id: `${process.pid}${String(n).padStart(7, "0")}.738474920.${n.toString(16).padStart(12, "0")}`,
  });
}

/** The headers Slack signs a request with (timestamp: now, as Bolt checks it against the real clock). */
export function signedHeaders(body: string, secret = BENCH_SIGNING_SECRET): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": slackSignature(secret, ts, body),
  };
}
