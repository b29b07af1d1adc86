import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { loadOrgConfig, parseOrgConfig } from "../../src/config/load.ts";
import { buildHandbook, byRank, commonTaskIds } from "../../src/handbook/build.ts";
import type { Block, CheckItem, Handbook } from "../../src/handbook/model.ts";
import { CHAT_SYNTAX } from "../../src/handbook/paper.ts";
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
/** Every block, groups opened. */
const flatBlocks = (blocks: Block[]): Block[] => blocks.flatMap((b) => (b.type === "group" ? flatBlocks(b.blocks) : [b]));
const checkItems = (blocks: Block[]): CheckItem[] => flatBlocks(blocks).flatMap((b) => (b.type === "checklist" ? b.items : []));
const page = (hb: Handbook, id: string) => hb.pages.find((p) => p.id === id)!;
/** The start of a task as printed: chat syntax is said in words on paper, so compare up to the first such place. */
const head = (text: string) =>
  text
    .split(/\(?\/notfall|\(?Vorlage|\(?Playbook| im Bot| im Verlauf| in diesen Verlauf/)[0]!
    .trim()
    .slice(0, 40);

describe("handbook structure", () => {
  const hb = buildHandbook({ playbooks, config: praxis, now: NOW });
  const ranked = byRank(playbooks);

  it("cover with contents, card, shared actions, each type with its forms (by rank), shared forms, sheets, overviews", () => {
    const withForms = (pb: Playbook) => (hb.pages.some((p) => p.id === `vorlagen-${pb.id}`) ? [`vorlagen-${pb.id}`] : []);
    expect(hb.pages.map((p) => p.id)).toEqual([
      "deckblatt",
      "notfallkarte",
      "jeder-notfall",
      ...ranked.flatMap((pb) => [`art-${pb.id}`, ...withForms(pb)]),
      "vorlagen-gemeinsam",
      "protokoll",
      "kontaktblatt",
      "kontakte",
      "wiederanlauf",
      "fristen",
    ]);
  });

  it("types are ordered by the playbooks' rang: ransomware first, every shipped playbook ranked once", () => {
    expect(ranked[0]!.id).toBe("verschluesselung");
    const ranks = playbooks.map((pb) => pb.rang);
    expect(ranks.every((r) => typeof r === "number")).toBe(true);
    expect(new Set(ranks).size).toBe(playbooks.length);
    expect(ranked.map((pb) => pb.rang)).toEqual([...ranks].sort((a, b) => a! - b!));
    // unranked types follow the ranked ones, by title
    const [a, b] = [
      Playbook.parse({ ...ranked[0], id: "zz", rang: undefined }),
      Playbook.parse({ ...ranked[1], id: "aa", rang: undefined }),
    ];
    const order = byRank([a, ...playbooks, b]).map((pb) => pb.id);
    expect(order.slice(0, playbooks.length)).toEqual(ranked.map((pb) => pb.id));
    expect(order.slice(-2)).toEqual(loc(a.title) < loc(b.title) ? ["zz", "aa"] : ["aa", "zz"]);
  });

  it("the contents list the card, the shared page, every type in rank order and the sheets", () => {
    const toc = flatBlocks(page(hb, "deckblatt").blocks).find((b) => b.type === "toc");
    expect(toc?.type).toBe("toc");
    if (toc?.type !== "toc") return;
    const entries = toc.lines.flatMap((l) => (l.kind === "entry" ? [l.anchor] : []));
    expect(entries).toEqual([
      "notfallkarte",
      "jeder-notfall",
      ...ranked.map((pb) => `art-${pb.id}`),
      "vorlagen-gemeinsam",
      "protokoll",
      "kontaktblatt",
      "kontakte",
      "wiederanlauf",
      "fristen",
    ]);
  });

  it("is pure: same input, same Markdown", () => {
    expect(handbookMarkdown({ playbooks, config: praxis, now: NOW })).toBe(handbookMarkdown({ playbooks, config: praxis, now: NOW }));
  });

  it("immediate actions are grouped by role with tick boxes, critical ones in bold; shared ones printed once", () => {
    const common = commonTaskIds(playbooks, praxis);
    expect(common.size).toBeGreaterThan(0);
    const roleOrder = ["IT-Notfall-Koordination", "Technischer Kontakt", "Kommunikation nach außen"];
    for (const pb of playbooks) {
      const blocks = page(hb, `art-${pb.id}`).blocks;
      // the role groups come before "Danach"; each group is one role heading and its checklist
      const roleGroups = blocks.filter(
        (b) => b.type === "group" && b.blocks[0]?.type === "subheading" && roleOrder.includes(b.blocks[0].text),
      );
      const own = immediateTasks(pb, praxis).filter((t) => !common.has(t.id));
      const items = checkItems(roleGroups);
      expect(items.length, pb.id).toBe(own.length);
      const heads = roleGroups.map((g) => (g.type === "group" && g.blocks[0]?.type === "subheading" ? g.blocks[0].text : ""));
      expect([...heads].sort((a, b) => roleOrder.indexOf(a) - roleOrder.indexOf(b))).toEqual(heads);
      for (const t of own) {
        const item = items.find((i) => i.text.startsWith(head(loc(t.text))));
        expect(item, `${pb.id}/${t.id}`).toBeDefined();
        expect(Boolean(item?.strong), `${pb.id}/${t.id}`).toBe(t.critical);
      }
    }
    const shared = checkItems(page(hb, "jeder-notfall").blocks);
    expect(shared.length).toBe(common.size);
    for (const id of common) {
      const task = playbooks[0]!.tasks.find((t) => t.id === id)!;
      expect(
        shared.some((i) => i.text.startsWith(head(loc(task.text)))),
        id,
      ).toBe(true);
    }
  });

  it("after the immediate actions, the later phases of each type in full, each task with its role", () => {
    const pb = playbooks.find((p) => p.id === "verschluesselung")!;
    const items = checkItems(page(hb, "art-verschluesselung").blocks);
    // "Verlauf exportieren (/notfall export)" becomes the paper log: that one reads differently from its start
    const later = pb.tasks.filter(
      (x) => !["erkennung", "sofort"].includes(x.phase) && !x.when?.config && !/^Verlauf exportieren/.test(loc(x.text)),
    );
    expect(later.length).toBeGreaterThan(20);
    for (const t of later) {
      expect(
        items.some((i) => i.text.startsWith(head(loc(t.text)))),
        t.id,
      ).toBe(true);
    }
    expect(items.some((i) => i.text.includes("(Technik"))).toBe(true);
  });

  it("a task that says to call has the number beside it, from the organisation file", () => {
    const items = checkItems(page(hb, "art-verschluesselung").blocks);
    const alarm = items.find((i) => i.text.startsWith("Technischen Kontakt oder IT-Dienstleister sofort anrufen"));
    expect(alarm?.phones).toEqual([{ label: "Beispiel IT-Service GmbH", number: "+49 30 2345678-9" }]);
    expect(items.find((i) => i.text.startsWith("Notfall-Hotline der Cyber-Versicherung anrufen"))?.phones).toEqual([
      { label: "Beispiel Cyber Versicherung AG", number: "0800 4567890" },
    ]);
    const shared = checkItems(page(hb, "jeder-notfall").blocks);
    expect(shared.find((i) => i.text.startsWith("Datenschutzbeauftragte:n informieren"))?.phones?.[0]?.number).toBe("+49 30 3456789-0");
    const fraud = checkItems(page(hb, "art-ceo-fraud").blocks);
    expect(fraud.find((i) => i.text.includes("eigene Bank anrufen"))?.phones).toEqual([
      { label: "Beispielbank Berlin", number: "+49 30 5678901-0" },
    ]);
    // without an organisation file the number is a visible gap to fill in
    const bare = buildHandbook({ playbooks, config: undefined, now: NOW });
    const bareAlarm = checkItems(page(bare, "art-verschluesselung").blocks).find((i) => i.text.startsWith("Technischen Kontakt oder"));
    expect(bareAlarm?.phones).toEqual([{ label: "IT-Dienstleister", number: "[[Notfall-Hotline IT-Dienstleister]]" }]);
  });

  it("no chat syntax on paper: commands, template ids and playbook ids are said in words with a page reference", () => {
    for (const config of [praxis, kmu, undefined]) {
      const md = handbookMarkdown({ playbooks, config, now: NOW });
      expect(md).not.toMatch(CHAT_SYNTAX);
      for (const id of new Set(playbooks.flatMap((pb) => pb.templates.map((t) => t.id)))) {
        expect(md, id).not.toMatch(new RegExp(`Vorlage:? ${id}\\b`));
      }
    }
    const shared = checkItems(page(hb, "jeder-notfall").blocks).map((i) => i.text);
    expect(shared.find((t) => t.startsWith("Zeitleiste führen"))).toMatch(/Auf dem Protokollblatt festhalten \(\uE000protokoll\uE001\)\.$/);
    expect(shared.find((t) => t.startsWith("Prüfen, ob alle drei Rollen"))).toContain(
      "(auf dem Protokollblatt eintragen, \uE000protokoll\uE001)",
    );
    const ransomware = checkItems(page(hb, "art-verschluesselung").blocks).map((i) => i.text);
    expect(ransomware.find((t) => t.startsWith("Mitarbeitende informieren"))).toContain(
      "(Vorlage „Information an alle Mitarbeitenden“, \uE000vorlage-verschluesselung-mitarbeitende\uE001)",
    );
  });

  it("every template of a type is printed as a form; shared ones once; forms keep their gaps as lines to fill", () => {
    const forms = (id: string) => flatBlocks(page(hb, id).blocks).filter((b) => b.type === "form");
    const ransomware = forms("vorlagen-verschluesselung");
    expect(ransomware.map((f) => (f.type === "form" ? f.title : ""))).toEqual([
      "Vorlage: Information an alle Mitarbeitenden",
      "Vorlage: Alarmierung IT-Dienstleister",
      "Vorlage: Anzeige bei der Polizei (ZAC) – Checkliste",
      "Vorlage: Stellungnahme für Presse und Öffentlichkeit",
    ]);
    const police = ransomware[2]!;
    if (police.type !== "form") throw new Error("form expected");
    expect(police.body).toContain("Geforderter Betrag und Zahlungsadresse (z. B. Bitcoin-Adresse): [[Betrag und Adresse]]");
    // the organisation file fills what it knows; the incident's facts are lines to fill by hand
    expect(police.body).toContain("An: LKA Berlin – Zentrale Ansprechstelle Cybercrime (ZAC), Telefon +49 30 4567890-0");
    expect(police.body).toContain("Zuerst bemerkt: [[Wann ist es passiert oder zuerst aufgefallen?]]");
    expect(police.meta).toContain("Geht nach außen: erst nach Freigabe durch die Koordination senden");
    const shared = forms("vorlagen-gemeinsam").map((f) => (f.type === "form" ? f.title : ""));
    expect(shared).toContain("Vorlage: Meldung einer Datenpanne an die Datenschutzbehörde (Art. 33 DSGVO)");
    expect(shared.some((t) => /NIS2/.test(t))).toBe(false); // the practice is not in scope of NIS2
    // a template several types share is printed once, saying which types it belongs to
    const insurer = forms("vorlagen-gemeinsam").find(
      (f) => f.type === "form" && f.title === "Vorlage: Schadenmeldung an die Cyber-Versicherung",
    );
    expect(insurer?.type === "form" && insurer.meta.at(-1)).toMatch(
      /^Gehört zu: Verschlüsselung durch Erpressersoftware \(Ransomware\), CEO-Fraud/,
    );
    // a shared template is not printed again with every type
    expect(textOf(page(hb, "vorlagen-ceo-fraud").blocks)).not.toContain("Meldung einer Datenpanne an die Datenschutzbehörde");
  });

  it("conditions are spelled out; NIS2 tasks only for organisations with nis2: true", () => {
    const md = handbookMarkdown({ playbooks, config: praxis, now: NOW });
    expect(md).toContain("nur wenn:");
    const nis2 = playbooks.flatMap((pb) => pb.tasks.filter((t) => t.when?.config === "nis2"));
    expect(nis2.length).toBeGreaterThan(0);
    const kmuMd = handbookMarkdown({ playbooks, config: kmu, now: NOW });
    for (const t of nis2) {
      const start = head(loc(t.text)).slice(0, 40);
      expect(md).not.toContain(start);
      expect(kmuMd).toContain(start.replace(/[*_`\\<>]/g, (c) => `\\${c}`));
    }
    // Without an organisation file nothing is known, so conditional tasks stay in, with their condition.
    expect(handbookMarkdown({ playbooks, config: undefined, now: NOW })).toContain("wenn NIS2 gilt");
  });

  it("the contact page has the internal number, roles, external bodies and the phone list", () => {
    const md = handbookMarkdown({ playbooks, config: praxis, now: NOW });
    const contacts = md.slice(md.indexOf("## Notfallkontakte"), md.indexOf("## Wiederanlauf-Reihenfolge"));
    expect(contacts).toContain("> **Interne IT-Notfallnummer: +49 170 1234567**");
    expect(contacts).toContain("- **IT-Notfall-Koordination:** Dr. med. Erika Musterfrau, +49 170 1234567");
    // the emergency plan's role table (#19): holder and deputies, each with the numbers to call
    expect(contacts).toContain("- **Technischer Kontakt:** Jonas Muster, +49 172 1234567 · Vertretung: Tobias Techniker, +49 173 1234567");
    expect(contacts).toContain("| IT-Dienstleister | Beispiel IT-Service GmbH | +49 30 2345678-9 |");
    expect(contacts).toContain("| Bank | Beispielbank Berlin | +49 30 5678901-0 |");
    expect(contacts).toContain("| Beispiel Trust Center | Sperrhotline für eHBA und SMC-B (24/7) | 0800 3456789 |");
    expect(contacts).toContain("Besondere Bedingungen der Versicherung:");
    expect(contacts).toContain("BSI Service-Center (Beratung bei Cyberangriffen): 0800 274 1000");
    expect(contacts).not.toContain("[[");
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

  it("the log sheet and the call sheet: columns to fill in, every body to call with its number", () => {
    const log = flatBlocks(page(hb, "protokoll").blocks).find((b) => b.type === "table");
    expect(log?.type === "table" && log.columns.map((c) => c.title)).toEqual([
      "Uhrzeit",
      "Wer",
      "Was ist passiert, was wurde getan?",
      "Entscheidung (mit Grund)",
    ]);
    expect(log?.type === "table" && log.blank?.pages).toBe(2);
    const calls = flatBlocks(page(hb, "kontaktblatt").blocks).find((b) => b.type === "table");
    if (calls?.type !== "table") throw new Error("table expected");
    expect(calls.rows.map((r) => r[1])).toEqual(
      expect.arrayContaining([
        "+49 30 2345678-9",
        "+49 30 3456789-0",
        "+49 30 1234567-80",
        "+49 30 4567890-0",
        "0800 4567890",
        "+49 30 5678901-0",
      ]),
    );
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

  it("Markdown shows no HTML entities; angle brackets and markup characters are escaped with a backslash", () => {
    for (const config of [praxis, undefined]) {
      const md = handbookMarkdown({ playbooks, config, now: NOW });
      expect(md).not.toMatch(/&(?:lt|gt|amp|quot|apos|nbsp|#\d+);/);
      expect(md).toContain(config ? "Hausarztpraxis" : "[[Name der Praxis / Firma]]");
    }
    const pb = Playbook.parse({
      id: "test-zeichen",
      title: "Test <Zeichen> & Co",
      summary: "a < b > c",
      triggers: ["test"],
      level: "stoerung",
      tasks: [{ id: "a", phase: "erkennung", role: "koordinator", text: "Datei <name>.txt prüfen", why: "weil" }],
    });
    const md = handbookMarkdown({ playbooks: [pb], config: praxis, now: NOW });
    expect(md).toContain("## Test \\<Zeichen\\> & Co");
    expect(md).toContain("Datei \\<name\\>.txt prüfen");
    expect(md).not.toMatch(/&(?:lt|gt|amp);/);
  });

  it("example data in the organisation file: a banner in the Markdown and the fields on the cover", () => {
    const md = handbookMarkdown({ playbooks, config: praxis, now: NOW, examples: ["name", "phone"] });
    expect(md).toContain("> **BEISPIELDATEN – nicht für den Ernstfall**");
    expect(md).toContain("Beispieldaten aus der Vorlage (name, phone)");
    expect(handbookMarkdown({ playbooks, config: praxis, now: NOW })).not.toContain("BEISPIELDATEN");
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
