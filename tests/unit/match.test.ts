import { describe, expect, it } from "vitest";
import { splitCompound } from "../../src/core/match/compound.ts";
import { explainMatch } from "../../src/core/match/explain.ts";
import { MAX_CANDIDATES, matchPlaybooks, menuOptions, phraseKey } from "../../src/core/match/index.ts";
import { indexFor } from "../../src/core/match/playbook-index.ts";
import { EXTENSION_WORD, foldWord, words } from "../../src/core/match/words.ts";
import { closestWord, tolerance, typoDistance } from "../../src/core/text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc, type Playbook } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();
const stems = (text: string) => words(text).map((w) => w.forms[0]);

describe("typo distance (one mechanism for the whole project)", () => {
  it("counts inserts, deletes, replacements and a swap of neighbours as one edit each", () => {
    expect(typoDistance("status", "status")).toBe(0);
    expect(typoDistance("stauts", "status")).toBe(1);
    expect(typoDistance("erldigt", "erledigt")).toBe(1);
    expect(typoDistance("verschluselung", "verschluesselung")).toBe(2);
    expect(typoDistance("abc", "xyz")).toBe(3);
  });

  it("finds the closest candidate within the allowed distance, first on ties, skipping by length", () => {
    expect(closestWord("stauts", ["stand", "status", "export"], tolerance)).toEqual({ word: "status", distance: 1 });
    expect(closestWord("xyzzy", ["status", "export"], tolerance)).toBeUndefined();
    expect(closestWord("rol", ["role", "rolle"], () => 1)).toEqual({ word: "role", distance: 1 });
    expect(closestWord("a", ["abcdef"], () => 2)).toBeUndefined();
  });
});

describe("German as people type it", () => {
  it("folds case, umlauts and ß both ways", () => {
    expect(foldWord("Verschlüsselung")).toBe(foldWord("verschluesselung"));
    expect(foldWord("Lösegeld")).toBe(foldWord("loesegeld"));
    expect(foldWord("schließen")).toBe(foldWord("schliessen"));
    expect(foldWord("Überweisung")).toBe(foldWord("uberweisung"));
    // a spelled-out umlaut after a vowel or q is a real "ue": Feuer, Quelle
    expect(foldWord("Feuer")).toBe("feuer");
    expect(foldWord("Quelle")).toBe("quelle");
  });

  it("drops stop words and punctuation, keeps the words that matter in an emergency", () => {
    expect(stems("Der Server ist weg!!")).toEqual(["serv", "weg"]);
    expect(stems("kein Strom, nichts geht")).toEqual(["kein", "strom", "nicht", "geht"]);
  });

  it("reduces inflected forms to one stem (Snowball German)", () => {
    expect(stems("Dateien")).toEqual(stems("Datei"));
    expect(stems("gestohlene Laptops")).toEqual(stems("gestohlen Laptops"));
    expect(words("abgestürzt")[0]?.forms).toContain("absturzt");
  });

  it("reports an unusual file extension as the word 'endung', an everyday one not", () => {
    expect(stems("alle Dateien heißen jetzt .locked")).toEqual(expect.arrayContaining(["locked", EXTENSION_WORD]));
    expect(stems("bericht.docx.crypt")).toContain(EXTENSION_WORD);
    expect(stems("rechnung.pdf an falsche adresse")).not.toContain(EXTENSION_WORD);
    expect(stems("siehe www.bsi.de")).not.toContain(EXTENSION_WORD);
  });

  it("joins a separated verb with its particle", () => {
    expect(words("server fährt nicht hoch").map((w) => w.folded)).toContain("hochfahrt");
  });

  it("splits compounds into known parts, with linking letters, and not into strangers", () => {
    const known = new Set(["praxis", "server", "karten", "lese", "gerat", "daten", "strom"]);
    const has = (p: string) => known.has(p);
    expect(splitCompound("praxisserver", has)).toEqual(["praxis", "server"]);
    expect(splitCompound("kartenlesegerat", has)).toEqual(["karten", "lese", "gerat"]);
    expect(splitCompound("stromkabel", has)).toEqual(["strom", "kabel"]);
    expect(splitCompound("stromkabel", has, false)).toBeUndefined();
    expect(splitCompound("brand", has)).toBeUndefined();
  });

  it("phraseKey: the same symptom however it is written", () => {
    expect(phraseKey("Strom ist weg!")).toBe(phraseKey("strom weg"));
    expect(phraseKey("Die Maus bewegt sich")).toBe(phraseKey("maus bewegt sich"));
    expect(phraseKey("und oder aber")).toBe("");
  });
});

describe("matchPlaybooks", () => {
  const open = (text: string) => matchPlaybooks(text, playbooks);

  it("opens a playbook from compounds, inflections and brand names nobody wrote down", () => {
    expect(open("Praxisserver startet nicht mehr")).toMatchObject({ verdict: "open", id: "serverausfall" });
    expect(open("Kartenlesegerät geht nicht")).toMatchObject({ verdict: "open", id: "internet-ti" });
    expect(open("TeamViewer Fenster ging auf und jemand war drin")).toMatchObject({ verdict: "open", id: "fernwartung" });
    expect(open("alle Dateien heißen jetzt .locked")).toMatchObject({ verdict: "open", id: "verschluesselung" });
  });

  it("counts negative evidence: 'verloren' beside Daten and Server is no lost device", () => {
    const m = open("Daten verloren nach Serverabsturz");
    expect(m.verdict).not.toBe("open");
    expect(m.candidates[0]?.id).toBe("serverausfall");
    const lost = m.ranking.find((r) => r.id === "geraeteverlust");
    expect(lost?.against).toContain("serverabsturz");
    // "verloren" beside a device is one
    expect(open("Diensthandy verloren")).toMatchObject({ verdict: "open", id: "geraeteverlust" });
  });

  // found with phrasings written from the titles only (session 3): each of these opened a wrong playbook before
  it("'jemand' says who, not what: it opens nothing on its own", () => {
    for (const text of [
      "jemand hat angerufen",
      "jemand hat die tür aufgebrochen",
      "jemand hat die patientenliste fotografiert und weitergegeben",
    ]) {
      expect(open(text).verdict, text).not.toBe("open");
    }
    expect(open("jemand steuert meinen pc")).toMatchObject({ verdict: "open", id: "fernwartung" });
  });

  it("a broken laptop or phone is no lost device, a hanging update no vulnerability: both ask, the hardware failure offered", () => {
    for (const [text, not] of [
      ["laptop kaputt", "geraeteverlust"],
      ["handy kaputt", "geraeteverlust"],
      ["laptop display kaputt", "geraeteverlust"],
      ["windows update hängt", "sicherheitsluecke"],
      ["my laptop is broken", "geraeteverlust"],
    ] as const) {
      const m = open(text);
      expect(m.verdict, `${text}: ${JSON.stringify(m.candidates.map((c) => c.id))}`).toBe("ask");
      expect(
        m.candidates.map((c) => c.id),
        text,
      ).toEqual(expect.arrayContaining([not, "serverausfall"]));
    }
    // the device beside a word of loss is one
    expect(open("laptop im zug vergessen")).toMatchObject({ verdict: "open", id: "geraeteverlust" });
    expect(open("handy geklaut")).toMatchObject({ verdict: "open", id: "geraeteverlust" });
  });

  it("a word of breaking ('defekt', 'hängt') never opens a playbook whose cues speak of no failure: the object alone chose it", () => {
    for (const text of [
      "smc-b karte defekt",
      "ehba defekt",
      "anydesk hängt",
      "usb stick kaputt",
      "teamviewer geht nicht",
      "fernwartung geht gar nicht",
    ]) {
      expect(open(text).verdict, text).toBe("ask");
    }
    // "geht" without "nicht" says nothing broke
    expect(open("dsgvo vorfall, brief mit diagnosen ging an die falsche person")).toMatchObject({ verdict: "open", id: "datenabfluss" });
    // a playbook about failures still opens on one
    expect(open("kartenleser kaputt")).toMatchObject({ verdict: "open", id: "internet-ti" });
    expect(open("festplatte defekt im server")).toMatchObject({ verdict: "open", id: "serverausfall" });
  });

  it("a compound ending in a room of the playbooks is a room ('Technikraum'), a three-letter stem teaches nothing ('ransom|ware')", () => {
    expect(open("heizung ausgelaufen, wasser im technikraum")).toMatchObject({ verdict: "open", id: "brand-wasser" });
    expect(open("schmorgeruch aus dem technikraum").candidates[0]?.id).toBe("brand-wasser");
    const m = open("ransomware auf dem praxisserver");
    expect(m).toMatchObject({ verdict: "open", id: "verschluesselung" });
    expect(m.ranking.find((r) => r.id === "serverausfall")?.words ?? []).not.toContain("ransomware");
  });

  it("knows virus scanners and a NAS by name, and CERT warnings", () => {
    expect(open("kaspersky warnt").candidates[0]?.id).toBe("schadsoftware");
    expect(open("bitdefender hat eine bedrohung blockiert")).toMatchObject({ verdict: "open", id: "schadsoftware" });
    expect(open("nas ausgefallen").candidates[0]?.id).toBe("serverausfall");
    expect(open("cert warnung").candidates[0]?.id).toBe("sicherheitsluecke");
    // "Microsoft" is no virus scanner
    expect(open("microsoft 365 konto übernommen").candidates[0]?.id).toBe("email-konto");
  });

  it("a typo alone is offered, never opened", () => {
    const m = open("verschlüselung");
    expect(m.verdict).toBe("ask");
    expect(m.candidates[0]).toMatchObject({ id: "verschluesselung", guessOnly: true });
  });

  it("asks with at most three candidates, best first, and says none for nonsense", () => {
    const m = open("gehackt");
    expect(m.verdict).toBe("ask");
    expect(m.candidates.length).toBeGreaterThan(0);
    expect(m.candidates.length).toBeLessThanOrEqual(MAX_CANDIDATES);
    const scores = m.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(open("xyzzy quux")).toEqual({ verdict: "none", ranking: [], candidates: [] });
    expect(open("")).toMatchObject({ verdict: "none" });
  });

  it("every ranked playbook says why: its best cue, the words for it and against it", () => {
    const m = open("Maus bewegt sich von alleine");
    expect(m).toMatchObject({ verdict: "open", id: "fernwartung" });
    expect(m.ranking[0]).toMatchObject({ id: "fernwartung", coverage: 1, words: ["maus", "bewegt", "alleine"], against: [] });
    expect(m.ranking[0]?.cue?.text.toLowerCase()).toContain("maus bewegt sich");
  });

  it("reads at most the start of a pasted mail (40 words), whatever its length", () => {
    const long = `Maus bewegt sich von allein. ${"bla ".repeat(50_000)}`;
    expect(words(long).length).toBeLessThanOrEqual(40);
    expect(open(long)).toMatchObject({ verdict: "open", id: "fernwartung" });
  });

  it("builds the index once per set of playbooks and again when the set changes", () => {
    expect(indexFor(playbooks)).toBe(indexFor([...playbooks]));
    expect(indexFor(playbooks.slice(1))).not.toBe(indexFor(playbooks));
    expect(matchPlaybooks("Maus bewegt sich", [])).toMatchObject({ verdict: "none" });
  });

  it("learns symptoms from the YAML: a playbook with only the new phrase is found by it", () => {
    const base = playbooks.find((p) => p.id === "stromausfall")!;
    const custom: Playbook = {
      ...base,
      id: "aufzug",
      title: "Aufzug steckt fest",
      triggers: ["aufzug"],
      anzeichen: ["Kabine hängt zwischen zwei Etagen"],
    };
    const m = matchPlaybooks("die Kabine hängt zwischen den Etagen", [...playbooks, custom]);
    expect(m).toMatchObject({ verdict: "open", id: "aufzug" });
  });
});

describe("menu options for the 'which kind?' question", () => {
  it("give a plain title and one line per candidate, never only the id", () => {
    const m = matchPlaybooks("Daten verloren nach Serverabsturz", playbooks);
    const options = menuOptions(m.candidates, playbooks);
    expect(options.length).toBe(m.candidates.length);
    for (const o of options) {
      expect(o.title).not.toBe(o.id);
      expect(o.title.length).toBeGreaterThan(5);
      expect(o.line?.length ?? 0).toBeGreaterThan(10);
    }
    expect(options[0]).toMatchObject({ id: "serverausfall", title: "Ausfall von Server oder Hardware" });
    expect(menuOptions(m.candidates, playbooks, "en")[0]?.title).toBe("Server or hardware failure");
  });

  it("every playbook has a one-line erkennen: and symptom phrases", () => {
    for (const p of playbooks) {
      expect(p.erkennen, p.id).toBeDefined();
      expect(loc(p.erkennen!).length, p.id).toBeLessThanOrEqual(90);
      expect(p.anzeichen.length, p.id).toBeGreaterThanOrEqual(8);
    }
  });
});

describe("explainMatch (notfallbot playbooks --match)", () => {
  it("names the verdict, the scores and the evidence", () => {
    const text = "Daten verloren nach Serverabsturz";
    const lines = explainMatch(text, matchPlaybooks(text, playbooks), playbooks);
    expect(lines[0]).toBe(`„${text}“`);
    expect(lines[1]).toMatch(/^→ fragt nach: serverausfall, geraeteverlust/);
    expect(lines.join("\n")).toMatch(/\* 1\. serverausfall {2}\d+\.\d\d {2}Ausfall von Server oder Hardware/);
    expect(lines.join("\n")).toMatch(/dagegen: serverabsturz/);
  });
});
