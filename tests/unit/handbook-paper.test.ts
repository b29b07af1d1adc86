import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrgConfig, parseOrgConfig } from "../../src/config/load.ts";
import { callTargets, phoneAt, phonesForTask } from "../../src/core/phones.ts";
import { resolveRefs } from "../../src/handbook/model.ts";
import { findTemplate, type PaperContext, paperText } from "../../src/handbook/paper.ts";
import { HANDBOOK_TEXT } from "../../src/handbook/text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { PlaybookError } from "../../src/machines/playbook-error.ts";

const praxis = loadOrgConfig("examples/praxis.yaml");

describe("phones: the number beside a task that says to call", () => {
  const task = (text: string, call?: string) => ({ text, ...(call ? { call } : {}) });

  it("reads the party and a word for getting in touch from the task", () => {
    expect(callTargets(task("Technischen Kontakt oder IT-Dienstleister sofort anrufen, nicht nur mailen."))).toEqual(["it.hotline"]);
    expect(callTargets(task("Datenschutzbeauftragte:n informieren und gemeinsam einschätzen"))).toEqual(["dpo.phone"]);
    expect(callTargets(task("Falls schon überwiesen, sofort die eigene Bank anrufen."))).toEqual(["bank.hotline"]);
    expect(callTargets(task("Notfall-Hotline der Versicherung anrufen, Schaden melden."))).toEqual(["insurer.hotline"]);
    expect(callTargets(task("Anzeige bei der Polizei erstatten, am besten bei der ZAC."))).toEqual(["police.phone"]);
    expect(callTargets(task("Gebäude- oder Elektronikversicherung und Vermieter informieren"))).toEqual(["property_insurer.hotline"]);
    expect(callTargets({ text: { de: "Bank anrufen", en: "Call the bank" } })).toEqual(["bank.hotline"]);
  });

  it('a party named without a call ("mit Polizei und Versicherung") or a call without a party gets no number', () => {
    expect(callTargets(task("Nicht auf die Erpresser eingehen. Jede Überlegung dazu nur gemeinsam mit Polizei und Versicherung."))).toEqual(
      [],
    );
    expect(callTargets(task("Falsche Empfänger anrufen oder anschreiben."))).toEqual([]);
    expect(callTargets(task("Online-Banking prüfen und Nachfragen sammeln."))).toEqual([]);
    // the task names its own number: no other is put beside it
    expect(callTargets(task("Ist kein IT-Dienstleister erreichbar, das BSI Service-Center anrufen, 0800 274 1000."))).toEqual([]);
  });

  it("the playbook's call: wins over the words", () => {
    expect(callTargets(task("Technischen Kontakt sofort anrufen.", "dpo.phone"))).toEqual(["dpo.phone"]);
  });

  it("the number and whose it is come from the organisation file; missing is missing, never invented", () => {
    expect(phoneAt(praxis, "it.hotline")).toEqual({ target: "it.hotline", number: "+49 30 2345678-9", name: "Beispiel IT-Service GmbH" });
    expect(phoneAt(praxis, "emergency_phone")).toEqual({ target: "emergency_phone", number: "+49 170 1234567" });
    expect(phoneAt(undefined, "bank.hotline")).toEqual({ target: "bank.hotline" });
    const noInsurer = parseOrgConfig("name: Praxis Test\n");
    // no cyber insurance: nothing to call; without a file nothing is known: the party is listed to fill in
    expect(phonesForTask(task("Notfall-Hotline der Versicherung anrufen"), noInsurer)).toEqual([]);
    expect(phonesForTask(task("Notfall-Hotline der Versicherung anrufen"), undefined)).toEqual([{ target: "insurer.hotline" }]);
    expect(phonesForTask(task("IT-Dienstleister anrufen"), noInsurer)).toEqual([{ target: "it.hotline" }]);
  });
});

describe("paper wording: chat syntax said in words, with page references", () => {
  const cx: PaperContext = {
    t: HANDBOOK_TEXT.de,
    templates: new Map([
      ["mitarbeitende", { title: "Information an alle Mitarbeitenden", anchor: "vorlage-x-mitarbeitende" }],
      ["it-dienstleister", { title: "Alarmierung IT-Dienstleister", anchor: "vorlage-x-it" }],
      ["dokumentation-datenpanne", { title: "Interne Dokumentation einer Datenpanne", anchor: "vorlage-g-doku" }],
      ["nis2-meldung", { title: "NIS2-Meldung an das BSI", anchor: "vorlage-g-nis2" }],
    ]),
    playbooks: new Map([["email-konto", { title: "Gehacktes E-Mail-Konto oder Phishing", anchor: "art-email-konto" }]]),
    playbookNames: new Map([
      ["email-konto", "email-konto"],
      ["e-mail gehackt", "email-konto"],
    ]),
    log: "protokoll",
  };
  const pages = new Map([
    ["vorlage-x-mitarbeitende", 9],
    ["vorlage-x-it", 10],
    ["vorlage-g-doku", 70],
    ["vorlage-g-nis2", 71],
    ["art-email-konto", 17],
    ["protokoll", 72],
  ]);
  const printed = (s: string) => resolveRefs(paperText(s, cx), (a) => `S. ${pages.get(a)}`);
  const digital = (s: string) => resolveRefs(paperText(s, cx), () => undefined);

  it("commands", () => {
    expect(
      printed("Zeitleiste führen: wer wann was beobachtet oder getan hat. Einfach mit /notfall notiz in diesen Verlauf schreiben."),
    ).toBe("Zeitleiste führen: wer wann was beobachtet oder getan hat. Auf dem Protokollblatt festhalten (S. 72).");
    expect(printed("Vertretung nennen (/notfall rolle).")).toBe("Vertretung nennen (auf dem Protokollblatt eintragen, S. 72).");
    // the export becomes the log sheets to file, as one object of „ablegen“ (was „… aus dem Chat und sicher ablegen“)
    expect(printed("Verlauf exportieren (/notfall export) und sicher ablegen, zusammen mit Fotos, Meldungen und Rechnungen.")).toBe(
      "Protokollblätter und, falls vorhanden, den Export aus dem Chat sicher ablegen, zusammen mit Fotos, Meldungen und Rechnungen.",
    );
    expect(printed("Kam die Mail aus einem echten Postfach, zusätzlich einen Fall mit /notfall email-konto eröffnen.")).toBe(
      "Kam die Mail aus einem echten Postfach, zusätzlich den Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17) abarbeiten.",
    );
    expect(printed("Dann auch Playbook email-konto.")).toBe("Dann auch Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17).");
    // the names people type (triggers), and the ways the playbooks say "open an incident for it"
    expect(
      printed(
        "Kam die Mail aus einem echten Postfach, außerhalb dieses Threads zusätzlich einen Fall eröffnen, mit /notfall E-Mail gehackt.",
      ),
    ).toBe("Kam die Mail aus einem echten Postfach, zusätzlich den Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17) abarbeiten.");
    expect(
      printed("Spuren gefunden: außerhalb dieses Threads einen Fall zur passenden Notfallart eröffnen, z. B. /notfall E-Mail gehackt."),
    ).toBe(
      "Spuren gefunden: den passenden Abschnitt dieses Handbuchs abarbeiten, z. B. Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17).",
    );
    expect(printed("Dann auch dafür einen Fall eröffnen (/notfall e-mail gehackt).")).toBe(
      "Dann auch den Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17) abarbeiten.",
    );
    expect(printed("Im Zweifel einen Fall mit /notfall E-Mail gehackt eröffnen.")).toBe(
      "Im Zweifel den Abschnitt „Gehacktes E-Mail-Konto oder Phishing“ (S. 17) abarbeiten.",
    );
    expect(printed("Unbekannt: /notfall gibtsnicht bleibt.")).toBe("Unbekannt: /notfall gibtsnicht bleibt.");
    expect(printed("Liste im Verlauf festhalten. Antworten im Bot aktualisieren.")).toBe(
      "Liste auf dem Protokollblatt festhalten. Antworten auf dem Protokollblatt festhalten.",
    );
    expect(printed("Klären, ob Daten abgeflossen sind, und die Fragen zu Datenschutz im Bot aktualisieren.")).toBe(
      "Klären, ob Daten abgeflossen sind, und die Antworten zu Datenschutz auf dem Protokollblatt festhalten.",
    );
  });

  it("templates by id, by quoted name, in brackets or not", () => {
    expect(printed("Mitarbeitende informieren (Vorlage mitarbeitende): was los ist.")).toBe(
      "Mitarbeitende informieren (Vorlage „Information an alle Mitarbeitenden“, S. 9): was los ist.",
    );
    expect(printed("Danach die Vorlage it-dienstleister schicken.")).toBe(
      "Danach die Vorlage „Alarmierung IT-Dienstleister“ (S. 10) schicken.",
    );
    expect(printed("Dazu die Vorlage „IT-Dienstleister“.")).toBe("Dazu die Vorlage „Alarmierung IT-Dienstleister“ (S. 10).");
    expect(printed("Interne Dokumentation anlegen (Vorlage „Dokumentation“) und fortschreiben.")).toBe(
      "Interne Dokumentation anlegen (Vorlage „Interne Dokumentation einer Datenpanne“, S. 70) und fortschreiben.",
    );
    expect(printed("Auswirkungen im Ausland? Vorlage: nis2-meldung.")).toBe(
      "Auswirkungen im Ausland? Vorlage „NIS2-Meldung an das BSI“ (S. 71).",
    );
    expect(findTemplate("gibt-es-nicht", cx.templates)).toBeUndefined();
    expect(printed("Vorlage unbekannt bleibt stehen.")).toBe("Vorlage unbekannt bleibt stehen.");
  });

  it("without pages (Markdown) the references go, with the brackets that only held them", () => {
    expect(digital("Danach die Vorlage it-dienstleister schicken.")).toBe("Danach die Vorlage „Alarmierung IT-Dienstleister“ schicken.");
    expect(digital("Mitarbeitende informieren (Vorlage mitarbeitende): los.")).toBe(
      "Mitarbeitende informieren (Vorlage „Information an alle Mitarbeitenden“): los.",
    );
    expect(digital("Vertretung nennen (/notfall rolle).")).toBe("Vertretung nennen (auf dem Protokollblatt eintragen).");
  });
});

describe("playbook field rang (order in the handbook)", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-rang-"));
  cpSync("playbooks/shared", join(dir, "shared"), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const source = readFileSync("playbooks/schadsoftware.yaml", "utf8");
  const load = (rang: string | undefined) => {
    const text = rang === undefined ? source.replace(/^rang: .*\n/m, "") : source.replace(/^rang: .*$/m, `rang: ${rang}`);
    writeFileSync(join(dir, "schadsoftware.yaml"), text);
    try {
      return { pb: loadPlaybooks(dir).list()[0], error: undefined };
    } catch (err) {
      if (!(err instanceof PlaybookError)) throw err;
      return { pb: undefined, error: err };
    }
  };

  it("is optional (older playbooks load as before) and a whole number from 1 to 99", () => {
    expect(load(undefined).pb?.rang).toBeUndefined();
    expect(load("3").pb?.rang).toBe(3);
    for (const bad of ["0", "100", "1.5", "eins"]) {
      const { error } = load(bad);
      expect(error, bad).toBeDefined();
      expect(error!.message, bad).toMatch(/schadsoftware\.yaml:\d+ rang: /);
    }
    expect(load("100").error!.message).toMatch(/höchstens 99/i);
    expect(load("1.5").error!.message).toContain("Eine ganze Zahl erwartet");
  });
});
