import { de } from "../core/i18n/de.ts";
import { createIncidentMachine } from "./machine.ts";
import { PHASES, type Phase, type Playbook } from "./schema.ts";

/** How a guard of the incident machine reads in the diagram. Unknown guards are shown by name, so nothing is hidden. */
const GUARD_LABELS: Record<string, { text: string; kind: "condition" | "argument" }> = {
  phaseDone: { text: "wichtige Aufgaben erledigt", kind: "condition" },
  hasReason: { text: "Begründung", kind: "argument" },
};

/** The chat command behind each phase-changing event. */
const EVENT_COMMANDS: Record<string, { command: string; argument: string }> = {
  ADVANCE: { command: "weiter", argument: "Begründung" },
  CLOSE: { command: "abschließen", argument: "Grund" },
};

/** One edge of the diagram, read from the compiled machine. */
export interface PhaseEdge {
  from: string;
  to: string;
  event: string;
  guard?: string;
  /** The Mermaid label, e.g. `weiter [wichtige Aufgaben erledigt]` or `abschließen ‹Grund›`. */
  label: string;
}

/**
 * The phase-changing transitions of a playbook's machine, in state and event order. Read from the XState machine
 * itself (`machine.states` → each state node's `transitions`), so the diagram shows what the bot really does.
 * Transitions without a target (roles, tasks, answers, escalation) stay inside their phase and are not edges.
 */
export function phaseEdges(pb: Playbook): PhaseEdge[] {
  const machine = createIncidentMachine(pb);
  const edges: PhaseEdge[] = [];
  for (const [key, node] of Object.entries(machine.states)) {
    for (const [event, list] of node.transitions) {
      for (const t of list) {
        const target = t.target?.[0]?.key;
        if (!target || target === key) continue;
        const guard = guardName(t.guard);
        edges.push({ from: key, to: target, event, ...(guard ? { guard } : {}), label: edgeLabel(event, guard) });
      }
    }
  }
  return edges;
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === "string") return guard;
  if (guard && typeof guard === "object" && "type" in guard && typeof guard.type === "string") return guard.type;
  if (typeof guard === "function") return guard.name || "Bedingung";
  return undefined;
}

function edgeLabel(event: string, guard: string | undefined): string {
  const cmd = EVENT_COMMANDS[event] ?? { command: event, argument: "Angabe" };
  if (!guard) return cmd.command;
  const g = GUARD_LABELS[guard];
  if (!g) return `${cmd.command} [${guard}]`;
  // ‹…› instead of <…>: Mermaid would treat <Begründung> as an HTML tag and drop it.
  return g.kind === "argument" ? `${cmd.command} ‹${cmd.argument}›` : `${cmd.command} [${g.text}]`;
}

/** Task counts of one phase: all tasks, critical ones, and those that only apply under a condition. */
export function phaseTaskCounts(pb: Playbook, phase: Phase): { total: number; critical: number; conditional: number } {
  const tasks = pb.tasks.filter((t) => t.phase === phase);
  return { total: tasks.length, critical: tasks.filter((t) => t.critical).length, conditional: tasks.filter((t) => t.when).length };
}

function countText(c: { total: number; critical: number; conditional: number }): string {
  if (c.total === 0) return "keine Aufgaben";
  const parts = [`${c.total} ${c.total === 1 ? "Aufgabe" : "Aufgaben"}`];
  if (c.critical) parts.push(`${c.critical} wichtig`);
  if (c.conditional) parts.push(`${c.conditional} nur unter Bedingung`);
  return parts.join(", ");
}

/** Mermaid-safe text: no quotes, semicolons, hashes or angle brackets (they end labels or start entities). */
function safe(text: string): string {
  return text.replace(/["]/g, "'").replace(/[;#]/g, ",").replace(/</g, "‹").replace(/>/g, "›");
}

/**
 * A Mermaid `stateDiagram-v2` of the playbook's compiled phases: one state per phase with its task counts, the
 * `weiter` transitions (normally when the important tasks are done, otherwise with a reason that is recorded),
 * and `abschließen ‹Grund›` from every phase.
 */
export function mermaidFor(pb: Playbook): string {
  const machine = createIncidentMachine(pb);
  const lines = ["stateDiagram-v2", `  %% Playbook ${pb.id}: aus der XState-Maschine erzeugt (src/machines/diagram.ts)`];
  const keys = Object.keys(machine.states);
  for (const key of keys) {
    const name = (de.phaseName as Record<string, string>)[key] ?? key;
    lines.push(`  state "${safe(name)}" as ${key}`);
  }
  for (const key of keys) {
    if ((PHASES as readonly string[]).includes(key) && key !== "abgeschlossen") {
      lines.push(`  ${key} : ${safe(countText(phaseTaskCounts(pb, key as Phase)))}`);
    }
  }
  const initial = machine.root.initial?.target?.[0]?.key;
  if (initial) lines.push(`  [*] --> ${initial}`);
  for (const e of phaseEdges(pb)) lines.push(`  ${e.from} --> ${e.to} : ${safe(e.label)}`);
  for (const key of keys) if (machine.states[key]?.type === "final") lines.push(`  ${key} --> [*]`);
  return lines.join("\n");
}
