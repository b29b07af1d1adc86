import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrgConfig, parseOrgConfig } from "../../src/config/load.ts";
import { de } from "../../src/core/i18n/de.ts";
import { buildHandbook, byRank } from "../../src/handbook/build.ts";
import { type Block, resolveRefs } from "../../src/handbook/model.ts";
import { CHAT_SYNTAX } from "../../src/handbook/paper.ts";
import { layoutPdf } from "../../src/handbook/pdf.ts";
import { pdfText } from "../../src/handbook/pdf-text.ts";
import { exampleFields, immediateTasks, writeHandbook, writeHandbookSync } from "../../src/handbook/write.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();
const praxis = loadOrgConfig("examples/praxis.yaml");
const NOW = new Date("2026-03-02T08:00:00Z");
const BANNER = "BEISPIELDATEN – nicht für den Ernstfall";

/** PDF line wrapping inserts line breaks (and breaks long words): compare without any whitespace. */
const squash = (s: string) => pdfText(s).replace(/\s+/g, "");
const flatBlocks = (blocks: Block[]): Block[] => blocks.flatMap((b) => (b.type === "group" ? flatBlocks(b.blocks) : [b]));

async function pdfPages(pdf: Uint8Array): Promise<{ pages: string[]; title: string | undefined }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  const meta = await getMeta(doc);
  return { pages: text, title: (meta.info as { Title?: string }).Title };
}

describe("writeHandbook → PDF (text read back with unpdf)", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-handbuch-"));
  const configFile = join(dir, "notfall.config.yaml");
  let files: string[] = [];
  let pages: string[] = [];
  let text = "";
  let flat = "";
  let title: string | undefined;
  /** Page (1-based) where each part starts, from the same layout as the written file. */
  let at: ReadonlyMap<string, number> = new Map();

  beforeAll(async () => {
    writeFileSync(configFile, readFileSync("examples/praxis.yaml"));
    utimesSync(configFile, new Date("2026-02-20T10:00:00Z"), new Date("2026-02-20T10:00:00Z"));
    files = await writeHandbook({ playbooks, config: praxis, out: join(dir, "praxis", "handbuch.pdf"), now: NOW, configFile });
    ({ pages, title } = await pdfPages(readFileSync(files[0]!)));
    text = pages.join("\n");
    flat = squash(text);
    const hb = buildHandbook({
      playbooks,
      config: praxis,
      now: NOW,
      configDate: new Date("2026-02-20T10:00:00Z"),
      examples: exampleFields(praxis),
    });
    at = layoutPdf(hb).pages;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the PDF and a Markdown file next to it (creating the folder)", () => {
    expect(files).toEqual([join(dir, "praxis", "handbuch.pdf"), join(dir, "praxis", "handbuch.md")]);
    expect(readFileSync(files[0]!).subarray(0, 5).toString()).toBe("%PDF-");
    expect(readFileSync(files[1]!, "utf8")).toContain("# IT-Notfallhandbuch");
    expect(title).toBe("IT-Notfallhandbuch – Hausarztpraxis Dr. med. Erika Musterfrau (Beispiel)");
    expect(pages.length).toBeGreaterThanOrEqual(playbooks.length * 2 + 8);
    expect(pages.length).toBe(Math.max(...at.values()));
  });

  it("ransomware starts right after the front matter (cover with contents, card, actions for every incident)", () => {
    expect(at.get("deckblatt")).toBe(1);
    expect(at.get("notfallkarte")).toBe(2);
    expect(at.get("jeder-notfall")).toBe(3);
    expect(at.get("art-verschluesselung")).toBe(4);
    expect(pages[3]!.startsWith("Verschlüsselung durch Erpressersoftware (Ransomware)")).toBe(true);
    // the front matter has one page each: nothing of it runs over
    for (const p of pages.slice(0, 3)) expect(p).not.toContain("(Fortsetzung)");
  });

  it("a page that starts in the middle of a role's list or a phase says which one, in bold (… (Fortsetzung))", () => {
    // the ransomware's tasks run over pages 4–8; page 8 started with review tasks and did not say "Nachbereitung"
    const heads = [...Object.values(de.phaseName), ...Object.values(de.roleName), "Danach, Phase für Phase"];
    const first = at.get("art-verschluesselung")!;
    const next = [...at.entries()].filter(([, p]) => p > first).sort((a, b) => a[1] - b[1])[0]![1];
    let continued = 0;
    for (let p = first + 1; p < next; p++) {
      const lines = pages[p - 1]!.split("\n").filter((l) => l.trim() !== "");
      expect(lines[0], `page ${p}`).toBe("Verschlüsselung durch Erpressersoftware (Ransomware) (Fortsetzung)");
      const top = lines[1]!.trim();
      const ok = heads.some((h) => top === h || top === `${h} (Fortsetzung)`);
      expect(ok, `page ${p} starts with: ${top}`).toBe(true);
      if (top.endsWith("(Fortsetzung)")) continued++;
    }
    expect(continued).toBeGreaterThan(0);
  });

  it("the page numbers in the contents are the pages where each part starts", () => {
    const cover = pages[0]!;
    const contents = cover.slice(cover.indexOf("\nInhalt\n"));
    const lines = contents.split("\n").flatMap((l) => {
      const m = /^(.+?) (\d+)$/.exec(l.trim());
      return m && !/Seite \d+ von/.test(l) ? [{ title: m[1]!, page: Number(m[2]) }] : [];
    });
    expect(lines.map((l) => l.title).slice(0, 3)).toEqual([
      "IT-Notfallkarte",
      "Bei jedem Notfall",
      "Verschlüsselung durch Erpressersoftware (Ransomware)",
    ]);
    expect(lines.length).toBe(2 + playbooks.length + 6);
    for (const l of lines) {
      const start = pages[l.page - 1]!;
      expect(squash(start), `${l.title} → S. ${l.page}`).toContain(squash(l.title));
      expect(start.startsWith(`${l.title} (Fortsetzung)`), l.title).toBe(false);
      if (l.page > 1) expect(pages[l.page - 2]!.includes(`${l.title} (Fortsetzung)`), `${l.title} starts earlier`).toBe(false);
    }
    // the types in the contents in rank order
    const typeTitles = byRank(playbooks).map((pb) => loc(pb.title));
    expect(lines.slice(2, 2 + playbooks.length).map((l) => l.title)).toEqual(typeTitles);
  });

  it("page references in the text point at the page where the template is printed", () => {
    const ref = /Vorlage „([^“]+)“(?: \(|, )S\. (\d+)/g;
    const found = [...text.replace(/\n/g, " ").matchAll(ref)];
    expect(found.length).toBeGreaterThan(20);
    for (const [, name, n] of found) expect(squash(pages[Number(n) - 1]!), `${name} → S. ${n}`).toContain(squash(`Vorlage: ${name}`));
  });

  it("every page shows the example-data banner, the print date and the date of the organisation file", () => {
    pages.forEach((p, i) => {
      expect(p, `Seite ${i + 1}`).toContain(BANNER);
      expect(p, `Seite ${i + 1}`).toContain("Gedruckt am Mo., 02.03.2026, 09:00");
      expect(p, `Seite ${i + 1}`).toContain("Organisationsdatei vom Fr., 20.02.2026, 11:00");
      expect(p, `Seite ${i + 1}`).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
    expect(pages[0]).toContain("Die Organisationsdatei enthält noch Beispieldaten aus der Vorlage (name,");
  });

  it("no chat syntax anywhere on paper", () => {
    expect(text).not.toMatch(CHAT_SYNTAX);
    for (const id of new Set(playbooks.flatMap((pb) => pb.templates.map((t) => t.id)))) {
      expect(text, id).not.toMatch(new RegExp(`Vorlage:? ${id}\\b`));
    }
    expect(text).not.toMatch(/[\uE000\uE001]/);
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
    const card = pages[at.get("notfallkarte")! - 1]!;
    expect(card).toContain("Ruhe bewahren & IT-Notfall melden");
    for (const q of [
      "Wer meldet?",
      "Welches IT-System ist betroffen?",
      "was haben Sie beobachtet?",
      "Wann ist es passiert",
      "Wo steht das Gerät?",
    ]) {
      expect(squash(card), q).toContain(squash(q));
    }
  });

  it("every task printed in the model is in the PDF, with its number to call and its fields for time and initials", () => {
    const hb = buildHandbook({ playbooks, config: praxis, now: NOW });
    const items = hb.pages.flatMap((p) => flatBlocks(p.blocks).flatMap((b) => (b.type === "checklist" ? b.items : [])));
    expect(items.length).toBeGreaterThan(300);
    for (const item of items) {
      const printed = resolveRefs(item.text, (a) => `S. ${at.get(a)}`);
      expect(flat, printed).toContain(squash(printed));
      for (const p of item.phones ?? []) expect(flat, p.number).toContain(squash(`Tel. ${p.label}: ${p.number}`));
    }
    for (const pb of playbooks)
      for (const t of immediateTasks(pb, praxis))
        expect(
          items.some((i) => i.text.includes(loc(t.text).slice(0, 30))),
          t.id,
        ).toBe(true);
    const ransomware = pages[at.get("art-verschluesselung")! - 1]!;
    expect(squash(ransomware)).toContain(squash("Technischen Kontakt oder IT-Dienstleister sofort anrufen, nicht nur mailen."));
    expect(squash(ransomware)).toContain(squash("Tel. Beispiel IT-Service GmbH: +49 30 2345678-9"));
    expect(ransomware.match(/Uhrzeit Kürzel/g)?.length).toBeGreaterThan(8);
  });

  it("a role's immediate actions stay on one page (never one task alone on the next page)", () => {
    const hb = buildHandbook({ playbooks, config: praxis, now: NOW });
    for (const pb of playbooks) {
      const first = at.get(`art-${pb.id}`)!;
      const groups = hb.pages.find((p) => p.id === `art-${pb.id}`)!.blocks.filter((b) => b.type === "group" && !b.split);
      for (const g of groups) {
        if (g.type !== "group") continue;
        const texts = flatBlocks(g.blocks).flatMap((b) =>
          b.type === "checklist" ? b.items.map((i) => resolveRefs(i.text, (a) => `S. ${at.get(a)}`)) : [],
        );
        const onPage = (s: string) => [first - 1, first, first + 1].filter((i) => squash(pages[i] ?? "").includes(squash(s)));
        const where = new Set(texts.map((s) => onPage(s)[0]));
        expect(where.size, `${pb.id}: ${texts[0]}`).toBe(1);
      }
    }
  });

  it("templates are printed in full as forms: fixed text, filled organisation values, labelled lines for the rest", () => {
    const forms = pages.slice(at.get("vorlagen-verschluesselung")! - 1, at.get("art-ceo-fraud")! - 1).join("\n");
    for (const s of [
      "Vorlage: Anzeige bei der Polizei (ZAC) – Checkliste",
      "Anzeige wegen Erpressung und Computersabotage durch Erpressersoftware",
      "An: LKA Berlin – Zentrale Ansprechstelle Cybercrime (ZAC), Telefon +49 30 4567890-0",
      "Geforderter Betrag und Zahlungsadresse (z. B. Bitcoin-Adresse):",
      "Vorlage: Alarmierung IT-Dienstleister",
      "Wir bitten um:",
    ]) {
      expect(squash(forms), s).toContain(squash(s));
    }
    // gap labels are printed under the lines, without their brackets
    expect(forms).toContain("Betrag und Adresse");
    expect(forms).not.toContain("[[");
  });

  it("tasks that need NIS2 are left out for a practice with nis2: false", () => {
    const nis2Tasks = playbooks.flatMap((pb) => pb.tasks.filter((t) => t.when?.config === "nis2"));
    for (const t of nis2Tasks) expect(flat, t.id).not.toContain(squash(loc(t.text)));
  });

  it("recovery order by priority with RTO and RPO", () => {
    const page = pages[at.get("wiederanlauf")! - 1]!;
    const order = ["Praxisverwaltungssystem", "TI-Konnektor", "Telefonanlage", "Röntgen", "Arbeitsplatz-PCs"].map((s) => page.indexOf(s));
    for (const i of order) expect(i).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(flat).toContain(squash("Praxisverwaltungssystem (PVS) mit Patientendaten"));
    expect(flat).toMatch(/Patientendaten4h24h/);
  });

  it("the legal deadlines table", () => {
    const page = squash(pages[at.get("fristen")! - 1]!);
    expect(page).toContain("Meldefristen");
    expect(page).toContain(squash("Meldung an die Datenschutzbehörde (Art. 33 DSGVO)"));
    expect(page).toContain(squash("72 Stunden ab Kenntnis"));
    expect(page).toContain(squash("nein (nis2: false)"));
  });

  it("the log sheet: the incident's facts on top, then ruled rows for time, who, what, decision", () => {
    const log = pages[at.get("protokoll")! - 1]!;
    for (const s of [
      "Protokoll: wer hat wann was getan oder entschieden",
      "Kenntnis am:",
      "Uhrzeit",
      "Wer",
      "Was ist passiert, was wurde getan?",
      "Entscheidung (mit Grund)",
    ])
      expect(log, s).toContain(s);
    expect(pages[at.get("protokoll")!]).toContain("Protokoll: wer hat wann was getan oder entschieden (Fortsetzung)");
    expect(pages[at.get("kontaktblatt")! - 1]).toContain("Kontaktblatt: wen wir wann erreicht haben");
  });
});

describe("writeHandbook without example data or without an organisation file", () => {
  const dir = mkdtempSync(join(tmpdir(), "notfall-handbuch-leer-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("real data: no banner on any page", async () => {
    const real = parseOrgConfig(
      'name: Praxis Dr. Sommer\nemergency_phone: "+49 171 9988776"\nit:\n  name: Sommer IT\n  hotline: "+49 30 9988776"\n',
    );
    expect(exampleFields(real)).toEqual([]);
    const files = writeHandbookSync({ playbooks, config: real, out: join(dir, "echt.pdf"), now: NOW });
    const { pages } = await pdfPages(readFileSync(files[0]!));
    for (const p of pages) expect(p).not.toContain("BEISPIELDATEN");
    expect(readFileSync(files[1]!, "utf8")).not.toContain("BEISPIELDATEN");
    expect(pages[0]).toContain("Datum der Organisationsdatei unbekannt"); // no file named: no date to show, and it says so
  });

  it("prints visible gaps instead of blanks; an existing folder as --out gets notfallhandbuch.pdf", async () => {
    mkdirSync(join(dir, "out"));
    const files = await writeHandbook({ playbooks, config: undefined, out: join(dir, "out"), now: NOW });
    expect(files).toEqual([join(dir, "out", "notfallhandbuch.pdf"), join(dir, "out", "notfallhandbuch.md")]);
    for (const f of files) expect(existsSync(f)).toBe(true);
    const { pages } = await pdfPages(readFileSync(files[0]!));
    expect(pages.at(-1)).toContain("ohne Organisationsdatei");
    const flat = squash(pages.join("\n"));
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

  it("writeHandbookSync (for the synchronous chat hook) writes the files before it returns; Markdown has the PDF's pages", async () => {
    const files = writeHandbookSync({ playbooks, config: praxis, out: join(dir, "sync.pdf"), now: NOW });
    expect(files).toEqual([join(dir, "sync.pdf"), join(dir, "sync.md")]);
    const { pages } = await pdfPages(readFileSync(files[0]!));
    expect(pages.length).toBeGreaterThanOrEqual(playbooks.length * 2 + 8);
    expect(pages.join("\n")).toContain("Interne IT-Notfallnummer: +49 170 1234567");
    expect(readFileSync(files[1]!, "utf8")).toContain("- Verschlüsselung durch Erpressersoftware (Ransomware) … S. 4");
  });

  it("a path without .pdf gets the extension", async () => {
    const files = await writeHandbook({ playbooks: playbooks.slice(0, 1), config: praxis, out: join(dir, "kurz"), now: NOW });
    expect(files).toEqual([join(dir, "kurz.pdf"), join(dir, "kurz.md")]);
  });
});
