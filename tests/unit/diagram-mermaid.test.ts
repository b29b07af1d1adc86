import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { mermaidFor, phaseEdges, phaseTaskCounts } from "../../src/machines/diagram.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { createIncidentMachine, startIncident, step } from "../../src/machines/machine.ts";
import { PHASES, Playbook, WORK_PHASES } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();

const tiny = Playbook.parse({
  id: "mini",
  title: "Mini",
  summary: "Kurz",
  triggers: ["mini"],
  level: "stoerung",
  tasks: [
    { id: "a", phase: "erkennung", role: "koordinator", text: "A", why: "w", critical: true },
    { id: "b", phase: "erkennung", role: "technik", text: "B", why: "w" },
    { id: "c", phase: "sofort", role: "technik", text: "C", why: "w", when: { config: "nis2" } },
  ],
});

describe("mermaidFor", () => {
  it("renders a stateDiagram-v2 of the six phases with German names", () => {
    const d = mermaidFor(tiny);
    const lines = d.split("\n");
    expect(lines[0]).toBe("stateDiagram-v2");
    expect(d).toContain('  state "Erkennung & Einschätzung" as erkennung');
    expect(d).toContain('  state "Sofortmaßnahmen" as sofort');
    expect(d).toContain('  state "Eindämmung & Analyse" as eindaemmung');
    expect(d).toContain('  state "Wiederherstellung" as wiederherstellung');
    expect(d).toContain('  state "Nachbereitung" as nachbereitung');
    expect(d).toContain('  state "Abgeschlossen" as abgeschlossen');
    expect(d).toContain("  [*] --> erkennung");
    expect(d).toContain("  abgeschlossen --> [*]");
  });

  it("shows task counts per phase", () => {
    const d = mermaidFor(tiny);
    expect(d).toContain("  erkennung : 2 Aufgaben, 1 wichtig");
    expect(d).toContain("  sofort : 1 Aufgabe, 1 nur unter Bedingung");
    expect(d).toContain("  eindaemmung : keine Aufgaben");
    expect(phaseTaskCounts(tiny, "erkennung")).toEqual({ total: 2, critical: 1, conditional: 0 });
  });

  it("each work phase: weiter with the guard, weiter with a reason, abschließen with a reason", () => {
    const d = mermaidFor(tiny);
    for (let i = 0; i < WORK_PHASES.length; i++) {
      const from = WORK_PHASES[i]!;
      const next = PHASES[i + 1]!;
      expect(d).toContain(`  ${from} --> ${next} : weiter [wichtige Aufgaben erledigt]`);
      expect(d).toContain(`  ${from} --> ${next} : weiter ‹Begründung›`);
      expect(d).toContain(`  ${from} --> abgeschlossen : abschließen ‹Grund›`);
    }
    // From the review phase, closing also works without a reason once its important tasks are done.
    expect(d).toContain("  nachbereitung --> abgeschlossen : abschließen [wichtige Aufgaben erledigt]");
  });

  it("has no characters that break Mermaid labels", () => {
    for (const pb of playbooks) {
      for (const line of mermaidFor(pb).split("\n").slice(2)) {
        expect(line.replace(" --> ", " "), pb.id).not.toMatch(/[;<>#]/);
        expect(line.startsWith("  "), pb.id).toBe(true);
      }
    }
  });
});

describe("phaseEdges is read from the XState machine, so the diagram stays true", () => {
  it("every edge is a transition the machine really takes", () => {
    const pb = playbooks[0]!;
    const machine = createIncidentMachine(pb);
    const input = {
      playbookId: pb.id,
      level: pb.level,
      drill: false,
      flags: { nis2: false, insurer: false },
      openedAt: "2026-03-02T08:00:00Z",
    };
    for (const e of phaseEdges(pb)) {
      // Drive a fresh incident to the edge's source phase with overrides, then fire the edge's event.
      let snap = startIncident(machine, input);
      for (let n = 0; String(snap.value) !== e.from && n < PHASES.length; n++)
        snap = step(machine, snap, { type: "ADVANCE", by: "k", at: "2026-03-02T08:01:00Z", reason: "Test" });
      const withReason = e.guard === "hasReason";
      const event = e.event === "CLOSE" ? "CLOSE" : "ADVANCE";
      if (!withReason) {
        // Guard "phaseDone": finish the phase's critical tasks first (none may stay open).
        for (const t of pb.tasks.filter((x) => x.phase === e.from && x.critical)) {
          snap = step(machine, snap, { type: "TASK", taskId: t.id, to: "erledigt", by: "t", at: "2026-03-02T08:02:00Z" });
        }
      }
      const next = step(machine, snap, {
        type: event,
        by: "k",
        at: "2026-03-02T08:03:00Z",
        ...(withReason ? { reason: "Fehlalarm" } : {}),
      });
      expect(String(next.value), `${e.from} --${e.label}--> ${e.to}`).toBe(e.to);
    }
  });

  it("every phase is reachable and closing is reachable from every phase", () => {
    for (const pb of playbooks) {
      const edges = phaseEdges(pb);
      for (const phase of PHASES.slice(1))
        expect(
          edges.some((e) => e.to === phase),
          `${pb.id} → ${phase}`,
        ).toBe(true);
      for (const phase of WORK_PHASES)
        expect(
          edges.some((e) => e.from === phase && e.to === "abgeschlossen" && e.event === "CLOSE"),
          `${pb.id}: ${phase}`,
        ).toBe(true);
    }
  });
});

describe("notfallbot playbooks --diagram (real CLI)", () => {
  it("prints one Mermaid block per playbook", () => {
    const r = spawnSync(process.execPath, ["bin/notfallbot.mjs", "playbooks", "--diagram"], { encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(0);
    const blocks = r.stdout.match(/```mermaid\nstateDiagram-v2\n/g) ?? [];
    expect(blocks.length).toBe(playbooks.length);
    expect(r.stdout).toContain(mermaidFor(playbooks[0]!));
  });
});
