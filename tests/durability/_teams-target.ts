/**
 * `notfallbot serve` with the Teams adapter as a crash target: NOTFALL_TEAMS=1 without MICROSOFT_APP_ID (the adapter's
 * unauthenticated local mode), Bot Framework activities posted to `/api/messages`, the bot's replies going to the
 * activities' serviceUrl: the recording gate in front of the fake Bot Connector (tests/adapters/teams/fake-connector.ts).
 * Every step is a channel message that @mentions the bot, as Teams delivers it: a command (`notfall …`) opening an
 * incident starts a new thread (its activity id becomes the thread root), every other step is posted in the
 * incident's thread (conversation id `<channel>;messageid=<root>`). A step whose post got no answer before a kill is
 * posted once more with the same activity id (it must then apply once), a step answered but not applied is typed again
 * (new id); after a restart the last applied activity is delivered once more and must have no effect.
 */
import { renderCard } from "../../src/adapters/teams/render.ts";
import { cardOf, cardText } from "../adapters/teams/card-text.ts";
import { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { TEAMS_CHANNEL, TEAMS_TEAM, TEAMS_TENANT } from "../adapters/teams/harness.ts";
import type { Step } from "./_script.ts";
import { type ApiDelivery, type InboundRequest, RecordingGate, type ServePlatform, ServeTarget } from "./_serve-target.ts";

const BOT = { id: "28:8c3e1a52-5f1d-4b7e-9f0a-2d6c4b1e7a90", name: "Notfallbot" };

/** The people of the crash script as Teams users (MRI ids as Teams sends them). */
export const TEAMS_PEOPLE: Record<string, { id: string; name: string; aadObjectId: string }> = {
  anna: { id: "29:1AnnA-8f3kQ2mZ7vX1cL9pR4tY6wB0nH5jD3sG8eK2uF7iO", name: "Anna", aadObjectId: "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
  ben: { id: "29:1BeN-2q7WzX4vC9bN1mL6kJ3hG8fD5sA0pO7iU2yT9rE4w", name: "Ben", aadObjectId: "9f8e7d6c-5b4a-4392-8171-605f4e3d2c1b" },
  cem: { id: "29:1CeM-5t1YpQ8wE3rT6yU9iO2pA4sD7fG0hJ3kL6zX9cV1b", name: "Cem", aadObjectId: "5c4b3a29-1807-4f6e-9d5c-4b3a29180706" },
  dora: { id: "29:1DoRa-7u3IpL0kJ9hG2fD5sA8zX1cV4bN7mQ0wE3rT6yU", name: "Dora", aadObjectId: "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a" },
  emil: { id: "29:1EmiL-4r8TyU1iO5pA2sD9fG6hJ3kL0zX7cV4bN1mQ8wE", name: "Emil", aadObjectId: "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928" },
};

function person(who: string): { id: string; name: string; aadObjectId: string } {
  const p = TEAMS_PEOPLE[who];
  if (!p) throw new Error(`unbekannte Person ${who}`);
  return p;
}

/** Teams user id of a person of the script (the timeline's actor id). */
export function teamsActorId(who: string): string {
  return person(who).id;
}

/** A channel message mentioning the bot (and `@name` people) with its mention entities, as Teams posts it. */
function mentionActivity(who: string, conversationId: string, id: string, serviceUrl: string, text: string): Record<string, unknown> {
  const p = person(who);
  const entities: Record<string, unknown>[] = [{ type: "mention", mentioned: BOT, text: `<at>${BOT.name}</at>` }];
  const body = text.replace(/@([a-z]+)\b/g, (all, name: string) => {
    const m = TEAMS_PEOPLE[name];
    if (!m) return all;
    const markup = `<at>${m.name}</at>`;
    if (!entities.some((e) => e.text === markup)) entities.push({ type: "mention", mentioned: { id: m.id, name: m.name }, text: markup });
    return markup;
  });
  entities.push({ type: "clientInfo", locale: "de-DE", country: "DE", platform: "Web", timezone: "Europe/Berlin" });
  const now = new Date();
  return {
    text: `<at>${BOT.name}</at> ${body}`,
    textFormat: "plain",
    type: "message",
    timestamp: now.toISOString(),
    id,
    channelId: "msteams",
    serviceUrl,
    from: { id: p.id, name: p.name, aadObjectId: p.aadObjectId },
    conversation: { isGroup: true, conversationType: "channel", tenantId: TEAMS_TENANT, id: conversationId },
    recipient: BOT,
    entities,
    channelData: {
      teamsChannelId: TEAMS_CHANNEL,
      teamsTeamId: TEAMS_TEAM,
      channel: { id: TEAMS_CHANNEL },
      team: { id: TEAMS_TEAM },
      tenant: { id: TEAMS_TENANT },
    },
    locale: "de-DE",
    localTimezone: "Europe/Berlin",
  };
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/** The Teams half of the serve target; activity ids are unique over the target's whole life (all runs). */
export function teamsPlatform(connector?: FakeConnector): ServePlatform {
  let next = 1_772_438_400_000;
  return {
    name: "teams",
    platform: "teams",
    // no retry header as on Slack: a redelivery is the same activity (same id) once more
    maxRetries: 1,
    env: () => ({ NOTFALL_TEAMS: "1", NODE_ENV: "test" }),

    delivery(call): ApiDelivery | undefined {
      const m = ACTIVITIES.exec(call.path);
      if (!m || call.status < 200 || call.status >= 300) return undefined;
      const update = call.method === "PUT";
      let body: Record<string, unknown>;
      let res: { id?: unknown };
      try {
        body = JSON.parse(call.body) as Record<string, unknown>;
        res = JSON.parse(call.response || "{}") as { id?: unknown };
      } catch {
        return undefined;
      }
      const ref = update ? decodeURIComponent(m[2]!) : String(res.id ?? "");
      const card = cardOf(body);
      const fallback = (card as { fallbackText?: unknown } | undefined)?.fallbackText;
      return {
        ref,
        update,
        text: card ? cardText(card) : String(body.text ?? ""),
        carries: (msg) => typeof fallback === "string" && renderCard(msg).fallbackText === fallback,
      };
    },

    request(step: Step, ctx): InboundRequest {
      const id = String(next++);
      let conversationId: string;
      if (step.effect.on === "incident") conversationId = `${TEAMS_CHANNEL};messageid=${id}`;
      else {
        const root = ctx.root(step.incident);
        if (!root) throw new Error(`kein Thread für Notfall ${step.incident}`);
        conversationId = `${TEAMS_CHANNEL};messageid=${root}`;
      }
      const text = step.command ? `notfall ${step.text}` : step.text;
      const activity = mentionActivity(step.who, conversationId, id, ctx.apiUrl, text);
      connector?.personPosted(activity); // the (strict) fake Teams knows the channel and the thread the person wrote in
      return {
        path: "/api/messages",
        contentType: "application/json",
        body: JSON.stringify(activity),
        deliveryId: `${TEAMS_CHANNEL}|${id}`,
        redeliverable: true,
      };
    },

    headers: (req) => ({ "content-type": req.contentType }),
  };
}

/** A Teams crash target for one stream: the fake Bot Connector, the gate in front of it, the target. */
export async function teamsCrashTarget(): Promise<{ target: ServeTarget; connector: FakeConnector; close(): Promise<void> }> {
  const connector = new FakeConnector();
  await connector.start();
  const gate = new RecordingGate(connector.url);
  await gate.start();
  const target = new ServeTarget(teamsPlatform(connector), gate);
  return {
    target,
    connector,
    async close() {
      await target.close();
      await gate.stop();
      await connector.stop();
    },
  };
}
