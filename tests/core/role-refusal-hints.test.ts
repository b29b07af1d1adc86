import { afterEach, describe, expect, it } from "vitest";
import { CoreBot, person, seen } from "./_bot.ts";

/**
 * A refusal names a role the person can really take: one nobody holds (was: always `rolle technik`, even when Ben
 * had it), or `status` when every role is taken; the take-over hint in the person's language.
 */
const anna = person("anna", "Anna");
const ben = person("ben", "Ben");
const cem = person("cem", "Cem");
const dora = person("dora", "Dora");

let b: CoreBot;
afterEach(async () => b?.stop());

async function refusal(who: typeof anna, line: string, mentions: (typeof anna)[] = []): Promise<string> {
  const out = await b.send(who, line, { mentions });
  const mine = out.filter((m) => m.visibleTo === who.id);
  expect(mine, out.map((m) => m.text).join("\n---\n")).toHaveLength(1);
  return seen(mine[0]!);
}

describe("role refusals point to a role that is free", () => {
  it("assigning others without coordinating: the free role, then `status` when none is left", async () => {
    b = await CoreBot.start();
    await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
    await b.send(anna, "rolle koordinator");
    await b.send(anna, "rolle technik <@ben>", { mentions: [ben] });
    const one = await refusal(ben, "rolle technik <@dora>", [dora]);
    expect(one).toContain("`rolle kommunikation`");
    expect(one).not.toContain("`rolle technik`");
    await b.send(anna, "rolle kommunikation <@cem>", { mentions: [cem] });
    const none = await refusal(ben, "rolle kommunikation <@dora>", [dora]);
    expect(none).toContain("`status`");
    expect(none).not.toMatch(/`rolle \w+`/);
  });

  it("taking over without a role names a free role; the reason hint shows the take-over command", async () => {
    b = await CoreBot.start();
    await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
    await b.send(anna, "rolle koordinator");
    await b.send(anna, "rolle kommunikation <@cem>", { mentions: [cem] });
    expect(await refusal(dora, "rolle koordinator übernehmen Anna nicht erreichbar")).toContain("`rolle technik`");
    expect(await refusal(cem, "rolle koordinator übernehmen")).toContain("`rolle koordinator übernehmen seit 20 Minuten");
  });

  it("in English the same hints carry the English commands", async () => {
    b = await CoreBot.start("en");
    await b.open(anna, "ransomware server shows a ransom note");
    await b.send(anna, "role coordinator");
    await b.send(anna, "role technical <@ben>", { mentions: [ben] });
    const text = await refusal(ben, "role technical <@dora>", [dora]);
    expect(text).toContain("`role communication`");
    expect(await refusal(dora, "role coordinator takeover Anna not reachable")).toContain("`role communication`");
    await b.send(anna, "role communication <@cem>", { mentions: [cem] });
    expect(await refusal(cem, "role coordinator takeover")).toContain("`role coordinator takeover not reachable");
  });
});
