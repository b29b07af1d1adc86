import { afterEach, describe, expect, it } from "vitest";
import { AdapterError } from "../../src/core/adapter.ts";
import type { Outbound } from "../../src/core/message.ts";
import { CoreBot, person } from "./_bot.ts";

const anna = person("anna", "Anna");
const ben = person("ben", "Ben");

/** Rows of the outbox that update a message in place, by key (what the dispatcher would send as an edit). */
async function updatesOf(t: CoreBot, key: string): Promise<number> {
  const row = t.storage.db.$client
    .prepare("select count(*) as n from outbox where key = ? and json_extract(message, '$.replace') = 1")
    .get(key) as { n: number };
  return row.n;
}

describe("an update in place that would show the same is not queued", () => {
  let t: CoreBot;
  afterEach(async () => {
    await t.stop();
  });

  it("a phase change (the header does not show the phase) queues no header edit; a role taken still does", async () => {
    t = await CoreBot.start();
    const id = await t.open(anna);
    const header = `${id}/header`;
    await t.send(anna, "rolle koordinator");
    const taken = await updatesOf(t, header);
    expect(taken).toBe(1);

    const out = await t.send(anna, "weiter Sofortmaßnahmen laufen");
    expect(out.some((m) => /Neue Phase/.test(m.text))).toBe(true);
    expect(out.filter((m) => m.key === header)).toEqual([]);
    expect(await updatesOf(t, header)).toBe(taken);

    const assigned = await t.send(anna, "rolle technik <@ben>", { mentions: [ben] });
    const edit = assigned.filter((m) => m.key === header);
    expect(edit).toHaveLength(1);
    expect(edit[0]!.replace).toBe(true);
    expect(edit[0]!.text).toMatch(/Ben/);
    expect(await updatesOf(t, header)).toBe(taken + 1);
    expect(t.errors).toEqual([]);
  });

  it("the same content again after a real change in between is an edit again (only equal to the last one is dropped)", async () => {
    t = await CoreBot.start();
    const id = await t.open(anna);
    const header = `${id}/header`;
    await t.send(anna, "rolle koordinator");
    await t.send(anna, "rolle technik <@ben>", { mentions: [ben] });
    const before = await updatesOf(t, header);
    const released = await t.send(ben, "rolle technik abgeben");
    expect(released.filter((m) => m.key === header)).toHaveLength(1);
    expect(await updatesOf(t, header)).toBe(before + 1);
  });

  it("an edit that could not be delivered for good is not taken as shown: the same content later goes out", async () => {
    t = await CoreBot.start();
    const id = await t.open(anna);
    const header = `${id}/header`;
    await t.send(anna, "rolle koordinator");
    // the platform refuses the header edit that names Ben as Technik, for good
    const deliver = t.adapter.deliver.bind(t.adapter);
    let refused: Outbound | undefined;
    t.adapter.deliver = async (msg) => {
      if (msg.key === header && msg.replace && !refused) {
        refused = msg;
        throw new AdapterError("permanent", "refused for the test", { platformCode: "not_in_channel" });
      }
      return await deliver(msg);
    };
    await t.send(anna, "rolle technik <@ben>", { mentions: [ben] });
    expect(refused?.text).toMatch(/Ben/);
    expect((await t.timeline()).some((e) => e.kind === "delivery-failed")).toBe(true);
    // the header re-rendered unchanged (a phase change) is the one that never arrived: it goes out now
    const out = await t.send(anna, "weiter Sofortmaßnahmen laufen");
    const edit = out.filter((m) => m.key === header);
    expect(edit).toHaveLength(1);
    expect(edit[0]!.text).toBe(refused!.text);
  });
});
