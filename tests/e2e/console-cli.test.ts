import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.ts";

const root = join(import.meta.dirname, "..", "..");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Run the real CLI (`bin/notfallbot.mjs`) as a child process with `input` on stdin. */
function run(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin", "notfallbot.mjs"), ...args], {
      cwd: tmp.dir,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

const script = `/notfall verschlüsselung Server zeigt Erpressernachricht
@anna: rolle koordinator
@anna: rolle technik @ben
@cem: rolle kommunikation
@anna: antwort 6 ja
@ben: ok 5
@ben: erledigt 5
@cem: erledigt 16
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
    expect(out).toMatch(/Aufgabe 5 erledigt \(ben\)/);
    expect(out).toMatch(/Aufgabe 16 gehört zur Rolle Technischer Kontakt \(ben\)/);
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
    await run(["--db", db], "/notfall übung verschlüsselung\n@anna: rolle koordinator\n");
    const { code, out } = await run(["--db", db], "@anna: status\n", { NOTFALL_DB: "" });
    expect(code).toBe(0);
    expect(out).toMatch(/Lage NF-2026-0001/);
    expect(out).toMatch(/Koordination: anna/);
    expect(out).toMatch(/ÜBUNG/);
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
