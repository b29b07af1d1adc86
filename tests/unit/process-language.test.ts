/**
 * What the process itself reports (the database setting, the folder of organisation files read again) is in the
 * language it runs in (`--lang en`), German by default; no line mixes both.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StoragePort } from "../../src/core/ports.ts";
import { describeStorage, StorageConfigError, selectStorage } from "../../src/storage/select.ts";
import { TenantDirectory } from "../../src/tenants.ts";
import { germanIn } from "../helpers/german.ts";
import { tempDir } from "../helpers/tmp.ts";

const tmp = tempDir();
afterEach(() => rmSync(join(tmp.dir, "orgs"), { recursive: true, force: true }));

const thrown = (f: () => unknown): StorageConfigError => {
  try {
    f();
  } catch (err) {
    if (err instanceof StorageConfigError) return err;
    throw err;
  }
  throw new Error("no StorageConfigError");
};

describe("the database setting in the process's language", () => {
  it("an unreadable DATABASE_URL is described in German or in English, never in both", () => {
    const choice = { kind: "postgres", url: "postgres://[kaputt" } as const;
    expect(describeStorage(choice)).toBe("PostgreSQL (DATABASE_URL nicht lesbar)");
    expect(describeStorage(choice, "en")).toBe("PostgreSQL (DATABASE_URL unreadable)");
  });

  it("a wrong scheme and --db next to DATABASE_URL: German message, English message, each on its own", () => {
    const scheme = thrown(() => selectStorage({ DATABASE_URL: "mysql://db/n" }));
    expect(scheme.message).toMatch(
      /^DATABASE_URL muss mit postgres:\/\/ oder postgresql:\/\/ beginnen.*--db PFAD oder NOTFALL_DB setzen\.$/,
    );
    expect(scheme.messageEn).toMatch(/^DATABASE_URL must start with postgres:\/\/ or postgresql:\/\/.*set --db PATH or NOTFALL_DB\.$/);
    const both = thrown(() => selectStorage({ DATABASE_URL: "postgres://db/n" }, { db: "a.db" }));
    expect(both.message).toContain("--db a.db und DATABASE_URL sind beide gesetzt: entweder SQLite (--db) oder PostgreSQL");
    expect(both.messageEn).toContain("--db a.db and DATABASE_URL are both set: either SQLite (--db) or PostgreSQL");
    for (const e of [scheme, both]) {
      expect(e.message).not.toMatch(/must|both set/);
      expect(germanIn(e.messageEn, [])).toBeUndefined();
    }
  });
});

describe("the folder of organisation files (NOTFALL_TENANTS) in the process's language", () => {
  /** A folder with every kind of trouble: a broken file, a bad name, a duplicate id, a chat named twice. */
  function troubledFolder(): string {
    const dir = join(tmp.dir, "orgs");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "anna.yaml"), 'name: Praxis Anna\ncovers:\n  slack: [T1]\nit:\n  hotlin: "+49 30 1"\n');
    writeFileSync(join(dir, "berta.yaml"), "name: Kanzlei Berta\ncovers:\n  slack: [T1]\n");
    writeFileSync(join(dir, "berta.yml"), "name: Kanzlei Berta\n");
    writeFileSync(join(dir, "Große Praxis.yaml"), "name: Große Praxis\n");
    return dir;
  }

  function linesOf(dir: string, locale?: "de" | "en"): string[] {
    const lines: string[] = [];
    const factory = { storeOf: () => ({}) as StoragePort, sinks: () => ({}) };
    const log = (_level: string, msg: string) => lines.push(msg);
    const tenants = locale ? new TenantDirectory(dir, factory, log, locale) : new TenantDirectory(dir, factory, log);
    rmSync(join(dir, "berta.yaml"));
    rmSync(join(dir, "berta.yml"));
    writeFileSync(join(dir, "anna.yaml"), "name: Praxis Anna\ncovers:\n  slack: [T1]\n");
    tenants.reload();
    return lines;
  }

  it("English: every line English, with file, line and field of the mistake", () => {
    const lines = linesOf(troubledFolder(), "en");
    expect(lines).toContain("NOTFALL_TENANTS: Große Praxis.yaml skipped: file names only of a–z, 0–9, - and _ (e.g. practice-smith.yaml).");
    expect(lines).toContain("NOTFALL_TENANTS: berta.yml skipped: berta exists already as .yaml.");
    expect(lines.some((l) => /^Tenant anna: .*anna\.yaml:5 it\.hotlin: Unknown field "hotlin"\. Did you mean "hotline"\?/.test(l))).toBe(
      true,
    );
    expect(lines).toContain("Tenant anna loaded (anna.yaml).");
    expect(lines).toContain("NOTFALL_TENANTS: slack:T1 is named by anna and berta; it stays with anna.");
    expect(lines).toContain("Tenant berta removed (file gone).");
    expect(lines).toContain("Tenant anna read again (anna.yaml).");
    // the file name of the tenant and the line quoted from the file are what they are; the rest is English
    const words = lines.map((l) => l.replace(/Große Praxis|^\s+\d+ \| .*$/gm, "").replace(/\n/g, " "));
    expect(words.filter((l) => germanIn(l, []) !== undefined)).toEqual([]);
  });

  it("German (default): every line German, none with an English half", () => {
    const lines = linesOf(troubledFolder());
    expect(lines).toContain(
      "NOTFALL_TENANTS: Große Praxis.yaml übersprungen: Dateiname nur aus a–z, 0–9, - und _ (z. B. praxis-muster.yaml).",
    );
    expect(lines).toContain("NOTFALL_TENANTS: berta.yml übersprungen: berta gibt es schon als .yaml.");
    expect(lines.some((l) => /^Mandant anna: .*anna\.yaml:5 it\.hotlin: Unbekanntes Feld "hotlin"\. Meinten Sie "hotline"\?/.test(l))).toBe(
      true,
    );
    expect(lines).toContain("Mandant anna geladen (anna.yaml).");
    expect(lines).toContain("NOTFALL_TENANTS: slack:T1 steht bei anna und berta; gilt für anna.");
    expect(lines).toContain("Mandant berta entfernt (Datei fehlt).");
    expect(lines).toContain("Mandant anna neu gelesen (anna.yaml).");
    expect(lines.filter((l) => / \/ |skipped|loaded|removed|covered twice/.test(l))).toEqual([]);
  });

  it("a folder that cannot be read: said in the process's language", () => {
    const missing = join(tmp.dir, "nirgends");
    const said = (locale: "de" | "en") => {
      const lines: string[] = [];
      new TenantDirectory(missing, { storeOf: () => ({}) as StoragePort, sinks: () => ({}) }, (_l, m) => lines.push(m), locale);
      return lines;
    };
    expect(said("en")).toEqual([`NOTFALL_TENANTS: folder ${missing} not readable (ENOENT).`]);
    expect(said("de")).toEqual([`NOTFALL_TENANTS: Ordner ${missing} nicht lesbar (ENOENT).`]);
  });
});
