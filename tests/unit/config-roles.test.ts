import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, formatConfigIssue, loadOrgConfig, parseOrgConfig, readOrgConfigText } from "../../src/config/load.ts";
import { configSummary, roleTable } from "../../src/config/summary.ts";
import { identityOn, isPerson, rolePlan } from "../../src/core/role-plan.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

const BASE = `name: Praxis Test
contacts:
  - name: Anna Arzt
    role: Praxisinhaberin, Koordinatorin
    phone: "+49 170 1111111"
    chat:
      slack: U0ANNA
      teams: [anna@praxis.test, 3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d]
      matrix: "@anna:praxis.test"
  - name: Ben Berg
    phone: "+49 171 2222222"
    chat:
      slack: U0BEN
  - name: Dora Dorn
    phone: "+49 172 3333333"
`;

function issuesOf(text: string) {
  try {
    parseOrgConfig(text, "notfall.config.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => formatConfigIssue(i));
  }
  throw new Error("expected a ConfigError");
}

describe("roles in the organisation file", () => {
  it("resolves primary and deputies against the contacts, one value or a list, with the default of 5 min", () => {
    const cfg = parseOrgConfig(
      `${BASE}roles:\n  koordinator:\n    primary: anna arzt\n    deputies: Ben Berg\n  technik:\n    primary: Ben Berg\n    deputies: [Dora Dorn, Anna Arzt]\n    confirm_within: 10min\n`,
    );
    expect(cfg.contacts?.[0]?.chat).toEqual({
      slack: ["U0ANNA"],
      teams: ["anna@praxis.test", "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
      matrix: ["@anna:praxis.test"],
    });
    const plan = rolePlan(cfg);
    expect(plan.map((r) => [r.role, r.people.map((p) => p.name), r.confirmWithin, r.confirmMs])).toEqual([
      ["koordinator", ["Anna Arzt", "Ben Berg"], "5 min", 300_000],
      ["technik", ["Ben Berg", "Dora Dorn", "Anna Arzt"], "10 min", 600_000],
    ]);
    const anna = plan[0]!.people[0]!;
    expect(identityOn(anna, "slack")).toBe("U0ANNA");
    expect(identityOn(anna, "console")).toBeUndefined();
    // Teams: the Entra object id from the activity, or (UPN only) the display name
    expect(isPerson(anna, "teams", { id: "29:1xyz", displayName: "A." }, ["3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"])).toBe(true);
    expect(isPerson(anna, "teams", { id: "29:1xyz", displayName: "Anna  Arzt" })).toBe(true);
    expect(isPerson(anna, "slack", { id: "U0BEN", displayName: "Anna Arzt" })).toBe(false);
  });

  it("keeps the old free-text role: readable (no roles: section needed)", () => {
    const cfg = parseOrgConfig(BASE);
    expect(cfg.contacts?.[0]?.role).toBe("Praxisinhaberin, Koordinatorin");
    expect(rolePlan(cfg)).toEqual([]);
    expect(roleTable(cfg)[0]).toMatch(/kein Notfallplan/);
  });

  it("names file, line and field for every mistake in the new fields, with what to write instead", () => {
    const text = `${BASE}roles:
  koordination:
    primary: Anna Arzt
  technik:
    primary: Cem Cerny
    deputies: [Ben Berg, Ben Berg]
    confirm_within: 2 Stunden
  kommunikation:
    vertretung: Ben Berg
`;
    const lines = issuesOf(text);
    const byLine = (n: number) => lines.filter((l) => l.startsWith(`notfall.config.yaml:${n} `));
    expect(byLine(17)[0]).toMatch(/roles\.koordination: Unbekanntes Feld "koordination"\. Meinten Sie "koordinator"\?/);
    expect(byLine(20)[0]).toMatch(
      /roles\.technik\.primary: Kein Kontakt "Cem Cerny" unter contacts:.*"Anna Arzt", "Ben Berg", "Dora Dorn"/,
    );
    expect(byLine(21)[0]).toMatch(/roles\.technik\.deputies\[1\]: "Ben Berg" steht in dieser Rolle schon weiter oben/);
    expect(byLine(22)[0]).toMatch(/roles\.technik\.confirm_within: 2 h ist zu lang.*Höchstens 60 min/);
    expect(byLine(24)[0]).toMatch(/roles\.kommunikation\.vertretung: Unbekanntes Feld "vertretung"\. Meinten Sie "deputies"\?/);
  });

  it("checks each chat id in its platform's form; a single value is named by its field, a list item by its index", () => {
    const lines = issuesOf(`name: X
contacts:
  - name: Anna
    chat:
      slack: anna
      teams: [anna@x.de, Anna]
      matrix: anna:x.de
      slak: U0ANNA
`);
    expect(lines[0]).toMatch(/^notfall\.config\.yaml:5 contacts\[0\]\.chat\.slack: "anna" ist keine Slack-Mitglieds-ID\. .*"U04ABC123"/);
    expect(lines[1]).toMatch(/^notfall\.config\.yaml:6 contacts\[0\]\.chat\.teams\[1\]: "Anna" ist kein Teams-Konto\. .*Anmeldeadresse/);
    expect(lines[2]).toMatch(
      /^notfall\.config\.yaml:7 contacts\[0\]\.chat\.matrix: "anna:x\.de" ist keine Matrix-ID\. .*"@petra:beispiel\.de"/,
    );
    expect(lines[3]).toMatch(/^notfall\.config\.yaml:8 contacts\[0\]\.chat\.slak: Unbekanntes Feld "slak"\. Meinten Sie "slack"\?/);
    expect(lines[0]).toContain("\n       5 |       slack: anna");
  });

  it("a broken role entry leaves the rest usable: the bot starts with the valid parts", () => {
    const r = readOrgConfigText(
      `${BASE}roles:\n  technik:\n    primary: Ben Berg\n    deputies: [Dora Dorn, Nobody]\n  kommunikation:\n    primary: Nobody\n`,
    );
    expect(r.issues.map((i) => `${i.line} ${i.field}`)).toEqual(["19 roles.technik.deputies[1]", "21 roles.kommunikation.primary"]);
    expect(r.config?.roles?.technik).toEqual({ primary: "Ben Berg", deputies: ["Dora Dorn"] });
    expect(r.config?.contacts?.length).toBe(3);
    expect(r.dropped).toEqual(["roles.technik.deputies[1]", "roles.kommunikation"]);
  });

  it("check-config prints the role table and warns about a role without deputy and a person without chat identity", () => {
    const text = `${BASE}roles:\n  koordinator:\n    primary: Anna Arzt\n    deputies: [Dora Dorn]\n  technik:\n    primary: Ben Berg\n`;
    const r = readOrgConfigText(text, "notfall.config.yaml");
    expect(r.issues).toEqual([]);
    const kinds = r.warnings.map((w) => [w.kind, w.line, w.field]);
    expect(kinds).toContainEqual(["role-deputy", 20, "roles.technik"]);
    expect(kinds).toContainEqual(["chat-identity", 14, "contacts[2].chat"]);
    const out = configSummary(r.config!, loadPlaybooks().list(), r.file, r.warnings);
    expect(out).toContain("⚠️  notfall.config.yaml:20 roles.technik: Technischer Kontakt hat keine Vertretung.");
    expect(out).toContain("⚠️  notfall.config.yaml:14 contacts[2].chat: Dora Dorn hat eine Notfallrolle, aber keine Chat-Kennung.");
    expect(out).toContain(
      [
        "Rollen im Notfall (der Bot fragt in dieser Reihenfolge):",
        "  IT-Notfall-Koordination – bestätigen binnen 5 min",
        "    1. Anna Arzt · +49 170 1111111 · Slack, Teams, Matrix",
        "    2. Dora Dorn (Vertretung) · +49 172 3333333 · ohne Chat-Kennung",
        "  Technischer Kontakt – bestätigen binnen 5 min",
        "    1. Ben Berg · +49 171 2222222 · Slack",
        "  Nicht im Plan (wird im Chat übernommen): Kommunikation nach außen",
      ].join("\n"),
    );
  });

  it("the shipped examples carry a full role table with deputies and are still recognised as example data", () => {
    for (const file of ["examples/praxis.yaml", "examples/kmu.yaml"]) {
      const cfg = loadOrgConfig(file);
      const plan = rolePlan(cfg);
      expect(plan.map((r) => r.role)).toEqual(["koordinator", "technik", "kommunikation"]);
      for (const r of plan) expect(r.people.length, `${file} ${r.role}`).toBeGreaterThan(1);
      const r = readOrgConfigText(readFileSync(file, "utf8"), file);
      expect(r.warnings.map((w) => w.kind)).toContain("examples");
    }
  });
});
