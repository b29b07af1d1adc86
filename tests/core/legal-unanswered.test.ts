import { afterEach, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { HOUR, TestBot } from "../helpers/bot.ts";

/**
 * What an unanswered question means (issue #12 item 1–2): a playbook default runs the Art. 33 clock as a precaution
 * and the bot says so, the question is reminded (durable timers, fake clock), an answer implies others, „nein“ takes
 * the precautionary clock back, and a template asked for by name is shown before its condition holds.
 */
const praxis = loadOrgConfig("examples/praxis.yaml");
const noDpo: OrgConfig = { ...praxis, dpo: undefined };

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

async function open(config: OrgConfig, words: string): Promise<TestBot> {
  tb = await new TestBot({ config }).start();
  await tb.command("anna", `${words} Beschreibung`);
  await tb.say("anna", "rolle koordinator");
  return tb;
}

/** The status lines under „Fristen“, joined (wrapped values on one line). */
async function deadlinesOf(t: TestBot): Promise<string> {
  await t.say("anna", "status");
  return ((t.last().split("Fristen")[1] ?? "").split("Nächster Schritt")[0] ?? "").replace(/\n\s+/g, " ");
}

const flat = (s: string) => s.replace(/\n/g, " ");

describe("ransomware with no answer at all", () => {
  it("runs the Art. 33 clock as a precaution from Kenntnisnahme and says why", async () => {
    const t = await open(praxis, "verschlüsselung");
    const started = t
      .texts()
      .map(flat)
      .find((x) => /Frist läuft: .*Datenschutzbehörde \(Art\. 33 DSGVO\)/.test(x));
    expect(started).toMatch(/bis Do\., 05\.03\.2026, 09:00/); // 72 h from opening (08:00 UTC = 09:00 Berlin)
    expect(started).toMatch(/Vorsorglich, weil Frage 6 noch offen ist \(gilt bis dahin als „unklar“\)/);
    // the declaration says it in one message, with the internal record
    expect(started).toMatch(/Jetzt fällig: Interne Dokumentation der Datenpanne \(Art\. 33 Abs\. 5 DSGVO\) \(unverzüglich\)/);
    expect(started).toMatch(/antwort 6 nein/);
    // the example file names a data-protection officer: the risk is assessed with them
    expect(started).toMatch(/Datenschutzbeauftragten einschätzen: Dr\. Max Datenschutz \(Beispiel\), Telefon \+49 30 3456789-0/);
    const status = await deadlinesOf(t);
    expect(status).toMatch(
      /Meldung an die Datenschutzbehörde \(Art\. 33 DSGVO\): Do\., 05\.03\.2026, 09:00 – noch 3 Tage \(vorsorglich, Frage 6 offen\)/,
    );
    expect(status).toMatch(/Interne Dokumentation der Datenpanne \(Art\. 33 Abs\. 5 DSGVO\): offen – unverzüglich \(vorsorglich/);
    expect(status).toMatch(/Betroffene informieren \(Art\. 34 DSGVO\): läuft noch nicht: wartet auf Antwort 7/);
    // the question list says what counts until someone answers
    expect(
      t
        .texts()
        .map(flat)
        .find((x) => x.startsWith("Bitte kurz beantworten")),
    ).toMatch(/6\. Könnten personenbezogene Daten .* → noch offen, gilt bis dahin als unklar/);
  });

  it("reminds the unanswered question after an hour, also across a restart, and not after an answer", async () => {
    const t = await open(praxis, "verschlüsselung");
    await t.advance(HOUR - 60_000);
    expect(t.texts().some((x) => /Frage 6 ist noch offen/.test(x))).toBe(false);
    await t.restart();
    await t.advance(60_000);
    const reminder = t.texts().find((x) => /Frage 6 ist noch offen/.test(x));
    expect(flat(reminder!)).toMatch(
      /antwort 6 ja.*antwort 6 nein.*antwort 6 unklar.*Bis zur Antwort gilt „unklar“; die Fristen dazu laufen vorsorglich/,
    );
    // the high-risk question is asked too (personal data count as „unklar“) and reminded after its hour
    expect(t.texts().some((x) => /Frage 7 ist noch offen/.test(x))).toBe(true);
    await t.say("anna", "antwort 6 ja");
    expect(flat(t.texts().find((x) => x.startsWith("Antwort 6 notiert"))!)).toMatch(
      /Frist läuft weiter, jetzt nach Antwort: Meldung an die Datenschutzbehörde .* bis Do\., 05\.03\.2026, 09:00/,
    );
    const before = t.texts().filter((x) => /Frage 6 ist noch offen/.test(x)).length;
    await t.advance(4 * HOUR);
    expect(t.texts().filter((x) => /Frage 6 ist noch offen/.test(x)).length).toBe(before);
  });

  it("shows the authority template on request", async () => {
    const t = await open(praxis, "verschlüsselung");
    await t.say("anna", "vorlage datenschutzbehörde");
    expect(t.last()).toMatch(/Meldung einer Datenpanne an die Datenschutzbehörde \(Art\. 33 DSGVO\)/);
    expect(t.last()).not.toMatch(/noch nicht fällig/);
    expect(t.last()).toMatch(/Datenschutzbeauftragte:r oder andere Anlaufstelle: Dr\. Max Datenschutz/);
  });

  it("„nein“ takes the precautionary clocks back: no reminder, no missed deadline", async () => {
    const t = await open(praxis, "verschlüsselung");
    await t.say("anna", "antwort 6 nein");
    expect(t.texts().some((x) => /Frist entfällt nach Antwort 6 \(„nein“\): Meldung an die Datenschutzbehörde/.test(flat(x)))).toBe(true);
    expect(await deadlinesOf(t)).not.toMatch(/Datenschutzbehörde|Art\. 34/);
    await t.advance(73 * HOUR);
    expect(t.texts().some((x) => /Frist verpasst|Noch .*Datenschutzbehörde/.test(flat(x)))).toBe(false);
    // changing the answer back starts the clock again, from Kenntnisnahme
    await t.say("anna", "antwort 6 unklar");
    expect(await deadlinesOf(t)).toMatch(/Datenschutzbehörde \(Art\. 33 DSGVO\): Do\., 05\.03\.2026, 09:00 – seit 1 h überfällig/);
  });

  it("where no data-protection officer is entered, names the management", async () => {
    const t = await open(noDpo, "verschlüsselung");
    const started = t
      .texts()
      .map(flat)
      .find((x) => /Frist läuft: .*Art\. 33 DSGVO/.test(x));
    expect(started).toMatch(
      /Kein:e Datenschutzbeauftragte:r eingetragen: Ob gemeldet werden muss, entscheidet die Leitung \(Dr\. med\. Erika Musterfrau, Telefon \+49 170 1234567\)/,
    );
    await t.say("anna", "vorlage datenschutzbehörde");
    expect(t.last()).toMatch(/oder andere Anlaufstelle: Dr\. med\. Erika Musterfrau, Telefon \+49 170 1234567/);
    // the task that says to inform the DPO, "falls niemand benannt ist die Leitung", carries the management's number
    await t.say("anna", "aufgaben");
    expect(flat(t.last())).toMatch(
      /Datenschutzbeauftragte:n informieren, falls niemand benannt ist die Leitung.*☎ Dr\. med\. Erika Musterfrau \+49 170 1234567/,
    );
  });
});

describe("implied answers", () => {
  it("data stolen: personal data count as „ja“ and the high-risk question is asked", async () => {
    const t = await open(praxis, "verschlüsselung");
    await t.say("anna", "antwort 11 ja");
    const answer = flat(t.texts().find((x) => x.startsWith("Antwort 11 notiert"))!);
    expect(answer).toMatch(/Damit gilt auch Frage 6 als ja: Könnten personenbezogene Daten/);
    expect(answer).toMatch(/Bitte jetzt auch beantworten: 7\. Droht den betroffenen Menschen ein hohes Risiko/);
    expect(
      t
        .texts()
        .map(flat)
        .find((x) => x.startsWith("Bitte kurz beantworten")),
    ).toMatch(/→ ja \(folgt aus Antwort 11\)/);
    expect(await deadlinesOf(t)).toMatch(/Art\. 33 DSGVO\): Do\., 05\.03\.2026, 09:00 – noch 3 Tage(?! \(vorsorglich)/);
    // a person's own answer still wins
    await t.say("anna", "antwort 6 nein");
    expect(await deadlinesOf(t)).not.toMatch(/Art\. 33 DSGVO/);
  });

  it("remote access: a person's earlier „nein“ stands against a later answer that would imply „ja“", async () => {
    const t = await open(praxis, "fernwartung");
    const pb = loadPlaybooks().get("fernwartung")!;
    const q = String(pb.questions.findIndex((x) => /Könnten dabei Patienten-, Kunden- oder Bankdaten/.test(loc(x.text))) + 1);
    await t.say("anna", "antwort 6 nein");
    expect(await deadlinesOf(t)).not.toMatch(/Art\. 33 DSGVO/);
    await t.say("anna", `antwort ${q} ja`);
    // the person said „nein“ to question 6 before: that answer stands
    expect(await deadlinesOf(t)).not.toMatch(/Art\. 33 DSGVO/);
  });
});

describe("Art. 34 on „unklar“ prompts the assessment", () => {
  it("names the risk-assessment task at once, though its phase is not on screen yet", async () => {
    const t = await open(praxis, "verschlüsselung");
    await t.say("anna", "antwort 6 ja");
    await t.say("anna", "antwort 7 unklar");
    expect(flat(t.texts().find((x) => x.startsWith("Antwort 7 notiert"))!)).toMatch(
      /Dazu neu: Aufgabe \d+ \(Eindämmung & Analyse\): Mit Datenschutz klären, ob den Betroffenen ein hohes Risiko droht/,
    );
    expect(await deadlinesOf(t)).toMatch(/Art\. 34 DSGVO\): noch zu klären: Antwort 7 ist „unklar“/);
  });
});

describe("a template asked for by name", () => {
  it("is shown before its condition holds, with one line on when it applies", async () => {
    const t = await open(praxis, "stromausfall");
    await t.say("anna", "vorlage datenschutzbehörde");
    const shown = flat(t.last());
    expect(shown).toMatch(
      /Diese Vorlage ist hier noch nicht fällig\. Wann sie gilt: Pflicht, sobald personenbezogene Daten betroffen sein könnten/,
    );
    expect(shown).toMatch(/Trifft das zu: antwort 6 ja/);
    expect(shown).toMatch(/Meldung einer Verletzung des Schutzes personenbezogener Daten nach Art\. 33 DSGVO/);
    // the automatic offer still follows the answers
    await t.say("anna", "vorlage");
    const offer = t.last();
    expect(offer).toMatch(/Fertige Texte/);
    expect(offer).not.toMatch(/datenschutzbehoerde/);
    expect(await deadlinesOf(t)).toMatch(/Art\. 33 DSGVO\): läuft noch nicht: wartet auf Antwort 6/);
  });
});

describe("moving on with a question that decides a report still unanswered", () => {
  it("power outage (no default): the next phase says the Art. 33 clocks hang on question 6", async () => {
    const t = await open(praxis, "stromausfall");
    await t.say("anna", "weiter Strom ist wieder da");
    expect(flat(t.texts().find((x) => x.includes("Neue Phase"))!)).toMatch(
      /Noch unbeantwortet, davon hängen Meldepflichten ab: Frage 6 \(Meldung an die Datenschutzbehörde \(Art\. 33 DSGVO\), Interne Dokumentation der Datenpanne \(Art\. 33 Abs\. 5 DSGVO\)\)/,
    );
    await t.say("anna", "antwort 6 nein");
    await t.say("anna", "weiter erledigt");
    expect(
      flat(
        t
          .texts()
          .filter((x) => x.includes("Neue Phase"))
          .at(-1)!,
      ),
    ).not.toMatch(/Noch unbeantwortet/);
  });
});
