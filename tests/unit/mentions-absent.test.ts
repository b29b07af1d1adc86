import { describe, expect, it } from "vitest";
import { type Block, type Outbound, plainOf, replaceableMentions, withoutMentionsOf } from "../../src/core/message.ts";

const blocks: Block[] = [
  { type: "paragraph", text: "Koordination: <@U0ANNA> – angefragt\nTechnik: <@U0BEN> – angefragt" },
  { type: "context", text: "Gemeldet von <@U0CEM>" },
];
const mentions = [
  { id: "U0ANNA", name: "Anna Arzt", absent: "**Anna Arzt** (nicht im Chat, bitte anrufen: 📞 +49 170 1111111)" },
  { id: "U0BEN", name: "Ben Berg", absent: "**Ben Berg** (nicht im Chat, bitte anrufen: 📞 +49 171 2222222)" },
  { id: "U0CEM", name: "Cem Celik" },
];
const msg: Outbound = {
  key: "NF-2026-0001/header",
  channel: "slack:T1:C1",
  text: plainOf(blocks, mentions),
  blocks,
  mentions,
  locale: "de",
};

describe("mentions of people who are not members of the channel", () => {
  it("only the emergency plan's people can be shown by name and phone instead", () => {
    expect(replaceableMentions(msg)).toEqual(["U0ANNA", "U0BEN"]);
    expect(msg.text).toBe("Koordination: @Anna Arzt – angefragt\nTechnik: @Ben Berg – angefragt\nGemeldet von @Cem Celik");
  });

  it("the mention of a non-member becomes name and phone in the blocks and the fallback text, and is no longer listed", () => {
    const out = withoutMentionsOf(msg, new Set(["U0BEN", "U0CEM"]));
    expect((out.blocks[0] as { text: string }).text).toBe(
      "Koordination: <@U0ANNA> – angefragt\nTechnik: **Ben Berg** (nicht im Chat, bitte anrufen: 📞 +49 171 2222222) – angefragt",
    );
    // Cem has no alternative (not a person of the plan): he stays mentioned
    expect((out.blocks[1] as { text: string }).text).toBe("Gemeldet von <@U0CEM>");
    expect(out.mentions?.map((m) => m.id)).toEqual(["U0ANNA", "U0CEM"]);
    expect(out.text).toBe(
      "Koordination: @Anna Arzt – angefragt\nTechnik: Ben Berg (nicht im Chat, bitte anrufen: 📞 +49 171 2222222) – angefragt\nGemeldet von @Cem Celik",
    );
    expect(msg.blocks).toBe(blocks);
  });

  it("everyone in the channel: the message is unchanged", () => {
    expect(withoutMentionsOf(msg, new Set())).toBe(msg);
  });
});
