import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ConfigError, parseOrgConfig, readOrgConfigText } from "../../src/config/load.ts";

/**
 * Issue #10 item 7: one real mistake gives one error (a YAML mistake used to give five to seven, some wrong), the
 * valid parts of a broken file are still used, and check-config warns about example data and a missing IT hotline.
 * The cases start from the shipped example, as a practice would (cp examples/praxis.yaml notfall.config.yaml).
 */

const PRAXIS = readFileSync("examples/praxis.yaml", "utf8");
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

/** The example with one line replaced (the needle must match exactly one line). */
function edit(needle: string, replacement: string): string {
  const lines = PRAXIS.split("\n");
  const at = lines.findIndex((l) => l.includes(needle));
  expect(
    lines.filter((l) => l.includes(needle)),
    needle,
  ).toHaveLength(1);
  lines[at] = replacement;
  return lines.join("\n");
}

/** The issues of a file that must fail. */
function issuesOf(text: string) {
  const r = readOrgConfigText(text, "notfall.config.yaml");
  expect(r.issues.length, "expected the file to have issues").toBeGreaterThan(0);
  return r.issues;
}

describe("one real mistake gives one error", () => {
  it("a tab before a field: one error at its line, saying how many spaces (was 5, one of them a wrong 'doppelt')", () => {
    const text = edit('  hotline: "+49 30 2345678-9"', '\thotline: "+49 30 2345678-9"');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: lineOf(text, "\thotline"), field: "it" });
    expect(issues[0]?.message).toBe(
      "Die Zeile ist mit einem Tabulator eingerückt. YAML erlaubt nur Leerzeichen. Den Tabulator durch 2 Leerzeichen ersetzen (wie die Zeile darüber).",
    );
  });

  it("the tab is shown as → in the quoted line, so it can be seen", () => {
    const text = edit('  hotline: "+49 30 2345678-9"', '\thotline: "+49 30 2345678-9"');
    let err: ConfigError | undefined;
    try {
      parseOrgConfig(text);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.message).toContain('| →hotline: "+49 30 2345678-9"');
  });

  it("a file indented with tabs throughout is one mistake: one error naming the lines", () => {
    const text = PRAXIS.split("\n")
      .map((l) => l.replace(/^ {2}/, "\t"))
      .join("\n");
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^Die Datei ist mit Tabulatoren eingerückt \(Zeilen \d+, \d+, /);
  });

  it.each([
    // [what, needle, replacement, expected message]
    [
      "a field of a list item one space too far left",
      "    role: MFA, IT-Ansprechpartner im Team",
      "   role: MFA, IT-Ansprechpartner im Team",
      "Diese Zeile beginnt mit 3 Leerzeichen, das Feld darüber (name:) mit 4 Leerzeichen.",
    ],
    [
      "a field of a list item at the column of the dash (was 6 errors)",
      "    priority: 3",
      "  priority: 3",
      "Diese Zeile beginnt mit 2 Leerzeichen, das Feld darüber (name:) mit 4 Leerzeichen.",
    ],
    [
      "a field of a list item too far right",
      "    priority: 3",
      "      priority: 3",
      "Diese Zeile beginnt mit 6 Leerzeichen, das Feld darüber (name:) mit 4 Leerzeichen.",
    ],
    [
      "a list item at column 0 (was 7 errors)",
      "  - name: Jonas Muster",
      "- name: Jonas Muster",
      "Dieser Listeneintrag beginnt ganz links (ohne Leerzeichen), die Einträge darüber mit 2 Leerzeichen.",
    ],
    [
      "a list item one space too far right",
      "  - name: Telefonanlage",
      "   - name: Telefonanlage",
      "Dieser Listeneintrag beginnt mit 3 Leerzeichen, die Einträge darüber mit 2 Leerzeichen.",
    ],
    [
      "no space after the dash",
      "  - name: Telefonanlage",
      "  -name: Telefonanlage",
      'Nach dem Bindestrich fehlt ein Leerzeichen: "- name: Telefonanlage".',
    ],
    [
      "no colon after the field name",
      '  hotline: "+49 30 2345678-9"',
      '  hotline "+49 30 2345678-9"',
      'Nach dem Feldnamen fehlt der Doppelpunkt: "hotline: "+49 30 2345678-9"".',
    ],
  ])("%s: one error at the line to fix", (_what, needle, replacement, message) => {
    const text = edit(needle, replacement);
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.line).toBe(lineOf(text, replacement));
    expect(issues[0]?.message).toContain(message);
  });

  it("two mistakes in two sections are two errors", () => {
    const text = edit("    role: MFA, IT-Ansprechpartner im Team", "   role: MFA, IT-Ansprechpartner im Team").replace(
      '  hotline: "+49 30 2345678-9"',
      '  hotlin: "+49 30 2345678-9"',
    );
    expect(issuesOf(text).map((i) => i.field)).toEqual(["contacts", "it.hotlin"]);
  });

  it("rto: 4 gets the unit tip, and following it gives no second error", () => {
    const text = edit("    rto: 8h", "    rto: 4");
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe("systems[2].rto");
    expect(issues[0]?.message).toBe("Bei 4 fehlt die Einheit. Schreiben Sie z. B. 4h (Stunden), 4 Tage oder 4min.");
    expect(() => parseOrgConfig(edit("    rto: 8h", "    rto: 4h"))).not.toThrow();
    // quoting, the tip for other texts, is not offered where it would not help
    expect(issuesOf(edit("    rto: 8h", '    rto: "4"'))[0]?.message).toContain("fehlt die Einheit");
    expect(issuesOf("email: 5\n")[0]?.message).toBe('Keine E-Mail-Adresse. Beispiel: "it-notfall@beispiel.de".');
    // where quoting does help, the tip stays
    expect(issuesOf("name: 2024\n")[0]?.message).toContain('name: "2024"');
  });

  it("a misspelt required field is one error ('Meinten Sie name?'), not also 'Pflichtfeld fehlt'", () => {
    const issues = issuesOf(edit("  - name: Jonas Muster", "  - nmae: Jonas Muster"));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe('Unbekanntes Feld "nmae". Meinten Sie "name"?');
  });
});

describe("the valid parts of a broken file are used", () => {
  it("a syntax error leaves out its section only", () => {
    const r = readOrgConfigText(edit('  hotline: "+49 30 2345678-9"', '\thotline: "+49 30 2345678-9"'));
    expect(r.issues).toHaveLength(1);
    expect(r.dropped).toEqual(["it"]);
    expect(r.config?.it).toBeUndefined();
    expect(r.config?.contacts).toHaveLength(7);
    expect(r.config?.dpo?.phone).toBe("+49 30 3456789-0");
    expect(r.config?.systems?.map((s) => s.name)).toContain("Telefonanlage");
  });

  it("wrong values are left out, a list item without a usable required field is left out whole", () => {
    const text = [
      "name: Praxis Test",
      "email: praxis(at)test.de",
      "dpo: Max Muster",
      "contacts:",
      "  - name: Anna",
      "    phone: ruf an",
      "  - nmae: Ben",
      "systems:",
      "  - { name: PVS, priority: 0 }",
      "  - { name: Telefon, priority: 2, rto: bald }",
      "  - { name: PVS, priority: 3 }",
    ].join("\n");
    const r = readOrgConfigText(text);
    expect(r.issues.map((i) => i.field)).toEqual([
      "email",
      "dpo",
      "contacts[0].phone",
      "contacts[1].nmae",
      "systems[0].priority",
      "systems[1].rto",
    ]);
    expect(r.dropped).toEqual(["email", "dpo", "contacts[0].phone", "contacts[1]", "systems[0]", "systems[1].rto"]);
    expect(r.config).toEqual({
      name: "Praxis Test",
      contacts: [{ name: "Anna" }],
      systems: [
        { name: "Telefon", priority: 2 },
        { name: "PVS", priority: 3 },
      ],
    });
  });

  it("a duplicate the schema only sees once the rest is valid is left out too, named as in the file", () => {
    const r = readOrgConfigText("systems:\n  - { name: A, priority: 1 }\n  - { name: A, priority: 2, rto: bald }\n");
    expect(r.dropped).toEqual(["systems[1]"]);
    expect(r.config?.systems).toEqual([{ name: "A", priority: 1 }]);
  });

  it("nothing usable: a list instead of fields, an empty file", () => {
    expect(readOrgConfigText("- a\n- b\n")).toMatchObject({ config: undefined, issues: [expect.anything()] });
    expect(readOrgConfigText("")).toMatchObject({ config: undefined, issues: [{ message: expect.stringContaining("leer") }] });
  });
});

describe("warnings for a valid file", () => {
  const real = [
    "name: Zahnarztpraxis Sonnenschein",
    "kind: praxis",
    'phone: "+49 40 555 01 23"',
    "it:",
    "  name: Nordlicht IT",
    '  hotline: "+49 40 555 77 00"',
    "authority:",
    "  name: Berliner Beauftragte für Datenschutz und Informationsfreiheit",
    "systems:",
    "  - { name: Telefonanlage, priority: 1, rto: 4h }",
  ].join("\n");

  it("none for real data; real authorities and generic system names from the examples are fine", () => {
    expect(readOrgConfigText(real).warnings).toEqual([]);
  });

  it("example data: the '(Beispiel)' marker and the examples' made-up numbers, with their lines", () => {
    const text = real.replace("Nordlicht IT", "Nordlicht IT (Beispiel)").replace('"+49 40 555 01 23"', '"+49 30 1234567-0"');
    const [w] = readOrgConfigText(text).warnings;
    expect(w).toMatchObject({ kind: "examples", line: 3 });
    expect(w?.message).toBe(
      "Noch Beispieldaten aus der Vorlage: phone (Zeile 3), it.name (Zeile 5). Bitte durch die echten Angaben ersetzen – im Notfall würde sonst jemand eine erfundene Nummer anrufen.",
    );
  });

  it("the unchanged example is full of them", () => {
    const [w] = readOrgConfigText(PRAXIS, "notfall.config.yaml").warnings;
    expect(w?.kind).toBe("examples");
    expect(w?.message).toMatch(/^Noch Beispieldaten aus der Vorlage: name \(Zeile 11\), address \(Zeile 13\), .* und \d+ weitere\./);
  });

  it("no IT hotline", () => {
    const w = readOrgConfigText(real.replace('  hotline: "+49 40 555 77 00"\n', "")).warnings;
    expect(w).toEqual([expect.objectContaining({ kind: "it-hotline", field: "it.hotline", line: 4 })]);
    expect(w[0]?.message).toMatch(/^Die Hotline des IT-Dienstleisters fehlt\./);
    expect(readOrgConfigText("name: X\n").warnings.map((x) => x.kind)).toEqual(["it-hotline"]);
  });
});
