/**
 * The emergency handbook as data: built once (build.ts), rendered to Markdown (markdown.ts) and PDF (pdf.ts).
 * Text may contain visible gaps `[[label]]` for values the organisation file lacks; both renderers keep them.
 */

/** A list entry; `strong` marks an important (critical) task. */
export interface ListItem {
  text: string;
  strong?: boolean;
}

export interface TableColumn {
  title: string;
  /** Relative width (the columns share the line width in this ratio). */
  width: number;
}

export type Block =
  | { type: "title"; text: string; subtitle?: string }
  | { type: "heading"; text: string }
  | { type: "subheading"; text: string }
  | { type: "paragraph"; text: string; size?: "small" | "normal" | "large"; bold?: boolean }
  /** A framed, large line that must be seen at a glance (the internal IT emergency number). */
  | { type: "callout"; text: string; size?: "normal" | "large" }
  | { type: "facts"; rows: { label: string; value: string }[] }
  | { type: "list"; items: ListItem[]; ordered?: boolean; size?: "normal" | "large" }
  | { type: "table"; columns: TableColumn[]; rows: string[][] };

/** One section; the PDF starts each on a new page. */
export interface HandbookPage {
  /** Stable id (`kontakte`, `notfallkarte`, `playbook-verschluesselung`, `wiederanlauf`, `fristen`). */
  id: string;
  blocks: Block[];
}

export interface Handbook {
  title: string;
  /** Organisation name, or its gap. */
  org: string;
  /** Shown as "Stand: …" (Europe/Berlin). */
  generatedAt: Date;
  pages: HandbookPage[];
}

/** Matches a visible gap `[[label]]`. */
export const GAP = /\[\[[^[\]\n]+\]\]/g;
