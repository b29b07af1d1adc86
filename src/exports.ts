import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { OrgConfig } from "./core/org.ts";
import type { ExportSink, HandbookSink } from "./core/service.ts";
import type { Playbook } from "./machines/schema.ts";
import { renderWorker } from "./workers/render.ts";

/** Files hold personal data: readable by the service user only (a rewritten file is tightened as well). */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/** How a written file is named in the reply: relative to `base` (the data directory in chat), else to the working directory. */
function shownName(path: string, base: string | undefined): string {
  const rel = relative(base ?? process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/**
 * Writes exports next to the database: `<db dir>/exports/NF-2026-0001.md|json|pdf`, private to the service user.
 * `namesRelativeTo`: the directory the returned names are relative to (`serve` passes the data directory, so a chat
 * never sees a server path); default the working directory (terminal).
 */
export function fileExportSink(dir: string, namesRelativeTo?: string): ExportSink {
  const pathOf = (name: string, ext: string) => join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.${ext}`);
  return {
    paths: (name, exts) => exts.map((ext) => shownName(pathOf(name, ext), namesRelativeTo)),
    save(name, files) {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
      return files.map((f) => {
        const path = pathOf(name, f.ext);
        writeFileSync(path, f.content, { mode: PRIVATE_FILE });
        chmodSync(path, PRIVATE_FILE);
        return shownName(path, namesRelativeTo);
      });
    },
    report(r) {
      // rendered in the render worker (1–2 s of layout and drawing), never on the loop that answers HTTP; its PDF
      // and chart libraries are loaded there, on first use
      return renderWorker().report(r);
    },
  };
}

export function exportDirFor(dbPath: string): string {
  return join(dirname(dbPath), "exports");
}

/**
 * `/notfall handbuch` in a chat writes the handbook next to the database (private to the service user: it lists the
 * contacts' phone numbers): PDF and Markdown. `namesRelativeTo` as for {@link fileExportSink}.
 */
export function handbookFor(
  playbooks: Playbook[],
  config: OrgConfig | undefined,
  dbPath: string,
  namesRelativeTo?: string,
  /** The organisation file: its date is printed on every page. */
  configFile?: string,
): HandbookSink {
  const out = resolve(join(dirname(dbPath), "notfallhandbuch.pdf"));
  return {
    paths: [out, out.replace(/\.pdf$/i, ".md")].map((f) => shownName(f, namesRelativeTo)),
    async write(locale?: "de" | "en") {
      // laid out and written by the render worker (1.5–3 s), never on the loop that answers HTTP; resolves once both
      // files are on disk, so the core commits its reply only after them (docs/core.md, file effects)
      for (const f of await renderWorker().handbook({
        playbooks,
        config,
        out,
        ...(configFile ? { configFile } : {}),
        ...(locale === "en" ? { locale } : {}),
      }))
        chmodSync(f, PRIVATE_FILE);
    },
  };
}
