import { describe, expect, it } from "vitest";
import { MIN_PLAUSIBLE_MS, pointsOf, scoreDrill } from "../../src/core/drill-score.ts";
import type { IncidentContext } from "../../src/machines/machine.ts";
import { Playbook } from "../../src/machines/schema.ts";

const task = (id: string, phase: string, critical = true, ziel = "PT5M") => ({
  id,
  phase,
  role: "koordinator",
  text: id,
  why: "w",
  critical,
  ...(critical ? { ziel } : {}),
});
const pb = Playbook.parse({
  id: "mini",
  title: "Mini",
  summary: "Kurz",
  triggers: ["mini"],
  level: "stoerung",
  tasks: [task("a", "erkennung"), task("b", "sofort"), task("c", "sofort"), task("d", "sofort", false), task("e", "eindaemmung")],
});
const T0 = Date.parse("2026-03-02T08:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** A drill in Sofortmaßnahmen where `reports` (seconds after the declaration, task ids, note) were made by anna. */
function drill(reports: { s: number; ids: string[]; note?: string }[], shownAt = 0) {
  const tasks: IncidentContext["tasks"] = {};
  for (const r of reports)
    for (const id of r.ids)
      tasks[id] = { state: "erledigt", doneBy: "anna", doneAt: at(r.s * 1000), ...(r.note ? { reason: r.note } : {}) };
  const ctx: IncidentContext = {
    playbookId: "mini",
    level: "stoerung",
    drill: true,
    flags: { nis2: false, insurer: false },
    roles: { koordinator: "anna" },
    tasks,
    answers: {},
    phases: [
      { phase: "erkennung", enteredAt: at(0), leftAt: at(1000) },
      { phase: "sofort", enteredAt: at(1000) },
    ],
  };
  const started = Object.fromEntries(["a", "b", "c", "d"].map((id) => [id, at(0)]));
  const shown = Object.fromEntries(["a", "b", "c", "d"].map((id) => [id, at(shownAt * 1000)]));
  return scoreDrill(pb, ctx, { started, shown });
}
const outcomes = (s: ReturnType<typeof scoreDrill>) => Object.fromEntries(s.results.map((r) => [r.task.id, r.outcome]));

describe("scoreDrill: the pace rule of docs/drills.md", () => {
  it("erledigt a, b, c two minutes after they were shown counts all three", () => {
    expect(outcomes(drill([{ s: 120, ids: ["a", "b", "c"] }]))).toEqual({ a: "on-time", b: "on-time", c: "on-time", e: "not-reached" });
  });

  it("everything in the first seconds counts for nothing; 31 seconds later, one task", () => {
    expect(outcomes(drill([{ s: 5, ids: ["a", "b", "c", "d", "e"] }]))).toEqual({
      a: "too-fast",
      b: "too-fast",
      c: "too-fast",
      e: "unseen",
    });
    const later = drill([{ s: MIN_PLAUSIBLE_MS / 1000 + 1, ids: ["a", "b", "c", "d"] }]);
    expect(later.count("on-time")).toBe(1);
    expect(later.count("too-fast")).toBe(2);
  });

  it("a person's reports share one budget: one task per 30 s since the tasks were shown, unless with evidence", () => {
    const s = drill([
      { s: 35, ids: ["a"] },
      { s: 40, ids: ["b"] },
      { s: 45, ids: ["c"], note: "Kabel gezogen, Lämpchen aus" },
    ]);
    expect(outcomes(s)).toEqual({ a: "on-time", b: "too-fast", c: "on-time", e: "not-reached" });
    // two tasks done and reported ten seconds apart, a minute in: both count
    expect(
      outcomes(
        drill([
          { s: 60, ids: ["a"] },
          { s: 70, ids: ["b"] },
        ]),
      ),
    ).toMatchObject({ a: "on-time", b: "on-time" });
  });

  it("a task reported before it was shown does not count, even with a note", () => {
    const s = drill([{ s: 100, ids: ["a"], note: "Kabel gezogen, Lämpchen aus" }], 200);
    expect(outcomes(s).a).toBe("unseen");
  });

  it("late tasks get the share of the target in the time taken; the score is out of the counted tasks", () => {
    const s = drill([
      { s: 600, ids: ["a"] },
      { s: 1200, ids: ["b"] },
    ]);
    expect(outcomes(s)).toEqual({ a: "late", b: "late", c: "missed", e: "not-reached" });
    expect(s.results.map(pointsOf)).toEqual([0.5, 0.25, 0, 0]);
    expect(s.counted).toBe(3);
    expect(s.percent).toBe(25);
  });
});
