import { type Catalog, de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import { holds, numberedTasks } from "./conditions.ts";
import { createIncidentMachine } from "./machine.ts";
import { type Condition, type Deadline, loc, type Phase, type Playbook, ROLES, type RoleId, WORK_PHASES } from "./schema.ts";

type Words = Catalog["diagram"];
const wordsOf = (locale: "de" | "en"): Catalog => (locale === "en" ? en : de);

/** How a guard of the incident machine reads in the diagram. Unknown guards are shown by name, so nothing is hidden. */
function guardLabels(w: Words): Record<string, { text: string; kind: "condition" | "argument" }> {
  return { phaseDone: { text: w.phaseDone, kind: "condition" }, hasReason: { text: w.reason, kind: "argument" } };
}

/** The chat command behind each phase-changing event. */
function eventCommands(w: Words): Record<string, { command: string; argument: string }> {
  return { ADVANCE: { command: w.advance, argument: w.reason }, CLOSE: { command: w.close, argument: w.closeReason } };
}

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
export function phaseEdges(pb: Playbook, locale: "de" | "en" = "de"): PhaseEdge[] {
  const w = wordsOf(locale).diagram;
  const machine = createIncidentMachine(pb);
  const edges: PhaseEdge[] = [];
  for (const [key, node] of Object.entries(machine.states)) {
    for (const [event, list] of node.transitions) {
      for (const t of list) {
        const target = t.target?.[0]?.key;
        if (!target || target === key) continue;
        const guard = guardName(t.guard, w);
        edges.push({ from: key, to: target, event, ...(guard ? { guard } : {}), label: edgeLabel(event, guard, w) });
      }
    }
  }
  return edges;
}

function guardName(guard: unknown, w: Words): string | undefined {
  if (typeof guard === "string") return guard;
  if (guard && typeof guard === "object" && "type" in guard && typeof guard.type === "string") return guard.type;
  if (typeof guard === "function") return guard.name || w.condition;
  return undefined;
}

function edgeLabel(event: string, guard: string | undefined, w: Words): string {
  const cmd = eventCommands(w)[event] ?? { command: event, argument: w.argument };
  if (!guard) return cmd.command;
  const g = guardLabels(w)[guard];
  if (!g) return `${cmd.command} [${guard}]`;
  // ‹…› instead of <…>: Mermaid would treat <Begründung> as an HTML tag and drop it.
  return g.kind === "argument" ? `${cmd.command} ‹${cmd.argument}›` : `${cmd.command} [${g.text}]`;
}

/** Task counts of one phase: all tasks, critical ones, and those that only apply under a condition. */
export function phaseTaskCounts(pb: Playbook, phase: Phase): { total: number; critical: number; conditional: number } {
  const tasks = pb.tasks.filter((t) => t.phase === phase);
  return { total: tasks.length, critical: tasks.filter((t) => t.critical).length, conditional: tasks.filter((t) => t.when).length };
}

function countText(c: { total: number; critical: number; conditional: number }, w: Words): string {
  if (c.total === 0) return w.noTasks;
  const parts = [w.tasks(c.total)];
  if (c.critical) parts.push(w.critical(c.critical));
  if (c.conditional) parts.push(w.conditional(c.conditional));
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

/**
 * The first sentence of a task, cut at a word near `max` characters. A sentence ends at . ! or ? before a capital,
 * not after an abbreviation of one letter ("z. B. Röntgen", "e. g."): those were cut to "(z".
 */
function short(text: string, max = 60): string {
  const first = text.split(/(?<=[.!?])(?<!(?:^|[\s(])\p{L}\.)\s+(?=\p{Lu})/u)[0]!.replace(/[.]$/, "");
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 2);
  return `${cut
    .slice(0, Math.max(cut.lastIndexOf(" "), max / 2))
    .replace(/[,;:–-]+$/, "")
    .trimEnd()} …`;
}

/** "PT5M" → "5 min", "P1D" → "1 Tag", "P1M" → "1 Monat" (English: "1 day", "1 month"). */
export function durationWords(iso: string, locale: "de" | "en" = "de"): string {
  const w = wordsOf(locale).diagram;
  const m = /^P(?:(\d+)M(?=$|T|\d))?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return iso;
  const parts: string[] = [];
  if (m[1]) parts.push(w.months(Number(m[1])));
  if (m[2]) parts.push(w.days(Number(m[2])));
  if (m[3]) parts.push(`${m[3]} h`);
  if (m[4]) parts.push(`${m[4]} min`);
  return parts.join(" ") || iso;
}

/** A question of a condition: its id (German) or its number as the chat shows it (English). */
function questionWords(pb: Playbook, id: string, t: Catalog): string {
  return t.diagram.question(id, pb.questions.findIndex((q) => q.id === id) + 1);
}

/** An answer value of a condition (ja, nein, unklar) in the diagram's language. */
function answerWord(value: string, t: Catalog): string {
  return value === "ja" ? t.answerYes : value === "nein" ? t.answerNo : value === "unklar" ? t.answerUnclear : value;
}

/** A condition in a few words, joined with "und": `personenbezogen = ja/unklar und Stufe ab Krise`. */
function conditionWords(pb: Playbook, c: Condition | undefined, t: Catalog): string {
  if (!c) return "";
  const w = t.diagram;
  const out: string[] = [];
  if (c.question) {
    const q = questionWords(pb, c.question, t);
    out.push(
      c.answer === undefined
        ? w.answered(q)
        : `${q} = ${[c.answer]
            .flat()
            .map((a) => answerWord(a, t))
            .join("/")}`,
    );
  }
  if (c.min_level) out.push(w.levelFrom(t.levelName[c.min_level]));
  if (c.config) out.push((w.config as Record<string, string>)[c.config] ?? c.config);
  return out.join(w.and);
}

/** What starts a deadline, and how it is met, in words (one line). */
export function deadlineStart(pb: Playbook, d: Deadline, locale: "de" | "en" = "de"): string {
  const t = wordsOf(locale);
  const w = t.diagram;
  const title = (id: string) => {
    const x = pb.deadlines.find((y) => y.id === id);
    return x ? loc(x.title, locale) : id;
  };
  const cond = conditionWords(pb, d.when, t);
  const start =
    d.from === "deadline" && d.after ? w.startsAfter(title(d.after)) : d.from === "aware" ? w.fromAware(cond) : w.startsWhen(cond);
  const byDefault =
    d.when?.question &&
    pb.defaults?.[d.when.question] &&
    holds(d.when, { answers: { ...pb.defaults }, level: pb.level, flags: { nis2: true, insurer: true, praxis: true } })
      ? w.byDefault(questionWords(pb, d.when.question, t), answerWord(pb.defaults[d.when.question]!, t))
      : "";
  const by = numberedTasks(pb)
    .filter((t) => t.fulfils === d.id)
    .map((t) => t.nr);
  const met = by.length ? w.metBy(by.join(", ")) : "";
  return `${loc(d.title, locale)} – ${d.within ? durationWords(d.within, locale) : w.asap}, ${start}${byDefault}${met}`;
}

/** The edges that are the same for every playbook, in one sentence, when the machine has them from every work phase. */
function sideExits(edges: PhaseEdge[], w: Words): { note?: string; rest: PhaseEdge[] } {
  const side = edges.filter((e) => e.guard === "hasReason");
  const every = (event: string) => WORK_PHASES.every((p) => side.some((e) => e.from === p && e.event === event));
  if (!every("ADVANCE") || !every("CLOSE")) return { rest: edges };
  const adv = side.find((e) => e.event === "ADVANCE")!.label;
  const close = side.find((e) => e.event === "CLOSE")!.label;
  return {
    note: w.sideExits(adv, close),
    rest: edges.filter((e) => e.guard !== "hasReason"),
  };
}

/**
 * A Mermaid `stateDiagram-v2` of one playbook: the phases of its compiled machine on the normal path (`weiter` once
 * the important tasks are done; moving on or closing early with a reason in one note), inside each phase its
 * critical tasks per role with their number, target time (`ziel`) and condition, and a box with its deadlines:
 * how long, what starts them, which task meets them. What differs between playbooks is what the diagram shows.
 */
export function mermaidFor(pb: Playbook, locale: "de" | "en" = "de"): string {
  const t = wordsOf(locale);
  const w = t.diagram;
  const machine = createIncidentMachine(pb);
  const lines = ["stateDiagram-v2", `  %% ${w.generated(pb.id)}`];
  const keys = Object.keys(machine.states);
  const tasks = numberedTasks(pb);
  const critical = (phase: string, role?: RoleId) => tasks.filter((t) => t.critical && t.phase === phase && (!role || t.role === role));
  for (const key of keys) {
    const name = (t.phaseName as Record<string, string>)[key] ?? key;
    const isWork = (WORK_PHASES as readonly string[]).includes(key);
    lines.push(`  state "${safe(isWork ? `${name} (${countText(phaseTaskCounts(pb, key as Phase), w)})` : name)}" as ${key}`);
  }
  for (const key of keys) {
    if (!(WORK_PHASES as readonly string[]).includes(key)) continue;
    if (!critical(key).length) continue;
    lines.push(`  state ${key} {`);
    for (const role of ROLES) {
      const list = critical(key, role);
      if (!list.length) continue;
      const id = `${key}_${role}`;
      lines.push(`    state "${safe(t.roleShort[role])}" as ${id}`);
      for (const task of list) {
        const cond = conditionWords(pb, task.when, t);
        const extra = [task.ziel ? w.target(durationWords(task.ziel, locale)) : "", cond ? w.onlyIf(cond) : ""].filter(Boolean);
        lines.push(`    ${id} : ${safe(`${task.nr}. ${short(loc(task.text, locale))}${extra.length ? ` · ${extra.join(" · ")}` : ""}`)}`);
      }
    }
    lines.push("  }");
  }
  const initial = machine.root.initial?.target?.[0]?.key;
  if (initial) lines.push(`  [*] --> ${initial}`);
  const { note, rest } = sideExits(phaseEdges(pb, locale), w);
  for (const e of rest) lines.push(`  ${e.from} --> ${e.to} : ${safe(e.label)}`);
  for (const key of keys) if (machine.states[key]?.type === "final") lines.push(`  ${key} --> [*]`);
  if (note) lines.push(`  note left of abgeschlossen : ${safe(note)}`);
  if (pb.deadlines.length) {
    lines.push(`  state "${safe(w.deadlines)}" as fristen`);
    for (const d of pb.deadlines) lines.push(`  fristen : ${safe(deadlineStart(pb, d, locale))}`);
  }
  return lines.join("\n");
}
