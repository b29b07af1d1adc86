import { describe, expect, it } from "vitest";
import { matchPlaybooks } from "../../src/core/match/index.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { AMBIGUOUS, CORPUS, FRESH } from "./match-corpus.ts";

const playbooks = loadPlaybooks().list();

type Outcome = "opened right" | "asked, right first" | "opened wrong" | "asked, wrong first" | "unmatched";

function outcome(text: string, id: string): Outcome {
  const m = matchPlaybooks(text, playbooks);
  if (m.verdict === "open") return m.id === id ? "opened right" : "opened wrong";
  if (m.verdict === "none") return "unmatched";
  return m.candidates[0]?.id === id ? "asked, right first" : "asked, wrong first";
}

describe("the corpus of everyday phrasings (tests/unit/match-corpus.ts)", () => {
  const rows = Object.entries(CORPUS).flatMap(([id, phrases]) => phrases.map((text) => ({ id, text, outcome: outcome(text, id) })));
  const count = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
  const pct = (n: number) => `${((100 * n) / rows.length).toFixed(1)} %`;

  it("has twenty phrasings for every playbook, and only for playbooks that exist", () => {
    expect(Object.keys(CORPUS).sort()).toEqual(playbooks.map((p) => p.id).sort());
    for (const [id, phrases] of Object.entries(CORPUS)) expect(phrases.length, id).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeGreaterThanOrEqual(240);
  });

  it("never opens a wrong playbook, and is right (opened, or asked with it first) for at least 95 %", () => {
    const right = count("opened right") + count("asked, right first");
    const report = [
      `corpus: ${rows.length} phrasings`,
      `  opened right        ${String(count("opened right")).padStart(3)}  ${pct(count("opened right"))}`,
      `  asked, right first  ${String(count("asked, right first")).padStart(3)}  ${pct(count("asked, right first"))}`,
      `  opened wrong        ${String(count("opened wrong")).padStart(3)}  ${pct(count("opened wrong"))}`,
      `  asked, wrong first  ${String(count("asked, wrong first")).padStart(3)}  ${pct(count("asked, wrong first"))}`,
      `  unmatched           ${String(count("unmatched")).padStart(3)}  ${pct(count("unmatched"))}`,
      `  right (opened + asked first): ${pct(right)}`,
    ];
    console.log(report.join("\n"));
    const misses = rows.filter((r) => r.outcome !== "opened right" && r.outcome !== "asked, right first");
    if (misses.length) console.log(`not right:\n${misses.map((r) => `  [${r.id}] ${r.text} → ${r.outcome}`).join("\n")}`);
    expect(rows.filter((r) => r.outcome === "opened wrong").map((r) => `${r.text} (${r.id})`)).toEqual([]);
    expect(right / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it("is mostly not a lookup: under 5 % of the phrasings equal a trigger or symptom phrase word for word", () => {
    // the overlaps are how people say it and were triggers before ("es brennt", "ceo fraud"), or wording that both
    // the corpus and the playbook take from the summary, the issue or a source ("Dateien lassen sich nicht mehr öffnen")
    const fold = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
    const cues = new Set(
      playbooks.flatMap((p) => [...p.triggers, ...p.anzeichen.map((a) => (typeof a === "string" ? a : a.de))].map(fold)),
    );
    const copied = rows.filter((r) => cues.has(fold(r.text)));
    console.log(`word for word in a playbook: ${copied.length} (${copied.map((r) => r.text).join(" · ")})`);
    expect(copied.length / rows.length).toBeLessThan(0.05);
  });
});

describe("fresh phrasings written from the titles only (tests/unit/match-corpus.ts, FRESH)", () => {
  it("none opens a wrong playbook, and nearly all (at least 80 %) open the right one or ask with it first", () => {
    const rows = Object.entries(FRESH).flatMap(([id, phrases]) => phrases.map((text) => ({ id, text, outcome: outcome(text, id) })));
    expect(Object.keys(FRESH).sort()).toEqual(playbooks.map((p) => p.id).sort());
    const count = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
    const right = count("opened right") + count("asked, right first");
    console.log(
      `fresh: ${rows.length} phrasings: opened right ${count("opened right")}, asked right first ${count("asked, right first")}, ` +
        `opened wrong ${count("opened wrong")}, asked wrong first ${count("asked, wrong first")}, unmatched ${count("unmatched")}` +
        `\n${rows
          .filter((r) => r.outcome !== "opened right" && r.outcome !== "asked, right first")
          .map((r) => `  [${r.id}] ${r.text} → ${r.outcome}`)
          .join("\n")}`,
    );
    expect(rows.filter((r) => r.outcome === "opened wrong").map((r) => `${r.text} (${r.id})`)).toEqual([]);
    expect(right / rows.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe("ambiguous phrasings ask instead of opening", () => {
  it.each(AMBIGUOUS)("$text", ({ text, among }) => {
    const m = matchPlaybooks(text, playbooks);
    expect(m.verdict, JSON.stringify(m.ranking.slice(0, 3))).toBe("ask");
    expect(m.candidates.length).toBeGreaterThanOrEqual(1);
    expect(m.candidates.length).toBeLessThanOrEqual(3);
    expect(
      m.candidates.some((c) => among.includes(c.id)),
      `${m.candidates.map((c) => c.id)} ∩ ${among}`,
    ).toBe(true);
  });
});
