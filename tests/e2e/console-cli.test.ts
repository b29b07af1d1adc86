import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, ROOT, runCli } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = ROOT;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Run the real CLI (`bin/notfallbot.mjs`) as a child process with `input` on stdin. */
function run(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(args, { cwd: tmp.dir, input, env });
}

const script = `/notfall verschlüsselung Server zeigt Erpressernachricht
@anna: rolle koordinator
@anna: rolle technik @ben
@cem: rolle kommunikation
@anna: antwort 6 ja
@ben: ok 8
@ben: erledigt 8
@cem: erledigt 22
@cem: vorlage mitarbeitende
@anna: notiz Server um 9:10 vom Netz genommen
Die Polizei hat zurückgerufen.
@anna: weiter IT-Dienstleister übernimmt die Sofortmaßnahmen
@anna: weiter Eindämmung läuft parallel
@anna: weiter Wiederherstellung aus Sicherung vom Sonntag
@anna: weiter Alles läuft wieder
@anna: antwort L1 Über eine gefälschte Bewerbung per E-Mail
@anna: abschließen Nachbereitung am Freitag
@anna: export NF-2026-0001
`;

describe("the terminal adapter as a child process (npm start)", () => {
  it("runs a scripted multi-user incident from stdin to the summary and exits cleanly", async () => {
    const db = join(tmp.dir, "data", "notfall.db");
    const { code, out, err } = await run(["--db", db], script);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/🚨 NF-2026-0001: Verschlüsselung/);
    expect(out).toMatch(/ben ist jetzt Technischer Kontakt/);
    expect(out).toMatch(/Aufgabe 8 erledigt \(ben\)/);
    expect(out).toMatch(/Aufgabe 22 gehört zur Rolle Technischer Kontakt \(ben\)/);
    expect(out).toMatch(/Frist läuft: Meldung an die Datenschutzbehörde/);
    expect(out).toMatch(/┌─ Information an alle Mitarbeitenden/);
    expect(out).toMatch(/Neue Phase: Nachbereitung/);
    expect(out).toMatch(/NF-2026-0001 abgeschlossen – Zusammenfassung/);
    expect(out).toMatch(/gefälschte Bewerbung/);
    expect(out).toMatch(/Prüfkette in Ordnung/);
    // the thread is visibly distinct: bot thread lines are indented with a bar
    expect(out.split("\n").some((l) => l.startsWith("  │ "))).toBe(true);
    // the export was written and documents the free-text entry
    const md = readFileSync(join(tmp.dir, "data", "exports", "NF-2026-0001.md"), "utf8");
    expect(md).toMatch(/Prüfkette .*\n\nIn Ordnung/);
    expect(md).toMatch(/Die Polizei hat zurückgerufen/);
    expect(existsSync(join(tmp.dir, "data", "exports", "NF-2026-0001.json"))).toBe(true);
  });

  it("continues the incident on the same database after a restart", async () => {
    const db = join(tmp.dir, "second.db");
    const first = await run(["--db", db], "/notfall übung verschlüsselung\n@anna: rolle koordinator\n");
    // at the end of input: the incident continues, and how to come back
    expect(first.out).toMatch(/\n\n» Eingabe beendet\. NF-2026-0001 läuft weiter – alles ist gespeichert\.\n/);
    expect(first.out).toContain("» Solange der Bot nicht läuft, kommen keine Erinnerungen. Die Fristen laufen trotzdem weiter.");
    expect(first.out.trimEnd().split("\n").at(-1)).toBe(`» Weitermachen: npm start -- --db ${db}`);
    const { code, out } = await run(["--db", db], "@anna: status\n", { NOTFALL_DB: "" });
    expect(code).toBe(0);
    // at start: the open incident with its phase, before anything else
    expect(
      out.startsWith(
        "» 🧪 ÜBUNG NF-2026-0001 läuft noch: Verschlüsselung durch Erpressersoftware (Ransomware), Phase Erkennung & Einschätzung.\n» Weiter wie bisher. Die Lage zeigt status.\n\n",
      ),
    ).toBe(true);
    expect(out).toMatch(/Lage NF-2026-0001/);
    expect(out).toMatch(/Koordination: anna/);
    expect(out).toMatch(/ÜBUNG/);
  });

  it("with NOTFALL_CONSOLE_TRACE=1 (a program reads stdout) the notices go to stderr", async () => {
    const db = join(tmp.dir, "trace.db");
    await run(["--db", db], "/notfall übung stromausfall\n");
    const { out, err } = await run(["--db", db], "status\n", { NOTFALL_CONSOLE_TRACE: "1" });
    expect(out.startsWith("⟦")).toBe(true);
    expect(out).not.toContain("»");
    expect(err).toContain("» 🧪 ÜBUNG NF-2026-0001 läuft noch");
    expect(err).toContain("» Eingabe beendet.");
  });

  it("wraps at word boundaries at COLUMNS=60: no row wider than the screen, the same words (issue #10 item 6)", async () => {
    const line = "/notfall verschlüsselung Server zeigt Erpresserbrief\n@anna: rolle koordinator\n@ben: rolle technik\nmeine aufgaben\n";
    const wide = await run(["--db", join(tmp.dir, "wide.db")], line);
    const narrow = await run(["--db", join(tmp.dir, "narrow.db")], line, { COLUMNS: "60" });
    expect(narrow.code).toBe(0);
    /** Columns a row takes: emoji two, everything else one. */
    const columns = (row: string) =>
      [...row.replace(/\uFE0F/g, "")].reduce((n, ch) => n + (/\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0);
    const rows = narrow.out.trimEnd().split("\n");
    expect(rows.filter((r) => columns(r) > 60)).toEqual([]);
    expect(wide.out.split("\n").filter((r) => columns(r) > 60).length).toBeGreaterThan(20);
    const words = (s: string) =>
      s
        .split("\n\n» ")[0]! // the end-of-input notice names the database, which differs
        .replace(/^(\s*│ |▌ )/gm, "")
        .replace(/\d\d\.\d\d\.\d{4}, \d\d:\d\d/g, "")
        .split(/\s+/)
        .filter(Boolean);
    expect(words(narrow.out)).toEqual(words(wide.out));
    expect(rows.length).toBeGreaterThan(wide.out.trimEnd().split("\n").length);
  });

  it("Ctrl+C ends the input like Ctrl+D: the bot finishes and says how to come back", async () => {
    const db = join(tmp.dir, "sigint.db");
    const child = spawn(process.execPath, [join(root, "bin", "notfallbot.mjs"), "--db", db], {
      cwd: tmp.dir,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    const answered = new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("NF-2026-0001")) resolve();
      }),
    );
    child.stdin.write("/notfall übung stromausfall\n"); // stdin stays open, as at a terminal
    await answered;
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    expect(await closed).toBe(0);
    expect(out).toContain("» Eingabe beendet. NF-2026-0001 läuft weiter");
  });

  it("explains the CLI with --help and rejects an unknown subcommand with exit code 2", async () => {
    const help = await run(["--help"], "");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Exit-Codes/);
    const bad = await run(["fliegen"], "");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unbekannter Befehl "fliegen"/);
  });
});
