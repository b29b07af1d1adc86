import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isoDurationGerman, legalClocks } from "../../src/config/clocks.ts";
import { configGaps, roleHolders } from "../../src/config/gaps.ts";
import { loadOrgConfig, parseOrgConfig, readOrgConfig } from "../../src/config/load.ts";
import { configSummary, systemsInOrder } from "../../src/config/summary.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

const playbooks = loadPlaybooks().list();
const praxis = loadOrgConfig("examples/praxis.yaml");
const kmu = loadOrgConfig("examples/kmu.yaml");

describe("legal clocks from the playbooks' deadlines", () => {
  it("DSGVO always, NIS2 only with nis2: true, insurer only when configured", () => {
    const forPraxis = legalClocks(playbooks, praxis);
    const ids = forPraxis.map((c) => c.id);
    expect(ids).toContain("dsgvo-33");
    expect(new Set(ids).size).toBe(ids.length);
    const get = (list: typeof forPraxis, id: string) => list.find((c) => c.id === id)!;
    expect(get(forPraxis, "dsgvo-33")).toMatchObject({
      applies: true,
      period: "72 Stunden",
      start: "ab Kenntnis",
      audience: "datenschutzbehoerde",
    });
    expect(get(forPraxis, "nis2-erstmeldung")).toMatchObject({ applies: false, period: "24 Stunden", why: "nis2: false" });
    expect(get(forPraxis, "versicherung")).toMatchObject({ applies: true, period: "unverzüglich" });
    const forKmu = legalClocks(playbooks, kmu);
    expect(get(forKmu, "nis2-erstmeldung").applies).toBe(true);
    expect(get(forKmu, "nis2-abschluss")).toMatchObject({ applies: true, period: "1 Monat", start: "nach „NIS2-Meldung an das BSI“" });
    const none = legalClocks(playbooks, parseOrgConfig("name: X\n"));
    expect(get(none, "versicherung").applies).toBe(false);
    expect(get(none, "dsgvo-33").applies).toBe(true);
  });

  it("ISO durations read as German", () => {
    expect(isoDurationGerman("PT72H")).toBe("72 Stunden");
    expect(isoDurationGerman("PT1H")).toBe("1 Stunde");
    expect(isoDurationGerman("PT15M")).toBe("15 Minuten");
    expect(isoDurationGerman("P1M")).toBe("1 Monat");
    expect(isoDurationGerman("P1DT2H")).toBe("1 Tag 2 Stunden");
    expect(isoDurationGerman("quatsch")).toBe("quatsch");
  });
});

describe("gaps", () => {
  it("the practice example has none; the KMU example lacks exactly the DPO phone, used by templates", () => {
    expect(configGaps(praxis, playbooks)).toEqual([]);
    const gaps = configGaps(kmu, playbooks);
    expect(gaps.map((g) => g.field)).toEqual(["dpo.phone"]);
    expect(gaps[0]?.label).toBe("Telefon Datenschutzbeauftragte:r");
    expect(gaps[0]?.templates.length).toBeGreaterThan(0);
  });

  it("a thin file: missing values, contacts without phone, roles nobody holds, systems without RTO", () => {
    const cfg = parseOrgConfig("name: X\ncontacts:\n  - name: Anna\n    role: Koordinatorin\nsystems:\n  - { name: PVS, priority: 1 }\n");
    const fields = configGaps(cfg, playbooks).map((g) => g.field);
    for (const f of [
      "emergency_phone",
      "it.hotline",
      "dpo.phone",
      "authority.name",
      "police.phone",
      "bank.hotline",
      "contacts[0].phone",
      "systems[0].rto",
    ]) {
      expect(fields, f).toContain(f);
    }
    expect(fields).not.toContain("name");
    // No insurer section: not a gap (the insurer clock is off), but the missing roles are.
    expect(fields.some((f) => f.startsWith("insurer."))).toBe(false);
    expect(
      configGaps(cfg, playbooks)
        .filter((g) => g.field === "contacts[].role")
        .map((g) => g.label),
    ).toEqual(["Name Technischer Kontakt", "Name Kommunikation nach außen"]);
  });

  it("roles come from the plan (roles:) with deputies and phone numbers", () => {
    expect(roleHolders(praxis)).toEqual({
      koordinator: "Dr. med. Erika Musterfrau, +49 170 1234567 · Vertretung: Petra Beispiel, +49 171 1234567 / +49 30 7654321",
      technik: "Jonas Muster, +49 172 1234567 · Vertretung: Tobias Techniker, +49 173 1234567",
      kommunikation: "Petra Beispiel, +49 171 1234567 / +49 30 7654321 · Vertretung: Dr. med. Erika Musterfrau, +49 170 1234567",
    });
  });

  it("without a plan, roles come from the contacts' role text; the IT provider is the Technischer Kontakt by default", () => {
    const contacts = praxis.contacts?.filter((c) => !/techniker/i.test(c.name));
    expect(roleHolders({ ...praxis, roles: undefined, contacts })).toEqual({
      koordinator: "Dr. med. Erika Musterfrau, +49 170 1234567",
      technik: "Beispiel IT-Service GmbH (IT-Dienstleister), +49 30 2345678-9",
      kommunikation: "Petra Beispiel, +49 171 1234567",
    });
  });

  it("systems in recovery order: by priority, ties in file order", () => {
    const cfg = parseOrgConfig("systems:\n  - { name: B, priority: 2 }\n  - { name: A, priority: 1 }\n  - { name: C, priority: 2 }\n");
    expect(systemsInOrder(cfg).map((s) => s.name)).toEqual(["A", "B", "C"]);
  });
});

describe("configSummary", () => {
  it("praxis: organisation, contacts, systems with RTO/RPO, DSGVO yes, NIS2 no, insurer yes, no gaps", () => {
    const text = configSummary(praxis, playbooks, "examples/praxis.yaml");
    expect(text).toContain("examples/praxis.yaml: in Ordnung.");
    expect(text).toContain("Organisation:     Hausarztpraxis Dr. med. Erika Musterfrau (Beispiel) · Praxis");
    expect(text).toContain("Kontakte:         7 (7 mit Telefonnummer)");
    expect(text).toContain("  1. Praxisverwaltungssystem (PVS) mit Patientendaten – RTO 4 h, RPO 24 h (Priorität 1)");
    expect(text).toMatch(/ {2}2\. TI-Konnektor .* – RTO 4 h, RPO offen/);
    expect(text).toContain("DSGVO: gilt immer");
    expect(text).toContain(
      "Meldung an die Datenschutzbehörde (Art. 33 DSGVO): 72 Stunden ab Kenntnis → Berliner Beauftragte für Datenschutz und Informationsfreiheit",
    );
    expect(text).toContain("NIS2: gilt nicht");
    expect(text).toContain("Versicherung: gilt, Hotline 0800 4567890.");
    expect(text).toContain("Keine Lücken");
  });

  it("kmu: NIS2 clocks listed and the DPO phone gap named with its field and templates", () => {
    const text = configSummary(kmu, playbooks, "examples/kmu.yaml");
    expect(text).toContain("NIS2: gilt (nis2: true)");
    expect(text).toContain("NIS2-Erstmeldung an das BSI: 24 Stunden ab Kenntnis");
    expect(text).toMatch(
      /Lücken .*: 1\n {2}- \[\[Telefon Datenschutzbeauftragte:r\]\] {2}→ dpo\.phone \(in Vorlagen: .*datenschutzbehoerde/,
    );
  });
});

describe("notfallbot check-config (real CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["bin/notfallbot.mjs", "check-config", ...args], { encoding: "utf8", timeout: 20_000 });

  it("prints the summary and exits 0; the example's made-up data is a warning at the top", () => {
    const r = run("--config", "examples/kmu.yaml");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${configSummary(kmu, playbooks, "examples/kmu.yaml", readOrgConfig("examples/kmu.yaml").warnings)}\n`);
    expect(r.stdout).toMatch(
      /^examples\/kmu\.yaml: gültig, aber noch nicht fertig \(2 Warnungen\):\n⚠️ {2}examples\/kmu\.yaml:9 Noch Beispieldaten/,
    );
  });

  it("explains every error with its line and exits 3", () => {
    const file = join(dir, "kaputt.yaml");
    writeFileSync(file, 'name: Praxis\nkind: Praxis\nit:\n  hotlin: "+49 30 1234567"\nnis2: ja\n');
    const r = run("--config", file);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${file}:2 kind: "Praxis" ist hier nicht erlaubt. Schreiben Sie "praxis" oder "kmu".`);
    expect(r.stderr).toContain(`${file}:4 it.hotlin: Unbekanntes Feld "hotlin". Meinten Sie "hotline"?`);
    expect(r.stderr).toContain(`${file}:5 nis2: "ja" ist kein Ja/Nein-Wert.`);
    expect(r.stderr).toContain("       5 | nis2: ja");
  });

  it("a missing file is an error with the copy command", () => {
    const r = run("--config", join(dir, "gibt-es-nicht.yaml"));
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("Datei nicht gefunden. Eine Vorlage anlegen: cp examples/praxis.yaml notfall.config.yaml");
  });
});
