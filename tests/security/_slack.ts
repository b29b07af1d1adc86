/** Signed Slack requests (slash command, thread reply) to a `notfallbot serve` child, as Slack sends them. */
import { fixture } from "../adapters/slack/fixtures.ts";
import { formBody, slackSignature } from "../adapters/slack/signed-request.ts";
import { SIGNING_SECRET } from "./_serve.ts";

let n = 0;

async function post(port: number, contentType: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(SIGNING_SECRET, ts, body),
    },
    body,
  });
  await res.text();
  return res.status;
}

/** `/notfall <text>` typed by `user` in channel C0NOTFALL; resolves with the HTTP status. */
export function slashCommand(port: number, text: string, user = "U0ANNA"): Promise<number> {
  n++;
  const body = formBody({
    ...fixture<Record<string, string>>("slash-command"),
    user_id: user,
    text,
    trigger_id: `${9_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`,
  });
  return post(port, "application/x-www-form-urlencoded", body);
}

/** A message `text` by `user` in the thread of `threadTs` (Events API `message` event). */
export function threadReply(port: number, text: string, threadTs: string, user = "U0ANNA"): Promise<number> {
  n++;
  const base = fixture<{ event: Record<string, unknown> } & Record<string, unknown>>("event-message-thread");
  const ts = `${1_772_500_000 + n}.000100`;
  const { blocks: _omitted, ...event } = base.event;
  const body = JSON.stringify({
    ...base,
    event: { ...event, client_msg_id: `sec-${n}`, text, user, ts, event_ts: ts, thread_ts: threadTs },
    event_id: `Ev0SEC${String(n).padStart(6, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
  });
  return post(port, "application/json", body);
}

/** Poll `check` every 50 ms until it returns a value (not undefined/false), at most `ms`. */
export async function until<T>(check: () => T | undefined | false, ms = 15_000, what = "condition"): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
