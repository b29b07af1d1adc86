import PDFDocument from "pdfkit";
import { showTime } from "../core/time.ts";
import { type Block, GAP, type Handbook, type TableColumn } from "./model.ts";
import { pdfText } from "./pdf-text.ts";

const FONT = "Helvetica";
const BOLD = "Helvetica-Bold";
const TEXT = "#111111";
const MUTED = "#555555";
/** Gaps are printed in dark red so they stand out on paper (also in black-and-white print: they keep their brackets). */
const GAP_COLOR = "#b00020";
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
} as const;
const MARGIN = { top: 50, bottom: 60, left: 50, right: 50 };

type Doc = PDFKit.PDFDocument;

/** Renders the handbook to a PDF (A4, Helvetica). Each handbook page starts on a new PDF page. */
export async function renderPdf(hb: Handbook): Promise<Buffer> {
  return renderPdfSync(hb);
}

/**
 * The same, synchronously: PDFKit produces all output while `end()` runs; with no `data` listener attached the
 * stream keeps it buffered, and `read()` hands it over at once. For callers that cannot wait (a synchronous hook).
 */
export function renderPdfSync(hb: Handbook): Buffer {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(`${hb.title} – ${hb.org}`),
      Author: "notfallbot",
      Subject: "IT-Notfallhandbuch",
      CreationDate: hb.generatedAt,
      ModDate: hb.generatedAt,
    },
  });
  const w = new Writer(doc, hb);
  hb.pages.forEach((page, i) => {
    if (i > 0) doc.addPage();
    const head = page.blocks.find((b) => b.type === "heading") ?? page.blocks.find((b) => b.type === "title");
    w.section = head && "text" in head ? head.text : "";
    page.blocks.forEach((block, j) => {
      w.block(block, page.blocks[j + 1]);
    });
  });
  w.footers();
  doc.end();
  const chunks: Buffer[] = [];
  for (let c = doc.read() as Buffer | null; c !== null; c = doc.read() as Buffer | null) chunks.push(c);
  const pdf = Buffer.concat(chunks);
  if (!pdf.subarray(-6).toString().includes("%%EOF")) throw new Error("PDF unvollständig erzeugt");
  return pdf;
}

class Writer {
  readonly doc: Doc;
  readonly hb: Handbook;
  /** Title of the handbook page being written: repeated on top of continuation pages. */
  section = "";
  constructor(doc: Doc, hb: Handbook) {
    this.doc = doc;
    this.hb = hb;
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

  /** Starts a new page unless `h` points still fit on this one. */
  ensure(h: number): void {
    if (this.doc.y + h > this.bottom) this.newPage();
  }

  /** A continuation page: "<section> (Fortsetzung)" in small print at the top. */
  newPage(): void {
    this.doc.addPage();
    if (this.section) this.para(`${this.section} (Fortsetzung)`, FONT, SIZE.small, MUTED, 8);
  }

  height(text: string, font: string, size: number, width: number): number {
    this.doc.font(font).fontSize(size);
    return this.doc.heightOfString(pdfText(text) || " ", { width, lineGap: 1.5 });
  }

  /** Text with `[[gaps]]` in colour, wrapped to `width`, starting at (x, y). Leaves doc.y below the text. */
  rich(text: string, x: number, y: number, width: number, font: string, size: number, color = TEXT): void {
    const doc = this.doc;
    const clean = pdfText(text);
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
      case "table":
        return 60;
      case "paragraph":
        return Math.min(this.height(b.text, FONT, SIZE.normal, this.width), 40);
      default:
        return 30;
    }
  }

  block(b: Block, next?: Block): void {
    const doc = this.doc;
    switch (b.type) {
      case "title": {
        this.para(b.text, BOLD, SIZE.title, TEXT, 2);
        if (b.subtitle) this.para(b.subtitle, FONT, SIZE.subtitle, TEXT, 2);
        this.para(`Stand: ${showTime(this.hb.generatedAt)}`, FONT, SIZE.small, MUTED, 12);
        return;
      }
      case "heading":
        this.ensure(this.height(b.text, BOLD, SIZE.heading, this.width) + 14 + this.lead(next));
        doc.y += 4;
        this.para(b.text, BOLD, SIZE.heading, TEXT, 6);
        return;
      case "subheading":
        this.ensure(this.height(b.text, BOLD, SIZE.subheading, this.width) + 14 + this.lead(next));
        doc.y += 6;
        this.para(b.text, BOLD, SIZE.subheading, TEXT, 4);
        return;
      case "paragraph": {
        const size = SIZE[b.size ?? "normal"];
        this.para(b.text, b.bold || b.size === "large" ? BOLD : FONT, size, b.size === "small" ? MUTED : TEXT, b.size === "large" ? 10 : 6);
        return;
      }
      case "callout": {
        const pad = b.size === "large" ? 16 : 10;
        const size = b.size === "large" ? SIZE.calloutLarge : SIZE.callout;
        const h = this.height(b.text, BOLD, size, this.width - 2 * pad) + 2 * pad;
        this.ensure(h + 10);
        const y = doc.y;
        doc.save().lineWidth(2).rect(this.left, y, this.width, h).stroke(TEXT).restore();
        this.rich(b.text, this.left + pad, y + pad, this.width - 2 * pad, BOLD, size);
        doc.y = y + h + 10;
        return;
      }
      case "facts": {
        const labelW = Math.round(this.width * 0.3);
        for (const row of b.rows) {
          const h = Math.max(
            this.height(row.label, BOLD, SIZE.normal, labelW - 8),
            this.height(row.value, FONT, SIZE.normal, this.width - labelW),
          );
          this.ensure(h + 3);
          const y = doc.y;
          this.rich(`${row.label}:`, this.left, y, labelW - 8, BOLD, SIZE.normal);
          this.rich(row.value, this.left + labelW, y, this.width - labelW, FONT, SIZE.normal);
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
        this.table(b.columns, b.rows);
        return;
    }
  }

  table(columns: TableColumn[], rows: string[][]): void {
    const doc = this.doc;
    const pad = 4;
    const size = SIZE.small + 0.5;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const rowHeight = (cells: string[], font: string) =>
      Math.max(...widths.map((cw, i) => this.height(cells[i] ?? "", font, size, cw - 2 * pad))) + 2 * pad;
    const drawRow = (cells: string[], font: string, shade: boolean) => {
      const h = rowHeight(cells, font);
      const y = doc.y;
      let x = this.left;
      widths.forEach((cw, i) => {
        if (shade) doc.save().rect(x, y, cw, h).fill(SHADE).restore();
        doc.save().lineWidth(0.5).rect(x, y, cw, h).stroke(RULE).restore();
        this.rich(cells[i] ?? "", x + pad, y + pad, cw - 2 * pad, font, size);
        x += cw;
      });
      doc.y = y + h;
    };
    const header = columns.map((c) => c.title);
    this.ensure(rowHeight(header, BOLD) + rowHeight(rows[0] ?? [], FONT));
    drawRow(header, BOLD, true);
    for (const row of rows) {
      const h = rowHeight(row, FONT);
      if (doc.y + h > this.bottom) {
        this.newPage();
        drawRow(header, BOLD, true);
      }
      drawRow(row, FONT, false);
    }
    doc.x = this.left;
    doc.y += 8;
  }

  /** "IT-Notfallhandbuch · <Organisation> · Stand … · Seite n von m" at the foot of every page. */
  footers(): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing below the margin would otherwise start a new page
      const text = pdfText(
        `${this.hb.title} · ${this.hb.org} · Stand ${showTime(this.hb.generatedAt)} · Seite ${i + 1} von ${range.count}`,
      );
      doc
        .font(FONT)
        .fontSize(SIZE.small - 1)
        .fillColor(MUTED);
      doc.text(text, this.left, doc.page.height - bottom + 20, {
        width: this.width,
        align: "center",
        lineBreak: false,
        height: 12,
        ellipsis: true,
      });
      doc.page.margins.bottom = bottom;
    }
    doc.fillColor(TEXT);
  }
}
