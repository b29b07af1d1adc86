import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { channelIdOf, parseChannelId, splitConversationId, threadConversationId } from "../../../src/adapters/teams/ids.ts";
import { parseActivity, type TeamsActivity } from "../../../src/adapters/teams/parse.ts";
import { ANNA_ID, BEN_ID, CHANNEL, CHANNEL_CONV, fixture, ROOT, TENANT } from "./fixtures.ts";

const NOW = new Date("2026-03-02T08:01:13Z");

describe("Teams ids", () => {
  it("splits the thread root off a channel conversation id", () => {
    expect(splitConversationId(`${CHANNEL_CONV};messageid=${ROOT}`)).toEqual({ base: CHANNEL_CONV, root: ROOT });
    expect(splitConversationId("a:1personal")).toEqual({ base: "a:1personal" });
  });

  it("canonical channel id drops ;messageid= and round-trips", () => {
    const id = channelIdOf(TENANT, `${CHANNEL_CONV};messageid=${ROOT}`);
    expect(id).toBe(CHANNEL);
    expect(parseChannelId(id)).toEqual({ tenant: TENANT, conversationId: CHANNEL_CONV });
    expect(parseChannelId("slack:T1:C1")).toBeUndefined();
  });

  it("threads only in channels, never in chats", () => {
    expect(threadConversationId(CHANNEL_CONV, ROOT)).toBe(`${CHANNEL_CONV};messageid=${ROOT}`);
    expect(threadConversationId(CHANNEL_CONV, undefined)).toBe(CHANNEL_CONV);
    expect(threadConversationId("19:abc@thread.v2", ROOT, "groupChat")).toBe("19:abc@thread.v2");
    expect(threadConversationId("a:1personal", ROOT)).toBe("a:1personal");
  });
});

describe("parseActivity (captured Teams shapes)", () => {
  it("channel message: bot mention stripped, command with the message as thread root", () => {
    const inb = parseActivity(fixture("channel-message-mention"), NOW)!;
    expect(inb).toMatchObject({
      platform: "teams",
      tenant: TENANT,
      channel: CHANNEL,
      kind: "command",
      text: "verschlüsselung Praxis-PC zeigt Lösegeldforderung",
      messageRef: ROOT,
      actor: { id: ANNA_ID, displayName: "Anna Albers" },
      locale: "de",
      receivedAt: NOW,
    });
    // the root post itself is not "inside" a thread
    expect(inb.threadRef).toBeUndefined();
    expect(inb.text).not.toContain("<at>");
    expect(inb.deliveryId).toBe(`${CHANNEL_CONV}|${ROOT}`);
  });

  it("thread reply: thread id from ;messageid=, other people become <@id> with mentions", () => {
    const inb = parseActivity(fixture("channel-reply-mention-person"), NOW)!;
    expect(inb.kind).toBe("command");
    expect(inb.threadRef).toBe(ROOT);
    expect(inb.messageRef).toBe("1772438620101");
    expect(inb.text).toBe(`rolle technik <@${BEN_ID}>`);
    expect(inb.mentions).toEqual([{ id: BEN_ID, displayName: "Ben Becker" }]);
  });

  it("Action.Submit fallback: message with value {c, i} and no text is a button press", () => {
    const inb = parseActivity(fixture("action-submit"), NOW)!;
    expect(inb).toMatchObject({ kind: "action", action: { command: "erledigt 3", incidentId: "NF-2026-0001" }, threadRef: ROOT });
    expect(inb.actor.displayName).toBe("Ben Becker");
  });

  it("adaptiveCard/action invoke (Action.Execute, verb notfall) is a button press", () => {
    const inb = parseActivity(fixture("adaptive-card-invoke"), NOW)!;
    expect(inb).toMatchObject({
      kind: "action",
      action: { command: "rolle kommunikation", incidentId: "NF-2026-0001" },
      channel: CHANNEL,
      threadRef: ROOT,
      actor: { displayName: "Cem Çelik" },
    });
  });

  it("conversationUpdate (bot added) is an empty command, so the core welcomes with its help", () => {
    expect(parseActivity(fixture("conversation-update-bot-added"), NOW)).toMatchObject({ kind: "command", text: "" });
    const other = fixture("conversation-update-bot-added") as { membersAdded?: { id: string }[] };
    expect(parseActivity({ ...other, membersAdded: [{ id: "29:someone-else" }] } as never, NOW)).toBeUndefined();
  });

  it("personal chat: `notfall …` is a command, free text a reply, no thread", () => {
    const cmd = parseActivity(fixture("personal-message"), NOW)!;
    expect(cmd).toMatchObject({ kind: "command", text: "status" });
    expect(cmd.threadRef).toBeUndefined();
    expect(cmd.channel).toMatch(/^teams:6f1e2d3c-[^:]+:a:1hJ3/);
    const free = parseActivity({ ...fixture("personal-message"), text: "Server ist wieder da" }, NOW)!;
    expect(free).toMatchObject({ kind: "reply", text: "Server ist wieder da" });
  });

  it("`/notfall …` typed in a channel is a command too", () => {
    const a = fixture("channel-message-mention");
    a.text = "<at>Notfallbot</at> /notfall übung verschlüsselung";
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "command", text: "übung verschlüsselung" });
  });

  it("a mention of the bot in a thread without prefix is a thread reply (e.g. erledigt 3)", () => {
    const a = fixture("channel-reply-mention-person");
    a.text = "<at>Notfallbot</at> erledigt 3";
    a.entities = (a.entities ?? []).slice(0, 1);
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "reply", text: "erledigt 3", threadRef: ROOT });
  });

  it("a mention of the bot at channel level without prefix addresses it: `@Notfallbot status`", () => {
    const a = fixture("channel-message-mention");
    a.text = "<at>Notfallbot</at> status";
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "command", text: "status" });
  });

  it("messageReaction maps Teams' like to 👍 on the reacted message", () => {
    expect(parseActivity(fixture("message-reaction"), NOW)).toMatchObject({
      kind: "reaction",
      reaction: { emoji: "👍", messageRef: "1772438475001" },
    });
  });

  it("ignores the bot's own messages, foreign verbs and malformed button data", () => {
    const own = fixture("channel-message-mention");
    own.from = { id: own.recipient!.id!, name: "Notfallbot" };
    expect(parseActivity(own, NOW)).toBeUndefined();
    const foreign = fixture("adaptive-card-invoke");
    (foreign.value as { action: { verb: string } }).action.verb = "refresh";
    expect(parseActivity(foreign, NOW)).toBeUndefined();
    const bad = fixture("action-submit");
    bad.value = { c: { $gt: 1 }, i: 7 };
    expect(parseActivity(bad, NOW)).toBeUndefined();
  });

  it("never throws on hostile activities", () => {
    const base = fixture("channel-reply-mention-person");
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.string(), (value, entities, channelData, text) => {
        const a = { ...base, value, entities, channelData, text } as unknown as TeamsActivity;
        const r = parseActivity(a, NOW);
        if (r) expect(r.platform).toBe("teams");
      }),
      { numRuns: 300 },
    );
  });
});
