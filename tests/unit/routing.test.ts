import { describe, expect, it } from "vitest";
import { matchType, parseCommand } from "../../src/core/parser.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

const playbooks = loadPlaybooks().list();

/** Everyday phrasings, as a person in a hurry would type them after `/notfall`. */
const ROUTES: Record<string, string[]> = {
  verschluesselung: [
    "Server zeigt Erpressernachricht, alle Dateien verschlüsselt",
    "ransomware auf dem praxisserver",
    "die wollen lösegeld in bitcoin",
  ],
  datenabfluss: [
    "datenpanne: arztbrief an falschen empfänger",
    "Befunde falsch versendet",
    "kundenliste im internet veröffentlicht, datenleck",
  ],
  "email-konto": [
    "habe auf phishing mail mein passwort eingegeben",
    "mein mail konto gehackt, spam von uns an alle kunden",
    "e-mail gehackt",
  ],
  fernwartung: ["die maus bewegt sich von selbst", "jemand hat per teamviewer zugegriffen", "fremder zugriff über anydesk"],
  schadsoftware: ["virenscanner meldet trojaner", "defender warnung auf dem empfangsrechner", "malware gefunden"],
  sicherheitsluecke: [
    "bsi warnt vor lücke in unserer firewall, sicherheitslücke",
    "CVE-2026-1234 im VPN",
    "dringendes update vom hersteller",
  ],
  serverausfall: ["server down", "festplatte defekt im server", "pvs geht nicht mehr"],
  stromausfall: ["stromausfall im ganzen haus", "kein strom seit 10 minuten", "usv piept"],
  "brand-wasser": ["es brennt im keller", "wasserschaden im serverraum", "rauch aus dem serverschrank"],
  "internet-ti": ["kein internet", "konnektor offline, ti störung", "e-rezept geht nicht"],
  geraeteverlust: ["laptop gestohlen", "handy verloren mit patientendaten", "ehba weg"],
  "ceo-fraud": ["falsche iban in rechnung, geld überwiesen", "ceo fraud mail vom angeblichen chef", "überweisungsbetrug"],
};

describe("everyday phrasings route to the right playbook", () => {
  for (const [id, phrases] of Object.entries(ROUTES)) {
    for (const phrase of phrases) {
      it(`"${phrase}" → ${id}`, () => {
        expect(playbooks.some((p) => p.id === id)).toBe(true);
        const cmd = parseCommand(phrase, playbooks);
        expect(cmd).toMatchObject({ kind: "open", playbookId: id });
      });
    }
  }

  it("a place name that merely starts like a trigger does not open the fire playbook", () => {
    expect(matchType("brandenburg filiale meldet etwas", playbooks).id).not.toBe("brand-wasser");
  });

  it("ambiguous input asks instead of guessing", () => {
    // two equally specific triggers of different types
    const cmd = parseCommand("nach dem brand meldet der virenscanner alarm", playbooks);
    expect(cmd.kind).toBe("choose-type");
    if (cmd.kind === "choose-type") expect(cmd.candidates).toEqual(expect.arrayContaining(["brand-wasser", "schadsoftware"]));
  });

  it("text that matches no trigger offers the closest types", () => {
    const cmd = parseCommand("verschlüselung", playbooks);
    expect(cmd.kind).toBe("choose-type");
    if (cmd.kind === "choose-type") expect(cmd.candidates[0]).toBe("verschluesselung");
  });
});
