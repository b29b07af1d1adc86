import { de } from "../core/i18n/de.ts";
import { holds, numberedTasks } from "./conditions.ts";
import { createIncidentMachine } from "./machine.ts";
import { type Condition, type Deadline, loc, type Phase, type Playbook, ROLES, type RoleId, WORK_PHASES } from "./schema.ts";

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

/** Mermaid-safe text: no quotes, semicolons, hashes, braces, angle brackets or `--` (they end labels or split states). */
function safe(text: string): string {
  return (
    text
      .replace(/["]/g, "'")
      .replace(/[;#]/g, ",")
      .replace(/</g, "‹")
      .replace(/>/g, "›")
      .replace(/[{}]/g, "")
      .replace(/-{2,}/g, "–")
      // a colon would start a second description inside a description line
      .replace(/\s*:\s*/g, " – ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** The first sentence of a task, cut at a word near `max` characters. */
function short(text: string, max = 60): string {
  const first = text.split(/(?<=[.!?])\s/)[0]!.replace(/[.]$/, "");
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 2);
  return `${cut
    .slice(0, Math.max(cut.lastIndexOf(" "), max / 2))
    .replace(/[,;:–-]+$/, "")
    .trimEnd()} …`;
}

/** "PT5M" → "5 min", "P1D" → "1 Tag", "P1M" → "1 Monat". */
export function durationWords(iso: string): string {
  const m = /^P(?:(\d+)M(?=$|T|\d))?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return iso;
  const parts: string[] = [];
  if (m[1]) parts.push(`${m[1]} ${m[1] === "1" ? "Monat" : "Monate"}`);
  if (m[2]) parts.push(`${m[2]} ${m[2] === "1" ? "Tag" : "Tage"}`);
  if (m[3]) parts.push(`${m[3]} h`);
  if (m[4]) parts.push(`${m[4]} min`);
  return parts.join(" ") || iso;
}

const CONFIG_WORDS: Record<string, string> = {
  nis2: "NIS2 im Organisationsfile",
  insurer: "Cyber-Versicherung eingetragen",
  praxis: "Praxis",
};

/** A condition in a few words, joined with "und": `personenbezogen = ja/unklar und Stufe ab Krise`. */
function conditionWords(c: Condition | undefined): string {
  if (!c) return "";
  const out: string[] = [];
  if (c.question) out.push(`${c.question}${c.answer === undefined ? " beantwortet" : ` = ${[c.answer].flat().join("/")}`}`);
  if (c.min_level) out.push(`Stufe ab ${de.levelName[c.min_level]}`);
  if (c.config) out.push(CONFIG_WORDS[c.config] ?? c.config);
  return out.join(" und ");
}

/** What starts a deadline, and how it is met, in words (one line). */
export function deadlineStart(pb: Playbook, d: Deadline): string {
  const title = (id: string) => {
    const x = pb.deadlines.find((y) => y.id === id);
    return x ? loc(x.title) : id;
  };
  const cond = conditionWords(d.when);
  const start =
    d.from === "deadline" && d.after
      ? `startet, wenn ${title(d.after)} erfüllt ist`
      : d.from === "aware"
        ? `läuft ab Kenntnisnahme${cond ? `, sobald ${cond}` : ""}`
        : `startet ${cond ? `, sobald ${cond}` : "bei der Meldung"}`.replace(" ,", ",");
  const byDefault =
    d.when?.question &&
    pb.defaults?.[d.when.question] &&
    holds(d.when, { answers: { ...pb.defaults }, level: pb.level, flags: { nis2: true, insurer: true, praxis: true } })
      ? ` (vorsorglich ab Meldung, Vorgabe ${d.when.question} = ${pb.defaults[d.when.question]})`
      : "";
  const by = numberedTasks(pb)
    .filter((t) => t.fulfils === d.id)
    .map((t) => t.nr);
  const met = by.length ? `, erfüllt mit Aufgabe ${by.join(", ")}` : "";
  return `${loc(d.title)} – ${d.within ? durationWords(d.within) : "unverzüglich"}, ${start}${byDefault}${met}`;
}

/** The edges that are the same for every playbook, in one sentence, when the machine has them from every work phase. */
function sideExits(edges: PhaseEdge[]): { note?: string; rest: PhaseEdge[] } {
  const side = edges.filter((e) => e.guard === "hasReason");
  const every = (event: string) => WORK_PHASES.every((p) => side.some((e) => e.from === p && e.event === event));
  if (!every("ADVANCE") || !every("CLOSE")) return { rest: edges };
  const adv = side.find((e) => e.event === "ADVANCE")!.label;
  const close = side.find((e) => e.event === "CLOSE")!.label;
  return {
    note: `Aus jeder Phase ${adv} auch mit offenen wichtigen Aufgaben (wird protokolliert), ${close}, z. B. Fehlalarm`,
    rest: edges.filter((e) => e.guard !== "hasReason"),
  };
}

/**
 * A Mermaid `stateDiagram-v2` of one playbook: the phases of its compiled machine on the normal path (`weiter` once
 * the important tasks are done; moving on or closing early with a reason in one note), inside each phase its
 * critical tasks per role with their number, target time (`ziel`) and condition, and a box with its deadlines:
 * how long, what starts them, which task meets them. What differs between playbooks is what the diagram shows.
 */
export function mermaidFor(pb: Playbook): string {
  const machine = createIncidentMachine(pb);
  const lines = ["stateDiagram-v2", `  %% Playbook ${pb.id}: aus der XState-Maschine und den Aufgaben erzeugt (src/machines/diagram.ts)`];
  const keys = Object.keys(machine.states);
  const tasks = numberedTasks(pb);
  const critical = (phase: string, role?: RoleId) => tasks.filter((t) => t.critical && t.phase === phase && (!role || t.role === role));
  for (const key of keys) {
    const name = (de.phaseName as Record<string, string>)[key] ?? key;
    const isWork = (WORK_PHASES as readonly string[]).includes(key);
    lines.push(`  state "${safe(isWork ? `${name} (${countText(phaseTaskCounts(pb, key as Phase))})` : name)}" as ${key}`);
  }
  for (const key of keys) {
    if (!(WORK_PHASES as readonly string[]).includes(key)) continue;
    if (!critical(key).length) continue;
    lines.push(`  state ${key} {`);
    for (const role of ROLES) {
      const list = critical(key, role);
      if (!list.length) continue;
      const id = `${key}_${role}`;
      lines.push(`    state "${safe(de.roleShort[role])}" as ${id}`);
      for (const t of list) {
        const cond = conditionWords(t.when);
        const extra = [t.ziel ? `Ziel ${durationWords(t.ziel)}` : "", cond ? `nur wenn ${cond}` : ""].filter(Boolean);
        lines.push(`    ${id} : ${safe(`${t.nr}. ${short(loc(t.text))}${extra.length ? ` · ${extra.join(" · ")}` : ""}`)}`);
      }
    }
    lines.push("  }");
  }
  const initial = machine.root.initial?.target?.[0]?.key;
  if (initial) lines.push(`  [*] --> ${initial}`);
  const { note, rest } = sideExits(phaseEdges(pb));
  for (const e of rest) lines.push(`  ${e.from} --> ${e.to} : ${safe(e.label)}`);
  for (const key of keys) if (machine.states[key]?.type === "final") lines.push(`  ${key} --> [*]`);
  if (note) lines.push(`  note left of abgeschlossen : ${safe(note)}`);
  if (pb.deadlines.length) {
    lines.push('  state "Fristen – Dauer, was sie startet, womit erfüllt" as fristen');
    for (const d of pb.deadlines) lines.push(`  fristen : ${safe(deadlineStart(pb, d))}`);
  }
  return lines.join("\n");
}
