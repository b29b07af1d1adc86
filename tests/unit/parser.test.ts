import { describe, expect, it } from "vitest";
import { type Command, parseCommand } from "../../src/core/parser.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

const playbooks = loadPlaybooks().list();
const RANSOM = "verschluesselung";

const cmd = (line: string) => parseCommand(line, playbooks);
const reply = (line: string) => parseCommand(line, playbooks, { mode: "reply" });

describe("parseCommand: help", () => {
  it.each(["", "   ", "hilfe", "help", "HILFE", "/hilfe"])("%j → help", (line) => {
    expect(cmd(line)).toEqual({ kind: "help" });
  });
});

describe("parseCommand: open by trigger", () => {
  it("the ransomware playbook exists (the rest of this file relies on it)", () => {
    expect(playbooks.map((p) => p.id)).toContain(RANSOM);
  });

  it.each(["verschlüsselung", "verschluesselung", "VERSCHLÜSSELUNG", "Verschluesselung", "  verschlüsselung  "])(
    "%j opens the ransomware playbook",
    (line) => {
      expect(cmd(line)).toEqual({ kind: "open", playbookId: RANSOM, description: "", drill: false });
    },
  );

  it("splits the description off the type word", () => {
    expect(cmd("verschlüsselung Server zeigt Erpressernachricht")).toEqual({
      kind: "open",
      playbookId: RANSOM,
      description: "Server zeigt Erpressernachricht",
      drill: false,
    });
  });

  it("tolerates extra spaces around and between the words", () => {
    const c = cmd("   verschlüsselung     Server zeigt   Erpressernachricht   ");
    expect(c.kind).toBe("open");
    if (c.kind !== "open") return;
    expect(c.playbookId).toBe(RANSOM);
    expect(c.description.startsWith("Server")).toBe(true);
    expect(c.description.endsWith("Erpressernachricht")).toBe(true);
    expect(c.description.replace(/\s+/g, " ")).toBe("Server zeigt Erpressernachricht");
  });

  it("recognises free-text phrasing and keeps the whole sentence as description", () => {
    expect(cmd("unsere dateien sind verschlüsselt")).toEqual({
      kind: "open",
      playbookId: RANSOM,
      description: "unsere dateien sind verschlüsselt",
      drill: false,
    });
    const c = cmd("Unsere Dateien sind verschluesselt!");
    expect(c).toMatchObject({ kind: "open", playbookId: RANSOM, drill: false });
  });
});

describe("parseCommand: drill", () => {
  it.each(["übung verschlüsselung", "uebung verschluesselung", "Übung VERSCHLÜSSELUNG", "drill verschlüsselung"])(
    "%j opens a drill",
    (line) => {
      expect(cmd(line)).toEqual({ kind: "open", playbookId: RANSOM, description: "", drill: true });
    },
  );

  it("keeps the drill flag when a description follows", () => {
    expect(cmd("übung verschlüsselung Server zeigt Erpressernachricht")).toEqual({
      kind: "open",
      playbookId: RANSOM,
      description: "Server zeigt Erpressernachricht",
      drill: true,
    });
  });

  it.each(["übung", "uebung", "drill", "  Übung  "])("%j alone asks for the type", (line) => {
    expect(cmd(line)).toEqual({ kind: "error", error: { code: "type-missing", drill: true } });
  });
});

describe("parseCommand: typos", () => {
  it("a typo in a command keyword gets a suggestion", () => {
    // the whole command is suggested, with what followed the mistyped word (issue #10: "Meinten Sie `erledigt 3`?")
    expect(cmd("erldigt 3")).toEqual({ kind: "error", error: { code: "unknown", given: "erldigt", suggestion: "erledigt 3" } });
    expect(cmd("stauts")).toEqual({ kind: "error", error: { code: "unknown", given: "stauts", suggestion: "status" } });
    expect(cmd("eskaliren krise")).toMatchObject({ kind: "error", error: { code: "unknown", suggestion: "eskalieren krise" } });
  });

  it("a typo in the type offers the type as a candidate", () => {
    const c = cmd("verschlüselung");
    expect(c.kind).toBe("choose-type");
    if (c.kind !== "choose-type") return;
    expect(c.candidates.map((x) => x.id)).toContain(RANSOM);
    expect(c.drill).toBe(false);
    expect(c.text).toBe("verschlüselung");
  });

  it("a typo in the type of a drill keeps the drill flag", () => {
    expect(cmd("übung verschlüselung")).toMatchObject({ kind: "choose-type", drill: true });
  });

  it("text matching nothing asks for the type without candidates", () => {
    expect(cmd("xyzzy quux")).toEqual({ kind: "choose-type", text: "xyzzy quux", candidates: [], drill: false });
  });
});

describe("parseCommand: roles", () => {
  it("claims a role for oneself", () => {
    expect(cmd("rolle koordinator")).toEqual({ kind: "role", role: "koordinator" });
    expect(cmd("Rolle Kommunikation")).toEqual({ kind: "role", role: "kommunikation" });
    expect(cmd("rolle technik ich")).toEqual({ kind: "role", role: "technik" });
  });

  it("assigns a role to a mentioned person", () => {
    expect(cmd("rolle technik @ben")).toEqual({ kind: "role", role: "technik", target: "@ben" });
    expect(cmd("rolle kommunikation <@U123>")).toEqual({ kind: "role", role: "kommunikation", target: "<@U123>" });
  });

  it("accepts short role aliases", () => {
    expect(cmd("rolle tech")).toEqual({ kind: "role", role: "technik" });
    expect(cmd("role coordinator")).toEqual({ kind: "role", role: "koordinator" });
  });

  it("releases a role", () => {
    expect(cmd("rolle technik abgeben")).toEqual({ kind: "role", role: "technik", release: true });
  });

  it("a role typo gets a suggestion; a missing role is an error", () => {
    expect(cmd("rolle koordinatr")).toEqual({
      kind: "error",
      error: { code: "role-unknown", given: "koordinatr", suggestion: "koordinator" },
    });
    expect(cmd("rolle chef")).toEqual({ kind: "error", error: { code: "role-unknown", given: "chef" } });
    expect(cmd("rolle")).toEqual({ kind: "error", error: { code: "role-missing" } });
  });
});

describe("parseCommand: task verbs", () => {
  it.each<[string, Command]>([
    ["erledigt 3", { kind: "task", verb: "erledigt", nrs: [3] }],
    ["Erledigt 12", { kind: "task", verb: "erledigt", nrs: [12] }],
    ["ok 3", { kind: "task", verb: "bestätigt", nrs: [3] }],
    ["✅ 3", { kind: "task", verb: "erledigt", nrs: [3] }],
    ["✅3", { kind: "task", verb: "erledigt", nrs: [3] }],
    ["👍 2", { kind: "task", verb: "bestätigt", nrs: [2] }],
    ["erledigt #4", { kind: "task", verb: "erledigt", nrs: [4] }],
    ["erledigt 3, 4 und 5", { kind: "task", verb: "erledigt", nrs: [3, 4, 5] }],
    ["erledigt 3,4;5", { kind: "task", verb: "erledigt", nrs: [3, 4, 5] }],
    ["überspringen 4 kein WLAN", { kind: "task", verb: "übersprungen", nrs: [4], reason: "kein WLAN" }],
    ["ueberspringen 4 kein WLAN", { kind: "task", verb: "übersprungen", nrs: [4], reason: "kein WLAN" }],
  ])("%j", (line, expected) => {
    expect(cmd(line)).toEqual(expected);
  });

  it("skipping needs a reason", () => {
    expect(cmd("ueberspringen 4")).toEqual({ kind: "error", error: { code: "skip-reason-missing", nr: 4 } });
    expect(cmd("überspringen 4")).toEqual({ kind: "error", error: { code: "skip-reason-missing", nr: 4 } });
  });

  it("a verb without a number asks for the number", () => {
    expect(cmd("erledigt")).toEqual({ kind: "error", error: { code: "task-nr-missing", verb: "erledigt" } });
    expect(cmd("ok")).toEqual({ kind: "error", error: { code: "task-nr-missing", verb: "bestätigt" } });
    expect(cmd("überspringen")).toEqual({ kind: "error", error: { code: "task-nr-missing", verb: "übersprungen" } });
    expect(cmd("erledigt drei")).toEqual({ kind: "error", error: { code: "task-nr-missing", verb: "erledigt" } });
  });

  it("numbers with more than four digits are not read as task numbers", () => {
    expect(cmd("erledigt 99999")).toEqual({ kind: "error", error: { code: "task-nr-missing", verb: "erledigt" } });
  });
});

describe("parseCommand: answers, levels, phases", () => {
  it("answers a triage question and a review question", () => {
    expect(cmd("antwort 2 ja")).toEqual({ kind: "answer", ref: "2", value: "ja" });
    expect(cmd("antwort L1 text")).toEqual({ kind: "answer", ref: "L1", value: "text" });
    expect(cmd("antwort 1 heute 8:30")).toEqual({ kind: "answer", ref: "1", value: "heute 8:30" });
    expect(cmd("antwort #3 nein")).toEqual({ kind: "answer", ref: "3", value: "nein" });
    expect(cmd("antwort 2")).toEqual({ kind: "error", error: { code: "answer-missing" } });
    expect(cmd("antwort")).toEqual({ kind: "error", error: { code: "answer-missing" } });
  });

  it("escalates to a level, case- and umlaut-insensitive", () => {
    expect(cmd("eskalieren krise")).toEqual({ kind: "escalate", level: "krise", raw: "krise" });
    expect(cmd("eskalieren Krise")).toEqual({ kind: "escalate", level: "krise", raw: "Krise" });
    expect(cmd("eskalieren Störung")).toEqual({ kind: "escalate", level: "stoerung", raw: "Störung" });
    expect(cmd("eskalieren riesig")).toEqual({ kind: "escalate", raw: "riesig" });
  });

  it("advances with and without a reason", () => {
    expect(cmd("weiter")).toEqual({ kind: "advance" });
    expect(cmd("weiter Dienstleister ist vor Ort")).toEqual({ kind: "advance", reason: "Dienstleister ist vor Ort" });
  });

  it("closes with and without a reason", () => {
    expect(cmd("abschließen")).toEqual({ kind: "close" });
    expect(cmd("abschliessen")).toEqual({ kind: "close" });
    expect(cmd("abschließen Fehlalarm")).toEqual({ kind: "close", reason: "Fehlalarm" });
  });

  it("export, handbook, status, template and note", () => {
    expect(cmd("export")).toEqual({ kind: "export" });
    expect(cmd("handbuch")).toEqual({ kind: "handbook" });
    expect(cmd("status")).toEqual({ kind: "status" });
    expect(cmd("vorlage")).toEqual({ kind: "template" });
    expect(cmd("vorlage mitarbeitende")).toEqual({ kind: "template", name: "mitarbeitende" });
    expect(cmd("notiz Server um 9:10 vom Netz")).toEqual({ kind: "note", text: "Server um 9:10 vom Netz" });
    expect(cmd("notiz")).toEqual({ kind: "error", error: { code: "note-empty" } });
  });
});

describe("parseCommand: reply mode", () => {
  it.each([
    "verschlüsselung",
    "unsere dateien sind verschlüsselt",
    "übung verschlüsselung",
    "drill verschlüsselung",
    "übung",
    "verschlüselung",
    "Guten Morgen zusammen",
    "",
  ])("%j never opens an incident", (line) => {
    const c = reply(line);
    expect(c.kind).not.toBe("open");
    expect(c.kind).not.toBe("choose-type");
  });

  it("plain chat is text; commands still work in a thread", () => {
    expect(reply("Guten Morgen zusammen")).toEqual({ kind: "text", text: "Guten Morgen zusammen" });
    expect(reply("erledigt 3")).toEqual({ kind: "task", verb: "erledigt", nrs: [3] });
    expect(reply("rolle technik")).toEqual({ kind: "role", role: "technik" });
    expect(reply("verschlüsselung")).toEqual({ kind: "text", text: "verschlüsselung" });
    expect(reply("Übung macht den Meister")).toEqual({ kind: "text", text: "Übung macht den Meister" });
  });
});

describe("thread replies that are conversation stay documentation", () => {
  const pbs = loadPlaybooks().list();
  for (const text of [
    "Status: Server läuft wieder",
    "ok, mache ich",
    "Ende der Besprechung um 10",
    "Weitr so",
    "Stufe 2 der Sicherung läuft",
    "a ist erledigt",
    "Export der Daten läuft",
  ]) {
    it(`"${text}" is recorded as text, not run as a command`, () => {
      expect(parseCommand(text, pbs, { mode: "reply" })).toEqual({ kind: "text", text });
    });
  }
  it("the command shapes still work in a thread", () => {
    expect(parseCommand("erledigt 3", pbs, { mode: "reply" })).toMatchObject({ kind: "task", verb: "erledigt", nrs: [3] });
    expect(parseCommand("Status", pbs, { mode: "reply" })).toEqual({ kind: "status" });
    expect(parseCommand("antwort 2 ja", pbs, { mode: "reply" })).toMatchObject({ kind: "answer", ref: "2", value: "ja" });
  });
});

describe("every task word counts in a thread when a number follows", () => {
  const pbs = loadPlaybooks().list();
  it.each(["fertig 3", "x 3", "check 3", "done 3"])("%s", (text) => {
    expect(parseCommand(text, pbs, { mode: "reply" })).toMatchObject({ kind: "task", verb: "erledigt", nrs: [3] });
  });
});

describe("parseCommand: outage of a system (ausfall, #10 item 7)", () => {
  it("in a thread: alone, with a number or one word, and 'behoben' when it is back", () => {
    expect(reply("ausfall 1")).toEqual({ kind: "outage", ref: "1" });
    expect(reply("Ausfall PVS")).toEqual({ kind: "outage", ref: "PVS" });
    expect(reply("ausfall 3 behoben")).toEqual({ kind: "outage", ref: "3", back: true });
    expect(reply("down 2 fixed")).toEqual({ kind: "outage", ref: "2", back: true });
    expect(reply("ausfall")).toEqual({ kind: "outage", ref: "" });
  });
  it("in a thread, a sentence about an outage stays conversation", () => {
    expect(reply("Ausfall der Telefonanlage seit 9 Uhr").kind).toBe("text");
  });
  it("with the prefix, only a number reports an outage: '/notfall Ausfall Server' still declares an emergency", () => {
    expect(cmd("ausfall 2")).toEqual({ kind: "outage", ref: "2" });
    const c = cmd("Ausfall Server Praxissoftware geht nicht");
    expect(c.kind === "open" || c.kind === "choose-type").toBe(true);
    expect(cmd("ausfall").kind).not.toBe("outage");
  });
});
