import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type { OrgConfig } from "./core/org.ts";
import type { ExportSink } from "./core/service.ts";
import type { Playbook } from "./machines/schema.ts";

/** Writes exports next to the database: `<db dir>/exports/NF-2026-0001.md|json`. */
export function fileExportSink(dir: string): ExportSink {
  return {
    save(name, files) {
      mkdirSync(dir, { recursive: true });
      return files.map((f) => {
        const path = join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.${f.ext}`);
        writeFileSync(path, f.content);
        const rel = relative(process.cwd(), path);
        return rel.startsWith("..") ? path : rel;
      });
    },
  };
}

export function exportDirFor(dbPath: string): string {
  return join(dirname(dbPath), "exports");
}

/** `/notfall handbuch` in a chat writes the handbook next to the database. */
export function handbookFor(playbooks: Playbook[], config: OrgConfig | undefined, dbPath: string): () => string[] {
  // loaded on first use only: the PDF library is large and most runs never print a handbook
  return () => {
    const { writeHandbookSync } = createRequire(import.meta.url)("./handbook/write.ts") as typeof import("./handbook/write.ts");
    return writeHandbookSync({ playbooks, config, out: join(dirname(dbPath), "notfallhandbuch.pdf") });
  };
}
