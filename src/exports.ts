import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { ExportSink } from "./core/service.ts";

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
