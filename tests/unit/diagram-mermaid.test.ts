import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { numberedTasks } from "../../src/machines/conditions.ts";
import { durationWords, mermaidFor, phaseEdges, phaseTaskCounts } from "../../src/machines/diagram.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { createIncidentMachine, startIncident, step } from "../../src/machines/machine.ts";
import { PHASES, Playbook, WORK_PHASES } from "../../src/machines/schema.ts";
import { germanIn } from "../helpers/german.ts";

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

const tinyWithDeadline = Playbook.parse({
  id: "mini",
  title: "Mini",
  summary: "Kurz",
  triggers: ["mini"],
  level: "stoerung",
  defaults: { daten: "unklar" },
  questions: [{ id: "daten", kind: "yesno", text: "Daten betroffen?" }],
  tasks: [
    { id: "a", phase: "erkennung", role: "koordinator", text: "Kabel ziehen. Danach melden.", why: "w", critical: true, ziel: "PT5M" },
    { id: "b", phase: "erkennung", role: "technik", text: "B", why: "w" },
    { id: "c", phase: "sofort", role: "technik", text: "C", why: "w", when: { config: "nis2" } },
    {
      id: "d",
      phase: "eindaemmung",
      role: "kommunikation",
      text: "Behörde informieren",
      why: "w",
      critical: true,
      ziel: "PT24H",
      when: { question: "daten", answer: ["ja", "unklar"] },
      fulfils: "meldung",
    },
  ],
  deadlines: [
    { id: "meldung", title: "Meldung", basis: "Gesetz", when: { question: "daten", answer: ["ja", "unklar"] }, within: "PT72H" },
    { id: "folge", title: "Folgemeldung", basis: "Gesetz", from: "deadline", after: "meldung", within: "P1M" },
  ],
});

describe("mermaidFor", () => {
  it("renders a stateDiagram-v2 of the six phases with German names and task counts", () => {
    const d = mermaidFor(tiny);
    const lines = d.split("\n");
    expect(lines[0]).toBe("stateDiagram-v2");
    expect(d).toContain('  state "Erkennung & Einschätzung (2 Aufgaben, 1 wichtig)" as erkennung');
    expect(d).toContain('  state "Sofortmaßnahmen (1 Aufgabe, 1 nur unter Bedingung)" as sofort');
    expect(d).toContain('  state "Eindämmung & Analyse (keine Aufgaben)" as eindaemmung');
    expect(d).toContain('  state "Wiederherstellung (keine Aufgaben)" as wiederherstellung');
    expect(d).toContain('  state "Nachbereitung (keine Aufgaben)" as nachbereitung');
    expect(d).toContain('  state "Abgeschlossen" as abgeschlossen');
    expect(d).toContain("  [*] --> erkennung");
    expect(d).toContain("  abgeschlossen --> [*]");
    expect(phaseTaskCounts(tiny, "erkennung")).toEqual({ total: 2, critical: 1, conditional: 0 });
  });

  it("the normal path: weiter when the important tasks are done; moving on or closing with a reason in one note", () => {
    const d = mermaidFor(tiny);
    for (let i = 0; i < WORK_PHASES.length; i++) {
      const from = WORK_PHASES[i]!;
      expect(d).toContain(`  ${from} --> ${PHASES[i + 1]!} : weiter [wichtige Aufgaben erledigt]`);
      expect(d).not.toContain(`  ${from} --> ${PHASES[i + 1]!} : weiter ‹Begründung›`);
    }
    expect(d).toContain("  nachbereitung --> abgeschlossen : abschließen [wichtige Aufgaben erledigt]");
    expect(d).toContain(
      "  note left of abgeschlossen : Aus jeder Phase weiter ‹Begründung› auch mit offenen wichtigen Aufgaben (wird protokolliert), abschließen ‹Grund›, z. B. Fehlalarm",
    );
    // the note stands for edges the machine really has, from every work phase
    const side = phaseEdges(tiny).filter((e) => e.guard === "hasReason");
    for (const phase of WORK_PHASES) {
      expect(side.some((e) => e.from === phase && e.event === "ADVANCE")).toBe(true);
      expect(side.some((e) => e.from === phase && e.event === "CLOSE")).toBe(true);
    }
  });

  it("shows the critical tasks per phase and role with number, target time and condition", () => {
    const d = mermaidFor(tinyWithDeadline);
    expect(d).toContain("  state erkennung {");
    expect(d).toContain('    state "Koordination" as erkennung_koordinator');
    expect(d).toContain("    erkennung_koordinator : 1. Kabel ziehen · Ziel 5 min");
    expect(d).toContain('    state "Kommunikation" as eindaemmung_kommunikation');
    expect(d).toContain("    eindaemmung_kommunikation : 4. Behörde informieren · Ziel 24 h · nur wenn daten = ja/unklar");
    // non-critical tasks are only counted
    expect(d).not.toMatch(/_technik : /);
    expect(d).not.toContain("state sofort {");
  });

  it("shows the deadlines: how long, what starts them, which task meets them", () => {
    const d = mermaidFor(tinyWithDeadline);
    expect(d).toContain('  state "Fristen – Dauer, was sie startet, womit erfüllt" as fristen');
    expect(d).toContain(
      "  fristen : Meldung – 72 h, läuft ab Kenntnisnahme, sobald daten = ja/unklar (vorsorglich ab Meldung, Vorgabe daten = unklar), erfüllt mit Aufgabe 4",
    );
    expect(d).toContain("  fristen : Folgemeldung – 1 Monat, startet, wenn Meldung erfüllt ist");
    expect(mermaidFor(tiny)).not.toContain("fristen");
  });

  it("the twelve playbooks have twelve different diagrams, each with its own critical tasks and targets", () => {
    const bodies = playbooks.map((pb) => mermaidFor(pb).split("\n").slice(2).join("\n"));
    expect(new Set(bodies).size).toBe(playbooks.length);
    for (const pb of playbooks) {
      const d = mermaidFor(pb);
      const critical = pb.tasks.filter((t) => t.critical);
      expect(critical.length, pb.id).toBeGreaterThan(0);
      for (const t of numberedTasks(pb).filter((x) => x.critical)) {
        const line = d.split("\n").find((l) => l.startsWith(`    ${t.phase}_${t.role} : ${t.nr}. `));
        expect(line, `${pb.id} ${t.id}`).toBeDefined();
        expect(line, `${pb.id} ${t.id}`).toContain(`Ziel ${durationWords(t.ziel!)}`);
      }
    }
    // ransomware: pulling the cable within five minutes is in the first phase, for the coordinator
    expect(mermaidFor(playbooks.find((p) => p.id === "verschluesselung")!)).toMatch(
      /\n {4}erkennung_koordinator : \d+\. Betroffene Geräte sofort vom Netz trennen .*· Ziel 5 min/,
    );
  });

  it("has no characters that break Mermaid labels, and every brace is closed", () => {
    for (const pb of playbooks) {
      const d = mermaidFor(pb);
      for (const line of d.split("\n").slice(2)) {
        expect(line.replace(" --> ", " "), pb.id).not.toMatch(/[;<>#]|--/);
        expect(line.startsWith("  "), pb.id).toBe(true);
        // descriptions: exactly one colon, the one after the state id
        if (/^ {2,4}\w+ : /.test(line)) expect(line.split(":").length, `${pb.id}: ${line}`).toBe(2);
      }
      expect((d.match(/\{$/gm) ?? []).length, pb.id).toBe((d.match(/^ {2}\}$/gm) ?? []).length);
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

  it("--lang en prints the English diagrams", () => {
    const r = spawnSync(process.execPath, ["bin/notfallbot.mjs", "playbooks", "--diagram", "--lang", "en"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(mermaidFor(playbooks[0]!, "en"));
  });
});

describe("mermaidFor in English", () => {
  /** The state ids (erkennung, sofort_koordinator, fristen …) are Mermaid identifiers nobody reads: not checked. */
  const ID =
    /\b(erkennung|sofort|eindaemmung|wiederherstellung|nachbereitung|abgeschlossen|fristen)(_(koordinator|technik|kommunikation))?\b/g;
  const ids = playbooks.map((p) => p.id);

  it("no German in any of the twelve diagrams (phases, counts, roles, tasks, targets, conditions, deadlines, edges)", () => {
    const leaks: string[] = [];
    for (const pb of playbooks)
      for (const line of mermaidFor(pb, "en").split("\n")) {
        const g = germanIn(line.replace(ID, " "), ids);
        if (g) leaks.push(`${pb.id}: [${g}] ${line}`);
      }
    expect(leaks).toEqual([]);
  });

  it("the same picture as the German one, in English words", () => {
    const d = mermaidFor(tinyWithDeadline, "en");
    expect(d).toContain('  state "Detection & assessment (2 tasks, 1 important)" as erkennung');
    expect(d).toContain("  erkennung --> sofort : next [important tasks done]");
    expect(d).toContain("    eindaemmung_kommunikation : 4. Behörde informieren · target 24 h · only if question 1 = yes/unclear");
    expect(d).toContain(
      "  fristen : Meldung – 72 h, runs from awareness, as soon as question 1 = yes/unclear (as a precaution from the declaration, default question 1 = unclear), met by task 4",
    );
    expect(d).toContain("  fristen : Folgemeldung – 1 month, starts when Meldung is met");
    // the German diagram is unchanged in shape: same lines, other words
    expect(d.split("\n").length).toBe(mermaidFor(tinyWithDeadline).split("\n").length);
  });

  it("a task's first sentence is not cut at an abbreviation (z. B., e. g.)", () => {
    // brand-wasser task 3 read "Menschen, die nicht allein gehen können (z · Ziel 5 min"
    for (const pb of playbooks)
      for (const locale of ["de", "en"] as const)
        for (const line of mermaidFor(pb, locale).split("\n")) {
          const task = /^ {4}\w+ : (\d+\. .*?)(?: · |$)/.exec(line)?.[1];
          if (task) expect(task, `${pb.id} ${locale}`).not.toMatch(/[\s(]\p{L}$/u);
        }
  });
});
