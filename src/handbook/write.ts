import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { exampleData } from "../config/warnings.ts";
import type { OrgConfig } from "../core/org.ts";
import type { Playbook } from "../machines/schema.ts";
import { buildHandbook } from "./build.ts";
import { renderMarkdown } from "./markdown.ts";
import { layoutPdf } from "./pdf.ts";
import type { HandbookLocale } from "./text.ts";

export { buildHandbook, type HandbookInput, immediateTasks } from "./build.ts";

/** Input of {@link writeHandbook}. */
export interface WriteHandbookOptions {
  playbooks: readonly Playbook[];
  /** Without an organisation file every organisation value is printed as a visible gap `[[…]]`. */
  config: OrgConfig | undefined;
  /** Path of the PDF (`.pdf` is added if missing), or an existing folder (then `notfallhandbuch.pdf` inside it). */
  out: string;
  /** Print date; default now. */
  now?: Date;
  /** The organisation file: its modification date is printed on every page, so an old printout is recognisable. */
  configFile?: string;
  /** Language of the handbook; default German. */
  locale?: HandbookLocale;
}

/**
 * The emergency handbook as Markdown: cover with contents, IT-Notfallkarte, the tasks of every incident type by role
 * with their forms, log and call sheets, contacts, recovery order and reporting deadlines. Pure (page references
 * are left out: only the PDF knows its pages).
 */
export function handbookMarkdown(o: {
  playbooks: readonly Playbook[];
  config: OrgConfig | undefined;
  now?: Date;
  configDate?: Date;
  examples?: readonly string[];
  locale?: HandbookLocale;
}): string {
  return renderMarkdown(buildHandbook(o));
}

/** Fields of the organisation file that still hold example data (by name; the line does not matter here). */
export function exampleFields(cfg: OrgConfig | undefined): string[] {
  return cfg ? exampleData(cfg, () => 0).map((e) => e.field) : [];
}

/** Writes the handbook as PDF and, next to it, as Markdown. Returns both paths (absolute): PDF first. */
export async function writeHandbook(o: WriteHandbookOptions): Promise<string[]> {
  return writeHandbookSync(o);
}

/**
 * The same, synchronously (PDFKit renders in memory; the files are small). For the chat command `/notfall handbuch`,
 * whose hook in the core (`handbook?: () => string[]`) is synchronous.
 */
export function writeHandbookSync(o: WriteHandbookOptions): string[] {
  let pdfPath = resolve(o.out);
  if (existsSync(pdfPath) && statSync(pdfPath).isDirectory()) pdfPath = join(pdfPath, "notfallhandbuch.pdf");
  else if (!/\.pdf$/i.test(pdfPath)) pdfPath = `${pdfPath}.pdf`;
  const mdPath = pdfPath.replace(/\.pdf$/i, ".md");
  const configDate = o.configFile && existsSync(o.configFile) ? statSync(o.configFile).mtime : undefined;
  const hb = buildHandbook({ ...o, ...(configDate ? { configDate } : {}), examples: exampleFields(o.config) });
  const layout = layoutPdf(hb);
  // the handbook lists the contacts' phone numbers: private to the user who writes it (directories made here too,
  // e.g. a tenant's folder under the data directory), also when an older copy was readable by others
  mkdirSync(dirname(pdfPath), { recursive: true, mode: 0o700 });
  writeFileSync(pdfPath, layout.pdf, { mode: 0o600 });
  writeFileSync(mdPath, renderMarkdown(hb, layout.pages), { encoding: "utf8", mode: 0o600 });
  for (const f of [pdfPath, mdPath]) chmodSync(f, 0o600);
  return [pdfPath, mdPath];
}
