import { afterEach, describe, expect, it } from "vitest";
import { NO_CAPABILITIES } from "../../src/core/adapter.ts";
import { blocksToPlain } from "../../src/core/message.ts";
import { resolveMention } from "../../src/core/primitives.ts";
import { shorten } from "../../src/core/text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Issue #10 item 5: nothing a person typed is lost or twisted. One test per defect found when it was tried; each
 * failed before its fix.
 */

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

async function open(caps = {}): Promise<TestBot> {
  tb = await new TestBot({ caps }).start();
  await tb.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
  return tb;
}

const ransom = loadPlaybooks().get("verschluesselung")!;
const questionNr = (re: RegExp) => String(ransom.questions.findIndex((q) => re.test(loc(q.text))) + 1);

describe("nothing typed is lost or twisted", () => {
  it("`@` alone or `@-` is nobody, also in the terminal (where a plain @name is a person)", () => {
    const ev = {
      platform: "console",
      tenant: "local",
      channel: "console:local:main",
      actor: { id: "anna", displayName: "anna" },
      kind: "reply",
      receivedAt: new Date(),
      deliveryId: "x",
    } as const;
    expect(resolveMention("@", ev)).toBeUndefined();
    expect(resolveMention("@-", ev)).toBeUndefined();
    expect(resolveMention("@.", ev)).toBeUndefined();
    expect(resolveMention("@ben", ev)).toEqual({ id: "ben", displayName: "ben" });
    expect(resolveMention("@anna:localhost", ev)).toEqual({ id: "anna:localhost", displayName: "anna:localhost" });
  });

  it("`rolle koordinator @` is refused: an empty mention names nobody, and nobody is locked out", async () => {
    const t = await open({ ...NO_CAPABILITIES });
    await t.say("anna", "rolle koordinator @");
    expect(t.last()).toMatch(/Wen meinen Sie mit „@“/);
    await t.say("anna", "rolle koordinator @-");
    expect(t.last()).toMatch(/Wen meinen Sie/);
    await t.say("anna", "status");
    expect(t.last()).toMatch(/Koordination: — noch niemand —/);
    // the declarer still acts as coordinator
    await t.say("anna", "weiter Test");
    expect(t.texts().join("\n")).toMatch(/Neue Phase: Sofortmaßnahmen/);
  });

  it("an unreachable coordinator: a role holder takes over with a reason, recorded on the timeline", async () => {
    const t = await open();
    await t.say("anna", "rolle koordinator <@zoe>");
    await t.say("ben", "rolle technik");
    await t.say("ben", "rolle koordinator");
    expect(t.last()).toMatch(/nicht erreichbar.*rolle <Rolle> übernehmen <Grund>/s);
    await t.say("ben", "rolle koordinator übernehmen");
    expect(t.last()).toMatch(/Bitte mit Grund/);
    await t.say("cem", "rolle koordinator übernehmen keine Lust");
    expect(t.last()).toMatch(/Übernehmen kann, wer schon eine Rolle hat/);
    await t.say("ben", "rolle koordinator übernehmen zoe seit 20 Minuten nicht erreichbar");
    expect(t.texts().join("\n")).toMatch(/ben ist jetzt IT-Notfall-Koordination/);
    const entries = await t.storage.timeline("NF-2026-0001");
    const takeover = entries.find((e) => e.kind === "takeover")!;
    expect(takeover.text).toMatch(/ben übernimmt die Rolle IT-Notfall-Koordination von zoe\. Grund: zoe seit 20 Minuten nicht erreichbar/);
    // and may now do what only the coordinator may
    await t.say("ben", "weiter Netz getrennt");
    expect(t.texts().join("\n")).toMatch(/Neue Phase: Sofortmaßnahmen/);
  });

  it("`antwort 11 ja, USB-Platte im Tresor` keeps the comment (the answer counts as ja)", async () => {
    const t = await open();
    await t.say("anna", "rolle koordinator");
    const nr = questionNr(/Datensicherung, die beim Angriff vom Netz getrennt war/);
    await t.say("anna", `antwort ${nr} ja, USB-Platte im Tresor`);
    expect(t.texts().join("\n")).toMatch(new RegExp(`Antwort ${nr} notiert: .* → ja \\(USB-Platte im Tresor\\)`));
    const entry = (await t.storage.timeline("NF-2026-0001")).findLast((e) => e.kind === "answer")!;
    expect(entry.text).toMatch(/→ ja – USB-Platte im Tresor$/);
    expect(entry.data).toMatchObject({ answer: "ja", comment: "USB-Platte im Tresor" });
    await t.say("anna", "status");
    expect(t.last()).toMatch(/→ ja \(USB-Platte im Tresor\)/);
  });

  it("`erledigt 5-7` and `erledigt 5 bis 7` act on 5, 6 and 7", async () => {
    const t = await open();
    await t.say("anna", "erledigt 5-7");
    const rows = await t.storage.tasks("NF-2026-0001");
    expect(rows.filter((r) => [5, 6, 7].includes(r.nr)).map((r) => r.state)).toEqual(["erledigt", "erledigt", "erledigt"]);
    await t.say("anna", "ok 8 bis 10");
    const after = await t.storage.tasks("NF-2026-0001");
    expect(after.filter((r) => [8, 9, 10].includes(r.nr)).map((r) => r.state)).toEqual(["bestätigt", "bestätigt", "bestätigt"]);
  });

  it("a 15,000-character line is not cut silently: the bot says how much the timeline keeps", async () => {
    const t = await open();
    const long = `Protokoll ${"x".repeat(14_990)}`;
    await t.say("anna", long);
    expect(t.last()).toMatch(/Ihr Text hatte 15\.000 Zeichen; in der Zeitleiste stehen die ersten 4\.000/);
    await t.say("anna", `notiz ${long}`);
    expect(t.last()).toMatch(/Ihr Text hatte 15\.000 Zeichen/);
  });

  it("`eskalieren` alone lists the levels with their meaning and the current one", async () => {
    const t = await open();
    await t.say("anna", "eskalieren");
    const text = t.last();
    expect(text).not.toMatch(/„“ ist keine Stufe/);
    expect(text).toMatch(/Stufe jetzt: Notfall/);
    for (const w of ["störung", "notfall", "krise", "katastrophe"]) expect(text).toContain(`eskalieren ${w}`);
  });

  it("`export` right after closing exports the incident just closed (no thread: the last one here)", async () => {
    const t = await open({ ...NO_CAPABILITIES });
    await t.say("anna", "abschließen Fehlalarm, Virenscanner irrte sich");
    // typed as in the terminal: not in a thread, and no incident runs any more
    await t.command("anna", "export");
    expect(t.last()).not.toMatch(/Hier läuft gerade kein Notfall/);
    expect(t.last()).toMatch(/Export erstellt/);
    expect(t.last()).toMatch(/Prüfkette in Ordnung/);
  });

  it("`export NF-9999-9999` inside an incident says the id is unknown instead of exporting the current one", async () => {
    const t = await open();
    await t.say("anna", "rolle koordinator");
    await t.say("anna", "export NF-9999-9999");
    expect(t.last()).toMatch(/NF-9999-9999/);
    expect(t.last()).not.toMatch(/Export erstellt/);
  });

  it("a role-less `antwort 99 ja` hears that there is no question 99 (taking a role would not help)", async () => {
    const t = await open();
    await t.say("anna", "rolle koordinator");
    await t.say("dora", "antwort 99 ja");
    expect(t.last()).toMatch(/Eine Frage „99“ gibt es nicht/);
    await t.say("dora", "antwort 6 ja");
    expect(t.last()).toMatch(/Antworten kann, wer eine Rolle hat/);
  });

  it("no text is cut inside a word (…anrufen, ni)", async () => {
    expect(shorten("Technischen Kontakt oder IT-Dienstleister sofort anrufen, nicht nur mailen.", 60)).toBe(
      "Technischen Kontakt oder IT-Dienstleister sofort anrufen…",
    );
    const t = await open();
    await t.say("anna", "weiter");
    const refusal = t.last();
    expect(refusal).toMatch(/Noch offene wichtige Aufgaben/);
    for (const ref of refusal.matchAll(/\d+ \(([^)]*)\)/g)) expect(ref[1]).toMatch(/(\p{L}|[.!?])…?$|…$/u);
    expect(refusal).not.toMatch(/ \p{L}{1,2}\)/u);
  });

  it("the summary shows when a deadline was met, like status", async () => {
    const t = await open();
    await t.say("anna", "rolle koordinator");
    await t.say("anna", `antwort ${questionNr(/personenbezogene Daten/)} ja`);
    await t.advance(3_600_000);
    const fulfils = ransom.tasks.find((x) => x.fulfils === "dsgvo-33")!.id;
    const report = (await t.storage.tasks("NF-2026-0001")).find((r) => r.taskId === fulfils);
    expect(report).toBeDefined();
    await t.say("anna", `erledigt ${report!.nr}`);
    await t.say("anna", "status");
    const status = t.last().replace(/\s+/g, " ");
    const met = /Meldung an die Datenschutzbehörde[^:]*: eingehalten \(([^)]+)\)/.exec(status);
    expect(met).not.toBeNull();
    await t.say("anna", "abschließen Übung der Meldung");
    const summary = t
      .texts()
      .find((x) => /Zusammenfassung/.test(x))!
      .replace(/\s+/g, " ");
    expect(summary).toContain(`eingehalten (${met![1]}; fällig`);
  });
});

describe("what is typed reaches the screen whole", () => {
  it("the card of a taken role is one message (sanity of the terminal text)", async () => {
    const t = await open({ ...NO_CAPABILITIES });
    await t.say("ben", "rolle technik");
    expect(blocksToPlain(t.adapter.visible().at(-1)!.blocks)).toMatch(/Technischer Kontakt \(ben\)/);
  });
});
