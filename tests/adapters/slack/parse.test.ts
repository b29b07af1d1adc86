import { describe, expect, it } from "vitest";
import {
  type BlockActionsBody,
  type EventEnvelope,
  normaliseSlackText,
  parseBlockAction,
  parseEventEnvelope,
  parseSlashCommand,
  reactionToEmoji,
  type SlashCommandBody,
} from "../../../src/adapters/slack/parse.ts";
import { fixture } from "./fixtures.ts";

const now = new Date("2026-03-02T08:01:00Z");
const ctx = { botUserId: "U0BOT", botId: "B0BOT", now };

describe("Slack parse: fixtures", () => {
  it("slash command → command with text unescaped, deliveryId = trigger_id", () => {
    const ev = parseSlashCommand(fixture<SlashCommandBody>("slash-command"), ctx);
    expect(ev).toEqual({
      platform: "slack",
      tenant: "T0TEAM",
      channel: "slack:T0TEAM:C0NOTFALL",
      actor: { id: "U0ANNA", displayName: "anna.albers" },
      kind: "command",
      text: "ransomware Praxis-PCs verschlüsselt & Lösegeld <5 BTC> gefordert",
      receivedAt: now,
      deliveryId: "13345224609.738474920.8088930838d88f008e0",
    });
  });

  it("slash command with a mention → <@U…> in text and in mentions", () => {
    const ev = parseSlashCommand(fixture<SlashCommandBody>("slash-command-rolle"), ctx);
    expect(ev.text).toBe("rolle technik <@U0BEN>");
    expect(ev.mentions).toEqual([{ id: "U0BEN", displayName: "U0BEN" }]);
  });

  it("block_actions → action with command and incident from the button value", () => {
    const ev = parseBlockAction(fixture<BlockActionsBody>("block-actions"), ctx);
    expect(ev).toEqual({
      platform: "slack",
      tenant: "T0TEAM",
      channel: "slack:T0TEAM:C0NOTFALL",
      threadRef: "1772438400.000001",
      messageRef: "1772438400.000003",
      actor: { id: "U0BEN", displayName: "ben.berger" },
      kind: "action",
      text: "erledigt 3",
      action: { command: "erledigt 3", incidentId: "NF-2026-0001" },
      receivedAt: now,
      deliveryId: "1772438400.000003:1772438461.848311:U0BEN",
    });
  });

  it("block_actions with a foreign value → undefined", () => {
    const body = fixture<BlockActionsBody>("block-actions");
    body.actions[0]!.value = "not-json";
    expect(parseBlockAction(body, ctx)).toBeUndefined();
  });

  it("message in a thread → reply with threadRef/messageRef and resolved mentions", () => {
    const ev = parseEventEnvelope(fixture<EventEnvelope>("event-message-thread"), ctx);
    expect(ev).toMatchObject({
      kind: "reply",
      tenant: "T0TEAM",
      channel: "slack:T0TEAM:C0NOTFALL",
      threadRef: "1772438400.000001",
      messageRef: "1772438470.000200",
      actor: { id: "U0BEN" },
      text: "erledigt 3 – Kabel gezogen, <@U0CEM> prüft den Server & die Sicherung",
      mentions: [{ id: "U0CEM" }],
      deliveryId: "Ev0THREAD001",
    });
  });

  it("reaction_added ✅ on a bot message → reaction", () => {
    const ev = parseEventEnvelope(fixture<EventEnvelope>("event-reaction-added"), ctx);
    expect(ev).toMatchObject({
      kind: "reaction",
      channel: "slack:T0TEAM:C0NOTFALL",
      actor: { id: "U0CEM" },
      reaction: { emoji: "✅", messageRef: "1772438400.000003" },
      deliveryId: "Ev0REACT001",
    });
    const other = fixture<EventEnvelope>("event-reaction-added");
    other.event.item_user = "U0ANNA"; // on a person's message: not ours
    expect(parseEventEnvelope(other, ctx)).toBeUndefined();
    const party = fixture<EventEnvelope>("event-reaction-added");
    party.event.reaction = "tada";
    expect(parseEventEnvelope(party, ctx)).toBeUndefined();
  });

  it("maps reaction names (with skin tones) to unicode", () => {
    expect(reactionToEmoji("heavy_check_mark")).toBe("✅");
    expect(reactionToEmoji("ballot_box_with_check")).toBe("✅");
    expect(reactionToEmoji("+1::skin-tone-3")).toBe("👍");
    expect(reactionToEmoji("eyes")).toBe("👀");
    expect(reactionToEmoji("rocket")).toBeUndefined();
  });

  it("app_mention at channel level → command without bot mention and `notfall`", () => {
    const ev = parseEventEnvelope(fixture<EventEnvelope>("event-app-mention"), ctx);
    expect(ev).toMatchObject({ kind: "command", text: "übung ransomware", messageRef: "1772438500.000400", deliveryId: "Ev0MENTION01" });
    expect(ev?.threadRef).toBeUndefined();
    expect(ev?.mentions).toBeUndefined(); // the bot itself is not a mentioned person
  });

  it("app_mention in a thread: leading mention → command, mention later → reply", () => {
    const env = fixture<EventEnvelope>("event-app-mention");
    env.event.thread_ts = "1772438400.000001";
    env.event.text = "<@U0BOT> erledigt 2";
    expect(parseEventEnvelope(env, ctx)).toMatchObject({ kind: "command", text: "erledigt 2", threadRef: "1772438400.000001" });
    env.event.text = "Danke <@U0BOT>, Server läuft wieder";
    expect(parseEventEnvelope(env, ctx)).toMatchObject({ kind: "reply", threadRef: "1772438400.000001" });
  });

  it("the message event twin of a mention is ignored (app_mention handles it)", () => {
    const env = fixture<EventEnvelope>("event-message-thread");
    env.event.text = "<@U0BOT> erledigt 3";
    expect(parseEventEnvelope(env, ctx)).toBeUndefined();
  });

  it("ignores edits, bot messages and channel chatter; accepts `!notfall` typed at channel level", () => {
    expect(parseEventEnvelope(fixture<EventEnvelope>("event-message-changed"), ctx)).toBeUndefined();
    expect(parseEventEnvelope(fixture<EventEnvelope>("event-bot-message"), ctx)).toBeUndefined();
    const chatter = fixture<EventEnvelope>("event-message-channel");
    expect(parseEventEnvelope(chatter, ctx)).toBeUndefined();
    chatter.event.text = "!notfall status";
    expect(parseEventEnvelope(chatter, ctx)).toMatchObject({ kind: "command", text: "status" });
    const own = fixture<EventEnvelope>("event-message-thread");
    own.event.user = "U0BOT";
    expect(parseEventEnvelope(own, ctx)).toBeUndefined();
  });
});

describe("Slack parse: text normalisation", () => {
  it("turns Slack tokens into readable text and lists people", () => {
    const r = normaliseSlackText(
      "Hi <@U0ANNA|anna> &amp; <@U0BEN>, siehe <#C0GEN|allgemein>, <https://x.example/a|Anleitung>, <mailto:it@praxis.de|it@praxis.de>, <!here>, 1 &lt; 2",
    );
    expect(r.text).toBe("Hi <@U0ANNA> & <@U0BEN>, siehe #allgemein, Anleitung (https://x.example/a), it@praxis.de, @here, 1 < 2");
    expect(r.mentionIds).toEqual(["U0ANNA", "U0BEN"]);
  });
});
