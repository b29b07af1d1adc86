import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import { pdfText } from "../../src/handbook/pdf-text.ts";
import { immediateTasks, writeHandbook, writeHandbookSync } from "../../src/handbook/write.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();
const praxis = loadOrgConfig("examples/praxis.yaml");
const NOW = new Date("2026-03-02T08:00:00Z");

/** PDF line wrapping inserts line breaks (and breaks long words): compare without any whitespace. */
const squash = (s: string) => pdfText(s).replace(/\s+/g, "");

async function pdfTextOf(file: string): Promise<{ text: string; pages: number; title: string | undefined }> {
  const pdf = await getDocumentProxy(new Uint8Array(readFileSync(file)));
  const { text, totalPages } = await extractText(pdf, { mergePages: true });
  const meta = await getMeta(pdf);
  return { text, pages: totalPages, title: (meta.info as { Title?: string }).Title };
}

describe("writeHandbook → PDF (text read back with unpdf)", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-handbuch-"));
  let files: string[] = [];
  let text = "";
  let flat = "";
  let pages = 0;
  let title: string | undefined;

  beforeAll(async () => {
    files = await writeHandbook({ playbooks, config: praxis, out: join(dir, "praxis", "handbuch.pdf"), now: NOW });
    ({ text, pages, title } = await pdfTextOf(files[0]!));
    flat = squash(text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the PDF and a Markdown file next to it (creating the folder)", () => {
    expect(files).toEqual([join(dir, "praxis", "handbuch.pdf"), join(dir, "praxis", "handbuch.md")]);
    expect(readFileSync(files[0]!).subarray(0, 5).toString()).toBe("%PDF-");
    expect(readFileSync(files[1]!, "utf8")).toContain("# IT-Notfallhandbuch");
    expect(title).toBe("IT-Notfallhandbuch – Hausarztpraxis Dr. med. Erika Musterfrau (Beispiel)");
    // Contact page, card, common page, one per playbook, recovery, deadlines: at least that many pages.
    expect(pages).toBeGreaterThanOrEqual(playbooks.length + 4);
  });

  it("umlauts and ß survive (Helvetica/WinAnsi)", () => {
    for (const word of ["Sofortmaßnahmen", "Datenschutzbehörde", "Rückrufnummer", "Kommunikation nach außen", "Gerät", "Beispielstraße"]) {
      expect(text).toContain(word);
    }
    expect(text).not.toMatch(/[\uFFFD]/);
  });

  it("the contact page has every contact of examples/praxis.yaml with its numbers", () => {
    for (const c of praxis.contacts ?? []) {
      expect(flat, c.name).toContain(squash(c.name));
      if (c.phone) expect(flat, `${c.name} phone`).toContain(squash(c.phone));
      if (c.phone_alt) expect(flat, `${c.name} phone_alt`).toContain(squash(c.phone_alt));
    }
    const values = [
      praxis.name,
      praxis.emergency_phone,
      praxis.it?.name,
      praxis.it?.hotline,
      praxis.it?.hours,
      praxis.dpo?.name,
      praxis.dpo?.phone,
      praxis.authority?.name,
      praxis.police?.name,
      praxis.police?.phone,
      praxis.insurer?.name,
      praxis.insurer?.hotline,
      praxis.insurer?.terms,
      praxis.bank?.hotline,
    ];
    for (const v of values) expect(flat, v).toContain(squash(v!));
    expect(text).toContain("Interne IT-Notfallnummer: +49 170 1234567");
  });

  it("the IT-Notfallkarte: headline, the five questions, the internal number", () => {
    expect(text).toContain("Ruhe bewahren & IT-Notfall melden");
    for (const q of [
      "Wer meldet?",
      "Welches IT-System ist betroffen?",
      "was haben Sie beobachtet?",
      "Wann ist es passiert",
      "Wo steht das Gerät?",
    ]) {
      expect(flat, q).toContain(squash(q));
    }
  });

  it("every incident type has its page with its immediate actions (phases Erkennung + Sofortmaßnahmen)", () => {
    for (const pb of playbooks) {
      expect(flat, pb.id).toContain(squash(loc(pb.title)));
      const tasks = immediateTasks(pb, praxis);
      expect(tasks.length, pb.id).toBeGreaterThan(0);
      expect(flat, `${pb.id}: ${tasks[0]!.id}`).toContain(squash(loc(tasks[0]!.text)));
      for (const t of tasks) expect(flat, `${pb.id}: ${t.id}`).toContain(squash(loc(t.text)));
    }
  });

  it("tasks that need NIS2 are left out for a practice with nis2: false", () => {
    const nis2Tasks = playbooks.flatMap((pb) => pb.tasks.filter((t) => t.when?.config === "nis2"));
    for (const t of nis2Tasks) expect(flat, t.id).not.toContain(squash(loc(t.text)));
  });

  it("recovery order by priority with RTO and RPO", () => {
    const order = ["Praxisverwaltungssystem", "TI-Konnektor", "Telefonanlage", "Röntgen", "Arbeitsplatz-PCs"].map((s) =>
      text.indexOf(s, text.indexOf("Wiederanlauf-Reihenfolge\n")),
    );
    for (const i of order) expect(i).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(flat).toContain(squash("Praxisverwaltungssystem (PVS) mit Patientendaten"));
    expect(flat).toMatch(/Patientendaten4h24h/);
  });

  it("the legal deadlines table", () => {
    expect(text).toContain("Meldefristen");
    expect(flat).toContain(squash("Meldung an die Datenschutzbehörde (Art. 33 DSGVO)"));
    expect(flat).toContain(squash("72 Stunden ab Kenntnis"));
    expect(flat).toContain(squash("nein (nis2: false)"));
  });
});

describe("writeHandbook without an organisation file", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-handbuch-leer-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints visible gaps instead of blanks; an existing folder as --out gets notfallhandbuch.pdf", async () => {
    mkdirSync(join(dir, "out"));
    const files = await writeHandbook({ playbooks, config: undefined, out: join(dir, "out"), now: NOW });
    expect(files).toEqual([join(dir, "out", "notfallhandbuch.pdf"), join(dir, "out", "notfallhandbuch.md")]);
    for (const f of files) expect(existsSync(f)).toBe(true);
    const { text } = await pdfTextOf(files[0]!);
    const flat = squash(text);
    for (const g of [
      "[[Interne IT-Notfallnummer]]",
      "[[Name der Praxis / Firma]]",
      "[[Telefon Datenschutzbeauftragte:r]]",
      "[[Notfall-Hotline IT-Dienstleister]]",
      "[[Name IT-Notfall-Koordinator:in]]",
    ]) {
      expect(flat, g).toContain(squash(g));
    }
  });

  it("writeHandbookSync (for the synchronous chat hook) writes the files before it returns", async () => {
    const files = writeHandbookSync({ playbooks, config: praxis, out: join(dir, "sync.pdf"), now: NOW });
    expect(files).toEqual([join(dir, "sync.pdf"), join(dir, "sync.md")]);
    const { text, pages } = await pdfTextOf(files[0]!);
    expect(pages).toBeGreaterThanOrEqual(playbooks.length + 4);
    expect(text).toContain("Interne IT-Notfallnummer: +49 170 1234567");
  });

  it("a path without .pdf gets the extension", async () => {
    const files = await writeHandbook({ playbooks: playbooks.slice(0, 1), config: praxis, out: join(dir, "kurz"), now: NOW });
    expect(files).toEqual([join(dir, "kurz.pdf"), join(dir, "kurz.md")]);
  });
});
