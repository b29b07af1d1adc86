import { afterEach, describe, expect, it } from "vitest";
import type { OrgConfig } from "../../src/core/org.ts";
import { parseCommand } from "../../src/core/parser.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { TestBot } from "../helpers/bot.ts";

const MIN = 60_000;

const CONFIG: OrgConfig = {
  name: "Praxis Test",
  contacts: [
    { name: "Anna Arzt", phone: "+49 170 1111111", chat: { console: ["anna"] } },
    { name: "Ben Berg", phone: "+49 171 2222222", chat: { console: ["ben"] } },
    { name: "Cem Celik", phone: "+49 173 4444444", chat: { console: ["cem"] } },
    { name: "Dora Dorn", phone: "+49 172 3333333" },
  ],
  roles: {
    koordinator: { primary: "Anna Arzt", deputies: ["Cem Celik"] },
    technik: { primary: "Ben Berg", deputies: ["Dora Dorn", "Cem Celik"], confirm_within: "5 min" },
    kommunikation: { primary: "Cem Celik", confirm_within: "15 min" },
  },
};

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const has = (b: TestBot, re: RegExp) => b.texts().filter((t) => re.test(t.replace(/\s+/g, " "))).length;

describe("parsing role confirmations and handovers", () => {
  const pbs = loadPlaybooks().list();
  it("ok rolle, ok rolle <rolle> (also as a thread reply), rolle <rolle> übergeben @person <Grund>", () => {
    expect(parseCommand("ok rolle", pbs)).toEqual({ kind: "role-confirm" });
    expect(parseCommand("OK Rolle Technik", pbs, { mode: "reply" })).toEqual({ kind: "role-confirm", role: "technik" });
    expect(parseCommand("ok rolle xyz", pbs)).toMatchObject({ kind: "error", error: { code: "role-unknown", given: "xyz" } });
    expect(parseCommand("ok 3", pbs, { mode: "reply" })).toEqual({ kind: "task", verb: "bestätigt", nrs: [3] });
    expect(parseCommand("ok, mache ich", pbs, { mode: "reply" })).toEqual({ kind: "text", text: "ok, mache ich" });
    expect(parseCommand("rolle koordinator übergeben @petra Schichtwechsel, ich fahre zur Polizei", pbs)).toEqual({
      kind: "role",
      role: "koordinator",
      target: "@petra",
      handover: { reason: "Schichtwechsel, ich fahre zur Polizei" },
    });
    expect(parseCommand("rolle technik uebergeben an <@U0BEN> Feierabend", pbs, { mode: "reply" })).toMatchObject({
      target: "<@U0BEN>",
      handover: { reason: "Feierabend" },
    });
    expect(parseCommand("rolle koordinator übergeben @petra", pbs)).toEqual({
      kind: "error",
      error: { code: "handover-incomplete", role: "koordinator", target: "@petra" },
    });
  });
});

describe("roles from the emergency plan (core, fake clock)", () => {
  it("the deputy timer survives a restart and fires on time; it is on the timeline", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("anna", "verschlüsselung");
    await bot.restart();
    await bot.advance(5 * MIN - 1000);
    expect(has(bot, /hat nicht binnen/)).toBe(0);
    await bot.advance(2000);
    expect(has(bot, /Technischer Kontakt: Ben Berg hat nicht binnen 5 min bestätigt\. Vertretung: Dora Dorn \(nicht im Chat/)).toBe(1);
    const deputies = (await bot.storage.timeline("NF-2026-0001")).filter((e) => e.kind === "role-deputy" && /Technischer/.test(e.text));
    expect(deputies.map((e) => e.text)).toEqual([
      "Rolle Technischer Kontakt: Ben Berg hat nicht binnen 5 min bestätigt – weiter an Dora Dorn (Vertretung); Ben Berg nicht erreicht, Telefon +49 171 2222222",
    ]);
  });

  it("a drill's deputy timer survives a restart too; the deputy message is marked as a drill", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("anna", "übung verschlüsselung");
    await bot.say("anna", "ok rolle");
    await bot.restart();
    await bot.advance(5 * MIN + 1000);
    const moved = bot.texts().filter((t) => /Technischer Kontakt: Ben Berg hat nicht binnen 5 min bestätigt/.test(t.replace(/\s+/g, " ")));
    expect(moved.length).toBe(1);
    expect(moved[0]).toMatch(/ÜBUNG/);
    const kinds = (await bot.storage.timeline("NF-2026-0001")).map((e) => e.kind);
    expect(kinds.filter((k) => k === "role-deputy")).toEqual(["role-deputy"]);
  });

  it("a person reached by phone is entered by the coordinator; the plan stops asking for that role", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("anna", "verschlüsselung");
    await bot.say("anna", "ok rolle");
    await bot.advance(5 * MIN + 1000);
    await bot.say("cem", "ok rolle technik"); // Cem is not asked yet (Dora is)
    expect(bot.last()).toMatch(/keine Rolle zum Bestätigen offen/);
    await bot.say("anna", "ok rolle technik");
    expect(bot.last()).toMatch(/Technischer Kontakt: Dora Dorn übernimmt \(telefonisch, eingetragen von Anna Arzt\)/);
    await bot.advance(10 * MIN);
    expect(has(bot, /Dora Dorn hat nicht binnen/)).toBe(0);
    await bot.say("anna", "status");
    expect(bot.last()).toMatch(/Technik: Dora Dorn/);
  });

  it("ok rolle by someone not asked names who is asked for which role, how to enter a person reached by phone; never calls an asked role free", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("dieter", "verschlüsselung");
    await bot.say("dieter", "ok rolle");
    const text = bot.last().replace(/\s+/g, " ");
    expect(text).toBe(
      "Für Sie ist keine Rolle zum Bestätigen offen. Angefragt: Anna Arzt (Koordination), Ben Berg (Technik), Cem Celik (Kommunikation). " +
        "Telefonisch erreicht? Dann tragen Sie die Person ein: ok rolle technik. Wer was hat: status.",
    );
    expect(text).not.toMatch(/frei/);
    // not the coordination: who enters a person reached by phone
    await bot.say("erwin", "ok rolle");
    expect(bot.last().replace(/\s+/g, " ")).toMatch(/Dann trägt die Koordination \(dieter\) die Person ein: ok rolle technik\./);
    // the coordination enters Ben, who is in the chat, after a call: the role is his chat identity
    await bot.say("dieter", "ok rolle technik");
    expect(bot.texts().some((t) => /Technischer Kontakt\*?\*?: <@ben> übernimmt \(telefonisch, eingetragen von dieter\)/.test(t))).toBe(
      true,
    );
    // a role nobody is asked for any more is free, and named so
    await bot.say("anna", "ok rolle");
    await bot.say("cem", "ok rolle");
    await bot.say("cem", "rolle kommunikation abgeben");
    await bot.say("erwin", "ok rolle");
    expect(bot.last().replace(/\s+/g, " ")).toBe(
      "Für Sie ist keine Rolle zum Bestätigen offen. Freie Rolle übernehmen: rolle kommunikation. Wer was hat: status.",
    );
  });

  it("where one keyboard speaks for everyone (the terminal), the hints show how to confirm as the person asked", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false, speakAs: true } }).start();
    await bot.command("ich", "verschlüsselung");
    expect(has(bot, /Rolle bestätigen:\*?\*? ok rolle schreiben\. Am Terminal für die Person schreiben, z\. B\. @anna: ok rolle\./)).toBe(
      1,
    );
    await bot.say("ich", "ok rolle");
    expect(bot.last().replace(/\s+/g, " ")).toMatch(
      /Angefragt: Anna Arzt \(Koordination\), .*\. Am Terminal als Anna Arzt bestätigen: @anna: ok rolle\. Telefonisch erreicht\?/,
    );
    await bot.say("anna", "ok rolle");
    expect(bot.last()).toMatch(/Anna Arzt\*?\*? bestätigt/);
  });

  it("someone else claiming an asked role ends the plan for it (no deputy message later)", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("anna", "verschlüsselung");
    await bot.say("dieter", "rolle technik");
    expect(bot.last()).toMatch(/dieter\*?\*? ist jetzt \*?\*?Technischer Kontakt/);
    await bot.advance(20 * MIN);
    expect(has(bot, /Technischer Kontakt: .* hat nicht binnen/)).toBe(0);
    // the only person of the list did not confirm: open for anyone, the coordinator told whom to call
    expect(
      has(
        bot,
        /Kommunikation nach außen: Niemand aus dem Notfallplan hat bestätigt\. Wer übernimmt\? rolle kommunikation <@anna>: Cem Celik nicht erreicht – bitte anrufen: 📞 \+49 173 4444444/,
      ),
    ).toBe(1);
  });

  it("a drill starts with the plan's holders; its report says how long each role took to confirm; the summary who held what when", async () => {
    bot = await new TestBot({ config: CONFIG, caps: { buttons: false } }).start();
    await bot.command("anna", "übung verschlüsselung");
    expect(has(bot, /Koordination: <@anna> – angefragt/)).toBe(1);
    await bot.advance(2 * MIN);
    await bot.say("anna", "ok rolle");
    await bot.advance(5 * MIN);
    await bot.advance(3 * MIN);
    await bot.say("cem", "ok rolle");
    await bot.advance(MIN);
    await bot.say("anna", "rolle koordinator übergeben <@cem> Schichtwechsel");
    await bot.say("cem", "abschließen Übung beendet");
    const report = bot.texts().find((t) => /Auswertung der Übung/.test(t))!;
    const summary = bot.texts().find((t) => /Wer hatte welche Rolle/.test(t))!;
    expect(report).toMatch(
      /Rollen bestätigt nach: Koordination: 2 min \(Anna Arzt\) · Technik: 10 min \(Cem Celik, 3\. Person der Liste\) · Kommunikation: 10 min \(Cem Celik\)/,
    );
    expect(summary).toMatch(/Wer hatte welche Rolle\n• Koordination: Anna Arzt \(09:02–09:11\), Cem Celik \(ab 09:11; Schichtwechsel\)/);
  });
});
