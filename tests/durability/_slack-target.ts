/**
 * `notfallbot serve` with the Slack adapter as a crash target: SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN, SLACK_API_URL
 * pointing at the fake Slack Web API (tests/adapters/slack/fake-slack-api.ts) behind the recording gate. Commands are
 * signed slash commands (`/notfall …`), everything else is an Events API `message` event in the incident's thread
 * (the thread root is the ts of the incident's first message, read from `outbox.ref`). An event the bot did not answer
 * before a kill is sent again as Slack does: same event_id, `x-slack-retry-num`; slash commands are never retried
 * by Slack (people type them again, with a new trigger_id).
 */
import { SLACK_EMOJI } from "../../src/adapters/slack/adapter.ts";
import { parseSlackChannelId } from "../../src/adapters/slack/ids.ts";
import { renderSlack } from "../../src/adapters/slack/render.ts";
import { BOT_TOKEN, BOT_USER_ID, FakeSlackApi, type FakeUser, TEAM_ID } from "../adapters/slack/fake-slack-api.ts";
import { blocksToSeen } from "../adapters/slack/harness.ts";
import { slackSignature } from "../adapters/slack/signed-request.ts";
import type { Step } from "./_script.ts";
import { type ApiCall, type ApiDelivery, type InboundRequest, RecordingGate, type ServePlatform, ServeTarget } from "./_serve-target.ts";

export const SLACK_CHANNEL = "C0NOTFALL";
const SIGNING_SECRET = "crash-7a1c9e3b5d2f4a6c8e0b1d3f5a7c9e1b";
const VERIFICATION_TOKEN = "gIkuvaNzQIHg97ATvDxqgjtO";

/** The people of the crash script as members of the fake workspace (all German-speaking: the checks read German). */
export const SLACK_PEOPLE: Record<string, FakeUser> = {
  anna: { id: "U0ANNA", name: "anna.albers", displayName: "Anna", realName: "Anna Albers", locale: "de-DE" },
  ben: { id: "U0BEN", name: "ben.berger", displayName: "Ben", realName: "Ben Berger", locale: "de-DE" },
  cem: { id: "U0CEM", name: "cem.celik", displayName: "Cem", realName: "Cem Çelik", locale: "de-DE" },
  dora: { id: "U0DORA", name: "dora.dietz", displayName: "Dora", realName: "Dora Dietz", locale: "de-DE" },
  emil: { id: "U0EMIL", name: "emil.engel", displayName: "Emil", realName: "Emil Engel", locale: "de-DE" },
};

function person(who: string): FakeUser {
  const p = SLACK_PEOPLE[who];
  if (!p) throw new Error(`unbekannte Person ${who}`);
  return p;
}

/** Slack user id of a person of the script (the timeline's actor id). */
export function slackActorId(who: string): string {
  return person(who).id;
}

/** Text as a Slack client sends it: `&<>` escaped, `@name` as a mention (`<@U…>`, in slash commands `<@U…|name>`). */
function slackText(text: string, slash: boolean): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@([a-z]+)\b/g, (all, name: string) => {
      const p = SLACK_PEOPLE[name];
      if (!p) return all;
      return slash ? `<@${p.id}|${p.name}>` : `<@${p.id}>`;
    });
}

const DELIVERY_METHODS = new Set(["chat.postMessage", "chat.postEphemeral", "chat.update", "reactions.add"]);
/** The emoji of a Slack reaction name (what a person sees on their message). */
const EMOJI_OF = new Map(Object.entries(SLACK_EMOJI).map(([emoji, name]) => [name, emoji]));

function argsOf(call: ApiCall): Record<string, unknown> {
  try {
    return JSON.parse(call.body) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(new URLSearchParams(call.body));
  }
}

function blocksOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v !== "string") return [];
  try {
    const b = JSON.parse(v) as unknown;
    return Array.isArray(b) ? b : [];
  } catch {
    return [];
  }
}

/** The Slack half of the serve target; ids are unique over the target's whole life (all runs). */
export function slackPlatform(): ServePlatform {
  let n = 0;
  return {
    name: "slack",
    platform: "slack",
    maxRetries: 3,
    env: (apiUrl) => ({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${apiUrl}api/` }),

    delivery(call): ApiDelivery | undefined {
      const method = /^\/api\/([A-Za-z.]+)/.exec(call.path)?.[1];
      if (!method || !DELIVERY_METHODS.has(method) || call.status !== 200) return undefined;
      let res: Record<string, unknown>;
      try {
        res = JSON.parse(call.response) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      // a reaction added again after a kill (added, not yet marked sent) is `already_reacted`: the adapter takes it
      // as delivered and marks the row sent, so it counts like the one message in flight at a kill that may repeat
      // (the person still sees one reaction)
      const again = method === "reactions.add" && res.error === "already_reacted";
      if (res.ok !== true && !again) return undefined; // e.g. chat.update of a message that is gone: the adapter posts anew
      const args = argsOf(call);
      if (method === "reactions.add") {
        // a light acknowledgement (📝 on a person's line): the adapter stores `reaction:<ts>:<name>` as its ref
        const ts = String(args.timestamp);
        const name = String(args.name);
        return {
          ref: `reaction:${ts}:${name}`,
          update: false,
          text: EMOJI_OF.get(name) ?? `:${name}:`,
          carries: (m) => parseSlackChannelId(m.channel)?.channelId === args.channel && m.reaction?.ref === ts,
        };
      }
      const ref = String(method === "chat.postEphemeral" ? res.message_ts : res.ts);
      const text = typeof args.text === "string" ? args.text : "";
      return {
        ref,
        update: method === "chat.update",
        text: blocksToSeen(blocksOf(args.blocks), text),
        carries: (m) => parseSlackChannelId(m.channel)?.channelId === args.channel && renderSlack(m).text === text,
      };
    },

    request(step: Step, ctx): InboundRequest {
      const p = person(step.who);
      n++;
      if (step.command) {
        const triggerId = `${1_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`;
        const body = new URLSearchParams({
          token: VERIFICATION_TOKEN,
          team_id: TEAM_ID,
          team_domain: "praxis-test",
          channel_id: SLACK_CHANNEL,
          channel_name: "it-notfall",
          user_id: p.id,
          user_name: p.name,
          command: "/notfall",
          text: slackText(step.text, true),
          api_app_id: "A0NOTFALL",
          is_enterprise_install: "false",
          response_url: `https://hooks.slack.com/commands/${TEAM_ID}/${n}/xyz`,
          trigger_id: triggerId,
        }).toString();
        return {
          path: "/slack/events",
          contentType: "application/x-www-form-urlencoded",
          body,
          deliveryId: triggerId,
          redeliverable: false,
        };
      }
      const root = ctx.root(step.incident);
      if (!root) throw new Error(`kein Thread für Notfall ${step.incident} (Kopf noch nicht zugestellt)`);
      const ts = `${1_772_500_000 + n}.000100`;
      const eventId = `Ev0CRASH${String(n).padStart(6, "0")}`;
      const envelope = {
        token: VERIFICATION_TOKEN,
        team_id: TEAM_ID,
        api_app_id: "A0NOTFALL",
        event: {
          client_msg_id: `c0ffee00-0000-4000-8000-${String(n).padStart(12, "0")}`,
          type: "message",
          text: slackText(step.text, false),
          user: p.id,
          ts,
          team: TEAM_ID,
          thread_ts: root,
          parent_user_id: BOT_USER_ID,
          channel: SLACK_CHANNEL,
          event_ts: ts,
          channel_type: "channel",
        },
        type: "event_callback",
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
      };
      return {
        path: "/slack/events",
        contentType: "application/json",
        body: JSON.stringify(envelope),
        deliveryId: eventId,
        redeliverable: true,
      };
    },

    headers(req, retry) {
      const ts = Math.floor(Date.now() / 1000);
      return {
        "content-type": req.contentType,
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(SIGNING_SECRET, ts, req.body),
        ...(retry ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_timeout" } : {}),
      };
    },
  };
}

/** A Slack crash target for one stream: the fake Web API, the gate in front of it, the target. */
export async function slackCrashTarget(): Promise<{ target: ServeTarget; api: FakeSlackApi; close(): Promise<void> }> {
  const api = new FakeSlackApi({ users: Object.values(SLACK_PEOPLE) });
  await api.start();
  const gate = new RecordingGate(`http://127.0.0.1:${api.port}/`);
  await gate.start();
  const target = new ServeTarget(slackPlatform(), gate);
  return {
    target,
    api,
    async close() {
      await target.close();
      await gate.stop();
      await api.stop();
    },
  };
}
