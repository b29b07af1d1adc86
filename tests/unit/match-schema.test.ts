import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { errorOf } from "../helpers/playbook-error.ts";

/** `anzeichen:` and `erkennen:` in playbook files: validated with file, line and field; shared symptoms warned about. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notfallbot-anzeichen-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TASKS = ["erkennung", "sofort", "eindaemmung", "wiederherstellung", "nachbereitung"].flatMap((phase, i) => [
  `  - id: a${i + 1}`,
  `    phase: ${phase}`,
  "    role: koordinator",
  "    text: Etwas tun.",
  "    why: Damit es weitergeht.",
]);

/** A valid playbook whose lines 5 onwards are `top` (erkennen/anzeichen), then level and tasks. */
function playbook(id: string, top: string[]): string {
  return [
    `id: ${id}`,
    `title: Test ${id}`,
    "summary: Ein Playbook für Tests.",
    `triggers: [${id}fall]`,
    ...top,
    "level: stoerung",
    "tasks:",
    ...TASKS,
  ]
    .join("\n")
    .concat("\n");
}

describe("anzeichen and erkennen in the playbook schema", () => {
  it("load as lists of localized phrases and a one-line text", () => {
    writeFileSync(
      join(dir, "eins.yaml"),
      playbook("eins", [
        "erkennen: Aufzug steht zwischen zwei Etagen",
        "anzeichen:",
        "  - Kabine hängt fest",
        "  - de: Notruf im Aufzug",
        "    en: Lift alarm",
      ]),
    );
    const lib = loadPlaybooks(dir);
    expect(lib.get("eins")).toMatchObject({
      erkennen: "Aufzug steht zwischen zwei Etagen",
      anzeichen: ["Kabine hängt fest", { de: "Notruf im Aufzug", en: "Lift alarm" }],
    });
    expect(lib.warnings).toEqual([]);
  });

  it("are optional: a playbook without them loads with no symptom phrases", () => {
    writeFileSync(join(dir, "eins.yaml"), playbook("eins", []));
    expect(loadPlaybooks(dir).get("eins")?.anzeichen).toEqual([]);
  });

  it("a wrong type, an empty phrase and a too long erkennen name line and field", () => {
    writeFileSync(join(dir, "eins.yaml"), playbook("eins", ["erkennen: " + "x".repeat(91), "anzeichen:", '  - ""', "  - [a, b]"]));
    const err = errorOf(() => loadPlaybooks(dir));
    const byField = Object.fromEntries(err.issues.map((i) => [i.field, i]));
    expect(byField.erkennen).toMatchObject({ line: 5 });
    expect(byField.erkennen?.message).toMatch(/Zu lang: höchstens 90 Zeichen/);
    expect(byField["anzeichen[0]"]).toMatchObject({ line: 7 });
    expect(byField["anzeichen[1]"]).toMatchObject({ line: 8 });
    expect(err.issues.every((i) => i.file.endsWith("eins.yaml"))).toBe(true);
  });

  it("a phrase of filler words only, and the same phrase twice, are errors with line and field", () => {
    writeFileSync(
      join(dir, "eins.yaml"),
      playbook("eins", ["anzeichen:", "  - Maus bewegt sich", "  - und dann oder so", "  - die Maus bewegt sich!"]),
    );
    const err = errorOf(() => loadPlaybooks(dir));
    expect(err.issues.map((i) => [i.line, i.field])).toEqual([
      [7, "anzeichen[1]"],
      [8, "anzeichen[2]"],
    ]);
    expect(err.issues[0]?.message).toMatch(/nur aus Füllwörtern/);
    expect(err.issues[1]?.message).toMatch(/steht schon in anzeichen\[0\]/);
  });

  it("a symptom phrase in two playbooks is a warning naming both places, not an error", () => {
    writeFileSync(join(dir, "eins.yaml"), playbook("eins", ["anzeichen:", "  - Kabine hängt fest"]));
    writeFileSync(join(dir, "zwei.yaml"), playbook("zwei", ["anzeichen:", "  - Andere Sache", "  - die Kabine hängt fest"]));
    const lib = loadPlaybooks(dir);
    expect(lib.list()).toHaveLength(2);
    expect(lib.warnings).toHaveLength(1);
    expect(lib.warnings[0]).toMatchObject({ line: 7, field: "anzeichen[1]" });
    expect(lib.warnings[0]?.file).toMatch(/zwei\.yaml$/);
    expect(lib.warnings[0]?.message).toMatch(/steht auch im Playbook "eins" \(.*eins\.yaml:6\)/);
  });

  it("the shipped playbooks share no symptom phrase", () => {
    expect(loadPlaybooks().warnings).toEqual([]);
  });
});
