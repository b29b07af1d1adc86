import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { OrgConfig } from "../core/org.ts";
import type { Playbook } from "../machines/schema.ts";
import { buildHandbook } from "./build.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderPdfSync } from "./pdf.ts";

export { buildHandbook, type HandbookInput, immediateTasks } from "./build.ts";

/** Input of {@link writeHandbook}. */
export interface WriteHandbookOptions {
  playbooks: readonly Playbook[];
  /** Without an organisation file every organisation value is printed as a visible gap `[[…]]`. */
  config: OrgConfig | undefined;
  /** Path of the PDF (`.pdf` is added if missing), or an existing folder (then `notfallhandbuch.pdf` inside it). */
  out: string;
  /** "Stand" date; default now. */
  now?: Date;
}

/**
 * The emergency handbook as Markdown: contact page, IT-Notfallkarte, one page of immediate actions per incident
 * type (grouped by role), recovery order and reporting deadlines. Pure.
 */
export function handbookMarkdown(o: { playbooks: readonly Playbook[]; config: OrgConfig | undefined; now?: Date }): string {
  return renderMarkdown(buildHandbook(o));
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
  const hb = buildHandbook(o);
  mkdirSync(dirname(pdfPath), { recursive: true });
  writeFileSync(pdfPath, renderPdfSync(hb));
  writeFileSync(mdPath, renderMarkdown(hb), "utf8");
  return [pdfPath, mdPath];
}
