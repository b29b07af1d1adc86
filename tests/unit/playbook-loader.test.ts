import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { matchType } from "../../src/core/parser.ts";
import { findTemplate } from "../../src/core/templates.ts";
import { DEFAULT_PLAYBOOK_DIR, loadPlaybookFile, loadPlaybooks } from "../../src/machines/loader.ts";
import { normaliseTrigger } from "../../src/machines/playbook-checks.ts";
import { LEVELS, loc, PHASES, ROLES, WORK_PHASES } from "../../src/machines/schema.ts";
import { germanIn } from "../helpers/german.ts";
import { errorOf } from "../helpers/playbook-error.ts";

const SHIPPED = [
  "brand-wasser",
  "ceo-fraud",
  "datenabfluss",
  "email-konto",
  "fernwartung",
  "geraeteverlust",
  "internet-ti",
  "schadsoftware",
  "serverausfall",
  "sicherheitsluecke",
  "stromausfall",
  "verschluesselung",
];

describe("shipped playbooks", () => {
  const lib = loadPlaybooks();

  it("loads every playbook file in playbooks/, id = file name", () => {
    const files = readdirSync(DEFAULT_PLAYBOOK_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
    expect(files).toEqual(SHIPPED);
    expect(lib.list().map((p) => p.id)).toEqual(SHIPPED);
    for (const id of SHIPPED) expect(lib.get(id)?.id).toBe(id);
    expect(lib.get("gibt-es-nicht")).toBeUndefined();
  });

  it("every playbook includes basis first, with the basis items merged in", () => {
    for (const p of lib.list()) {
      expect(p.include[0], p.id).toBe("basis");
      const q = p.questions.map((x) => x.id);
      expect(q.slice(0, 8), p.id).toEqual(["kenntnis", "wer", "was", "wann", "wo", "personenbezogen", "hohes-risiko", "nis2-erheblich"]);
      expect(p.questions.filter((x) => x.sets_awareness)).toHaveLength(1);
      expect(
        p.deadlines.map((d) => d.id),
        p.id,
      ).toEqual(expect.arrayContaining(["dsgvo-33", "dsgvo-34", "dsgvo-33-5", "nis2-erstmeldung", "nis2-meldung", "nis2-abschluss"]));
      expect(
        p.templates.map((t) => t.id),
        p.id,
      ).toEqual(expect.arrayContaining(["datenschutzbehoerde", "betroffene", "mitarbeitende"]));
      expect(p.review.length, p.id).toBeGreaterThanOrEqual(9);
      expect(p.recovery.length, p.id).toBeGreaterThanOrEqual(2);
    }
  });

  it("every critical task has a target time (ziel) for drills, a sensible one", () => {
    for (const p of lib.list())
      for (const t of p.tasks.filter((x) => x.critical)) {
        expect(t.ziel, `${p.id} ${t.id}`).toMatch(/^P/);
        // immediate actions of the first phases within hours, nothing beyond a week
        if (t.phase === "erkennung") expect(t.ziel, `${p.id} ${t.id}`).toMatch(/^PT\d+[MH]$/);
        expect(t.ziel, `${p.id} ${t.id}`).not.toMatch(/^P\d+M|^P([89]|\d\d+)D/);
      }
  });

  it("tasks are in phase order, every work phase has work, at most 8 tasks per role and phase", () => {
    for (const p of lib.list()) {
      const order = p.tasks.map((t) => PHASES.indexOf(t.phase as (typeof PHASES)[number]));
      expect(
        [...order].sort((a, b) => a - b),
        p.id,
      ).toEqual(order);
      for (const phase of WORK_PHASES) {
        expect(
          p.tasks.some((t) => t.phase === phase),
          `${p.id} ${phase}`,
        ).toBe(true);
        for (const role of ROLES) {
          const n = p.tasks.filter((t) => t.phase === phase && t.role === role).length;
          expect(n, `${p.id} ${phase} ${role}`).toBeLessThanOrEqual(8);
        }
      }
    }
  });

  it("no first-hour task tells people to wait before they act (issue #12: nothing that makes them wait when they should act)", () => {
    // e.g. the lost device: „mit den Sperren nicht länger als eine Stunde warten“ let the blocking wait up to an hour
    for (const p of lib.list())
      for (const t of p.tasks.filter((x) => x.phase === "erkennung" || x.phase === "sofort"))
        expect(loc(t.text, "de"), `${p.id}/${t.id}`).not.toMatch(/\b(?:ab)?warten\b|\bStunden? (?:lang )?warten/);
  });

  it("task texts are short (≤ 25 words) and every task says why", () => {
    for (const p of lib.list()) {
      for (const t of p.tasks) {
        const words = loc(t.text).trim().split(/\s+/).length;
        expect(words, `${p.id}/${t.id}`).toBeLessThanOrEqual(25);
        expect(loc(t.why).trim().length, `${p.id}/${t.id}`).toBeGreaterThan(10);
        expect(loc(t.why).trim().split(/\s+/).length, `${p.id}/${t.id} why`).toBeLessThanOrEqual(25);
      }
    }
  });

  it("every trigger with an umlaut or ß also exists without", () => {
    for (const p of lib.list()) {
      const set = new Set(p.triggers);
      for (const t of p.triggers) {
        if (/[äöüß]/.test(t)) expect(set.has(normaliseTrigger(t)), `${p.id}: ${t}`).toBe(true);
      }
    }
  });

  it("no trigger is shared between playbooks, and everyday phrasings find the right one", () => {
    const owner = new Map<string, string>();
    for (const p of lib.list()) {
      for (const t of p.triggers) {
        const key = normaliseTrigger(t);
        expect(owner.get(key) ?? p.id, `${t} in ${owner.get(key)} and ${p.id}`).toBe(p.id);
        owner.set(key, p.id);
      }
    }
    const expected: Record<string, string> = {
      "laptop gestohlen": "geraeteverlust",
      "kein internet": "internet-ti",
      "maus bewegt sich": "fernwartung",
      loesegeld: "verschluesselung",
      "dateien verschluesselt": "verschluesselung",
      "kein strom": "stromausfall",
      feuer: "brand-wasser",
      "passwort eingegeben": "email-konto",
      "falsche iban": "ceo-fraud",
      virenscanner: "schadsoftware",
      cve: "sicherheitsluecke",
      "server down": "serverausfall",
      fehlversand: "datenabfluss",
    };
    for (const [phrase, id] of Object.entries(expected)) expect(owner.get(normaliseTrigger(phrase)), phrase).toBe(id);
  });

  it("templates named in texts („Vorlage „Polizei““) are found by that name with `vorlage <Name>`", () => {
    let named = 0;
    for (const p of lib.list()) {
      // the lookup of `vorlage <Name>`: id, audience, id prefix or part of the title (src/core/commands.ts)
      const find = (name: string) => {
        const f = name.toLowerCase();
        return (
          p.templates.find((x) => x.id === f) ??
          p.templates.find((x) => x.audience === f) ??
          p.templates.find((x) => x.id.startsWith(f) || loc(x.title).toLowerCase().includes(f) || x.audience.startsWith(f))
        );
      };
      const texts = [...p.tasks.flatMap((t) => [loc(t.text), loc(t.why)]), ...p.questions.map((q) => (q.why ? loc(q.why) : ""))];
      for (const text of texts) {
        expect(text, `${p.id}: Vorlage ohne „Namen“`).not.toMatch(/Vorlage [a-z]/);
        for (const m of text.matchAll(/Vorlage „([^“]+)“/g)) {
          named++;
          expect(find(m[1]!), `${p.id}: ${text}`).toBeDefined();
        }
      }
    }
    expect(named).toBeGreaterThan(40);
  });

  it("`/notfall <words>` in texts opens the intended kind of incident (or is a command)", () => {
    const commands = new Set(["notiz", "rolle", "export"]);
    const all = lib.list();
    let opened = 0;
    for (const p of all) {
      const texts = [...p.tasks.flatMap((t) => [loc(t.text), loc(t.why)]), ...p.questions.map((q) => (q.why ? loc(q.why) : ""))];
      for (const text of texts) {
        for (const m of text.matchAll(/\/notfall ([^).,;/]+?)(?= oder |[).,;]|$)/g)) {
          const words = m[1]!.trim();
          if (commands.has(words.split(" ")[0]!)) continue;
          opened++;
          expect(matchType(words, all).id, `${p.id}: ${text}`).toBeDefined();
        }
      }
    }
    expect(opened).toBeGreaterThan(8);
  });

  it("every template with a condition says in one line when it applies", () => {
    for (const p of lib.list())
      for (const t of p.templates) {
        if (!t.when) continue;
        const line = t.applies_when ? loc(t.applies_when) : "";
        expect(line.length, `${p.id}/${t.id}`).toBeGreaterThan(20);
        expect(line, `${p.id}/${t.id}`).not.toContain("\n");
      }
  });

  it("personal data default to „unklar“ where they are usually affected, and implying answers point there", () => {
    const usual = ["datenabfluss", "email-konto", "fernwartung", "geraeteverlust", "schadsoftware", "verschluesselung"];
    for (const p of lib.list()) {
      expect(p.defaults?.personenbezogen, p.id).toBe(usual.includes(p.id) ? "unklar" : undefined);
    }
    const stolen = lib.get("verschluesselung")!.questions.find((q) => q.id === "daten-gestohlen")!;
    expect(stolen.implies).toEqual({ ja: { personenbezogen: "ja" } });
    const basis = lib.get("verschluesselung")!;
    const q = (id: string) => basis.questions.find((x) => x.id === id)!;
    expect(q("personenbezogen").remind_after?.[0]).toBe("PT1H");
    expect(q("hohes-risiko").when).toEqual({ question: "personenbezogen", answer: ["ja", "unklar"] });
    // Art. 33(5) record and Art. 34 assessment also on „unklar“
    expect(basis.deadlines.find((d) => d.id === "dsgvo-33-5")?.when).toEqual({ question: "personenbezogen", answer: ["ja", "unklar"] });
    expect(basis.tasks.find((t) => t.id === "risiko-einschaetzen")).toMatchObject({
      critical: true,
      when: { question: "hohes-risiko", answer: "unklar" },
    });
  });

  it("NIS2 reports hang on the „erheblicher Sicherheitsvorfall“ answer, never on the level", () => {
    for (const p of lib.list()) {
      const erheblich = p.questions.find((q) => q.id === "nis2-erheblich")!;
      expect(loc(erheblich.text)).toMatch(/^Erheblicher Sicherheitsvorfall \(§ 2 Nr\. 11 BSIG\)\? /);
      expect(erheblich.when).toEqual({ config: "nis2" });
      const nis2 = [...p.tasks, ...p.deadlines, ...p.templates].filter((x) => x.when?.config === "nis2");
      expect(nis2.length, p.id).toBe(7);
      for (const x of nis2)
        expect(x.when, `${p.id}/${x.id}`).toEqual({ config: "nis2", question: "nis2-erheblich", answer: ["ja", "unklar"] });
    }
  });

  it("the cyber insurer only where a cyber damage arises; fire and water call the property insurer", () => {
    const cyber = ["ceo-fraud", "datenabfluss", "email-konto", "fernwartung", "geraeteverlust", "schadsoftware", "verschluesselung"];
    for (const p of lib.list()) {
      expect(p.include.includes("cyberversicherung"), p.id).toBe(cyber.includes(p.id));
      const melden = p.tasks.find((t) => t.id === "versicherung-melden");
      if (!cyber.includes(p.id)) continue;
      expect(melden).toMatchObject({ critical: true, call: "insurer.hotline", when: { config: "insurer", min_level: "notfall" } });
      expect(loc(melden!.text)).toMatch(/IT-Dienstleister begrenzt den Schaden sofort/);
      expect(loc(melden!.text)).not.toMatch(/Keine Firma beauftragen/);
    }
    const fire = lib.get("brand-wasser")!;
    expect(fire.tasks.find((t) => t.id === "sachversicherung")).toMatchObject({ critical: true, call: "property_insurer.hotline" });
    expect(fire.templates.find((t) => t.id === "sachversicherung")?.audience).toBe("versicherung");
  });

  it("the ransomware playbook separates disconnecting (anyone) from powering off (Technischer Kontakt)", () => {
    const p = lib.get("verschluesselung")!;
    expect(p.level).toBe("notfall");
    expect(p.levels?.krise?.raise_when).toBeTruthy();
    const first = p.tasks[0]!;
    expect(first.phase).toBe("erkennung");
    const trennen = p.tasks.find((t) => t.id === "netzkabel-ziehen")!;
    expect(loc(trennen.text)).toMatch(/Netz trennen/);
    expect(loc(trennen.text)).toMatch(/Gerät eingeschaltet lassen/);
    const aus = p.tasks.find((t) => t.id === "ausschalten-entscheiden")!;
    expect(aus.role).toBe("technik");
    // …unless nobody technical answers: then the coordinator powers off hard
    const hart = p.tasks.find((t) => t.id === "hart-ausschalten")!;
    expect(hart).toMatchObject({ phase: "erkennung", role: "koordinator", critical: true });
    expect(loc(hart.text)).toMatch(/15 Minuten nicht erreicht/);
    expect(loc(hart.text)).toMatch(/USV/);
    expect(loc(hart.text)).toMatch(/Sicherungsplatte abstecken/);
    expect(p.tasks.findIndex((t) => t.id === "netzkabel-ziehen")).toBeLessThan(
      p.tasks.findIndex((t) => t.id === "ausschalten-entscheiden"),
    );
    const report = p.tasks.find((t) => t.fulfils === "dsgvo-33")!;
    expect(report.role).toBe("kommunikation");
    expect(report.when).toEqual({ question: "personenbezogen", answer: ["ja", "unklar"] });
    expect(p.templates.map((t) => t.id)).toEqual(
      expect.arrayContaining(["mitarbeitende", "it-dienstleister", "datenschutzbehoerde", "betroffene", "polizei", "presse"]),
    );
    expect(p.templates.filter((t) => t.external).map((t) => t.id)).toEqual(
      expect.arrayContaining(["datenschutzbehoerde", "betroffene", "polizei", "presse"]),
    );
    expect(p.review.map((r) => r.id)).toEqual(expect.arrayContaining(["einfallstor", "verweildauer", "wiederherstellungszeit"]));
  });

  it("the fire playbook puts people first", () => {
    const p = lib.get("brand-wasser")!;
    const first = loc(p.tasks[0]!.text);
    expect(first).toMatch(/112/);
    expect(first).toMatch(/Gebäude|verlassen|evakuier/i);
    expect(p.tasks[0]!.critical).toBe(true);
  });

  it("basis deadlines are wired as the law asks", () => {
    const p = lib.get("verschluesselung")!;
    const d = Object.fromEntries(p.deadlines.map((x) => [x.id, x]));
    expect(d["dsgvo-33"]).toMatchObject({
      from: "aware",
      within: "PT72H",
      remind_before: ["PT24H", "PT4H", "PT1H"],
      template: "datenschutzbehoerde",
    });
    expect(d["dsgvo-34"]?.within).toBeUndefined();
    expect(d["dsgvo-34"]?.when).toEqual({ question: "hohes-risiko", answer: "ja" });
    expect(d["nis2-erstmeldung"]).toMatchObject({ within: "PT24H", when: { config: "nis2" } });
    expect(d["nis2-meldung"]).toMatchObject({ within: "PT72H" });
    expect(d["nis2-abschluss"]).toMatchObject({ from: "deadline", after: "nis2-meldung", within: "P1M" });
    expect(d.versicherung).toMatchObject({ when: { config: "insurer" } });
    expect(d.versicherung?.within).toBeUndefined();
    for (const id of Object.keys(d))
      expect(
        p.tasks.some((t) => t.fulfils === id),
        `task fulfilling ${id}`,
      ).toBe(true);
  });

  it("levels named in `levels` lie above the base level", () => {
    for (const p of lib.list()) {
      for (const level of Object.keys(p.levels ?? {})) {
        expect(LEVELS.indexOf(level as (typeof LEVELS)[number]), `${p.id} ${level}`).toBeGreaterThan(LEVELS.indexOf(p.level));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Broken playbooks in a temporary directory.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notfallbot-playbooks-"));
  mkdirSync(join(dir, "shared"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lines of a small valid playbook; tests change single lines and know their line numbers. */
function playbookLines(id = "test", trigger = "testfall"): string[] {
  return [
    `id: ${id}`, // 1
    "title: Testfall", // 2
    "summary: Ein Playbook für Tests.", // 3
    "triggers:", // 4
    `  - ${trigger}`, // 5
    "level: stoerung", // 6
    "questions:", // 7
    "  - id: frage", // 8
    "    kind: yesno", // 9
    "    text: Ist es schlimm?", // 10
    "tasks:", // 11
    "  - id: a1", // 12
    "    phase: erkennung", // 13
    "    role: koordinator", // 14
    "    text: Lage klären.", // 15
    "    why: Damit alle Bescheid wissen.", // 16
    "  - id: a2", // 17
    "    phase: sofort", // 18
    "    role: technik", // 19
    "    text: Gerät vom Netz trennen.", // 20
    "    why: Damit nichts weiterläuft.", // 21
    "  - id: a3", // 22
    "    phase: eindaemmung", // 23
    "    role: technik", // 24
    "    text: Ausmaß prüfen.", // 25
    "    why: Damit nichts übersehen wird.", // 26
    "  - id: a4", // 27
    "    phase: wiederherstellung", // 28
    "    role: technik", // 29
    "    text: Wiederherstellen.", // 30
    "    why: Damit es weitergeht.", // 31
    "  - id: a5", // 32
    "    phase: nachbereitung", // 33
    "    role: koordinator", // 34
    "    text: Nachbesprechen.", // 35
    "    why: Damit wir lernen.", // 36
  ];
}

function write(name: string, lines: string[] | string): string {
  const path = join(dir, name);
  writeFileSync(path, Array.isArray(lines) ? `${lines.join("\n")}\n` : lines);
  return path;
}

function withLine(lines: string[], lineNo: number, text: string): string[] {
  const copy = [...lines];
  copy[lineNo - 1] = text;
  return copy;
}

describe("loader errors name file, line and field", () => {
  it("a valid temp playbook loads", () => {
    write("test.yaml", playbookLines());
    const lib = loadPlaybooks(dir);
    expect(lib.list()).toHaveLength(1);
    expect(lib.get("test")?.tasks).toHaveLength(5);
  });

  it("a wrong role lists the allowed roles", () => {
    write("test.yaml", withLine(playbookLines(), 19, "    role: technick"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.file).toMatch(/test\.yaml$/);
    expect(err.line).toBe(19);
    expect(err.field).toBe("tasks[1].role");
    expect(err.message).toContain('test.yaml:19 tasks[1].role: "technick" ist keine Rolle. Erlaubt: koordinator, technik, kommunikation');
  });

  it("a misspelt field name gets a suggestion", () => {
    write("test.yaml", withLine(playbookLines(), 23, "    fase: eindaemmung"));
    const err = errorOf(() => loadPlaybooks(dir));
    const unknown = err.issues.find((i) => i.field === "tasks[2].fase");
    expect(unknown).toMatchObject({ line: 23 });
    expect(unknown?.message).toBe('Unbekanntes Feld "fase". Meinten Sie "phase"?');
    // …and the real field is then missing:
    expect(err.issues.find((i) => i.field === "tasks[2].phase")?.message).toMatch(/Pflichtfeld fehlt/);
  });

  it("a missing field points at the item it belongs to", () => {
    const lines = playbookLines();
    lines.splice(30, 1); // drop a4's why (line 31)
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 27, field: "tasks[3].why" });
    expect(err.issues[0]?.message).toContain('Bitte "why:" ergänzen');
  });

  it("a colon in a plain text is a YAML error with a German hint", () => {
    write("test.yaml", withLine(playbookLines(), 25, "    text: Ausmaß prüfen: welche Geräte?"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.line).toBe(25);
    expect(err.field).toBe("tasks[2].text");
    expect(err.message).toMatch(/Anführungszeichen/);
  });

  it("bad indentation is reported at its line", () => {
    write("test.yaml", withLine(playbookLines(), 20, "      text: Gerät vom Netz trennen."));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 19, field: "tasks[1].role" });
    expect(err.issues[0]?.message).toMatch(/nächste Zeile zu weit eingerückt/);
  });

  it("yes/no written as a word, a bad duration and a bad id are all reported together", () => {
    let lines = playbookLines();
    lines = withLine(lines, 12, "  - id: Lage Klären");
    lines.splice(16, 0, "    critical: ja", "    due: 2h");
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    const byField = Object.fromEntries(err.issues.map((i) => [i.field, i]));
    expect(byField["tasks[0].id"]).toMatchObject({ line: 12 });
    expect(byField["tasks[0].id"]?.message).toMatch(/Kleinbuchstaben/);
    expect(byField["tasks[0].critical"]).toMatchObject({ line: 17 });
    expect(byField["tasks[0].critical"]?.message).toMatch(/true oder false/);
    expect(byField["tasks[0].due"]).toMatchObject({ line: 18 });
    expect(byField["tasks[0].due"]?.message).toMatch(/PT15M/);
    expect(err.message.split("\n")[0]).toBe("3 Fehler in den Playbooks:");
  });

  it("ziel: an ISO duration like every other time in a playbook, reported at its line", () => {
    const lines = playbookLines();
    lines.splice(16, 0, "    critical: true", "    ziel: 5 Minuten");
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 18, field: "tasks[0].ziel" });
    expect(err.issues[0]?.message).toMatch(/PT15M/);
  });

  it("ziel: only on critical tasks and never zero, each at its line and field", () => {
    const lines = playbookLines();
    // a2 (line 17): ziel without critical; a3 (line 22): zero minutes
    lines.splice(26, 0, "    critical: true", "    ziel: PT0M");
    lines.splice(21, 0, "    ziel: PT5M");
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    const byField = Object.fromEntries(err.issues.map((i) => [i.field, i]));
    expect(byField["tasks[1].ziel"]).toMatchObject({ line: 22 });
    expect(byField["tasks[1].ziel"]?.message).toMatch(/critical: true/);
    expect(byField["tasks[2].ziel"]).toMatchObject({ line: 29 });
    expect(byField["tasks[2].ziel"]?.message).toMatch(/null Minuten/);
    expect(err.issues).toHaveLength(2);
  });

  it("a critical task with a valid ziel loads", () => {
    const lines = playbookLines();
    lines.splice(16, 0, "    critical: true", "    ziel: PT5M");
    write("test.yaml", lines);
    expect(loadPlaybooks(dir).get("test")?.tasks[0]).toMatchObject({ critical: true, ziel: "PT5M" });
  });

  it("errors of several files are collected", () => {
    write("test.yaml", withLine(playbookLines(), 6, "level: schlimm"));
    write("zwei.yaml", withLine(playbookLines("zwei", "zweitfall"), 2, "title: ''"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.map((i) => [i.file.split(/[\\/]/).pop(), i.line, i.field])).toEqual([
      ["test.yaml", 6, "level"],
      ["zwei.yaml", 2, "title"],
    ]);
    expect(err.issues[0]?.message).toBe('"schlimm" ist keine Eskalationsstufe. Erlaubt: stoerung, notfall, krise, katastrophe');
    expect(err.issues[1]?.message).toBe("Darf nicht leer sein.");
  });

  it("a localized text with an unknown language names the language field", () => {
    write("test.yaml", withLine(playbookLines(), 2, "title: { de: Testfall, fr: Cas de test }"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 2, field: "title.fr" });
  });

  it("the id must match the file name; a missing folder and an empty folder are errors", () => {
    write("anders.yaml", playbookLines("test"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues[0]).toMatchObject({ line: 1, field: "id" });
    expect(err.issues[0]?.message).toContain('"anders"');

    expect(errorOf(() => loadPlaybooks(join(dir, "fehlt"))).message).toMatch(/nicht gefunden/);
    rmSync(join(dir, "anders.yaml"));
    expect(errorOf(() => loadPlaybooks(dir)).message).toMatch(/Keine Playbooks/);
  });

  it("levels may describe only some levels (above the base level)", () => {
    const lines = [...playbookLines(), "levels:", "  notfall:", "    raise_when: Wenn es schlimmer wird."];
    write("test.yaml", lines);
    expect(loadPlaybooks(dir).get("test")?.levels?.notfall?.raise_when).toBe("Wenn es schlimmer wird.");

    write("test.yaml", [...playbookLines(), "levels:", "  stoerung:", "    raise_when: Nie."]);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues[0]).toMatchObject({ line: 38, field: "levels.stoerung" });
  });
});

describe("loader errors in English (--lang en): same file, line and field, German unchanged", () => {
  /** The lines of a report without the German that is the file's own content (the quoted values). */
  const english = (text: string) => text.replace(/"[^"]*"/g, '""').replace(/Allowed: .*/, "");

  it("wrong values, types, ids, durations, a misspelt and a missing field: every line in both languages", () => {
    let lines = playbookLines();
    lines = withLine(lines, 6, "level: schlimm");
    lines = withLine(lines, 12, "  - id: Lage Klären");
    lines = withLine(lines, 23, "    fase: eindaemmung");
    lines.splice(16, 0, "    critical: ja", "    due: 2h");
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    const en = err.messageEn.replaceAll(`${dir}/`, "").split("\n");
    expect(en[0]).toBe("6 errors in the playbooks:");
    expect(en).toContain('test.yaml:6 level: "schlimm" is not an escalation level. Allowed: stoerung, notfall, krise, katastrophe');
    expect(en).toContain('test.yaml:12 tasks[0].id: "Lage Klären": Only lower-case letters, digits and hyphens');
    expect(en).toContain('test.yaml:17 tasks[0].critical: Expected true or false, found the text "ja".');
    expect(en).toContain('test.yaml:18 tasks[0].due: "2h": Expected an ISO 8601 duration such as PT15M, PT4H, P3D or P1M');
    expect(en).toContain('test.yaml:25 tasks[2].fase: Unknown field "fase". Did you mean "phase"?');
    expect(en).toContain('test.yaml:24 tasks[2].phase: Required field missing. Please add "phase:".');
    expect(en.filter((l) => germanIn(english(l), []) !== undefined)).toEqual([]);
    // German as before
    const de = err.message.replaceAll(`${dir}/`, "").split("\n");
    expect(de[0]).toBe("6 Fehler in den Playbooks:");
    expect(de).toContain('test.yaml:6 level: "schlimm" ist keine Eskalationsstufe. Erlaubt: stoerung, notfall, krise, katastrophe');
    expect(de).toContain('test.yaml:17 tasks[0].critical: Erwartet true oder false, gefunden den Text "ja".');
    expect(de).toContain('test.yaml:18 tasks[0].due: "2h": ISO-8601-Dauer wie PT15M, PT4H, P3D oder P1M erwartet');
    expect(de).toContain('test.yaml:24 tasks[2].phase: Pflichtfeld fehlt. Bitte "phase:" ergänzen.');
    // the location is the same in both
    expect(en.slice(1).map((l) => l.split(": ")[0])).toEqual(de.slice(1).map((l) => l.split(": ")[0]));
  });

  it("cross-references: an unknown question, a task id twice, a phase without a task", () => {
    const lines = playbookLines();
    lines.splice(16, 0, "    when: { question: frgae, answer: ja }");
    lines[17] = "  - id: a1"; // a2 (now at line 18) takes a1's id
    const rest = lines.filter((_, i) => i < 32 || i > 36); // without the nachbereitung task
    write("test.yaml", rest);
    const err = errorOf(() => loadPlaybooks(dir));
    const en = err.messageEn.replaceAll(`${dir}/`, "").split("\n");
    const de = err.message.replaceAll(`${dir}/`, "").split("\n");
    expect(en).toContain('test.yaml:17 tasks[0].when.question: Question "frgae" does not exist. Did you mean "frage"?');
    expect(de).toContain('test.yaml:17 tasks[0].when.question: Frage "frgae" gibt es nicht. Meinten Sie "frage"?');
    expect(en).toContain('test.yaml:18 tasks[1].id: Task "a1" exists already (test.yaml:12). Please choose another id.');
    expect(de).toContain('test.yaml:18 tasks[1].id: Aufgabe "a1" gibt es schon (test.yaml:12). Bitte eine andere Kennung wählen.');
    expect(en).toContain('test.yaml:11 tasks: The phase "nachbereitung" has no task. Every phase needs at least one.');
    expect(de).toContain('test.yaml:11 tasks: Die Phase "nachbereitung" hat keine Aufgabe. Jede Phase braucht mindestens eine.');
    expect(en.filter((l) => germanIn(english(l), []) !== undefined)).toEqual([]);
  });

  it("an empty title, a text in an unknown language, a building block that does not exist, folder problems", () => {
    write("test.yaml", withLine(playbookLines(), 2, "title: ''"));
    expect(errorOf(() => loadPlaybooks(dir)).messageEn).toMatch(/test\.yaml:2 title: Must not be empty\.$/);
    write("test.yaml", withLine(playbookLines(), 2, "title: 3"));
    expect(errorOf(() => loadPlaybooks(dir)).messageEn).toMatch(
      /test\.yaml:2 title: Expected a text or "de:" \(German\) with an optional "en:" \(English\), found the number 3\.$/,
    );
    write("test.yaml", ["include: [fehlt]", ...playbookLines()]);
    const missing = errorOf(() => loadPlaybooks(dir));
    expect(missing.messageEn).toMatch(/test\.yaml:1 include\[0\]: There is no building block "fehlt" in playbooks\/shared\/\./);
    expect(missing.message).toMatch(/test\.yaml:1 include\[0\]: Baustein "fehlt" gibt es nicht in playbooks\/shared\/\./);
    rmSync(join(dir, "test.yaml"));
    write("anders.yaml", playbookLines("test"));
    expect(errorOf(() => loadPlaybooks(dir)).messageEn).toMatch(
      /anders\.yaml:1 id: "test" does not match the file name\. The id must be "anders" \(like the file\)\.$/,
    );
    expect(errorOf(() => loadPlaybooks(dir)).message).toMatch(
      /anders\.yaml:1 id: "test" passt nicht zum Dateinamen\. Die Kennung muss "anders" heißen/,
    );
    expect(errorOf(() => loadPlaybooks(join(dir, "fehlt"))).messageEn).toMatch(/Folder with playbooks not found\.$/);
    rmSync(join(dir, "anders.yaml"));
    expect(errorOf(() => loadPlaybooks(dir)).messageEn).toMatch(/No playbooks \(\*\.yaml\) in this folder\.$/);
  });
});

describe("fields for answers, reminders and numbers (defaults, implies, remind_after, when, applies_when, call)", () => {
  /** The small playbook with a second yes/no question and a text question, plus `extra` lines at the end. */
  function richLines(extra: string[] = [], question: string[] = []): string[] {
    const lines = playbookLines();
    lines.splice(
      10,
      0,
      "  - id: zweite", // 11
      "    kind: yesno", // 12
      "    text: Ist es noch schlimmer?", // 13
      ...question,
      "  - id: notiz", //
      "    kind: text",
      "    text: Was noch?",
    );
    return [...lines, ...extra];
  }

  it("a playbook using all of them loads, and the values are kept", () => {
    write(
      "test.yaml",
      richLines(
        [
          "defaults: { frage: unklar }",
          "templates:",
          "  - id: brief",
          "    audience: intern",
          "    title: Brief",
          "    body: Text mit genug Inhalt.",
          "    when: { question: frage, answer: [ja, unklar], config: praxis }",
          "    applies_when: Wenn es schlimm ist.",
        ],
        ["    when: { question: frage, answer: [ja, unklar] }", "    remind_after: [PT1H, PT4H]", "    implies: { ja: { frage: ja } }"],
      ).map((l) => (l === "    text: Gerät vom Netz trennen." ? `${l}\n    call: it.hotline` : l)),
    );
    const p = loadPlaybooks(dir).get("test")!;
    expect(p.defaults).toEqual({ frage: "unklar" });
    expect(p.questions.find((q) => q.id === "zweite")).toMatchObject({
      when: { question: "frage", answer: ["ja", "unklar"] },
      remind_after: ["PT1H", "PT4H"],
      implies: { ja: { frage: "ja" } },
    });
    expect(p.tasks.find((t) => t.id === "a2")?.call).toBe("it.hotline");
    expect(p.templates[0]).toMatchObject({ applies_when: "Wenn es schlimm ist.", when: { config: "praxis" } });
  });

  it("defaults name existing yes/no questions with ja, nein or unklar", () => {
    write("test.yaml", richLines(["defaults: { frgae: unklar, notiz: ja, zweite: vielleicht }"]));
    const err = errorOf(() => loadPlaybooks(dir));
    const by = (field: string) => err.issues.find((i) => i.field === field);
    expect(by("defaults.zweite")?.message).toMatch(/ja, nein, unklar/);
    // the value error stops the cross-checks; without it both wrong names are reported
    write("test.yaml", richLines(["defaults: { frgae: unklar, notiz: ja }"]));
    const err2 = errorOf(() => loadPlaybooks(dir));
    expect(err2.issues.find((i) => i.field === "defaults.frgae")?.message).toBe('Frage "frgae" gibt es nicht. Meinten Sie "frage"?');
    expect(err2.issues.find((i) => i.field === "defaults.notiz")?.message).toMatch(/keine Ja\/Nein-Frage/);
    expect(err2.issues.find((i) => i.field === "defaults.frgae")?.line).toBe(43);
  });

  it("implies points at other yes/no questions, only from a yes/no question", () => {
    write("test.yaml", richLines([], ["    implies: { ja: { zweite: ja, notiz: ja } }"]));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.map((i) => [i.field, i.line])).toEqual([
      ["questions[1].implies.ja.zweite", 14],
      ["questions[1].implies.ja.notiz", 14],
    ]);
    expect(err.issues[0]?.message).toBe("Eine Frage kann sich nicht auf sich selbst beziehen.");
    expect(err.issues[1]?.message).toMatch(/keine Ja\/Nein-Frage/);
  });

  it("a question cannot wait for its own answer; applies_when needs when; call names a phone field", () => {
    write(
      "test.yaml",
      richLines(
        ["templates:", "  - id: brief", "    audience: intern", "    title: Brief", "    body: Text.", "    applies_when: Immer."],
        ["    when: { question: zweite, answer: ja }"],
      ),
    );
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.find((i) => i.field === "questions[1].when.question")?.message).toMatch(/eigenen Antwort/);
    expect(err.issues.find((i) => i.field === "templates[0].applies_when")?.message).toMatch(/ohne "when:"/);

    write("test.yaml", withLine(playbookLines(), 21, "    why: Damit nichts weiterläuft.\n    call: it.hotlin"));
    const err2 = errorOf(() => loadPlaybooks(dir));
    expect(err2.issues[0]).toMatchObject({ field: "tasks[1].call", line: 22 });
    expect(err2.issues[0]?.message).toMatch(/Erlaubt: emergency_phone, it\.hotline/);
  });

  it("config switches are nis2, insurer and praxis", () => {
    write("test.yaml", withLine(playbookLines(), 21, "    why: Damit nichts weiterläuft.\n    when: { config: kmu }"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues[0]?.field).toBe("tasks[1].when.config");
    expect(err.issues[0]?.message).toMatch(/Erlaubt: nis2, insurer, praxis/);
  });
});

describe("include of shared fragments", () => {
  const fragment = [
    "id: gemeinsam", // 1
    "questions:", // 2
    "  - id: kenntnis", // 3
    "    kind: time", // 4
    "    sets_awareness: true", // 5
    "    text: Wann erfahren?", // 6
    "tasks:", // 7
    "  - id: g1", // 8
    "    phase: sofort", // 9
    "    role: koordinator", // 10
    "    text: Gemeinsame Aufgabe.", // 11
    "    why: Weil es immer gilt.", // 12
    "templates:", // 13
    "  - id: brief", // 14
    "    audience: intern", // 15
    "    title: Brief", // 16
    "    body: 'Fall {{incident.id}}, Antwort {{answer.frage}}'", // 17
    "deadlines:", // 18
    "  - id: frist", // 19
    "    title: Frist", // 20
    "    basis: Weil es das Gesetz will.", // 21
    "    within: PT72H", // 22
    "    template: brief", // 23
    "review:", // 24
    "  - id: r1", // 25
    "    text: Was lernen wir?", // 26
    "recovery:", // 27
    "  - Gemeinsamer Schritt.", // 28
  ];

  it("prepends fragment lists; tasks stay in phase order", () => {
    write("shared/gemeinsam.yaml", fragment);
    write("test.yaml", [...playbookLines(), "include: [gemeinsam]", "recovery:", "  - Eigener Schritt."]);
    const p = loadPlaybooks(dir).get("test")!;
    expect(p.questions.map((q) => q.id)).toEqual(["kenntnis", "frage"]);
    expect(p.tasks.map((t) => t.id)).toEqual(["a1", "g1", "a2", "a3", "a4", "a5"]);
    expect(p.templates.map((t) => t.id)).toEqual(["brief"]);
    expect(p.deadlines.map((d) => d.id)).toEqual(["frist"]);
    expect(p.review.map((r) => r.id)).toEqual(["r1"]);
    expect(p.recovery).toEqual(["Gemeinsamer Schritt.", "Eigener Schritt."]);
    // The fragment's template uses {{answer.frage}}, a question of the playbook: valid after merging.
    expect(loadPlaybookFile(join(dir, "test.yaml")).id).toBe("test");
  });

  it("an unknown fragment is an error at the include line", () => {
    write("shared/gemeinsam.yaml", fragment);
    write("test.yaml", [...playbookLines(), "include:", "  - gemeinsm"]);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues[0]).toMatchObject({ line: 38, field: "include[0]" });
    expect(err.issues[0]?.message).toContain("Vorhanden: gemeinsam");
  });

  it("a duplicate id between fragment and playbook names both places", () => {
    write("shared/gemeinsam.yaml", fragment);
    const lines = withLine(playbookLines(), 17, "  - id: g1");
    write("test.yaml", [...lines, "include: [gemeinsam]"]);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 17, field: "tasks[1].id" });
    expect(err.issues[0]?.file).toMatch(/test\.yaml$/);
    expect(err.issues[0]?.message).toMatch(/Aufgabe "g1" gibt es schon \(.*shared[\\/]gemeinsam\.yaml:8\)/);
  });

  it("an error inside a fragment is reported in the fragment file", () => {
    write("shared/gemeinsam.yaml", withLine(fragment, 10, "    role: chef"));
    write("test.yaml", [...playbookLines(), "include: [gemeinsam]"]);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.file).toMatch(/shared[\\/]gemeinsam\.yaml$/);
    expect(err.issues[0]).toMatchObject({ line: 10, field: "tasks[0].role" });
    expect(errorOf(() => loadPlaybookFile(join(dir, "test.yaml"))).issues).toHaveLength(1);
  });
});

describe("cross-references after merging", () => {
  it("reports every broken reference with its line", () => {
    const lines = [
      ...playbookLines(),
      "  - id: a6", // 37
      "    phase: sofort", // 38
      "    role: kommunikation", // 39
      "    text: Melden.", // 40
      "    why: Pflicht.", // 41
      "    when: { question: fragee, answer: ja }", // 42
      "    fulfils: meldng", // 43
      "  - id: a7", // 44
      "    phase: sofort", // 45
      "    role: kommunikation", // 46
      "    text: Noch etwas.", // 47
      "    why: Darum.", // 48
      "    when: { question: frage, answer: vielleicht }", // 49
      "  - id: a8", // 50
      "    phase: sofort", // 51
      "    role: kommunikation", // 52
      "    text: Etwas anderes.", // 53
      "    why: Darum.", // 54
      "    when: { question: wer, answer: ja }", // 55
      "  - id: wer-frage-dummy", // 56
      "    phase: sofort", // 57
      "    role: koordinator", // 58
      "    text: Platzhalter.", // 59
      "    why: Damit die Frage benutzt wird.", // 60
      "    when: { answer: ja }", // 61
      "templates:", // 62
      "  - id: brief", // 63
      "    audience: intern", // 64
      "    title: Brief", // 65
      "    body: 'Hallo {{org.dpo.phon}} {{answer.gibtsnicht}} {{org.name}}'", // 66
      "deadlines:", // 67
      "  - id: meldung", // 68
      "    title: Meldung", // 69
      "    basis: Gesetz.", // 70
      "    template: breif", // 71
      "    remind_before: [PT1H]", // 72
      "  - id: abschluss", // 73
      "    title: Abschluss", // 74
      "    basis: Gesetz.", // 75
      "    from: deadline", // 76
      "    within: P1M", // 77
      "  - id: danach", // 78
      "    title: Danach", // 79
      "    basis: Gesetz.", // 80
      "    from: deadline", // 81
      "    after: nichtda", // 82
      "    within: P1M", // 83
    ];
    lines.splice(10, 0, "  - id: wer", "    kind: text", "    text: Wer meldet?"); // questions: frage, wer (shifts later lines by 3)
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    const got = err.issues.map((i) => `${i.line} ${i.field}: ${i.message}`);
    expect(got).toEqual([
      `45 tasks[5].when.question: Frage "fragee" gibt es nicht. Meinten Sie "frage"?`,
      `46 tasks[5].fulfils: Frist "meldng" gibt es nicht. Meinten Sie "meldung"?`,
      `52 tasks[6].when.answer: "vielleicht" ist keine Antwort auf eine Ja/Nein-Frage. Erlaubt: ja, nein, unklar`,
      `58 tasks[7].when.answer: Antwort-Bedingungen gehen nur bei Ja/Nein-Fragen; "wer" ist eine Freitext-Frage.`,
      `64 tasks[8].when.answer: Eine Antwort-Bedingung braucht "question:" mit der Kennung der Frage.`,
      `69 templates[0].body: Unbekannter Platzhalter {{org.dpo.phon}}. Meinten Sie {{org.dpo.phone}}?`,
      `69 templates[0].body: Platzhalter {{answer.gibtsnicht}}: Frage "gibtsnicht" gibt es nicht.`,
      `74 deadlines[0].template: Vorlage "breif" gibt es nicht. Meinten Sie "brief"?`,
      `75 deadlines[0].remind_before: Erinnerungen vor Ablauf brauchen eine Frist "within:". Ohne "within" gilt "unverzüglich".`,
      `76 deadlines[1].after: Mit "from: deadline" muss "after:" die Frist nennen, nach der diese beginnt.`,
      `85 deadlines[2].after: Frist "nichtda" gibt es nicht. Vorhanden: meldung, abschluss, danach`,
    ]);
  });

  it("each work phase needs a task", () => {
    const lines = playbookLines();
    lines.splice(26, 5); // drop a4 (wiederherstellung)
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 11, field: "tasks" });
    expect(err.issues[0]?.message).toContain('"wiederherstellung"');
  });

  it("duplicate ids inside one playbook are errors", () => {
    write("test.yaml", withLine(playbookLines(), 17, "  - id: a1"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues[0]).toMatchObject({ line: 17, field: "tasks[1].id" });
    expect(err.issues[0]?.message).toMatch(/Aufgabe "a1" gibt es schon \(.*test\.yaml:12\)/);
  });

  it("a trigger in two playbooks names both files, also across umlaut spellings", () => {
    write("test.yaml", playbookLines("test", "lösegeld"));
    write("zwei.yaml", playbookLines("zwei", "loesegeld"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.file).toMatch(/zwei\.yaml$/);
    expect(err.issues[0]).toMatchObject({ line: 5, field: "triggers[0]" });
    expect(err.issues[0]?.message).toMatch(/Auslöser "loesegeld" steht auch im Playbook "test" \(.*test\.yaml:5\)/);
  });

  it("triggers must be lower case and must not be a command word", () => {
    const lines = withLine(playbookLines(), 5, "  - Testfall");
    lines.splice(5, 0, "  - status kaputt");
    write("test.yaml", lines);
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.map((i) => i.field)).toEqual(["triggers[0]", "triggers[1]"]);
    expect(err.issues[0]?.message).toContain('"testfall"');
    expect(err.issues[1]?.message).toMatch(/Befehlswort/);
  });

  it("loadPlaybookFile loads one file and throws PlaybookError for a broken one", () => {
    const ok = write("test.yaml", playbookLines());
    expect(loadPlaybookFile(ok).tasks).toHaveLength(5);
    const bad = write("zwei.yaml", withLine(playbookLines("zwei"), 14, "    role: boss"));
    const err = errorOf(() => loadPlaybookFile(bad));
    expect(err).toMatchObject({ line: 14, field: "tasks[0].role" });
    expect(errorOf(() => loadPlaybookFile(join(dir, "fehlt.yaml"))).message).toMatch(/Datei nicht gefunden/);
  });
});

describe("English next to the German (#14 item 4)", () => {
  const lib = loadPlaybooks();

  it("every text of every playbook has an English version that differs from the German", () => {
    let n = 0;
    for (const p of lib.list()) {
      const texts = [
        p.title,
        p.summary,
        ...(p.erkennen ? [p.erkennen] : []),
        ...Object.values(p.levels ?? {}).map((l) => l!.raise_when),
        ...p.questions.flatMap((q) => [q.text, ...(q.why ? [q.why] : [])]),
        ...p.tasks.flatMap((t) => [t.text, t.why]),
        ...p.templates.flatMap((t) => [t.title, t.body, ...(t.applies_when ? [t.applies_when] : [])]),
        ...p.deadlines.flatMap((d) => [d.title, d.basis]),
        ...p.review.map((r) => r.text),
        ...p.recovery,
      ];
      for (const text of texts) {
        n++;
        expect(typeof text === "string" ? undefined : text.en, `${p.id}: ${loc(text)}`).toBeDefined();
        expect(loc(text, "en"), p.id).not.toBe(loc(text, "de"));
      }
    }
    expect(n).toBeGreaterThan(900);
  });

  it("templates named in English texts („template police“) are found by that name, and the German names still work", () => {
    let named = 0;
    for (const p of lib.list()) {
      const texts = [
        ...p.tasks.flatMap((t) => [loc(t.text, "en"), loc(t.why, "en")]),
        ...p.questions.map((q) => (q.why ? loc(q.why, "en") : "")),
      ];
      for (const text of texts)
        for (const m of text.matchAll(/\(template ([a-z0-9-]+)\)/g)) {
          named++;
          expect(findTemplate(p.templates, m[1]!), `${p.id}: ${text}`).toBeDefined();
        }
      for (const t of p.templates) {
        expect(findTemplate(p.templates, t.id), `${p.id}: vorlage ${t.id}`).toBe(t);
        expect(t.name_en, `${p.id}/${t.id}: English name`).toBeDefined();
        expect(findTemplate(p.templates, t.name_en!), `${p.id}: template ${t.name_en}`).toBe(t);
      }
      const police = p.templates.find((t) => t.audience === "polizei");
      if (police) {
        expect(findTemplate(p.templates, "police")).toBe(police);
        expect(findTemplate(p.templates, "polizei")).toBe(police);
      }
      expect(findTemplate(p.templates, "staff")).toBe(p.templates.find((t) => t.audience === "mitarbeitende"));
      expect(findTemplate(p.templates, "mitarbeitende")).toBe(p.templates.find((t) => t.audience === "mitarbeitende"));
    }
    expect(named).toBeGreaterThan(40);
  });

  it("`/notfall <words>` in English texts opens the intended kind of incident (or is a command)", () => {
    const commands = new Set(["note", "role", "export"]);
    const all = lib.list();
    let opened = 0;
    for (const p of all) {
      const texts = [
        ...p.tasks.flatMap((t) => [loc(t.text, "en"), loc(t.why, "en")]),
        ...p.questions.map((q) => (q.why ? loc(q.why, "en") : "")),
      ];
      for (const text of texts)
        for (const m of text.matchAll(/\/notfall ([^).,;/]+?)(?= or |[).,;]|$)/g)) {
          const words = m[1]!.trim();
          if (commands.has(words.split(" ")[0]!)) continue;
          opened++;
          expect(matchType(words, all).id, `${p.id}: ${text}`).toBeDefined();
        }
    }
    expect(opened).toBeGreaterThan(8);
  });
});

describe("English is checked like the German", () => {
  it("once a playbook has English, a text without it is an error at its line", () => {
    write("test.yaml", withLine(playbookLines(), 2, "title: { de: Testfall, en: Test case }"));
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.map((i) => [i.line, i.field])).toEqual([
      [3, "summary"],
      [10, "questions[0].text"],
      [15, "tasks[0].text"],
      [16, "tasks[0].why"],
      [20, "tasks[1].text"],
      [21, "tasks[1].why"],
      [25, "tasks[2].text"],
      [26, "tasks[2].why"],
      [30, "tasks[3].text"],
      [31, "tasks[3].why"],
      [35, "tasks[4].text"],
      [36, "tasks[4].why"],
    ]);
    expect(err.issues[0]!.message).toMatch(/englische Fassung fehlt \(en:\)/);
  });

  it("a playbook without any English loads (German only is allowed)", () => {
    write("test.yaml", playbookLines());
    expect(loadPlaybooks(dir).get("test")).toBeDefined();
  });

  it("an English template body must fill the same placeholders; English names must be unique", () => {
    const lines = [
      ...playbookLines(),
      "templates:",
      "  - id: polizei",
      "    name_en: police",
      "    audience: polizei",
      "    title: Anzeige",
      "    body:",
      "      de: 'An: {{org.police.name}}, Fall {{incident.id}}'",
      "      en: 'To: {{org.police.name}}, case {{incident.type}}'",
      "  - id: presse",
      "    name_en: police",
      "    audience: presse",
      "    title: Presse",
      "    body: Text",
    ];
    write("test.yaml", lines);
    // (the texts without English are reported too, see above; here only the two problems of the templates)
    const issues = errorOf(() => loadPlaybooks(dir)).issues.filter((i) => /^templates\[\d\]\.(body\.en|name_en)$/.test(i.field));
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [44, "templates[0].body.en"],
      [46, "templates[1].name_en"],
    ]);
    expect(issues[0]!.message).toBe(
      "Die englische Fassung füllt andere Platzhalter als die deutsche. Es fehlen: {{incident.id}}. Nur englisch: {{incident.type}}.",
    );
    expect(issues[1]!.message).toMatch(/Der englische Name "police" gehört schon zu .*test\.yaml:38/);
  });
});
