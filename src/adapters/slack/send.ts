/**
 * The sending half of the Slack adapter: Block Kit messages, in-place updates, ephemeral messages and reactions
 * through the Web API, each with the client of the channel's workspace. Used by {@link SlackAdapter}, and in
 * `notfallbot serve` (one workspace, bot token) on its own in the bot thread (src/workers/bot-worker.ts), so that the
 * outbox's Web API calls never run on the loop that answers Slack's requests. No receiver, no Bolt app.
 */
import type { webApi } from "@slack/bolt";
import { AdapterError, type DeliveryResult } from "../../core/adapter.ts";
import type { Clock } from "../../core/clock.ts";
import { type Outbound, replaceableMentions, withoutMentionsOf } from "../../core/message.ts";
import { toAdapterError } from "./errors.ts";
import { parseSlackChannelId } from "./ids.ts";
import { ChannelMembers } from "./members.ts";
import { renderSlack } from "./render.ts";

/** Slack's names of the emoji the core reacts with. */
export const SLACK_EMOJI: Record<string, string> = { "📝": "memo", "✅": "white_check_mark", "👀": "eyes" };

/**
 * Sent with every message: Slack takes the fallback `text` as written (chat.update would otherwise default to
 * `parse: client`, which turns a typed `@channel` into a broadcast); mentions are only the explicit `<@U…>`.
 */
const AS_WRITTEN = { parse: "none", link_names: false } as const;

/** chat.update failures after which we post the message anew instead of failing. */
const UPDATE_GONE = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

/**
 * The Web API client settings of every Slack client of ours: no retries of its own (the outbox retries), rate limits
 * rejected (the outbox waits `Retry-After`), a time limit per call.
 */
export function slackClientOptions(o: {
  timeoutMs?: number;
  logger?: webApi.WebClientOptions["logger"];
  slackApiUrl?: string;
}): webApi.WebClientOptions {
  return {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: o.timeoutMs ?? 10_000,
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
  };
}

/** Sends one outbox message; `clientFor` gives the WebClient of a workspace (its bot token). */
export class SlackSender {
  private readonly clientFor: (teamId: string) => Promise<webApi.WebClient>;
  /** Channel members, for mentions of the emergency plan's people. */
  private readonly members: ChannelMembers;

  constructor(clientFor: (teamId: string) => Promise<webApi.WebClient>, clock: Clock) {
    this.clientFor = clientFor;
    this.members = new ChannelMembers(clock);
  }

  async deliver(message: Outbound): Promise<DeliveryResult> {
    const target = parseSlackChannelId(message.channel);
    if (!target) throw new AdapterError("permanent", `Slack: kein Slack-Kanal: ${message.channel}`, { platformCode: "bad_channel_id" });
    if (message.thread?.key && !message.thread.ref) {
      throw new AdapterError("transient", "Slack: Thread-Start noch nicht zugestellt / thread root not delivered yet");
    }
    const client = await this.clientFor(target.teamId);
    if (message.reaction) return this.react(client, target.channelId, message.reaction);
    const { text, blocks } = renderSlack(await this.forMembers(client, target, message));
    const channel = target.channelId;
    const threadTs = message.thread?.ref;

    if (message.visibleTo) {
      const res = await call("chat.postEphemeral", () =>
        client.chat.postEphemeral({
          channel,
          user: message.visibleTo!,
          text,
          blocks,
          ...AS_WRITTEN,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      );
      return { ref: res.message_ts ?? `ephemeral:${message.key}` };
    }
    if (message.replace && message.replaceRef) {
      try {
        const res = await call("chat.update", () => client.chat.update({ channel, ts: message.replaceRef!, text, blocks, ...AS_WRITTEN }));
        return { ref: res.ts ?? message.replaceRef };
      } catch (err) {
        if (!(err instanceof AdapterError && err.platformCode && UPDATE_GONE.has(err.platformCode))) throw err;
        // The old message is gone or frozen: post the new state instead of losing it.
      }
    }
    const res = await call("chat.postMessage", () =>
      client.chat.postMessage({
        channel,
        text,
        blocks,
        ...AS_WRITTEN,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (!res.ts) throw new AdapterError("transient", "Slack chat.postMessage: no ts in answer");
    return { ref: res.ts };
  }

  /**
   * People of the emergency plan who are not members of the channel: Slack would not notify them of a mention, so
   * they are shown by name with their phone number (the core's `absent` text). Unknown membership: mentioned.
   */
  private async forMembers(client: webApi.WebClient, target: { teamId: string; channelId: string }, message: Outbound): Promise<Outbound> {
    const ids = replaceableMentions(message);
    if (ids.length === 0) return message;
    const members = await this.members.get(client, target.teamId, target.channelId);
    if (!members) return message;
    return withoutMentionsOf(message, new Set(ids.filter((id) => !members.has(id))));
  }

  /** A light acknowledgement: the emoji as a reaction on a person's message; reacting twice is no error. */
  private async react(client: webApi.WebClient, channel: string, r: { ref: string; emoji: string }): Promise<DeliveryResult> {
    const name = SLACK_EMOJI[r.emoji] ?? "memo";
    try {
      await call("reactions.add", () => client.reactions.add({ channel, timestamp: r.ref, name }));
    } catch (err) {
      if (!(err instanceof AdapterError && err.platformCode === "already_reacted")) throw err;
    }
    return { ref: `reaction:${r.ref}:${name}` };
  }
}

async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdapterError(err, method);
  }
}
