import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_CAPABILITIES } from "../../src/core/adapter.ts";
import { de } from "../../src/core/i18n/de.ts";
import type { TaskRow, TimelineEntry } from "../../src/core/ports.ts";
import type { Loaded } from "../../src/core/state.ts";
import type { ViewEnv } from "../../src/core/views.ts";
import type { Block } from "../../src/handbook/model.ts";
import { pdfText } from "../../src/handbook/pdf-text.ts";
import { buildReport } from "../../src/report/build.ts";
import { berlinAsUtc, timeBarSpec } from "../../src/report/chart.ts";
import { chartSvg } from "../../src/report/chart-svg.ts";
import { reportDocument } from "../../src/report/document.ts";
import type { IncidentReport } from "../../src/report/model.ts";
import { renderReportPdf } from "../../src/report/pdf.ts";
import { REPORT_TEXT } from "../../src/report/text.ts";
import type { CoreBot } from "../core/_bot.ts";
import { FAKE_VERDICT, scriptedIncident } from "./report-scenario.ts";

const t = REPORT_TEXT.de;
const squash = (s: string) => pdfText(s).replace(/\s+/g, "");

async function pagesOf(pdf: Uint8Array): Promise<string[]> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: false });
  return text;
}

describe("incident report for insurer, police and data-protection authority", () => {
  let b: CoreBot;
  let id: string;
  let L: Loaded;
  let entries: TimelineEntry[];
  let tasks: TaskRow[];
  let env: ViewEnv;
  let report: IncidentReport;
  let pages: string[] = [];
  let flat = "";

  beforeAll(async () => {
    ({ b, id } = await scriptedIncident());
    L = (await b.bot.service.incident(id))!;
    entries = await b.timeline();
    tasks = await b.tasks();
    env = { t: de, locale: "de", caps: NO_CAPABILITIES, config: { name: "Hausarztpraxis Test" }, now: b.clock.now() };
    report = buildReport(L, entries, env, tasks);
    pages = await pagesOf(await renderReportPdf(report));
    flat = squash(pages.join("\n"));
  });
  afterAll(async () => {
    await b?.stop();
  });

  it("is built from the export's inputs, purely: same input, same report", () => {
    expect(buildReport(L, entries, env, tasks)).toEqual(report);
    expect(report.id).toBe(id);
    expect(report.org).toBe("Hausarztpraxis Test");
    expect(report.closedAt).toBe("2026-03-02T10:14:00.000Z");
    expect(report.timeline.map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
    expect(report.roles.map((r) => [r.short, r.holder, r.takenAt])).toEqual([
      ["Koordination", "Anna Admin", "2026-03-02T08:00:00.000Z"],
      ["Technik", "Ben Technik", "2026-03-02T08:03:00.000Z"],
      ["Kommunikation", "Cara Kommunikation", "2026-03-02T08:07:00.000Z"],
    ]);
    const dsgvo = report.deadlines.find((d) => d.id === "dsgvo-33");
    expect(dsgvo).toMatchObject({ state: "met", dueAt: "2026-03-05T08:00:00.000Z" });
    expect(report.lessons[0]?.answer).toBe("Phishing-Mail mit Makro; Makros sind jetzt gesperrt");
    expect(report.tasks.skippedWhy.map((s) => s.reason)).toEqual(["Bildschirm war schon schwarz, nichts mehr zu sehen"]);
    expect(report.verification).toEqual({ ok: true, entries: entries.length, head: entries.at(-1)!.hash });
  });

  it("the PDF has the facts, the deadlines and when they were met, the lessons and the measures", () => {
    expect(pages[0]).toContain(`Vorfallsbericht ${id}`);
    for (const s of [
      "Art des Vorfalls: Verschlüsselung durch Erpressersoftware (Ransomware)",
      "Eröffnet: 02.03.2026 09:00",
      "Abgeschlossen: 02.03.2026 11:14",
      "Dauer: 2 h 14 min",
      "Gemeldet von: Anna Admin",
      "Bildschirm zeigt Erpresserschreiben, Dateien auf dem Server enden auf .lockbit",
      "Meldung an die Datenschutzbehörde (Art. 33 DSGVO)",
      "05.03.2026 09:00",
      "eingehalten",
      "Phishing-Mail mit Makro; Makros sind jetzt gesperrt",
      "Bildschirm war schon schwarz, nichts mehr zu sehen",
      "Lehren aus dem Vorfall",
    ]) {
      expect(flat, s).toContain(squash(s));
    }
  });

  it("every kind of timeline entry has a German word in the report (no internal id such as `deadline-met`)", () => {
    const kinds = [...new Set(entries.map((e) => e.kind))];
    expect(kinds).toEqual(expect.arrayContaining(["opened", "aware", "deadline-met"]));
    for (const k of kinds) expect(t.timeline.kinds[k], k).toMatch(/^[A-ZÄÖÜ][a-zäöüß]+( [a-zäöüß]+)?$/);
  });

  it("every timeline entry is a row of the timeline table", () => {
    const all = pages.join("\n");
    const table = squash(all.slice(all.lastIndexOf("\nZeitleiste\n")));
    for (const e of entries) {
      expect(table, `#${e.seq}`).toContain(squash(`${e.seq}${t.time(e.at)}`));
      expect(table, `#${e.seq} ${e.text}`).toContain(squash(e.text).slice(0, 40));
    }
  });

  it("the hash chain's verdict with the final hash, in the box and in every page's footer", () => {
    const head = entries.at(-1)!.hash;
    expect(flat).toContain(squash(`In Ordnung: Alle ${entries.length} Einträge der Zeitleiste sind unverändert.`));
    expect(flat).toContain(head);
    pages.forEach((p, i) => {
      expect(p, `Seite ${i + 1}`).toContain(`${id} · Prüfkette in Ordnung · letzte Prüfsumme ${head}`);
      expect(p, `Seite ${i + 1}`).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
  });

  it("a broken chain is said plainly, with where it breaks; no final hash is vouched for", async () => {
    const tampered = entries.map((e) => (e.seq === 5 ? { ...e, text: `${e.text} (nachträglich geändert)` } : e));
    const broken = buildReport(L, tampered, env, tasks);
    expect(broken.verification).toMatchObject({ ok: false, firstBad: 5 });
    const text = (await pagesOf(await renderReportPdf(broken))).join("\n");
    expect(text).toContain("GEBROCHEN ab Eintrag 5");
    expect(text).not.toContain("Prüfkette in Ordnung");
  });

  it("the time bar: one lane per phase, role and deadline, drawn into the PDF", () => {
    const spec = timeBarSpec(report, t) as { layer: { data: { values: { lane: string }[] } }[] };
    const lanes = new Set(spec.layer.flatMap((l) => l.data.values.map((v) => v.lane)));
    for (const lane of [
      ...report.phases.map((p) => p.name),
      "Koordination",
      "Technik",
      "Kommunikation",
      ...report.deadlines.map((d) => d.title),
    ])
      expect(lanes.has(lane) || [...lanes].some((l) => l.startsWith(lane)), lane).toBe(true);
    // the axis is in Berlin time whatever the machine's zone; the lanes and ticks are text in the PDF
    expect(berlinAsUtc("2026-03-02T08:00:00.000Z")).toBe("2026-03-02T09:00:00Z");
    expect(berlinAsUtc("2026-07-01T08:00:00.000Z")).toBe("2026-07-01T10:00:00Z");
    const chartPage = squash(pages.find((p) => squash(p).includes(squash(t.chart.heading))) ?? "");
    for (const s of ["Sofortmaßnahmen", "Koordination", "Technik", "02.03. 10:00"]) expect(chartPage, s).toContain(squash(s));
  });

  it("on paper the time bar is readable whole: every lane named in full, and its caption on the picture's page", () => {
    // the scenario's deadline lanes are longer than the room on the left ("Meldung an die Datenschutzbehörde
    // (Art. 33 DSGVO) (fällig 05.03.)"); they were cut to "Meldung an die Datenschutz…", and the caption that
    // explains the marks landed alone at the top of page 2
    const chartPage = pages.findIndex((p) => squash(p).includes(squash(t.chart.heading)));
    expect(chartPage).toBeGreaterThanOrEqual(0);
    const page = squash(pages[chartPage]!);
    for (const d of report.deadlines) expect(page, d.title).toContain(squash(d.title));
    expect(page).toContain(squash(t.chart.caption));
    expect(pages[chartPage]).not.toMatch(/\S…/);
    // a due time later than the picture is written beside its lane as the axis writes times, never as an ISO string
    expect(page).toContain(squash("(fällig 05.03. 09:00)"));
    expect(page).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it("the time bar of an incident of ninety seconds: time labels that differ, the last one inside the picture", async () => {
    // the axis read "07.12. 06:41" three times, and the last label was cut at the right edge ("07.12. 06:4")
    const T0 = Date.parse("2026-03-02T08:00:00Z");
    const at = (s: number) => new Date(T0 + s * 1000).toISOString();
    const short: IncidentReport = {
      ...report,
      openedAt: at(0),
      awareAt: at(0),
      closedAt: at(90),
      until: at(90),
      phases: [
        { id: "erkennung", name: "Erkennung & Einschätzung", from: at(0), to: at(40) },
        { id: "sofort", name: "Sofortmaßnahmen", from: at(40), to: at(90) },
      ],
      roles: report.roles.map((x, i) => ({ ...x, takenAt: at(10 * (i + 1)), firstAckAt: at(60) })),
      deadlines: report.deadlines.map((d) => ({ ...d, startedAt: at(0), metAt: undefined, state: "open" as const })),
    };
    const spec = timeBarSpec(short, t) as { width: number; padding: { right: number } };
    const svg = await chartSvg(spec);
    const labels = [
      ...svg.matchAll(/<text text-anchor="(\w+)" transform="translate\(([\d.]+),[\d.]+\)"[^>]*opacity="1">(\d\d[.:][\d.: ]+)<\/text>/g),
    ].map((m) => ({ anchor: m[1]!, x: Number(m[2]), text: m[3]! }));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels.map((l) => l.text)).size, labels.map((l) => l.text).join(" | ")).toBe(labels.length);
    // Helvetica's digits are 0.556 em wide: a centred label ends half its width right of its tick
    for (const l of labels) {
      const half = (0.556 * 8 * l.text.length) / (l.anchor === "middle" ? 2 : 1);
      expect(l.x + (l.anchor === "end" ? 0 : half), l.text).toBeLessThanOrEqual(spec.width + spec.padding.right);
    }
  });

  it("what people typed is printed as data: never as a heading, a fact label or the verification box", () => {
    const doc = reportDocument(report, t, undefined);
    const typed = [
      FAKE_VERDICT,
      report.title,
      report.description!,
      report.closeReason!,
      ...report.lessons.flatMap((l) => (l.answer ? [l.answer] : [])),
      ...report.tasks.skippedWhy.map((s) => s.reason),
      ...report.roles.flatMap((r) => (r.holder ? [r.holder] : [])),
    ];
    const outside: string[] = [];
    const walk = (blocks: Block[]) => {
      for (const bl of blocks) {
        if (bl.type === "group") walk(bl.blocks);
        else if (bl.type === "table") {
          for (const row of bl.rows)
            row.forEach((cell, i) => {
              if (!bl.columns[i]?.data) outside.push(cell);
            });
        } else if (bl.type === "facts") {
          for (const row of bl.rows) {
            outside.push(row.label);
            if (!row.data) outside.push(row.value);
          }
        } else if (bl.type === "callout") outside.push(bl.text, bl.code ?? "");
        else if (bl.type !== "quote" && "text" in bl) outside.push(bl.text);
      }
    };
    walk(doc.pages.flatMap((p) => p.blocks));
    // the title equals the type's title in this scenario; only what differs from fixed words can be told apart
    for (const s of typed.filter((x) => x !== report.type)) {
      const hit = outside.find((o) => o.includes(s));
      expect(hit, s).toBeUndefined();
    }
    // and in the PDF the imitation stays inside the timeline table, the real verdict is the one with the real count
    const body = pages.join("\n");
    expect(body.indexOf("Alle 999 Einträge")).toBeGreaterThan(body.lastIndexOf("\nZeitleiste\n"));
    expect(body.indexOf("Alle 999 Einträge")).toBeLessThan(body.lastIndexOf("\nPrüfkette\n"));
  });

  it("a drill says so on every page", async () => {
    const drill = await pagesOf(await renderReportPdf({ ...report, drill: true }));
    for (const p of drill) expect(p).toContain("ÜBUNG – kein echter Vorfall");
  });

  it("`notfallbot export` writes the PDF next to the Markdown and the JSON", () => {
    const r = spawnSync(process.execPath, ["bin/notfallbot.mjs", "export", id, "--db", b.dbPath], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, NOTFALL_CONFIG: "" },
      cwd: process.cwd(),
    });
    expect(r.status, r.stderr).toBe(0);
    const dir = join(dirname(b.dbPath), "exports");
    for (const ext of ["md", "json", "pdf"]) expect(existsSync(join(dir, `${id}.${ext}`)), ext).toBe(true);
    expect(r.stdout).toContain(`${id}.pdf`);
    const pdf = readFileSync(join(dir, `${id}.pdf`));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const json = JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8")) as { verification: { head: string } };
    return pagesOf(pdf).then((p) => {
      expect(p[0]).toContain(`Vorfallsbericht ${id}`);
      expect(p.join("\n")).toContain(json.verification.head);
    });
  });
});
