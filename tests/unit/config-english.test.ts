import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, formatConfigIssue, readOrgConfigText } from "../../src/config/load.ts";
import { startupNotice } from "../../src/config/startup.ts";
import { germanIn } from "../helpers/german.ts";

/**
 * The organisation file's mistakes in both languages (`--lang en` must be complete): every kind of mistake has a
 * German message (unchanged) and an English one from the catalogue (src/core/i18n, `config` and `yaml`), chosen when
 * the issue is shown. Starts from the shipped example, as a practice would.
 */

const PRAXIS = readFileSync("examples/praxis.yaml", "utf8");
/** A small file of its own, for sections the example already has. */
const SMALL = "name: Praxis Beispiel\n";

/** The example with the first line containing `needle` replaced. */
function edit(needle: string, replacement: string, text = PRAXIS): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(needle));
  expect(at, needle).toBeGreaterThanOrEqual(0);
  lines[at] = replacement;
  return lines.join("\n");
}

/** English prose of a message: what is quoted ("…", what to type or what the file holds) and file names taken out. */
const prose = (s: string) => s.replace(/"[^"]*"/g, "…").replace(/\S+\.ya?ml\b/g, "…");

/** One file per kind of mistake: the mistake, and a part of its German message (unchanged by this change). */
const CASES: [string, string, string][] = [
  ["unknown field with a suggestion", edit('  hotline: "+49 30 2345678-9"', '  hotlin: "+49 30 2345678-9"'), 'Meinten Sie "hotline"?'],
  ["unknown field of another section", `${PRAXIS}\nhours: 8-18\n`, "gehört in einen Abschnitt"],
  ["unknown field without a suggestion", `${PRAXIS}\nzzzzzz: 1\n`, "Erlaubt sind hier"],
  ["value not allowed", edit("kind: praxis", "kind: klinik"), "ist hier nicht erlaubt"],
  ["phone number without quotes", edit('emergency_phone: "+49 170 1234567"', "emergency_phone: 01701234567"), "in Anführungszeichen"],
  ["not a phone number", edit('emergency_phone: "+49 170 1234567"', "emergency_phone: ruf an"), "Keine Telefonnummer"],
  ["not an email address", edit("email: praxis@beispiel-hausarzt.de", "email: praxis-beispiel"), "Keine E-Mail-Adresse"],
  ["not a web address", edit("  url: https://www.datenschutz-berlin.de", "  url: datenschutz-berlin"), "Keine Internetadresse"],
  ["duration without unit", `${SMALL}systems:\n  - name: PVS\n    priority: 1\n    rto: 4\n`, "fehlt die Einheit"],
  ["not a duration", `${SMALL}systems:\n  - name: PVS\n    priority: 1\n    rto: bald\n`, "ist keine Dauer"],
  ["priority out of range", `${SMALL}systems:\n  - name: PVS\n    priority: 120\n`, "Erlaubt sind ganze Zahlen von 1 bis 99"],
  ["priority not a number", `${SMALL}systems:\n  - name: PVS\n    priority: hoch\n`, "Erwartet eine ganze Zahl"],
  ["required field missing", `${SMALL}systems:\n  - priority: 1\n`, "Pflichtfeld fehlt"],
  ["empty value", `${SMALL}phone:\n`, "Kein Wert eingetragen"],
  ["yes/no expected", `${SMALL}nis2: vielleicht\n`, "kein Ja/Nein-Wert"],
  ["list expected", `${SMALL}systems: PVS\n`, "Erwartet eine Liste"],
  ["section expected", `${SMALL}it: Beispiel IT\n`, "Erwartet einen Abschnitt"],
  ["system twice", `${SMALL}systems:\n  - name: PVS\n    priority: 1\n  - name: pvs\n    priority: 2\n`, "steht doppelt"],
  ["unknown contact in a role", edit("    primary: Jonas Muster", "    primary: Jonas Mustermann"), "Kein Kontakt"],
  ["confirmation wait too long", edit("    confirm_within: 5 min", "    confirm_within: 2h"), "ist zu lang"],
  ["not a Slack id", `${SMALL}contacts:\n  - name: Anna\n    chat:\n      slack: x1\n`, "keine Slack-Mitglieds-ID"],
  ["tab indentation", edit('  hotline: "+49 30 2345678-9"', '\thotline: "+49 30 2345678-9"'), "Tabulator"],
  ["dash without space", edit("  - name: Dr. med. Erika Musterfrau", "  -name: Dr. med. Erika Musterfrau"), "Nach dem Bindestrich"],
  ["colon missing", edit('  hotline: "+49 30 2345678-9"', '  hotline "+49 30 2345678-9"'), "fehlt der Doppelpunkt"],
  ["YAML syntax", edit('  hotline: "+49 30 2345678-9"', '  hotline: "+49 30 2345678-9'), "(YAML:"],
  ["empty file", "", "Die Datei ist leer"],
  ["a list instead of fields", "- a\n- b\n", "Die Datei muss aus Feldern bestehen"],
];

describe("organisation file mistakes in German and English", () => {
  for (const [name, text, german] of CASES) {
    it(name, () => {
      const r = readOrgConfigText(text, "notfall.config.yaml");
      expect(r.issues.length, name).toBeGreaterThan(0);
      const issue = r.issues.find((i) => i.message.includes(german));
      expect(issue, `${name}: ${r.issues.map((i) => i.message).join(" | ")}`).toBeDefined();
      for (const i of r.issues) {
        expect(i.messageEn, i.message).not.toBe(i.message);
        expect(germanIn(prose(i.messageEn), []), i.messageEn).toBeUndefined();
        expect(i.messageEn, i.messageEn).not.toMatch(/[äöüÄÖÜß„“]/);
        // the same place in both languages
        expect(formatConfigIssue(i, "en").split(" ")[0]).toBe(formatConfigIssue(i).split(" ")[0]);
      }
    });
  }

  it("check-config's report and the start warning: English under en, German by default", () => {
    const r = readOrgConfigText(edit("kind: praxis", "kind: klinik"), "notfall.config.yaml");
    const en = new ConfigError(r.issues, "en").message;
    expect(en).toBe(
      'notfall.config.yaml:12 kind: "klinik" is not allowed here. Write "praxis" or "kmu". ("praxis" = medical, dental or therapy practice, "kmu" = company)\n' +
        "      12 | kind: klinik\n" +
        "Every field with examples: docs/configuration.md · Templates: examples/praxis.yaml, examples/kmu.yaml",
    );
    expect(new ConfigError(r.issues).message).toBe(
      'notfall.config.yaml:12 kind: "klinik" ist hier nicht erlaubt. Schreiben Sie "praxis" oder "kmu". (praxis = Arzt-, Zahnarzt- oder Therapiepraxis, kmu = Firma)\n' +
        "      12 | kind: klinik\n" +
        "Alle Felder mit Beispielen: docs/configuration.md · Vorlagen: examples/praxis.yaml, examples/kmu.yaml",
    );
    const notice = startupNotice(r, "en")!.join("\n");
    expect(notice).toContain('kind: "klinik" is not allowed here.');
    expect(notice).not.toContain("nicht erlaubt");
    expect(startupNotice(r, "de")!.join("\n")).toContain("ist hier nicht erlaubt");
  });

  it("what a broken start of the file leaves out is named in English under en", () => {
    const r = readOrgConfigText(`\tname: Praxis\n${PRAXIS}`, "notfall.config.yaml");
    expect(r.dropped).toContain("(Anfang der Datei)");
    const notice = startupNotice(r, "en")!.join("\n");
    expect(notice).toContain("(start of the file)");
    expect(notice).not.toContain("Anfang");
  });
});
