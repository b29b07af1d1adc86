import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { type Block, type CheckItem, GAP, type Handbook, type HandbookPage, resolveRefs, type TableColumn, type TocLine } from "./model.ts";
import { pdfText } from "./pdf-text.ts";
import { datesLine, HANDBOOK_TEXT, type HandbookText } from "./text.ts";

const FONT = "Helvetica";
const BOLD = "Helvetica-Bold";
/** What people typed is printed in this face, so it always reads as quoted data. */
const DATA = "Helvetica-Oblique";
const MONO = "Courier";
const TEXT = "#111111";
const MUTED = "#555555";
/** Gaps are printed in dark red so they stand out on paper (also in black-and-white print: they keep their brackets). */
const GAP_COLOR = "#b00020";
const WARN = "#b00020";
const OK = "#2e7d32";
const RULE = "#999999";
const SHADE = "#eeeeee";
const SIZE = {
  small: 8.5,
  normal: 10,
  list: 13,
  large: 20,
  heading: 16,
  subheading: 12,
  title: 22,
  subtitle: 13,
  callout: 16,
  calloutLarge: 22,
  label: 6,
} as const;
const MARGIN = { top: 50, bottom: 60, left: 50, right: 50 };
/** Width of the time / initials fields beside a tick box. */
const FIELDS_W = 84;

type Doc = PDFKit.PDFDocument;

/** A rendered document: the PDF and the page (1-based) where each anchor starts. */
export interface PdfLayout {
  pdf: Buffer;
  pages: ReadonlyMap<string, number>;
  pageCount: number;
}

/** Words the renderer prints around the content (continuation pages, footers, tick boxes). */
export type PrintChrome = Pick<HandbookText["chrome"], "continued" | "page" | "pageRef" | "time" | "initials" | "call">;

/**
 * A document to print: the handbook and the incident report both come here. Each page starts on a new PDF page;
 * every page gets the footer, and the banner when there is one.
 */
export interface PrintDocument {
  title: string;
  subject: string;
  /** Organisation name (footer, PDF title). */
  org: string;
  generatedAt: Date;
  chrome: PrintChrome;
  /** A band across the top of every page (example data, drill). */
  banner?: string;
  /** Second footer line (dates, the final hash). */
  footNote: string;
  pages: HandbookPage[];
}

/** The handbook as a document to print. */
export function handbookDocument(hb: Handbook): PrintDocument {
  const t = HANDBOOK_TEXT[hb.locale];
  return {
    title: hb.title,
    subject: t.subject,
    org: hb.org,
    generatedAt: hb.generatedAt,
    chrome: t.chrome,
    ...(hb.examples ? { banner: t.chrome.examples } : {}),
    footNote: datesLine(t, hb.generatedAt, { present: hb.hasConfig, date: hb.configDate }),
    pages: hb.pages,
  };
}

/** Renders the handbook to a PDF (A4, Helvetica). Each handbook page starts on a new PDF page. */
export async function renderPdf(hb: Handbook): Promise<Buffer> {
  return layoutPdf(hb).pdf;
}

/** The same, synchronously (see {@link layoutDocument}). */
export function renderPdfSync(hb: Handbook): Buffer {
  return layoutPdf(hb).pdf;
}

/** The handbook laid out (see {@link layoutDocument}). */
export function layoutPdf(hb: Handbook): PdfLayout {
  return layoutDocument(handbookDocument(hb));
}

/**
 * Lays a document out until every page reference and the table of contents name the page where their target
 * starts: a first pass with placeholder numbers of the same width (Helvetica's digits are all equally wide), then
 * passes with the numbers found, until nothing moves (in practice the second pass).
 */
export function layoutDocument(d: PrintDocument): PdfLayout {
  let pages: ReadonlyMap<string, number> | undefined;
  let digits = 2;
  let last: PdfLayout | undefined;
  for (let pass = 0; pass < 5; pass++) {
    last = renderOnce(d, pages, digits);
    if (pages && sameMap(pages, last.pages)) return last;
    pages = last.pages;
    digits = String(last.pageCount).length;
  }
  return last!;
}

function sameMap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/**
 * One pass. PDFKit produces all output while `end()` runs; with no `data` listener attached the stream keeps it
 * buffered, and `read()` hands it over at once (a synchronous hook can use it).
 */
function renderOnce(d: PrintDocument, pages: ReadonlyMap<string, number> | undefined, digits: number): PdfLayout {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(`${d.title} – ${d.org}`),
      Author: "notfallbot",
      Subject: pdfText(d.subject),
      CreationDate: d.generatedAt,
      ModDate: d.generatedAt,
    },
  });
  const w = new Writer(doc, d, (anchor) => {
    const n = pages?.get(anchor);
    return n === undefined ? "0".repeat(digits) : String(n);
  });
  d.pages.forEach((page, i) => {
    if (i > 0) doc.addPage();
    w.section = page.title;
    w.subsection = "";
    w.mark(page.id);
    for (const block of page.blocks) w.block(block);
  });
  const pageCount = doc.bufferedPageRange().count;
  w.decorate();
  doc.end();
  const chunks: Buffer[] = [];
  for (let c = doc.read() as Buffer | null; c !== null; c = doc.read() as Buffer | null) chunks.push(c);
  const pdf = Buffer.concat(chunks);
  if (!pdf.subarray(-6).toString().includes("%%EOF")) throw new Error("PDF unvollständig erzeugt");
  return { pdf, pages: w.anchors, pageCount };
}

/** One visual line of a form: text runs, write-in fields, and its height. */
interface FormLine {
  h: number;
  runs: { x: number; s: string }[];
  fields: { x: number; w: number; label: string }[];
}

class Writer {
  readonly doc: Doc;
  readonly d: PrintDocument;
  readonly chrome: PrintChrome;
  readonly pageNumber: (anchor: string) => string;
  /** Title of the handbook page being written: repeated on top of continuation pages. */
  section = "";
  /**
   * The subheading whose content is being written (a role's list, a phase): repeated in bold on a continuation page,
   * so a page that starts in the middle of "Nachbereitung" says so. Cleared by a heading or title.
   */
  subsection = "";
  readonly anchors = new Map<string, number>();

  constructor(doc: Doc, d: PrintDocument, pageNumber: (anchor: string) => string) {
    this.doc = doc;
    this.d = d;
    this.chrome = d.chrome;
    this.pageNumber = pageNumber;
  }

  get left(): number {
    return this.doc.page.margins.left;
  }
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }
  /** Room on a fresh continuation page. */
  get pageRoom(): number {
    return this.bottom - MARGIN.top - 20;
  }
  get page(): number {
    const r = this.doc.bufferedPageRange();
    return r.start + r.count;
  }

  /** Records that `anchor` starts on the current page. */
  mark(anchor: string): void {
    this.anchors.set(anchor, this.page);
  }

  /** Text as printed: page references resolved, characters Helvetica lacks replaced. */
  prep(text: string): string {
    return pdfText(resolveRefs(text, (a) => this.chrome.pageRef(this.pageNumber(a))));
  }

  /** Text in `font` as printed: what people typed (the data face) is taken literally. */
  prepIn(text: string, font: string): string {
    return font === DATA ? pdfText(text) : this.prep(text);
  }

  /** Starts a new page unless `h` points still fit on this one. */
  ensure(h: number): void {
    if (this.doc.y + h > this.bottom) this.newPage();
  }

  /** A continuation page: "<section> (Fortsetzung)" in small print at the top. */
  newPage(): void {
    this.doc.addPage();
    if (this.section) this.para(this.chrome.continued(this.section), FONT, SIZE.small, MUTED, 8);
    if (this.subsection) this.para(this.chrome.continued(this.subsection), BOLD, SIZE.subheading, TEXT, 4);
  }

  /** Measured heights, by font, size, width and text: groups and forms are measured before they are drawn. */
  readonly heights = new Map<string, number>();

  height(text: string, font: string, size: number, width: number): number {
    const key = `${font}\0${size}\0${width}\0${text}`;
    let h = this.heights.get(key);
    if (h === undefined) {
      this.doc.font(font).fontSize(size);
      h = this.doc.heightOfString(this.prepIn(text, font) || " ", { width, lineGap: 1.5 });
      this.heights.set(key, h);
    }
    return h;
  }

  /**
   * Text with `[[gaps]]` in colour, wrapped to `width`, starting at (x, y). Leaves doc.y below the text. In the data
   * face nothing is interpreted: gaps and references stay the characters they are.
   */
  rich(text: string, x: number, y: number, width: number, font: string, size: number, color = TEXT): void {
    const doc = this.doc;
    if (font === DATA) {
      doc
        .font(font)
        .fontSize(size)
        .fillColor(color)
        .text(pdfText(text) || " ", x, y, { width, lineGap: 1.5 });
      doc.fillColor(TEXT);
      return;
    }
    const clean = this.prep(text);
    const parts: { s: string; gap: boolean }[] = [];
    let last = 0;
    for (const m of clean.matchAll(GAP)) {
      if (m.index > last) parts.push({ s: clean.slice(last, m.index), gap: false });
      parts.push({ s: m[0], gap: true });
      last = m.index + m[0].length;
    }
    if (last < clean.length) parts.push({ s: clean.slice(last), gap: false });
    if (parts.length === 0) parts.push({ s: " ", gap: false });
    doc.font(font).fontSize(size);
    parts.forEach((p, i) => {
      doc.fillColor(p.gap ? GAP_COLOR : color);
      const opts = { width, lineGap: 1.5, continued: i < parts.length - 1 };
      if (i === 0) doc.text(p.s, x, y, opts);
      else doc.text(p.s, opts);
    });
    doc.fillColor(TEXT);
  }

  para(text: string, font: string, size: number, color = TEXT, gapAfter = 6): void {
    const h = this.height(text, font, size, this.width);
    this.ensure(Math.min(h, 60));
    this.rich(text, this.left, this.doc.y, this.width, font, size, color);
    this.doc.y += gapAfter;
  }

  /** Height a block takes (for keeping groups together); generous where exact figures do not matter. */
  measure(b: Block): number {
    switch (b.type) {
      case "heading":
        return this.height(b.text, BOLD, SIZE.heading, this.width) + 10;
      case "subheading":
        return this.height(b.text, BOLD, SIZE.subheading, this.width) + 10;
      case "paragraph":
        return this.height(b.text, b.bold || b.size === "large" ? BOLD : FONT, SIZE[b.size ?? "normal"], this.width) + 6;
      case "checklist":
        return b.items.reduce((s, item) => s + this.checkItemHeight(item, b.size), 0) + 4;
      case "form":
        return this.formHeight(b.title, b.meta, b.body);
      case "group":
        return b.blocks.reduce((s, x) => s + this.measure(x), 0);
      case "svg":
        return b.height + 8;
      case "quote":
        return this.height(b.text, DATA, SIZE.normal, this.width - 14) + 6;
      default:
        return this.lead(b);
    }
  }

  /** Height of the first line/row/item of a block: a heading is kept together with at least that much. */
  lead(b: Block | undefined): number {
    if (!b) return 0;
    switch (b.type) {
      case "list":
        return b.items[0]
          ? this.height(b.items[0].text, b.items[0].strong ? BOLD : FONT, b.size === "large" ? SIZE.list : SIZE.normal, this.width - 16)
          : 0;
      case "facts":
        return b.rows[0] ? this.height(b.rows[0].value, FONT, SIZE.normal, this.width * 0.7) : 0;
      case "checklist":
        return b.items.slice(0, 2).reduce((s, item) => s + this.checkItemHeight(item, b.size), 0);
      case "table":
        return 60;
      case "paragraph":
        return Math.min(this.height(b.text, FONT, SIZE.normal, this.width), 40);
      case "group":
        return this.lead(b.blocks[0]) + this.lead(b.blocks[1]);
      default:
        return 30;
    }
  }

  block(b: Block, next?: Block): void {
    const doc = this.doc;
    switch (b.type) {
      case "title": {
        this.para(b.text, BOLD, SIZE.title, TEXT, 2);
        if (b.subtitle) this.para(b.subtitle, FONT, SIZE.subtitle, TEXT, 8);
        return;
      }
      case "heading":
        this.subsection = "";
        this.ensure(this.height(b.text, BOLD, SIZE.heading, this.width) + 14 + this.lead(next));
        doc.y += 4;
        this.para(b.text, BOLD, SIZE.heading, TEXT, 6);
        return;
      case "subheading":
        // a new page here starts with this subheading, not with the previous one continued
        this.subsection = "";
        this.ensure(this.height(b.text, BOLD, SIZE.subheading, this.width) + 14 + this.lead(next));
        doc.y += 6;
        this.para(b.text, BOLD, SIZE.subheading, TEXT, 4);
        this.subsection = b.text;
        return;
      case "paragraph": {
        const size = SIZE[b.size ?? "normal"];
        // a paragraph after a list is not the list's continuation ("Vorlagen zu dieser Notfallart: …")
        this.subsection = "";
        this.para(b.text, b.bold || b.size === "large" ? BOLD : FONT, size, b.size === "small" ? MUTED : TEXT, b.size === "large" ? 10 : 6);
        return;
      }
      case "callout":
        this.callout(b.text, b.size, b.tone, b.code);
        return;
      case "facts": {
        const labelW = Math.round(this.width * 0.3);
        for (const row of b.rows) {
          const face = row.data ? DATA : FONT;
          const h = Math.max(
            this.height(row.label, BOLD, SIZE.normal, labelW - 8),
            this.height(row.value, face, SIZE.normal, this.width - labelW),
          );
          this.ensure(h + 3);
          const y = doc.y;
          this.rich(`${row.label}:`, this.left, y, labelW - 8, BOLD, SIZE.normal);
          this.rich(row.value, this.left + labelW, y, this.width - labelW, face, SIZE.normal);
          doc.y = y + h + 3;
        }
        doc.y += 4;
        return;
      }
      case "list": {
        const size = b.size === "large" ? SIZE.list : SIZE.normal;
        const indent = b.size === "large" ? 22 : 16;
        const space = b.size === "large" ? 8 : 3;
        b.items.forEach((item, i) => {
          const font = item.strong ? BOLD : FONT;
          const h = this.height(item.text, font, size, this.width - indent);
          this.ensure(h + space);
          const y = doc.y;
          doc
            .font(font)
            .fontSize(size)
            .fillColor(TEXT)
            .text(b.ordered ? `${i + 1}.` : "•", this.left, y, { width: indent, lineBreak: false });
          this.rich(item.text, this.left + indent, y, this.width - indent, font, size);
          doc.y = y + h + space;
        });
        doc.y += 4;
        return;
      }
      case "table":
        this.table(b.columns, b.rows, b.blank);
        return;
      case "checklist":
        this.checklist(b.items, b.size);
        return;
      case "form":
        this.form(b.title, b.meta, b.body, b.anchor);
        return;
      case "group": {
        // a group that opens with its own (sub)heading does not continue the previous one on a new page
        if (b.blocks[0]?.type === "heading" || b.blocks[0]?.type === "subheading") this.subsection = "";
        const h = this.measure(b);
        // a group that may split starts here when its head and first two items fit; others move whole if they can
        const start = b.split
          ? Math.min(
              h,
              b.blocks.reduce((s, x) => s + (x.type === "checklist" ? this.lead(x) : this.measure(x)), 0),
            )
          : h;
        if (b.split ? doc.y + start > this.bottom : doc.y + h > this.bottom && h <= this.pageRoom) this.newPage();
        b.blocks.forEach((x, i) => {
          this.block(x, b.blocks[i + 1]);
        });
        return;
      }
      case "toc":
        this.toc(b.lines);
        return;
      case "quote":
        this.quote(b.text);
        return;
      case "svg":
        this.ensure(b.height + 8);
        // svg-to-pdfkit's typings name the PDFDocument class where it takes an instance
        SVGtoPDF(doc as unknown as Parameters<typeof SVGtoPDF>[0], b.svg, this.left, doc.y, {
          width: this.width,
          height: b.height,
          assumePt: true,
          fontCallback: (_family, bold, italic) => (bold ? BOLD : italic ? DATA : FONT),
        });
        doc.x = this.left;
        doc.y += b.height + 8;
        return;
    }
  }

  /** What a person wrote: oblique, with a bar on the left, line breaks kept; may run over pages. */
  quote(text: string): void {
    const doc = this.doc;
    const x = this.left + 10;
    const w = this.width - 14;
    for (const line of text.split(/\r?\n/)) {
      const h = this.height(line, DATA, SIZE.normal, w);
      this.ensure(Math.min(h, 40));
      const y = doc.y;
      this.rich(line, x, y, w, DATA, SIZE.normal);
      doc
        .save()
        .lineWidth(2)
        .moveTo(this.left + 2, y - 1)
        .lineTo(this.left + 2, doc.y + 1)
        .stroke(RULE)
        .restore();
    }
    doc.x = this.left;
    doc.y += 6;
  }

  callout(text: string, size: "normal" | "large" | undefined, tone: "warning" | "ok" | undefined, code?: string): void {
    const doc = this.doc;
    const pad = size === "large" ? 16 : 10;
    const big = size === "large" ? SIZE.calloutLarge : SIZE.callout;
    const [head = "", ...rest] = text.split("\n");
    const body = rest.join("\n");
    const inner = this.width - 2 * pad;
    const headSize = tone ? 14 : big;
    const headH = this.height(head, BOLD, headSize, inner);
    const bodyH = body ? this.height(body, FONT, SIZE.normal, inner) + 4 : 0;
    const codeH = code ? this.height(code, MONO, SIZE.normal, inner) + 6 : 0;
    const h = headH + bodyH + codeH + 2 * pad;
    this.ensure(h + 10);
    const y = doc.y;
    const color = tone === "warning" ? WARN : tone === "ok" ? OK : TEXT;
    doc
      .save()
      .lineWidth(tone ? 3 : 2)
      .rect(this.left, y, this.width, h)
      .stroke(color)
      .restore();
    this.rich(head, this.left + pad, y + pad, inner, BOLD, headSize, color);
    if (body) this.rich(body, this.left + pad, y + pad + headH + 4, inner, FONT, SIZE.normal);
    if (code)
      doc
        .font(MONO)
        .fontSize(SIZE.normal)
        .fillColor(TEXT)
        .text(pdfText(code), this.left + pad, y + pad + headH + bodyH + 6, { width: inner, lineGap: 1.5 });
    doc.x = this.left;
    doc.y = y + h + 10;
  }

  /** Table of contents: one line per entry, a dotted leader to its page number; group titles in small print. */
  toc(lines: TocLine[]): void {
    const doc = this.doc;
    const numW = 30;
    const textW = this.width - numW - 28;
    for (const line of lines) {
      if (line.kind === "group") {
        this.ensure(32);
        doc.y += 5;
        this.para(line.text, BOLD, SIZE.small, MUTED, 2);
        continue;
      }
      this.ensure(16);
      const y = doc.y;
      const text = this.prep(line.text);
      doc.font(FONT).fontSize(SIZE.normal).fillColor(TEXT);
      doc.text(text, this.left + 8, y, { width: textW, lineBreak: false, ellipsis: true, height: 14 });
      const from = this.left + 8 + Math.min(doc.widthOfString(text), textW) + 4;
      const to = this.left + this.width - numW;
      const leaderY = y + SIZE.normal * 0.8;
      if (to > from) doc.save().lineWidth(0.7).dash(0.7, { space: 2.5 }).moveTo(from, leaderY).lineTo(to, leaderY).stroke(RULE).restore();
      doc.text(this.pageNumber(line.anchor), to, y, { width: numW, align: "right", lineBreak: false });
      doc.y = y + 15;
    }
    doc.x = this.left;
    doc.y += 6;
  }

  checkItemHeight(item: CheckItem, size: "normal" | "small" | undefined): number {
    const fs = size === "small" ? 9 : SIZE.normal;
    const textW = this.width - 16 - FIELDS_W - 8;
    let h = this.height(item.text, item.strong ? BOLD : FONT, fs, textW);
    for (const p of item.phones ?? []) h += this.height(this.phoneText(p), BOLD, fs, textW) + 1;
    return Math.max(h, 19) + (size === "small" ? 4 : 6);
  }

  phoneText(p: { label: string; number: string }): string {
    return `${this.chrome.call} ${p.label}: ${p.number}`;
  }

  /** Tasks with a tick box, the numbers to call, and fields for the time and initials on the right. */
  checklist(items: CheckItem[], size: "normal" | "small" | undefined): void {
    const doc = this.doc;
    const fs = size === "small" ? 9 : SIZE.normal;
    const textX = this.left + 16;
    const textW = this.width - 16 - FIELDS_W - 8;
    items.forEach((item, i) => {
      const h = this.checkItemHeight(item, size);
      // never leave one task alone at the top or the bottom of a page
      const pair = i === 0 || i === items.length - 2 ? h + (items[i + 1] ? this.checkItemHeight(items[i + 1]!, size) : 0) : h;
      this.ensure(items.length > 1 && pair <= this.pageRoom ? pair : h);
      const y = doc.y;
      doc
        .save()
        .lineWidth(item.strong ? 1.4 : 0.9)
        .rect(this.left + 1, y + 1, 9, 9)
        .stroke(TEXT)
        .restore();
      const font = item.strong ? BOLD : FONT;
      this.rich(item.text, textX, y, textW, font, fs);
      for (const p of item.phones ?? []) {
        const py = doc.y + 1;
        this.rich(this.phoneText(p), textX, py, textW, BOLD, fs);
      }
      // time and initials: two short lines with their labels underneath
      const fx = this.left + this.width - FIELDS_W;
      const ruleY = y + 10;
      doc.save().lineWidth(0.5).strokeColor(RULE);
      doc
        .moveTo(fx, ruleY)
        .lineTo(fx + 44, ruleY)
        .stroke();
      doc
        .moveTo(fx + 50, ruleY)
        .lineTo(fx + FIELDS_W, ruleY)
        .stroke();
      doc.restore();
      doc.font(FONT).fontSize(SIZE.label).fillColor(MUTED);
      doc.text(pdfText(this.chrome.time), fx, ruleY + 1.5, { width: 44, lineBreak: false });
      doc.text(pdfText(this.chrome.initials), fx + 50, ruleY + 1.5, { width: FIELDS_W - 50, lineBreak: false });
      doc.fillColor(TEXT);
      doc.y = y + h;
    });
    doc.x = this.left;
    doc.y += 4;
  }

  readonly formLayouts = new Map<string, FormLine[]>();

  /** Lays out one form body line by line: words wrap, each `[[gap]]` becomes a labelled line to write on. */
  formLines(body: string, width: number): FormLine[] {
    const key = `${width}\0${body}`;
    const known = this.formLayouts.get(key);
    if (known) return known;
    const out = this.layoutForm(body, width);
    this.formLayouts.set(key, out);
    return out;
  }

  layoutForm(body: string, width: number): FormLine[] {
    const doc = this.doc;
    doc.font(FONT).fontSize(SIZE.normal);
    const out: FormLine[] = [];
    for (const raw of this.prep(body).split("\n")) {
      if (!raw.trim()) {
        out.push({ h: 6, runs: [], fields: [] });
        continue;
      }
      const pieces: ({ kind: "text"; s: string } | { kind: "gap"; label: string })[] = [];
      let last = 0;
      for (const m of raw.matchAll(GAP)) {
        if (m.index > last) pieces.push({ kind: "text", s: raw.slice(last, m.index) });
        pieces.push({ kind: "gap", label: m[0].slice(2, -2) });
        last = m.index + m[0].length;
      }
      if (last < raw.length) pieces.push({ kind: "text", s: raw.slice(last) });
      const onlyGap = pieces.every((p) => p.kind === "gap" || !p.s.trim());
      let line: FormLine = { h: 13, runs: [], fields: [] };
      let x = 0;
      let run = "";
      let runX = 0;
      const flushRun = () => {
        if (run.trim()) line.runs.push({ x: runX, s: run.trimEnd() });
        run = "";
      };
      const wrap = () => {
        flushRun();
        out.push(line);
        line = { h: 13, runs: [], fields: [] };
        x = 0;
        runX = 0;
      };
      pieces.forEach((p, i) => {
        if (p.kind === "text") {
          for (const word of p.s.split(/(?<=\s)/)) {
            const ww = doc.widthOfString(word);
            if (x + doc.widthOfString(word.trimEnd()) > width && x > 0) {
              wrap();
              if (!word.trim()) continue;
            }
            if (!run) runX = x;
            run += word;
            x += ww;
          }
          return;
        }
        flushRun();
        const isLast = pieces.slice(i + 1).every((q) => q.kind === "text" && !q.s.trim());
        doc.font(FONT).fontSize(SIZE.label);
        const labelW = doc.widthOfString(p.label) + 10;
        doc.font(FONT).fontSize(SIZE.normal);
        let gw = isLast ? width - x : Math.min(Math.max(labelW, 80), width * 0.45);
        if ((isLast && gw < Math.max(120, Math.min(labelW, width))) || (!isLast && x + gw > width)) {
          wrap();
          gw = isLast ? width : Math.min(Math.max(labelW, 80), width * 0.45);
        }
        line.fields.push({ x: x + (x > 0 ? 2 : 0), w: gw - (x > 0 ? 2 : 0) - (isLast ? 0 : 4), label: p.label });
        line.h = 27;
        x += gw;
        runX = x;
      });
      flushRun();
      out.push(line);
      // a line that is only a field gets a second line to write on
      if (onlyGap) out.push({ h: 20, runs: [], fields: [{ x: 0, w: width, label: "" }] });
    }
    return out;
  }

  formHeight(title: string, meta: string[], body: string): number {
    const head =
      (title ? this.height(title, BOLD, SIZE.subheading, this.width) + 4 : 0) +
      (meta.length ? this.height(meta.join(" · "), FONT, SIZE.small, this.width) + 4 : 0);
    return head + this.formLines(body, this.width - 20).reduce((s, l) => s + l.h, 0) + 20 + 12;
  }

  /** A template as a form: title, who it is for, then the body in a frame with lines to write on. */
  form(title: string, meta: string[], body: string, anchor?: string): void {
    const doc = this.doc;
    const pad = 10;
    const h = this.formHeight(title, meta, body);
    // a form that fits on a page is kept whole; a longer one starts here if its first lines fit
    this.ensure(h <= this.pageRoom ? h : 160);
    if (anchor) this.mark(anchor);
    if (title) {
      doc.y += 4;
      this.para(title, BOLD, SIZE.subheading, TEXT, 2);
    }
    if (meta.length) this.para(meta.join(" · "), FONT, SIZE.small, MUTED, 4);
    const lines = this.formLines(body, this.width - 2 * pad);
    let top = doc.y;
    let y = top + pad;
    const frame = (bottom: number) =>
      doc
        .save()
        .lineWidth(0.8)
        .rect(this.left, top, this.width, bottom - top)
        .stroke(RULE)
        .restore();
    for (const line of lines) {
      if (y + line.h > this.bottom - pad) {
        frame(y + pad / 2);
        this.newPage();
        top = doc.y;
        y = top + pad;
      }
      const textY = line.fields.length ? y + 8 : y;
      doc.font(FONT).fontSize(SIZE.normal).fillColor(TEXT);
      for (const r of line.runs) doc.text(r.s, this.left + pad + r.x, textY, { lineBreak: false });
      for (const f of line.fields) {
        const ruleY = textY + 9.5;
        doc
          .save()
          .lineWidth(0.6)
          .moveTo(this.left + pad + f.x, ruleY)
          .lineTo(this.left + pad + f.x + f.w, ruleY)
          .stroke(TEXT)
          .restore();
        if (f.label)
          doc
            .font(FONT)
            .fontSize(SIZE.label)
            .fillColor(MUTED)
            .text(f.label, this.left + pad + f.x, ruleY + 1.2, { width: f.w, lineBreak: false, ellipsis: true, height: 8 });
        doc.font(FONT).fontSize(SIZE.normal).fillColor(TEXT);
      }
      y += line.h;
    }
    frame(y + pad);
    doc.x = this.left;
    doc.y = y + pad + 12;
  }

  table(columns: TableColumn[], rows: string[][], blank?: { pages: number; height: number }): void {
    const doc = this.doc;
    const pad = 4;
    const size = SIZE.small + 0.5;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    // the header is bold; in the rows, columns of what people typed are printed in the data face
    const faceOf = (font: string, i: number) => (font === FONT && columns[i]?.data ? DATA : font);
    const rowHeight = (cells: string[], font: string) =>
      Math.max(...widths.map((cw, i) => this.height(cells[i] ?? "", faceOf(font, i), size, cw - 2 * pad))) + 2 * pad;
    const drawRow = (cells: string[], font: string, shade: boolean, minH = 0) => {
      const h = Math.max(rowHeight(cells, font), minH);
      const y = doc.y;
      let x = this.left;
      widths.forEach((cw, i) => {
        if (shade) doc.save().rect(x, y, cw, h).fill(SHADE).restore();
        doc.save().lineWidth(0.5).rect(x, y, cw, h).stroke(RULE).restore();
        this.rich(cells[i] ?? "", x + pad, y + pad, cw - 2 * pad, faceOf(font, i), size);
        x += cw;
      });
      doc.y = y + h;
    };
    const header = columns.map((c) => c.title);
    this.ensure(rowHeight(header, BOLD) + Math.max(rowHeight(rows[0] ?? [], FONT), blank?.height ?? 0));
    drawRow(header, BOLD, true);
    const minH = blank?.height ?? 0;
    for (const row of rows) {
      const h = Math.max(rowHeight(row, FONT), minH);
      if (doc.y + h > this.bottom) {
        this.newPage();
        drawRow(header, BOLD, true);
      }
      drawRow(row, FONT, false, minH);
    }
    if (blank) {
      const empty = columns.map(() => "");
      for (let page = 0; page < blank.pages; page++) {
        if (page > 0) {
          this.newPage();
          drawRow(header, BOLD, true);
        }
        while (doc.y + blank.height <= this.bottom) drawRow(empty, FONT, false, blank.height);
      }
    }
    doc.x = this.left;
    doc.y += 8;
  }

  /**
   * On every page: the example-data banner (while the organisation file holds example data) and the footer with
   * title, organisation, print date, the organisation file's date and "Seite n von m".
   */
  decorate(): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      const top = doc.page.margins.top;
      doc.page.margins.bottom = 0; // writing below the margin would otherwise start a new page
      doc.page.margins.top = 0;
      if (this.d.banner) {
        doc.save().rect(this.left, 14, this.width, 22).fill(WARN).restore();
        doc
          .font(BOLD)
          .fontSize(11)
          .fillColor("#ffffff")
          .text(pdfText(this.d.banner), this.left, 20, { width: this.width, align: "center", lineBreak: false, height: 14 });
      }
      const footY = doc.page.height - bottom + 18;
      doc
        .font(FONT)
        .fontSize(SIZE.small - 1)
        .fillColor(MUTED);
      const pageText = pdfText(this.chrome.page(i + 1, range.count));
      const pageW = doc.widthOfString(pageText) + 8;
      doc.text(pdfText(`${this.d.title} · ${this.d.org}`), this.left, footY, {
        width: this.width - pageW,
        lineBreak: false,
        height: 10,
        ellipsis: true,
      });
      doc.text(pageText, this.left + this.width - pageW, footY, { width: pageW, align: "right", lineBreak: false });
      doc.text(pdfText(this.d.footNote), this.left, footY + 11, { width: this.width, lineBreak: false, height: 10, ellipsis: true });
      doc.page.margins.bottom = bottom;
      doc.page.margins.top = top;
    }
    doc.fillColor(TEXT);
  }
}
