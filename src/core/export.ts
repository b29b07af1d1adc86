import { loc, ROLES } from "../machines/schema.ts";
import { verifyChain } from "./chain.ts";
import { drillReportBlocks } from "./drill-report.ts";
import { escapeMarkdown as esc } from "./escape-markdown.ts";
import { type Block, blocksToPlain, stripMd } from "./message.ts";
import type { TaskRow, TimelineEntry } from "./ports.ts";
import type { Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { showTime } from "./time.ts";
import { TIMELINE_KIND, timelineText } from "./timeline-text.ts";
import { ctxOf, deadlineFacts, nameOf, type ViewEnv } from "./views.ts";

const YESNO_EN: Record<string, string> = { ja: "yes", nein: "no", unklar: "unclear" };

/** The export's own wording. German is the reference; the German Markdown is unchanged by the English. */
const EXPORT_WORDS = {
  de: {
    drill: "ÜBUNG",
    type: "Art",
    level: "Stufe",
    opened: "Eröffnet",
    aware: "Kenntnisnahme",
    closed: "Abgeschlossen",
    declaredBy: "Gemeldet von",
    description: "Beschreibung",
    chain: "Prüfkette (Hash-Kette SHA-256)",
    chainOk: (n: number, head: string) => `In Ordnung: ${n} Einträge, letzter Hash \`${head}\`.`,
    chainBroken: (first: number, problem: string) => `GEBROCHEN ab Eintrag ${first}: ${problem}.`,
    deadlines: "Fristen",
    answers: "Antworten",
    tasks: "Aufgaben",
    taskColumns: ["Nr", "Phase", "Rolle", "Status", "Wer", "Wann", "Grund"],
    timeline: "Zeitleiste",
    timelineColumns: ["#", "Zeit (Europe/Berlin)", "Wer", "Art", "Eintrag"],
    summary: "Zusammenfassung",
    drillReport: "Auswertung der Übung",
    footer: (at: string) => `_Erstellt von notfallbot am ${at}. Zeiten in Europe/Berlin; gespeichert in UTC._`,
  },
  en: {
    drill: "DRILL",
    type: "Type",
    level: "Level",
    opened: "Opened",
    aware: "Known since",
    closed: "Closed",
    declaredBy: "Reported by",
    description: "Description",
    chain: "Audit chain (SHA-256 hash chain)",
    chainOk: (n: number, head: string) => `Intact: ${n} entries, last hash \`${head}\`.`,
    chainBroken: (first: number, problem: string) => `BROKEN from entry ${first}: ${problem}.`,
    deadlines: "Deadlines",
    answers: "Answers",
    tasks: "Tasks",
    taskColumns: ["No.", "Phase", "Role", "Status", "Who", "When", "Reason"],
    timeline: "Timeline",
    timelineColumns: ["#", "Time (Europe/Berlin)", "Who", "Kind", "Entry"],
    summary: "Summary",
    drillReport: "Evaluation of the drill",
    footer: (at: string) => `_Created by notfallbot on ${at}. Times in Europe/Berlin; stored in UTC._`,
  },
} as const;

/**
 * The incident documentation for the owner, the insurer, the police and the data-protection authority:
 * Markdown to read and print, JSON to process, both with the result of the hash-chain check.
 * In the Markdown every value that is not the export's own wording passes `escapeMarkdown`: what people
 * typed (description, notes, names, answers, reasons, template texts) can never look like a heading, the chain
 * check, a link, HTML or a table row. The JSON carries the same values unescaped, as data (see {@link dataJson}).
 */
export function buildExport(L: Loaded, entries: TimelineEntry[], env: ViewEnv, tasks: TaskRow[]): { markdown: string; json: string } {
  const verdict = verifyChain(entries, env.locale);
  const ctx = ctxOf(L);
  const w = EXPORT_WORDS[env.locale];
  const lc = env.locale;
  const md: string[] = [];
  md.push(`# ${esc(L.rec.id)}: ${esc(L.rec.title)}${L.rec.drill ? ` (${w.drill})` : ""}`, "");
  md.push(`- ${w.type}: ${esc(loc(L.pb.title, lc))}`);
  md.push(`- ${w.level}: ${esc(env.t.levelName[ctx.level as keyof typeof env.t.levelName])}`);
  md.push(`- ${w.opened}: ${showTime(L.rec.openedAt, lc)} (UTC ${L.rec.openedAt})`);
  md.push(`- ${w.aware}: ${showTime(L.rec.awareAt, lc)} (UTC ${L.rec.awareAt})`);
  if (L.rec.closedAt) md.push(`- ${w.closed}: ${showTime(L.rec.closedAt, lc)} (UTC ${L.rec.closedAt})`);
  md.push(`- ${w.declaredBy}: ${esc(nameOf(L, L.rec.declaredBy) ?? "")}`);
  for (const r of ROLES) md.push(`- ${env.t.roleName[r]}: ${esc(nameOf(L, ctx.roles[r]) ?? "—")}`);
  if (L.st.description) md.push(`- ${w.description}: ${esc(L.st.description)}`);
  md.push("", `## ${w.chain}`, "");
  md.push(verdict.ok ? w.chainOk(verdict.entries, verdict.head) : w.chainBroken(verdict.firstBad, esc(verdict.problem)));
  const dl = deadlineFacts(L, env);
  if (dl.length) {
    md.push("", `## ${w.deadlines}`, "");
    for (const d of dl) md.push(`- ${esc(d.label)}: ${esc(d.value)}`);
  }
  md.push("", `## ${w.answers}`, "");
  L.pb.questions.forEach((q, i) => {
    const a = ctx.answers[q.id];
    const shown =
      a === undefined ? "—" : q.kind === "time" ? showTime(a, lc) : q.kind === "yesno" && lc === "en" ? (YESNO_EN[a] ?? esc(a)) : esc(a);
    md.push(`${i + 1}. ${esc(loc(q.text, lc))} → ${shown}`);
  });
  md.push("", `## ${w.tasks}`, "", `| ${w.taskColumns.join(" | ")} |`, "|---|---|---|---|---|---|---|");
  for (const t of tasks)
    md.push(
      `| ${t.nr} | ${esc(env.t.phaseName[t.phase as keyof typeof env.t.phaseName] ?? t.phase)} | ${esc(env.t.roleShort[t.role as keyof typeof env.t.roleShort] ?? t.role)} | ${esc(lc === "de" ? t.state : (env.t.taskState[t.state as keyof typeof env.t.taskState] ?? t.state))} | ${esc(nameOf(L, t.by ?? undefined) ?? "")} | ${t.at ? showTime(t.at, lc) : ""} | ${esc(t.reason ?? "")} |`,
    );
  md.push("", `## ${w.timeline}`, "", `| ${w.timelineColumns.join(" | ")} |`, "|---|---|---|---|---|");
  for (const e of entries)
    md.push(
      `| ${e.seq} | ${showTime(e.at, lc)} | ${esc(e.actorName)} | ${esc(lc === "de" ? e.kind : (TIMELINE_KIND.en[e.kind] ?? e.kind))} | ${esc(timelineText(e, L.pb, lc, L.st.names))} |`,
    );
  if (L.rec.closedAt) md.push("", `## ${w.summary}`, "", ...summaryItems(buildSummary(L, env)));
  if (L.rec.closedAt && L.rec.drill) md.push("", `## ${w.drillReport}`, "", ...summaryItems(drillReportBlocks(L, env, undefined).slice(1)));
  md.push("", w.footer(showTime(env.now, lc)), "");
  const json = dataJson({
    incident: { ...L.rec, snapshot: undefined },
    state: L.st,
    tasks,
    timeline: entries,
    verification: verdict,
    exportedAt: env.now.toISOString(),
  });
  return { markdown: md.join("\n"), json };
}

/**
 * The chat summary as a Markdown list: one item per fact, per paragraph title and (nested) per bullet line `• …`.
 * Its values quote reasons, answers and names; a line break inside one of them stays inside its item (`<br>`), so a
 * typed line can never become an item, a heading or a paragraph of its own.
 */
function summaryItems(blocks: Block[]): string[] {
  const items: { text: string; nested: boolean }[] = [];
  for (const b of blocks) {
    if (b.type === "facts") for (const f of b.facts) items.push({ text: `${f.label}: ${stripMd(f.value)}`, nested: false });
    else if (b.type === "heading" || b.type === "paragraph" || b.type === "context") {
      stripMd(b.text)
        .split("\n")
        .forEach((line, i) => {
          const last = items.at(-1);
          if (i === 0) items.push({ text: line, nested: false });
          else if (line.startsWith("• ")) items.push({ text: line.slice(2), nested: true });
          else if (i === 1)
            items.push({ text: line, nested: true }); // e.g. "keine" under a title
          else if (last) last.text += `\n${line}`; // a line break inside a quoted value
        });
    } else if (b.type !== "divider") items.push({ text: blocksToPlain([b]), nested: false });
  }
  return items.filter((x) => x.text.trim()).map((x) => `${x.nested ? "  " : ""}- ${esc(x.text.trim())}`);
}

/**
 * JSON whose strings are plain data for any consumer: the values are exactly what was typed (no Markdown escapes),
 * and `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c`-style escapes, so the file can be embedded in HTML or a
 * script and parsed by older JavaScript without any value turning into markup. `JSON.parse` gives the same values.
 */
function dataJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
