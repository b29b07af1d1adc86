import { afterEach, describe, expect, it } from "vitest";
import { MIN_PLAUSIBLE_MS } from "../../src/core/drill-score.ts";
import type { TaskRow } from "../../src/core/ports.ts";
import { TestBot } from "../helpers/bot.ts";
import { CoreBot, person } from "./_bot.ts";

let tb: TestBot;
afterEach(async () => {
  await tb?.stop();
});

const MIN = 60_000;

/** Who reports a task in these drills: Ben holds Technik, Anna the other two roles. */
const holder = (t: TaskRow) => (t.role === "technik" ? "ben" : "anna");

async function openDrill(t: TestBot, type = "verschlüsselung"): Promise<string> {
  const before = new Set((await t.storage.listIncidents()).map((r) => r.id));
  await t.command("anna", `übung ${type}`);
  const id = (await t.storage.listIncidents()).find((r) => !before.has(r.id))!.id;
  await t.say("anna", "rolle koordinator");
  await t.say("anna", "rolle technik <@ben>");
  await t.say("anna", "rolle kommunikation");
  return id;
}

/**
 * A drill worked through at a given pace: in each phase the role holders report the open critical tasks one by
 * one, `gap` apart, then the coordinator moves on; at the end the drill is closed. `skip`: task ids skipped with a
 * reason instead.
 */
async function runDrill(t: TestBot, gap: number, opts: { type?: string; skip?: string[] } = {}): Promise<string> {
  const id = await openDrill(t, opts.type);
  for (let guard = 0; guard < 6; guard++) {
    const phase = (await t.storage.getIncident(id))!.phase;
    const open = (await t.storage.tasks(id)).filter(
      (x) => (x.phase === phase || (phase === "erkennung" && x.phase === "sofort")) && x.critical && x.state === "offen",
    );
    for (const task of open) {
      await t.advance(gap);
      if (opts.skip?.includes(task.taskId))
        await t.say(holder(task), `überspringen ${task.nr} Gibt es bei uns nicht, kein Gerät dieser Art`);
      else await t.say(holder(task), `erledigt ${task.nr}`);
    }
    await t.advance(gap);
    if (phase === "nachbereitung") break;
    await t.say("anna", "weiter");
  }
  await t.say("anna", "abschließen");
  expect((await t.storage.getIncident(id))!.closedAt, "drill closed").not.toBeNull();
  return id;
}

const report = (t: TestBot, id: string) => t.texts().find((x) => x.includes(`Auswertung der Übung ${id}`))!;
const percent = (text: string) => Number(/Ergebnis: (\d+) %/.exec(text)![1]);
/** The lines of one section of the report (up to the next bold title or the end). */
function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(title));
  if (i < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (
      !l.startsWith("•") &&
      !l.startsWith("Heute") &&
      !l.startsWith("Nichts") &&
      !l.startsWith("Die erste") &&
      !l.startsWith("Noch keine")
    )
      break;
    out.push(l);
  }
  return out;
}

describe("drills are scored against the target times of the critical tasks", () => {
  it("a fast and a slow run of the same drill score differently; the report shows missed or late first", async () => {
    tb = await new TestBot().start();
    const fast = await runDrill(tb, 40_000);
    const slow = await runDrill(tb, 12 * MIN);
    const f = report(tb, fast);
    const s = report(tb, slow);
    expect(percent(f)).toBeGreaterThanOrEqual(90);
    expect(percent(s)).toBeLessThan(percent(f) - 20);
    // the slow run is late on the five-minute steps, and says by how much
    const lateLines = section(s, "Verpasst oder zu spät");
    expect(lateLines.join("\n")).toMatch(/vom Netz trennen.*zu spät: nach \d+ (min|h).*Ziel 5 min/);
    // the fast run did them in time
    expect(section(f, "Gut gelaufen").join("\n")).toMatch(/vom Netz trennen.*nach \d+ (s|min) \(Ziel 5 min\)/);
    // order: missed/late, then what went well, then the comparison
    expect(s.indexOf("Verpasst oder zu spät")).toBeLessThan(s.indexOf("Gut gelaufen"));
    expect(s.indexOf("Gut gelaufen")).toBeLessThan(s.indexOf("Vergleich mit früheren Übungen"));
  });

  it("erledigt 1 2 … 62, five times in the first seconds, scores nothing", async () => {
    tb = await new TestBot().start();
    const id = await openDrill(tb);
    const all = Array.from({ length: 62 }, (_, i) => i + 1).join(" ");
    for (let i = 0; i < 5; i++) {
      await tb.advance(2_000);
      await tb.say("anna", `erledigt ${all}`);
      await tb.say("anna", "weiter");
    }
    await tb.say("anna", "abschließen");
    const r = report(tb, id);
    expect(percent(r)).toBe(0);
    expect(r).toMatch(/rechtzeitig 0 /);
    const missed = section(r, "Verpasst oder zu spät").join("\n");
    // tasks of later phases were never on screen; the visible ones came seconds after they were shown
    expect(missed).toMatch(/bevor die Aufgabe gezeigt wurde: zählt nicht/);
    expect(missed).toMatch(/nach \d+ s als erledigt gemeldet, ohne Nachweis: zählt nicht/);
    expect(section(r, "Gut gelaufen")).toEqual(["Noch keine wichtige Aufgabe rechtzeitig erledigt."]);
  });

  it("waiting before the bulk report does not help: one task per person per 30 seconds", async () => {
    tb = await new TestBot().start();
    const id = await openDrill(tb);
    const visible = (await tb.storage.tasks(id)).filter((x) => x.phase === "erkennung" || x.phase === "sofort");
    await tb.advance(MIN_PLAUSIBLE_MS + 5_000);
    await tb.say("anna", `erledigt ${visible.map((x) => x.nr).join(" ")}`);
    await tb.say("anna", "abschließen Übung nach den Sofortmaßnahmen beendet");
    const r = report(tb, id);
    expect(r).toMatch(/rechtzeitig 1 ·/);
    expect(r).toMatch(/aus Phasen, die die Übung nicht erreicht hat, zählen nicht/);
  });

  it("a single task reported with evidence counts even when quick; without evidence it does not", async () => {
    tb = await new TestBot().start();
    const id = await openDrill(tb);
    const tasks = await tb.storage.tasks(id);
    const cable = tasks.find((x) => x.taskId === "netzkabel-ziehen")!.nr;
    const stop = tasks.find((x) => x.taskId === "arbeit-stoppen")!.nr;
    await tb.advance(10_000);
    await tb.say("anna", `erledigt ${cable} Kabel am Empfang gezogen, Lämpchen aus`);
    await tb.advance(1_000);
    await tb.say("anna", `erledigt ${stop}`);
    await tb.say("anna", "abschließen Nur die ersten Schritte geübt");
    const r = report(tb, id);
    expect(section(r, "Gut gelaufen").join("\n")).toMatch(new RegExp(`• ${cable}\\. .*nach \\d+ s \\(Ziel 5 min\\)`));
    expect(section(r, "Verpasst oder zu spät").join("\n")).toMatch(new RegExp(`• ${stop}\\. .*ohne Nachweis: zählt nicht`));
  });

  it("a task counts only once the bot had listed it: a role's card, or aufgaben / status", async () => {
    tb = await new TestBot().start();
    const open = async () => {
      const before = new Set((await tb.storage.listIncidents()).map((r) => r.id));
      await tb.command("anna", "übung verschlüsselung");
      const id = (await tb.storage.listIncidents()).find((r) => !before.has(r.id))!.id;
      await tb.say("anna", "rolle koordinator");
      return { id, nr: (await tb.storage.tasks(id)).find((x) => x.taskId === "netz-trennen")!.nr };
    };
    // nobody holds Technik: its card was never posted, the coordinator reports its task by number
    const a = await open();
    await tb.advance(2 * MIN);
    await tb.say("anna", `erledigt ${a.nr}`);
    await tb.say("anna", "abschließen Übung beendet");
    expect(section(report(tb, a.id), "Verpasst oder zu spät").join("\n")).toMatch(
      new RegExp(`• ${a.nr}\\. Alle betroffenen .*bevor die Aufgabe gezeigt wurde: zählt nicht`),
    );
    // the same after asking for all tasks: it was listed, so it counts
    const b = await open();
    await tb.advance(MIN);
    await tb.say("anna", "aufgaben");
    await tb.advance(MIN);
    await tb.say("anna", `erledigt ${b.nr}`);
    await tb.say("anna", "abschließen Übung beendet");
    expect(section(report(tb, b.id), "Gut gelaufen").join("\n")).toMatch(
      new RegExp(`• ${b.nr}\\. Alle betroffenen .*nach 2 min \\(Ziel 15 min\\)`),
    );
  });

  it("the target clock runs from the declaration: taking a role late costs time", async () => {
    tb = await new TestBot().start();
    const before = new Set((await tb.storage.listIncidents()).map((r) => r.id));
    await tb.command("anna", "übung verschlüsselung");
    const id = (await tb.storage.listIncidents()).find((r) => !before.has(r.id))!.id;
    await tb.say("anna", "rolle koordinator");
    const nr = (await tb.storage.tasks(id)).find((x) => x.taskId === "netz-trennen")!.nr;
    await tb.advance(20 * MIN);
    await tb.say("anna", "rolle technik <@ben>");
    await tb.advance(MIN);
    await tb.say("ben", `erledigt ${nr}`);
    await tb.say("anna", "abschließen Übung beendet");
    expect(section(report(tb, id), "Verpasst oder zu spät").join("\n")).toMatch(
      new RegExp(`• ${nr}\\. Alle betroffenen .*zu spät: nach 21 min, Ziel 15 min`),
    );
  });

  it("in a drill an open critical task shows its target on the card; a real incident's cards do not", async () => {
    tb = await new TestBot().start();
    const id = await openDrill(tb);
    const cable = (await tb.storage.tasks(id)).find((x) => x.taskId === "netzkabel-ziehen")!.nr;
    const cardLine = () =>
      tb
        .texts()
        .flatMap((t) => t.split("\n"))
        .findLast((l) => new RegExp(`\\b${cable}\\. .*Betroffene Geräte sofort vom Netz trennen`).test(l))!;
    expect(cardLine()).toMatch(/⏱ Ziel 5 min/);
    await tb.advance(MIN);
    await tb.say("anna", `erledigt ${cable}`);
    expect(cardLine()).not.toMatch(/⏱/);
    await tb.say("anna", "abschließen Übung beendet");
    await tb.command("anna", "verschlüsselung echter Fall");
    await tb.say("anna", "rolle koordinator");
    const realCard = tb.texts().at(-1)!;
    expect(realCard).toMatch(/Betroffene Geräte sofort vom Netz trennen/);
    expect(realCard).not.toMatch(/⏱ Ziel/);
  });

  it("a skip with a reason is not a failure", async () => {
    tb = await new TestBot().start();
    const plain = await runDrill(tb, 40_000);
    const skipped = await runDrill(tb, 40_000, { skip: ["hart-ausschalten"] });
    const r = report(tb, skipped);
    expect(section(r, "Bewusst übersprungen (kein Fehler)").join("\n")).toMatch(
      /Läuft die Verschlüsselung sichtbar weiter.*Grund: Gibt es bei uns nicht/,
    );
    expect(section(r, "Verpasst oder zu spät").join("\n")).not.toMatch(/Läuft die Verschlüsselung sichtbar weiter/);
    expect(r).toMatch(/begründet übersprungen 1/);
    // out of one task fewer, not a lower score
    const counted = (text: string) => Number(/von (\d+) wichtigen Aufgaben/.exec(text)![1]);
    expect(counted(r)).toBe(counted(report(tb, plain)) - 1);
    expect(percent(r)).toBeGreaterThanOrEqual(percent(report(tb, plain)));
  });

  it("the second drill of a type is compared with the first (same team, same type; real incidents and other types left out)", async () => {
    tb = await new TestBot().start();
    const first = await runDrill(tb, 12 * MIN);
    const firstReport = report(tb, first);
    expect(section(firstReport, "Vergleich mit früheren Übungen")).toEqual([
      "Die erste Übung dieser Art: Beim nächsten Mal steht hier der Vergleich.",
    ]);
    // a real incident of the same type and a drill of another type in between
    await tb.command("anna", "verschlüsselung echter Fall");
    await tb.say("anna", "abschließen Fehlalarm");
    await runDrill(tb, 40_000, { type: "stromausfall" });
    const second = await runDrill(tb, 40_000);
    const r = report(tb, second);
    const cmp = section(r, "Vergleich mit früheren Übungen");
    const delta = percent(r) - percent(firstReport);
    expect(delta).toBeGreaterThan(0);
    expect(cmp[0]).toBe(
      `Heute: ${percent(r)} % · ${/(\d+ von \d+ wichtigen Aufgaben rechtzeitig)/.exec(r)![1]} (+${delta} Prozentpunkte gegenüber der letzten Übung)`,
    );
    expect(cmp).toHaveLength(2);
    expect(cmp[1]).toMatch(new RegExp(`^• ${first} vom .*: ${percent(firstReport)} %`));
    // each task line says how it went last time
    expect(section(r, "Gut gelaufen").join("\n")).toMatch(/vom Netz trennen.*· letzte Übung: \d+ (min|h)/);
  });

  it("speaks English with --lang en", async () => {
    tb = await new TestBot({ locale: "en" }).start();
    const id = await runDrill(tb, 40_000);
    const r = tb.texts().find((x) => x.includes(`Drill evaluation ${id}`))!;
    expect(r).toMatch(/Result: \d+ % · \d+ of \d+ important tasks on time/);
    expect(r).toMatch(/Missed or late/);
    expect(r).toMatch(/Went well/);
    expect(r).toMatch(/The first drill of this kind/);
  });
});

describe("the export of a drill carries its evaluation", () => {
  let b: CoreBot | undefined;
  afterEach(async () => {
    await b?.stop();
    b = undefined;
  });

  it("Markdown: the evaluation after the summary, without a comparison (the export loads no other incidents)", async () => {
    b = await CoreBot.start();
    const anna = person("anna");
    const id = await b.open(anna, "übung verschlüsselung");
    await b.send(anna, "rolle koordinator");
    const cable = (await b.tasks()).find((x) => x.taskId === "netzkabel-ziehen")!.nr;
    await b.clock.advance(2 * MIN);
    await b.send(anna, `erledigt ${cable}`);
    await b.send(anna, "abschließen Übung nach dem ersten Schritt beendet");
    await b.send(anna, "export");
    const md = b.exported.get(`${id}.md`)!;
    const evaluation = md.slice(md.indexOf("## Auswertung der Übung"));
    expect(md.indexOf("## Zusammenfassung")).toBeLessThan(md.indexOf("## Auswertung der Übung"));
    expect(evaluation).toMatch(/- Ergebnis: \d+ % · 1 von \d+ wichtigen Aufgaben rechtzeitig/);
    expect(evaluation).toMatch(/Gut gelaufen\n {2}- 2\\\. Betroffene Geräte sofort vom Netz trennen.*nach 2 min \(Ziel 5 min\)/);
    expect(evaluation).not.toMatch(/Vergleich mit früheren Übungen/);
  });
});
