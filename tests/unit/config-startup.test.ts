import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.ts";

/**
 * Issue #10 item 7 through the real CLI: a broken organisation file never keeps the bot from helping. `npm start`
 * and `serve` start with a loud warning naming file and line and use the valid parts; `check-config` (and the
 * printed handbook) still fail with exit 3.
 */

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "notfallbot.mjs");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The practice example with a tab before the IT provider's hotline (line 81). */
const broken = join(tmp.dir, "kaputt.yaml");
writeFileSync(
  broken,
  readFileSync(join(root, "examples", "praxis.yaml"), "utf8").replace('  hotline: "+49 30 2345678-9"', '\thotline: "+49 30 2345678-9"'),
);
const env = { ...process.env, NO_COLOR: "1", COLUMNS: "" };

function cli(args: string[], input = "") {
  return spawnSync(process.execPath, [bin, ...args], { cwd: tmp.dir, env, input, encoding: "utf8", timeout: 30_000 });
}

describe("a broken organisation file", () => {
  it("npm start: a loud warning with file and line, then the bot helps with the valid parts (was exit 3)", () => {
    const r = cli(["--db", join(tmp.dir, "a.db"), "--config", broken], "/notfall verschlüsselung Server zeigt Erpresserbrief\n");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "⚠️  ACHTUNG: Die Organisationsdatei kaputt.yaml hat einen Fehler. Der Bot startet trotzdem – ohne diese Teile: it.",
    );
    expect(r.stderr).toContain("kaputt.yaml:81 it: Die Zeile ist mit einem Tabulator eingerückt.");
    expect(r.stderr).toContain("notfallbot check-config");
    expect(r.stdout).toContain("🚨 NF-2026-0001: Verschlüsselung");
    // the rest of the file is used: the insurer template is filled from the (valid) insurer: section
    const status = cli(["--db", join(tmp.dir, "a.db"), "--config", broken], "vorlage versicherung\n");
    expect(status.stdout).toContain("0800 4567890");
  });

  it("check-config and handbuch still fail with exit 3 and the same one error", () => {
    const check = cli(["check-config", "--config", broken]);
    expect(check.status).toBe(3);
    expect(check.stdout).toBe("");
    expect(check.stderr.match(/kaputt\.yaml:\d+/g)).toEqual([`kaputt.yaml:81`]);
    const handbook = cli(["handbuch", "--config", broken, "--out", join(tmp.dir, "h.pdf")]);
    expect(handbook.status).toBe(3);
  });

  it("other commands work: playbooks lists the types", () => {
    const r = cli(["playbooks", "--config", broken]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^verschluesselung/m);
  });

  it("a missing file named with --config: warning, then the bot runs without", () => {
    const r = cli(["--db", join(tmp.dir, "b.db"), "--config", join(tmp.dir, "gibt-es-nicht.yaml")], "/notfall hilfe\n");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("ganz ohne Organisationsdatei");
    expect(r.stderr).toContain("Datei nicht gefunden");
    expect(r.stdout).toContain("notfallbot");
  });

  it("serve starts too, with the same warning", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--db", join(tmp.dir, "s.db"), "--config", broken], {
      cwd: tmp.dir,
      env: { ...env, NOTFALL_TEAMS: "1", PORT: "0", MICROSOFT_APP_ID: "" },
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      child.stdout.on("data", (d) => {
        out += d;
        if (/READY \d+/.test(out)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.on("close", () => resolve(false));
    });
    child.kill("SIGTERM");
    await new Promise((r) => child.on("close", r));
    expect(err).toContain("ACHTUNG: Die Organisationsdatei");
    expect(err).toContain("kaputt.yaml:81 it:");
    expect(ready, err).toBe(true);
  });
});

describe("a valid file that still holds example data", () => {
  it("npm start says so in one line", () => {
    const file = join(tmp.dir, "notfall.config.yaml");
    copyFileSync(join(root, "examples", "praxis.yaml"), file);
    const r = cli(["--db", join(tmp.dir, "c.db")], "/notfall hilfe\n");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "⚠️  Die Organisationsdatei notfall.config.yaml enthält noch Beispieldaten aus der Vorlage (z. B. erfundene Telefonnummern). Prüfen: notfallbot check-config\n\n",
    );
  });
});
