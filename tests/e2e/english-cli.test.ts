/**
 * `--lang en` for the CLI's own texts (#14 item 4): `--help` and `check-config` (summary, gaps and the warnings about
 * a usable file) are English; German stays the default. Names and addresses come from an English organisation file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, ROOT, runCli } from "../helpers/cli.ts";
import { germanIn } from "../helpers/german.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = ROOT;
const orgFile = join(root, "tests", "fixtures", "english", "org.yaml");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function run(args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: tmp.dir });
}

/**
 * Lines with German in them (hyphenated compounds too). Excepted: the lines of the file quoted under a warning and
 * the file's keys named as the place of a warning (`roles.koordinator`).
 */
function leaks(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !/^\s+\d+ \| /.test(line))
    .map((line) => line.replace(/\broles\.[a-z]+/g, ""))
    .filter((line) => germanIn(line, []) ?? germanIn(line.replace(/-/g, " "), []))
    .map((line) => line.trim());
}

describe("the CLI's own texts in English (--lang en)", () => {
  it("--help --lang en is English, --help German", { timeout: 60_000 }, async () => {
    const en = await run(["--help", "--lang", "en"]);
    expect(en.code).toBe(0);
    expect(en.out).toContain("Usage:");
    expect(en.out).toContain("Check the organisation file");
    expect(leaks(en.out)).toEqual([]);
    expect(en.out).toContain("notfallbot handbook [--out FILE]");
    const de = await run(["--help"]);
    expect(de.out).toContain("Aufruf:");
    expect(leaks(de.out).length).toBeGreaterThan(5);
  });

  it("check-config --lang en: summary, deadlines, gaps and warnings in English", { timeout: 60_000 }, async () => {
    // a usable file with weak spots: no IT hotline, a role without deputy, a role holder without a chat identity
    const file = join(tmp.dir, "weak.yaml");
    const text = readFileSync(orgFile, "utf8").replace(/^ {2}hotline: "\+49 30 7741 220"\n/m, "");
    writeFileSync(file, `${text}\nroles:\n  koordinator:\n    primary: Anna Example\n`);
    const en = await run(["check-config", "--lang", "en", "--config", file]);
    expect(en.code, en.err).toBe(0);
    expect(en.out).toContain("valid, but not finished yet (3 warnings)");
    expect(en.out).toContain("The IT provider's hotline is missing");
    expect(en.out).toContain("IT emergency coordinator has no deputy");
    expect(en.out).toContain("has an emergency role but no chat identity");
    expect(en.out).toContain("Deadlines in an emergency:");
    expect(en.out).toMatch(/72 hours from awareness/);
    expect(en.out).toContain("Gaps (shown in templates and in the emergency handbook as [[…]])");
    expect(leaks(en.out)).toEqual([]);
    const de = await run(["check-config", "--config", file]);
    expect(de.code).toBe(0);
    expect(de.out).toContain("gültig, aber noch nicht fertig (3 Warnungen)");
    expect(de.out).toContain("Die Hotline des IT-Dienstleisters fehlt");
  });
});

/** What is quoted ("…": what to type, or what the file holds) and file names taken out: the prose around them. */
const prose = (text: string) => text.replace(/"[^"]*"/g, "…").replace(/\S+\.ya?ml\b/g, "…");

describe("the CLI's mistakes and explanations in English (--lang en), German by default", () => {
  /** A broken organisation file: an unknown field, a number without quotes, a wrong duration, a tab. */
  const broken = () => {
    const file = join(tmp.dir, "broken.yaml");
    writeFileSync(
      file,
      'name: Praxis Beispiel\nit:\n  hotlin: "0800 123"\ncontacts:\n  - name: Anna\n    phone: 0301234\nsystems:\n  - name: PVS\n    priority: 1\n    rto: 4\nroles:\n\tkoordinator: x\n',
    );
    return file;
  };

  it("check-config with mistakes: every message in English (exit 3), German without --lang", { timeout: 60_000 }, async () => {
    const file = broken();
    const en = await run(["check-config", "--lang", "en", "--config", file]);
    expect(en.code).toBe(3);
    expect(en.err).toContain("The organisation file has mistakes:");
    expect(en.err).toContain('it.hotlin: Unknown field "hotlin". Did you mean "hotline"?');
    expect(en.err).toContain('Please write phone numbers in quotes: phone: "0301234".');
    expect(en.err).toContain("4 has no unit. Write e.g. 4h (hours), 4 days or 4min.");
    expect(en.err).toContain("The line is indented with a tab.");
    expect(en.err).toContain("Every field with examples: docs/configuration.md");
    expect(leaks(prose(en.err))).toEqual([]);
    const de = await run(["check-config", "--config", file]);
    expect(de.code).toBe(3);
    expect(de.err).toContain("Die Organisationsdatei hat Fehler:");
    expect(de.err).toContain('Unbekanntes Feld "hotlin". Meinten Sie "hotline"?');
    expect(de.err).toContain("Die Zeile ist mit einem Tabulator eingerückt.");
  });

  it("the start warning of the terminal lists the mistakes in English", { timeout: 60_000 }, async () => {
    const en = await run(["console", "--lang", "en", "--config", broken(), "--db", join(tmp.dir, "warn.db")]);
    expect(en.code, en.err).toBe(0);
    expect(en.err).toContain("WARNING: the organisation file");
    expect(en.err).toContain('Unknown field "hotlin"');
    expect(en.err).not.toContain("Unbekanntes Feld");
    expect(leaks(prose(en.err))).toEqual([]);
  });

  it("an unknown --lang is answered in both languages (which one is what went wrong)", { timeout: 60_000 }, async () => {
    const r = await run(["--lang", "fr"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('--lang kennt nur de oder en (nicht "fr").\n--lang takes de or en (not "fr").\n');
  });

  it("export without an incident id: the usage in the chosen language", { timeout: 60_000 }, async () => {
    const en = await run(["export", "--lang", "en"]);
    expect(en.code).toBe(2);
    expect(en.err).toBe("Which incident? Example: notfallbot export NF-2026-0001 --lang en\n");
    const de = await run(["export"]);
    expect(de.err).toBe("Welcher Notfall? Beispiel: notfallbot export NF-2026-0001\n");
  });

  it("export of an unknown incident says so in English", { timeout: 60_000 }, async () => {
    const en = await run(["export", "NF-2026-0042", "--lang", "en", "--db", join(tmp.dir, "export.db")]);
    expect(en.code).toBe(5);
    expect(en.err).toMatch(/^Incident NF-2026-0042 not found in /);
  });

  it("export --lang en writes the files in English (they were German), without it in German", { timeout: 120_000 }, async () => {
    const db = join(tmp.dir, "export-en.db");
    const made = await runCli(["console", "--lang", "en", "--db", db], {
      cwd: tmp.dir,
      input: "notfall verschlüsselung Server zeigt Erpressernachricht\nrolle koordinator\n",
    });
    expect(made.out).toContain("NF-2026-0001");
    const markdown = async (args: string[]) => {
      const r = await run(["export", "NF-2026-0001", "--db", db, ...args]);
      expect(r.code, r.err).toBe(0);
      const file = r.out.split("\n").find((f) => f.endsWith(".md"))!;
      return readFileSync(isAbsolute(file) ? file : join(tmp.dir, file), "utf8");
    };
    const en = await markdown(["--lang", "en"]);
    expect(en).toContain("## Audit chain (SHA-256 hash chain)");
    expect(en).toContain("- Level: Emergency");
    expect(en).not.toContain("Prüfkette");
    const de = await markdown([]);
    expect(de).toContain("## Prüfkette (Hash-Kette SHA-256)");
    expect(de).toContain("- Stufe: Notfall");
  });

  it("playbooks --match explains the ranking in English; without a text it says what to type", { timeout: 60_000 }, async () => {
    const en = await run(["playbooks", "--match", "laptop stolen", "--lang", "en"]);
    expect(en.code).toBe(0);
    const lines = en.out.split("\n");
    expect(lines[0]).toBe('"laptop stolen"');
    expect(lines[1]).toBe("→ opens: geraeteverlust");
    expect(lines[2]).toMatch(/^\* 1\. geraeteverlust {2}\d+\.\d\d {2}Lost or stolen device$/);
    expect(lines[3]).toBe('     trigger "laptop stolen" at 100 %');
    expect(lines[4]).toMatch(/^ {5}words: laptop, stolen/);
    expect(leaks(prose(en.out))).toEqual([]);
    const de = await run(["playbooks", "--match", "Laptop gestohlen"]);
    expect(de.out).toMatch(/→ öffnet: geraeteverlust\n/);
    expect(de.out).toMatch(/Auslöser „laptop gestohlen“ zu 100 %/);
    const empty = await run(["playbooks", "--match", " ", "--lang", "en"]);
    expect(empty.code).toBe(2);
    expect(empty.err).toBe('Please give a description, e.g. notfallbot playbooks --match "laptop stolen" --lang en\n');
  });

  it("playbooks --lang en lists the types with their English titles", { timeout: 60_000 }, async () => {
    const en = await run(["playbooks", "--lang", "en"]);
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/^verschluesselung +Encryption by ransomware {2}– keywords: /m);
    expect(en.out).not.toContain("Stichworte");
  });
});
