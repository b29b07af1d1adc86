import type { HandbookLocale } from "./text.ts";

/**
 * The emergency handbook as data: built once (build.ts), rendered to Markdown (markdown.ts) and PDF (pdf.ts).
 * Text may contain visible gaps `[[label]]` for values the organisation file lacks; both renderers keep them, and in
 * a form (`form` block) they become lines to write on. Text may also contain page references ({@link pageRef}),
 * which the PDF resolves to the page where the referenced part starts.
 */

/** A list entry; `strong` marks an important (critical) task. */
export interface ListItem {
  text: string;
  strong?: boolean;
}

/** A number printed beside a task ("Tel. IT-Dienstleister: +49 …"); `number` may be a gap `[[…]]`. */
export interface PhoneLine {
  label: string;
  number: string;
}

/** A task to tick off on paper, with the numbers it says to call. */
export interface CheckItem {
  text: string;
  strong?: boolean;
  phones?: PhoneLine[];
}

export interface TableColumn {
  title: string;
  /** Relative width (the columns share the line width in this ratio). */
  width: number;
  /** The column holds what people typed: printed as data (oblique, nothing in it is read as a gap or reference). */
  data?: boolean;
}

/** One line of the table of contents: a group title, or an entry pointing at an anchor. */
export type TocLine = { kind: "group"; text: string } | { kind: "entry"; text: string; anchor: string };

export type Block =
  | { type: "title"; text: string; subtitle?: string }
  | { type: "heading"; text: string }
  | { type: "subheading"; text: string }
  | { type: "paragraph"; text: string; size?: "small" | "normal" | "large"; bold?: boolean }
  /**
   * A framed text that must be seen at a glance. The first line is the headline; `code` is printed below in a
   * typewriter face (a checksum); `tone` colours the frame (warning red, ok green).
   */
  | { type: "callout"; text: string; size?: "normal" | "large"; tone?: "warning" | "ok"; code?: string }
  /** Label and value; `data`: the value is what people typed (printed as data, see {@link TableColumn.data}). */
  | { type: "facts"; rows: { label: string; value: string; data?: boolean }[] }
  /** Text a person wrote, printed as data: oblique, set off by a bar, line breaks kept, nothing in it interpreted. */
  | { type: "quote"; text: string }
  /** A picture (SVG, e.g. a chart), as wide as the text; `height` in points at that width. */
  | { type: "svg"; svg: string; height: number }
  | { type: "list"; items: ListItem[]; ordered?: boolean; size?: "normal" | "large" }
  /**
   * A table; `blank` adds empty rows to write in (`pages`: fill the rest of this page and that many more pages in
   * all, repeating the header), each `height` points high.
   */
  | { type: "table"; columns: TableColumn[]; rows: string[][]; blank?: { pages: number; height: number } }
  /** Tasks with a tick box each, and room for the time and initials. */
  | { type: "checklist"; items: CheckItem[]; size?: "normal" | "small" }
  /**
   * A template printed as a form: its `[[gaps]]` are lines to write on. Kept on one page when it fits. `anchor`
   * names the place page references point at (where the form actually starts, after any page break).
   */
  | { type: "form"; title: string; meta: string[]; body: string; anchor?: string }
  /**
   * Blocks kept on one page when they fit on one (a role's heading with its tasks). With `split`, a long group may
   * break across pages instead of leaving the rest of a page empty; a list then keeps two items on either side.
   */
  | { type: "group"; blocks: Block[]; split?: boolean }
  | { type: "toc"; lines: TocLine[] };

/** One section; the PDF starts each on a new page. */
export interface HandbookPage {
  /** Stable id (`deckblatt`, `notfallkarte`, `art-verschluesselung`, `protokoll`, …); also an anchor. */
  id: string;
  /** Running head at the top of its pages ("Verschlüsselung … (Fortsetzung)"). */
  title: string;
  blocks: Block[];
}

export interface Handbook {
  locale: HandbookLocale;
  title: string;
  /** Organisation name, or its gap. */
  org: string;
  /** When it was printed (Europe/Berlin). */
  generatedAt: Date;
  /** Whether it was built with an organisation file. */
  hasConfig: boolean;
  /** Date of the organisation file (modification time), so an old printout is recognisable; none without a file. */
  configDate?: Date;
  /** The organisation file still holds example data: every page says so. */
  examples: boolean;
  pages: HandbookPage[];
}

/** Matches a visible gap `[[label]]`. */
export const GAP = /\[\[[^[\]\n]+\]\]/g;

/** Marks a page reference in text: private-use characters that no playbook or organisation file contains. */
const REF_OPEN = "\uE000";
const REF_CLOSE = "\uE001";

/** A reference to the page where `anchor` starts; renderers replace it (PDF: "S. 7"). */
export function pageRef(anchor: string): string {
  return `${REF_OPEN}${anchor}${REF_CLOSE}`;
}

/** Matches a page reference; group 1 is the anchor. */
export const PAGE_REF = /\uE000([^\uE001]*)\uE001/g;

/**
 * Replaces every page reference. `page` returns the text for an anchor (e.g. "S. 7"), or undefined when pages are
 * unknown: then the reference goes, together with the brackets or comma that only held it.
 */
export function resolveRefs(text: string, page: (anchor: string) => string | undefined): string {
  return text
    .replace(/(\s*\(|,\s*)\uE000([^\uE001]*)\uE001(\))?/g, (_all, before: string, anchor: string, after: string | undefined) => {
      const p = page(anchor);
      if (p !== undefined) return `${before}${p}${after ?? ""}`;
      // "(S. 7)" goes whole; ", S. 7)" keeps the closing bracket of the text around it
      return before.includes("(") ? "" : (after ?? "");
    })
    .replace(PAGE_REF, (_all, anchor: string) => page(anchor) ?? "");
}
