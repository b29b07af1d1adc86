import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { loadOrgConfig, parseOrgConfig } from "../../src/config/load.ts";
import { buildHandbook, commonTaskIds } from "../../src/handbook/build.ts";
import type { Block } from "../../src/handbook/model.ts";
import { renderPdf } from "../../src/handbook/pdf.ts";
import { pdfText, winAnsi } from "../../src/handbook/pdf-text.ts";
import { handbookMarkdown, immediateTasks } from "../../src/handbook/write.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc, Playbook } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();
const praxis = loadOrgConfig("examples/praxis.yaml");
const kmu = loadOrgConfig("examples/kmu.yaml");
const NOW = new Date("2026-03-02T08:00:00Z");

const textOf = (blocks: Block[]) => JSON.stringify(blocks);

describe("handbook structure", () => {
  const hb = buildHandbook({ playbooks, config: praxis, now: NOW });

  it("contacts, card, shared actions, one page per playbook, recovery order, deadlines — in that order", () => {
    expect(hb.pages.map((p) => p.id)).toEqual([
      "kontakte",
      "notfallkarte",
      "jeder-notfall",
      ...playbooks.map((p) => `playbook-${p.id}`),
      "wiederanlauf",
      "fristen",
    ]);
  });

  it("is pure: same input, same Markdown", () => {
    expect(handbookMarkdown({ playbooks, config: praxis, now: NOW })).toBe(handbookMarkdown({ playbooks, config: praxis, now: NOW }));
  });

  it("immediate actions are grouped by role, critical ones in bold; shared ones printed once", () => {
    const common = commonTaskIds(playbooks, praxis);
    expect(common.size).toBeGreaterThan(0);
    for (const pb of playbooks) {
      const page = hb.pages.find((p) => p.id === `playbook-${pb.id}`)!;
      const lists = page.blocks.filter((b) => b.type === "list");
      const own = immediateTasks(pb, praxis).filter((t) => !common.has(t.id));
      expect(lists.flatMap((l) => l.items).length, pb.id).toBe(own.length);
      const heads = page.blocks.filter((b) => b.type === "subheading").map((b) => b.text);
      const roleOrder = ["IT-Notfall-Koordination", "Technischer Kontakt", "Kommunikation nach außen"];
      expect(
        heads.every((h) => roleOrder.includes(h)),
        pb.id,
      ).toBe(true);
      expect([...heads].sort((a, b) => roleOrder.indexOf(a) - roleOrder.indexOf(b))).toEqual(heads);
      for (const t of own) {
        const item = lists.flatMap((l) => l.items).find((i) => i.text.startsWith(loc(t.text)));
        expect(item, `${pb.id}/${t.id}`).toBeDefined();
        expect(Boolean(item?.strong), `${pb.id}/${t.id}`).toBe(t.critical);
      }
    }
    const shared = hb.pages.find((p) => p.id === "jeder-notfall")!;
    for (const id of common) {
      const task = playbooks[0]!.tasks.find((t) => t.id === id)!;
      expect(textOf(shared.blocks)).toContain(JSON.stringify(loc(task.text)).slice(1, -1));
    }
  });

  it("conditions are spelled out; NIS2 tasks only for organisations with nis2: true", () => {
    const md = handbookMarkdown({ playbooks, config: praxis, now: NOW });
    expect(md).toContain("nur wenn:");
    const nis2 = playbooks.flatMap((pb) => pb.tasks.filter((t) => t.when?.config === "nis2" && ["erkennung", "sofort"].includes(t.phase)));
    expect(nis2.length).toBeGreaterThan(0);
    const kmuMd = handbookMarkdown({ playbooks, config: kmu, now: NOW });
    for (const t of nis2) {
      expect(md).not.toContain(loc(t.text).slice(0, 40));
      expect(kmuMd).toContain(
        loc(t.text)
          .slice(0, 40)
          .replace(/[*_`\\]/g, (c) => `\\${c}`),
      );
    }
    // Without an organisation file nothing is known, so conditional tasks stay in, with their condition.
    expect(handbookMarkdown({ playbooks, config: undefined, now: NOW })).toContain("wenn NIS2 gilt");
  });

  it("the contact page has the internal number, roles, external bodies and the phone list", () => {
    const md = handbookMarkdown({ playbooks, config: praxis, now: NOW });
    expect(md).toContain("> **Interne IT-Notfallnummer: +49 170 1234567**");
    expect(md).toContain("- **IT-Notfall-Koordination:** Dr. med. Erika Musterfrau, +49 170 1234567");
    expect(md).toContain("| IT-Dienstleister | Beispiel IT-Service GmbH | +49 30 2345678-9 |");
    expect(md).toContain("| Bank | Beispielbank Berlin | +49 30 5678901-0 |");
    expect(md).toContain("| Beispiel Trust Center | Sperrhotline für eHBA und SMC-B (24/7) | 0800 3456789 |");
    expect(md).toContain("Besondere Bedingungen der Versicherung:");
    expect(md).toContain("BSI Service-Center (Beratung bei Cyberangriffen): 0800 274 1000");
    expect(md).not.toContain("[[");
  });

  it("the emergency card says what the ransomware playbook says: cable out, WLAN off, the device stays on", () => {
    const card = textOf(hb.pages.find((p) => p.id === "notfallkarte")!.blocks);
    const pb = playbooks.find((p) => p.id === "verschluesselung")!;
    const playbook = loc(pb.tasks.find((t) => t.id === "netzkabel-ziehen")!.text);
    for (const [onCard, inPlaybook] of [
      ["Netzwerkkabel am Gerät ziehen", "Netzwerkkabel am Gerät ziehen"],
      ["Lämpchen an der Buchse", "Lämpchen an der Buchse"],
      ["WLAN ausschalten", "WLAN aus"],
      ["Das Gerät bleibt eingeschaltet", "Gerät eingeschaltet lassen"],
    ]) {
      expect(card).toContain(onCard);
      expect(playbook).toContain(inPlaybook);
    }
    expect(card).not.toMatch(/ausschalten: Gegenmaßnahmen nur auf Anweisung der IT/);
    // powering off is the exception the playbook names: the IT or, after 15 minutes without IT, the coordination
    expect(card).toContain("Ausschalten nur auf Anweisung der IT oder der IT-Notfall-Koordination");
    expect(loc(pb.tasks.find((t) => t.id === "hart-ausschalten")!.text)).toMatch(/nach 15 Minuten nicht erreicht/);
  });

  it("without kind: kmu, practice-only tasks are printed; a firm does not see them", () => {
    const praxisMd = handbookMarkdown({ playbooks, config: praxis, now: NOW });
    const kmuMd = handbookMarkdown({ playbooks, config: kmu, now: NOW });
    expect(praxisMd).toContain("Papier-Notfallset ausgeben: Muster 16 (Rezept)");
    expect(kmuMd).not.toContain("Papier-Notfallset");
    expect(handbookMarkdown({ playbooks, config: undefined, now: NOW })).toContain("nur wenn: in Praxen");
  });

  it("the recovery table and the deadline table", () => {
    const md = handbookMarkdown({ playbooks, config: kmu, now: NOW });
    expect(md).toContain("| 1 | ERP / Handwerkersoftware (Aufträge, Rechnungen, Lager) | 8 h | 24 h |");
    expect(md).toContain("| NIS2-Erstmeldung an das BSI | 24 Stunden ab Kenntnis | ja (nis2: true) |");
    expect(md).toContain("| Meldung an die Datenschutzbehörde (Art. 33 DSGVO) | 72 Stunden ab Kenntnis | ja |");
    // The KMU example has no DPO phone: a visible gap, never blank.
    expect(md).toContain("[[Telefon Datenschutzbeauftragte:r]]");
  });

  it("missing values are visible gaps [[…]]", () => {
    const thin = parseOrgConfig("name: Praxis Test\nsystems:\n  - { name: PVS, priority: 1 }\ncontacts:\n  - { name: Anna }\n");
    const md = handbookMarkdown({ playbooks, config: thin, now: NOW });
    for (const g of [
      "[[Interne IT-Notfallnummer]]",
      "[[Notfall-Hotline IT-Dienstleister]]",
      "[[Zuständige Datenschutzbehörde]]",
      "[[Telefon Polizei / ZAC]]",
      "[[Telefon Anna]]",
      "[[RTO PVS]]",
      "[[Name Kommunikation nach außen]]",
    ]) {
      expect(md, g).toContain(g);
    }
    expect(md).toContain("Praxis Test");
    // No insurer section: said plainly, not a gap (the practice may simply have no cyber insurance).
    expect(md).toContain("| Cyber-Versicherung | keine eingetragen | – |");
    expect(md).not.toContain("[[Notfall-Hotline Versicherung]]");
    expect(handbookMarkdown({ playbooks, config: undefined, now: NOW })).toContain("[[Notfall-Hotline Versicherung]]");
  });

  it("Markdown escapes markup but keeps gaps readable", () => {
    const md = handbookMarkdown({ playbooks, config: undefined, now: NOW });
    expect(md).toContain("/notfall &lt;Art&gt; &lt;was ist passiert&gt;");
    expect(md).toContain("[[Name der Praxis / Firma]]");
  });
});

describe("PDF text safety (Helvetica has WinAnsi glyphs only)", () => {
  it("keeps German letters and typographic quotes, replaces arrows, drops emoji", () => {
    expect(pdfText("Größe äöüÄÖÜß „Zitat“ – 5 € … ‹Begründung›")).toBe("Größe äöüÄÖÜß „Zitat“ – 5 € … ‹Begründung›");
    expect(pdfText("A → B ≤ 3 ✅ erledigt 🚨 Alarm")).toBe("A -> B <= 3 x erledigt Alarm");
    for (const ch of pdfText("🧪 ÜBUNG 👩‍💻 Test ✓")) expect(winAnsi(ch), ch).toBe(true);
  });

  it("a playbook with emoji and arrows still renders to a PDF", async () => {
    const pb = Playbook.parse({
      id: "test-emoji",
      title: "Test 🚨 Alarm",
      summary: "Schritt 1 → Schritt 2",
      triggers: ["test"],
      level: "stoerung",
      tasks: [{ id: "a", phase: "erkennung", role: "koordinator", text: "Ruhe ✅ bewahren", why: "weil" }],
    });
    const hb = buildHandbook({ playbooks: [pb], config: praxis, now: NOW });
    const pdf = await renderPdf(hb);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain("Test Alarm");
    expect(text).toContain("Ruhe x bewahren");
    expect(text).toContain("Schritt 1 -> Schritt 2");
  });
});
