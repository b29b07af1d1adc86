import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { ConfigError, findConfigPath, loadOrgConfig, parseOrgConfig } from "../../src/config/load.ts";
import { type OrgConfigSchema, SECTION_KEYS } from "../../src/config/schema.ts";
import { normaliseDuration } from "../../src/core/duration.ts";
import type { OrgConfig } from "../../src/core/org.ts";

/** The issues of a file that must fail. */
function issuesOf(text: string) {
  try {
    parseOrgConfig(text, "notfall.config.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error("expected a ConfigError");
}

describe("schema type", () => {
  it("produces exactly OrgConfig", () => {
    expectTypeOf<z.output<typeof OrgConfigSchema>>().toEqualTypeOf<OrgConfig>();
    const cfg: OrgConfig = parseOrgConfig("name: X\n");
    expect(cfg).toEqual({ name: "X" });
  });
});

describe("shipped examples", () => {
  it("examples/praxis.yaml validates: Hausarztpraxis in Berlin, no NIS2, PVS first with RTO 4 h / RPO 24 h", () => {
    const cfg = loadOrgConfig("examples/praxis.yaml");
    expect(cfg.kind).toBe("praxis");
    expect(cfg.name).toMatch(/^Hausarztpraxis Dr\. med\./);
    expect(cfg.nis2).toBe(false);
    expect(cfg.authority?.name).toBe("Berliner Beauftragte für Datenschutz und Informationsfreiheit");
    expect(cfg.police?.name).toContain("ZAC");
    expect(cfg.insurer?.hotline).toBeTruthy();
    expect(cfg.insurer?.terms).toContain("Zustimmung");
    expect(cfg.it?.hours).toBeTruthy();
    expect(cfg.dpo?.phone).toBeTruthy();
    const first = [...(cfg.systems ?? [])].sort((a, b) => a.priority - b.priority)[0];
    expect(first).toMatchObject({ priority: 1, rto: "4 h", rpo: "24 h" });
    expect(first?.name).toContain("PVS");
    const names = (cfg.systems ?? []).map((s) => s.name).join(" ");
    for (const sys of ["TI-Konnektor", "Telefonanlage", "Röntgen"]) expect(names).toContain(sys);
  });

  it("examples/kmu.yaml validates: GmbH with ERP, file server, M365 and nis2: true", () => {
    const cfg = loadOrgConfig("examples/kmu.yaml");
    expect(cfg.kind).toBe("kmu");
    expect(cfg.name).toContain("GmbH");
    expect(cfg.nis2).toBe(true);
    const names = (cfg.systems ?? []).map((s) => s.name).join(" ");
    for (const sys of ["ERP", "Dateiserver", "Microsoft 365"]) expect(names).toContain(sys);
  });

  it("examples use only obviously fictional numbers (1234567-style)", () => {
    for (const file of ["examples/praxis.yaml", "examples/kmu.yaml"]) {
      const cfg = loadOrgConfig(file);
      const phones = [
        cfg.phone,
        cfg.emergency_phone,
        cfg.it?.hotline,
        cfg.dpo?.phone,
        cfg.authority?.phone,
        cfg.police?.phone,
        cfg.insurer?.hotline,
        cfg.bank?.hotline,
        ...(cfg.contacts ?? []).flatMap((c) => [c.phone, c.phone_alt]),
      ].filter((p): p is string => Boolean(p));
      expect(phones.length).toBeGreaterThan(5);
      for (const p of phones) expect(p.replace(/\D/g, ""), `${file}: ${p}`).toMatch(/1234567|2345678|3456789|4567890|5678901|7654321/);
    }
  });
});

describe("accepted values", () => {
  it("an empty section list and a minimal file are fine; everything is optional", () => {
    expect(parseOrgConfig("kind: kmu\n")).toEqual({ kind: "kmu" });
    expect(parseOrgConfig("contacts: []\nsystems: []\n")).toEqual({ contacts: [], systems: [] });
  });

  it("phone numbers in the usual German notations, trimmed", () => {
    const cfg = parseOrgConfig(
      'phone: " +49 (0)30 123 45 67-0 "\nemergency_phone: "0170/1234567"\nbank: { hotline: "030.1234567" }\npolice: { phone: "110" }\n',
    );
    expect(cfg.phone).toBe("+49 (0)30 123 45 67-0");
    expect(cfg.emergency_phone).toBe("0170/1234567");
    expect(cfg.bank?.hotline).toBe("030.1234567");
    expect(cfg.police?.phone).toBe("110");
  });

  it("RTO/RPO: short, German and ISO forms, normalised to what the status view reads", () => {
    const cases: [string, string][] = [
      ["4h", "4 h"],
      ["4 Std.", "4 h"],
      ["24 Stunden", "24 h"],
      ["PT4H", "4 h"],
      ["30min", "30 min"],
      ["PT30M", "30 min"],
      ["1 Tag", "1 Tag"],
      ["P1D", "1 Tag"],
      ["3 tage", "3 Tage"],
      ["2 Wochen", "14 Tage"],
    ];
    for (const [input, out] of cases) expect(normaliseDuration(input), input).toBe(out);
    for (const bad of ["bald", "0h", "4", "h4", "PT", "P1M", "4 Monate", ""]) expect(normaliseDuration(bad), bad).toBeUndefined();
    const cfg = parseOrgConfig("systems:\n  - { name: PVS, priority: 1, rto: PT4H, rpo: 1 Tag }\n");
    expect(cfg.systems?.[0]).toEqual({ name: "PVS", priority: 1, rto: "4 h", rpo: "1 Tag" });
  });
});

describe("errors: every problem with line, field and what to write instead", () => {
  it("unknown keys: 'Meinten Sie …?' by edit distance, German aliases, and fields in the wrong section", () => {
    const issues = issuesOf(
      [
        "name: Praxis",
        "it:",
        '  hotlin: "+49 30 1234567"',
        '  telefon: "+49 30 1234567"',
        "versicherung:",
        "  name: X",
        'hotline: "0800 1234567"',
        "contacts:",
        "  - name: Anna",
        "    mail: anna@beispiel.de",
        "systemz: []",
        "foo: 1",
      ].join("\n"),
    );
    const by = (field: string) => issues.find((i) => i.field === field);
    expect(by("it.hotlin")).toMatchObject({ line: 3, message: 'Unbekanntes Feld "hotlin". Meinten Sie "hotline"?' });
    expect(by("it.telefon")?.message).toContain('Meinten Sie "hotline"?');
    expect(by("versicherung")).toMatchObject({ line: 5 });
    expect(by("versicherung")?.message).toContain('Meinten Sie "insurer"?');
    expect(by("hotline")?.message).toContain("gehört in einen Abschnitt: it:, insurer:, bank:");
    expect(by("contacts[0].mail")).toMatchObject({ line: 10 });
    expect(by("contacts[0].mail")?.message).toContain('Meinten Sie "email"?');
    expect(by("systemz")?.message).toContain('Meinten Sie "systems"?');
    expect(by("foo")?.message).toMatch(/Erlaubt sind hier: name, kind, .*systems/);
    for (const i of issues) expect(i.file).toBe("notfall.config.yaml");
  });

  it("enum values list the allowed ones", () => {
    const [kind] = issuesOf("name: X\nkind: Praxis\n");
    expect(kind).toMatchObject({ line: 2, field: "kind" });
    expect(kind?.message).toContain('Schreiben Sie "praxis" oder "kmu"');
    const [locale] = issuesOf("locale: fr\n");
    expect(locale?.message).toContain('"de" oder "en"');
  });

  it("phone numbers: wrong characters get an example; unquoted numbers get the quoted form back", () => {
    const issues = issuesOf('dpo:\n  phone: "ruf an"\nphone: 0301234567\nemergency_phone: +4917012345\n');
    expect(issues[0]).toMatchObject({ line: 2, field: "dpo.phone" });
    expect(issues[0]?.message).toContain('z. B. "+49 30 1234567-0"');
    expect(issues[1]).toMatchObject({ line: 3, field: "phone" });
    expect(issues[1]?.message).toContain('phone: "0301234567"');
    expect(issues[1]?.message).toContain("führende Nullen");
    expect(issues[2]?.message).toContain('emergency_phone: "+4917012345"');
  });

  it("e-mail, URL, duration, boolean, priority and empty values", () => {
    const issues = issuesOf(
      [
        "email: praxis(at)beispiel.de",
        "authority:",
        "  url: www.datenschutz.de",
        "nis2: ja",
        "systems:",
        "  - name: PVS",
        "    priority: hoch",
        "    rto: bald",
        "  - name: Telefon",
        "    priority: 0",
        "  - priority: 3",
        "dpo:",
        "address: ''",
      ].join("\n"),
    );
    const by = (field: string) => issues.find((i) => i.field === field)!;
    expect(by("email").message).toContain("Keine E-Mail-Adresse");
    expect(by("authority.url")).toMatchObject({ line: 3 });
    expect(by("authority.url").message).toContain("https://");
    expect(by("nis2").message).toBe('"ja" ist kein Ja/Nein-Wert. Schreiben Sie nis2: true (ja) oder nis2: false (nein).');
    expect(by("systems[0].priority")).toMatchObject({ line: 7 });
    expect(by("systems[0].priority").message).toContain("ganze Zahl");
    expect(by("systems[0].rto").message).toContain('"bald" ist keine Dauer');
    expect(by("systems[1].priority").message).toContain("1 bis 99");
    expect(by("systems[2].name")).toMatchObject({ line: 11, message: 'Pflichtfeld fehlt. Bitte "name:" ergänzen.' });
    expect(by("dpo").message).toContain("Abschnitt ist leer");
    expect(by("address").message).toContain("Darf nicht leer sein");
    // Sorted by line.
    expect(issues.map((i) => i.line)).toEqual([...issues.map((i) => i.line)].sort((a, b) => a - b));
  });

  it("duplicate system names", () => {
    const [dup] = issuesOf("systems:\n  - { name: PVS, priority: 1 }\n  - { name: pvs, priority: 2 }\n");
    expect(dup).toMatchObject({ line: 3, field: "systems[1].name" });
    expect(dup?.message).toContain("doppelt");
  });

  it("wrong shapes: a list at the top, a text where a section belongs, a section where a list belongs", () => {
    expect(issuesOf("- a\n- b\n")[0]?.message).toContain("Die Datei muss aus Feldern bestehen");
    const [dpo] = issuesOf('dpo: "Max Muster"\n');
    expect(dpo?.message).toContain("(name:, phone:, email:)");
    const [contacts] = issuesOf("contacts:\n  name: Anna\n");
    expect(contacts?.message).toContain("Erwartet eine Liste");
  });

  it("empty files, YAML syntax errors and missing files", () => {
    expect(issuesOf("")[0]?.message).toContain("Die Datei ist leer");
    expect(issuesOf("# nur ein Kommentar\n")[0]?.message).toContain("Die Datei ist leer");
    const [dup] = issuesOf("name: A\nname: B\n");
    expect(dup).toMatchObject({ line: 2 });
    expect(dup?.message).toContain("doppelt");
    const [tab] = issuesOf("it:\n\tname: X\n");
    expect(tab?.line).toBe(2);
    expect(() => loadOrgConfig("/nonexistent/notfall.config.yaml")).toThrow(
      /Datei nicht gefunden\. Eine Vorlage anlegen: cp examples\/praxis\.yaml/,
    );
  });

  it("the error message explains each issue with file:line field, the line as written, and where to read more", () => {
    let err: ConfigError | undefined;
    try {
      parseOrgConfig("name: X\nkind: firma\nit:\n  hotlin: x\n", "notfall.config.yaml");
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.issues).toHaveLength(2);
    const lines = err!.message.split("\n");
    expect(lines[0]).toBe(
      'notfall.config.yaml:2 kind: "firma" ist hier nicht erlaubt. Schreiben Sie "praxis" oder "kmu". (praxis = Arzt-, Zahnarzt- oder Therapiepraxis, kmu = Firma)',
    );
    expect(lines[1]).toBe("       2 | kind: firma");
    expect(lines[2]).toBe('notfall.config.yaml:4 it.hotlin: Unbekanntes Feld "hotlin". Meinten Sie "hotline"?');
    expect(lines[3]).toBe("       4 |   hotlin: x");
    expect(lines.at(-1)).toContain("docs/configuration.md");
  });
});

describe("file lookup and loading from disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("--config wins over NOTFALL_CONFIG; the display path is used in issues", () => {
    expect(findConfigPath("a.yaml", { NOTFALL_CONFIG: "b.yaml" })).toMatch(/a\.yaml$/);
    expect(findConfigPath(undefined, { NOTFALL_CONFIG: "b.yaml" })).toMatch(/b\.yaml$/);
    const file = join(dir, "x.yaml");
    writeFileSync(file, "\uFEFFname: X\nkind: kmu\nnis2: true\n");
    expect(loadOrgConfig(file)).toEqual({ name: "X", kind: "kmu", nis2: true });
    writeFileSync(file, "name: X\nnis2: yes\n");
    expect(() => loadOrgConfig(file)).toThrow(`${file}:2 nis2:`);
  });
});

describe("docs/configuration.md", () => {
  it("documents every field of the schema", () => {
    const doc = readFileSync("docs/configuration.md", "utf8");
    for (const [section, keys] of Object.entries(SECTION_KEYS)) {
      for (const key of keys) {
        if (section === "" && Object.hasOwn(SECTION_KEYS, key)) {
          expect(doc, key).toContain(`### \`${key}\``);
        } else if (section === "") {
          expect(doc, key).toContain(`| \`${key}\` |`);
        } else {
          const path =
            section === "contacts" || section === "systems"
              ? `${section}[].${key}`
              : section === "contacts.chat"
                ? `contacts[].chat.${key}`
                : section === "roles.*"
                  ? `roles.<rolle>.${key}`
                  : `${section}.${key}`;
          expect(doc, path).toContain(`| \`${path}\` |`);
        }
      }
    }
  });
});
