/**
 * `--lang en` for the CLI's own texts (#14 item 4): `--help` and `check-config` (summary, gaps and the warnings about
 * a usable file) are English; German stays the default. Names and addresses come from an English organisation file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
