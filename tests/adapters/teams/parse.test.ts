import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { channelIdOf, parseChannelId, splitConversationId, threadConversationId } from "../../../src/adapters/teams/ids.ts";
import { conversationTypeOf, parseActivity, type TeamsActivity } from "../../../src/adapters/teams/parse.ts";
import { ANNA_ID, BEN_ID, CHANNEL, CHANNEL_CONV, fixture, GROUP_CHAT, PERSONAL_CHAT, ROOT, TENANT } from "./fixtures.ts";

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
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "reply", text: "erledigt 3", threadRef: ROOT, addressed: true });
    const chat = fixture("group-chat-mention");
    chat.text = "<at>Notfallbot</at> erledigt 3";
    expect(parseActivity(chat, NOW)).toMatchObject({ kind: "reply", text: "erledigt 3", threads: false, addressed: true });
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

describe("parseActivity: where the message was written (#13)", () => {
  it("a declaration typed as a reply inside an existing thread reports that thread, not its own id", () => {
    const inb = parseActivity(fixture("channel-thread-reply-mention"), NOW)!;
    expect(inb).toMatchObject({ kind: "command", threadRef: "1772438400777", messageRef: "1772438550120", threads: true, addressed: true });
    expect(inb.text).toBe("verschlüsselung Praxis-PC zeigt Lösegeldforderung");
  });

  it("a plain thread reply (RSC, no mention) is a reply in that thread, not addressed to the bot", () => {
    const inb = parseActivity(fixture("channel-thread-reply-plain"), NOW)!;
    expect(inb).toMatchObject({ kind: "reply", text: "erledigt 3", threadRef: ROOT, threads: true });
    expect(inb.addressed).toBeUndefined();
  });

  it("group chat: no threads; mention addresses the bot, plain text (RSC) is a reply", () => {
    const cmd = parseActivity(fixture("group-chat-mention"), NOW)!;
    expect(cmd).toMatchObject({
      kind: "command",
      text: "status",
      threads: false,
      addressed: true,
      channel: `teams:${TENANT}:${GROUP_CHAT}`,
    });
    expect(cmd.threadRef).toBeUndefined();
    const plain = parseActivity(fixture("group-chat-message"), NOW)!;
    expect(plain).toMatchObject({ kind: "reply", text: "erledigt 3", threads: false });
    expect(plain.addressed).toBeUndefined();
    const press = parseActivity(fixture("adaptive-card-invoke-chat"), NOW)!;
    expect(press).toMatchObject({ kind: "action", threads: false, action: { command: "erledigt 3", incidentId: "NF-2026-0001" } });
    expect(press.threadRef).toBeUndefined();
  });

  it("personal chat: no threads, every message is addressed to the bot", () => {
    const free = parseActivity({ ...fixture("personal-message"), text: "erledigt 3" }, NOW)!;
    expect(free).toMatchObject({
      kind: "reply",
      text: "erledigt 3",
      threads: false,
      addressed: true,
      channel: `teams:${TENANT}:${PERSONAL_CHAT}`,
    });
    expect(parseActivity(fixture("conversation-update-personal"), NOW)).toMatchObject({ kind: "command", text: "", threads: false });
  });

  it("activities without conversationType (Microsoft's v3 examples carry only conversation.id): the place from the rest", () => {
    // channel-and-group-conversations.md, Retrieve mentions (JSON): `19:…@thread.skype;messageid=…`, no type
    const channel = { ...fixture("channel-thread-reply-mention") };
    channel.conversation = { id: "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype;messageid=1481567603816" };
    expect(parseActivity(channel, NOW)).toMatchObject({ threads: true, threadRef: "1481567603816", kind: "command" });
    // an older group chat: `19:…@thread.skype`, isGroup, tenant only in channelData
    const group = { ...fixture("group-chat-message") };
    group.conversation = { id: "19:d77be72390a1416e9644261e9064fa00@thread.skype", isGroup: true };
    expect(parseActivity(group, NOW)).toMatchObject({ threads: false, kind: "reply", text: "erledigt 3" });
    expect(conversationTypeOf(group)).toBe("groupChat");
    // a personal chat: `a:` id, no isGroup; every message is for the bot
    const personal = { ...fixture("personal-message"), text: "erledigt 3" };
    personal.conversation = { id: PERSONAL_CHAT };
    expect(parseActivity(personal, NOW)).toMatchObject({ threads: false, addressed: true, kind: "reply" });
    // the bot added to a team: the channel id without ;messageid=, its team in channelData
    const added = fixture("conversation-update-bot-added");
    added.conversation = { id: "19:efa9296d959346209fea44151c742e73@thread.skype" };
    expect(conversationTypeOf(added)).toBe("channel");
  });

  it("installationUpdate is not a second welcome (the conversationUpdate of the same install is)", () => {
    expect(parseActivity(fixture("installation-update-add"), NOW)).toBeUndefined();
  });
});

describe("parseActivity: every form of mention Teams sends", () => {
  it("new Teams splits a two-word name into one <at> per word with the same id: one mention, full name", () => {
    const inb = parseActivity(fixture("mention-split-name"), NOW)!;
    expect(inb.text).toBe(`rolle technik <@${BEN_ID}>`);
    expect(inb.mentions).toEqual([{ id: BEN_ID, displayName: "Ben Becker" }]);
  });

  it("bot mention as <at>@Name</at>, shortened, at the end, twice, or left without an entity", () => {
    const forms: [string, string][] = [
      ["<at>@Notfallbot</at> notfall status", "<at>@Notfallbot</at>"],
      ["<at>Notfall</at> notfall status", "<at>Notfall</at>"],
      ["notfall status <at>Notfallbot</at>", "<at>Notfallbot</at>"],
      ["\r\n<at>Notfallbot</at>&nbsp;notfall status\r\n", "<at>Notfallbot</at>"],
    ];
    for (const [text, markup] of forms) {
      const a = fixture("channel-message-mention");
      a.text = text;
      a.entities = [{ type: "mention", mentioned: { id: a.recipient!.id!, name: "Notfallbot" }, text: markup }];
      expect(parseActivity(a, NOW), text).toMatchObject({ kind: "command", text: "status", addressed: true });
    }
    const noEntity = fixture("channel-message-mention");
    noEntity.text = "<at>Notfallbot</at> notfall status";
    noEntity.entities = [];
    expect(parseActivity(noEntity, NOW)).toMatchObject({ kind: "command", text: "status", addressed: true });
  });

  it("a bot name with XML entities in the markup is still the bot; text entities are decoded", () => {
    const a = fixture("group-chat-mention");
    a.recipient = { id: a.recipient!.id!, name: "Notfall & IT" };
    a.text = "<at>Notfall &amp; IT</at> notfall notiz Router &lt;Keller&gt; getauscht";
    a.entities = [{ type: "mention", mentioned: { id: a.recipient.id, name: "Notfall & IT" }, text: "<at>Notfall &amp; IT</at>" }];
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "command", text: "notiz Router <Keller> getauscht" });
  });

  it("Microsoft's documented mention with `@` in the entity but not in the text (and the reverse) is still the person", () => {
    // msteams-docs "Channel and group chat conversations with a bot" (Retrieve mentions, JSON): text
    // `Hey <at>Pranav Smith</at> …`, entity text `<at>@Pranav Smith</at>`.
    const forms: [string, string][] = [
      ["<at>Notfallbot</at> notfall rolle technik <at>Ben Becker</at>", "<at>@Ben Becker</at>"],
      ["<at>Notfallbot</at> notfall rolle technik <at>@Ben Becker</at>", "<at>Ben Becker</at>"],
      // attributes inside the tag (Agents SDK activity.mentions.test.ts: `<at id="123">Bot</at>`)
      ['<at id="0">Notfallbot</at> notfall rolle technik <at id="1">Ben Becker</at>', '<at id="1">Ben Becker</at>'],
    ];
    for (const [text, markup] of forms) {
      const a = fixture("channel-reply-mention-person");
      a.text = text;
      const [bot, ben] = a.entities as unknown as { text: string }[];
      if (text.startsWith('<at id="0">')) bot!.text = '<at id="0">Notfallbot</at>';
      ben!.text = markup;
      const inb = parseActivity(a, NOW)!;
      expect(inb, text).toMatchObject({ kind: "command", text: `rolle technik <@${BEN_ID}>`, addressed: true });
      expect(inb.mentions).toEqual([{ id: BEN_ID, displayName: "Ben Becker" }]);
    }
  });

  it("a bot mention glued to the next word (`<at>Notfallbot</at>notfall status`, Agents SDK test) is still stripped", () => {
    const a = fixture("group-chat-mention");
    a.text = "<at>Notfallbot</at>notfall status";
    expect(parseActivity(a, NOW)).toMatchObject({ kind: "command", text: "status", addressed: true });
  });

  it("channel, team and tag mentions stay plain names, never a person", () => {
    const a = fixture("channel-reply-mention-person");
    a.text = "<at>Notfallbot</at> notfall notiz <at>IT-Team</at> und <at>Allgemein</at> informiert";
    a.entities = [
      { type: "mention", mentioned: { id: a.recipient!.id!, name: "Notfallbot" }, text: "<at>Notfallbot</at>" },
      { type: "mention", mentioned: { id: "MjgzZWU1YjItNGRkNy00ZDJl", name: "IT-Team", type: "tag" }, text: "<at>IT-Team</at>" },
      { type: "mention", mentioned: { id: CHANNEL_CONV, name: "Allgemein" }, text: "<at>Allgemein</at>" },
    ];
    const inb = parseActivity(a, NOW)!;
    expect(inb.text).toBe("notiz IT-Team und Allgemein informiert");
    expect(inb.mentions).toBeUndefined();
  });
});
