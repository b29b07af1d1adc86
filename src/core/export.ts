import { loc, ROLES } from "../machines/schema.ts";
import { verifyChain } from "./chain.ts";
import { drillReportBlocks } from "./drill-report.ts";
import { escapeMarkdown as esc } from "./escape-markdown.ts";
import { type Block, blocksToPlain, stripMd } from "./message.ts";
import type { TaskRow, TimelineEntry } from "./ports.ts";
import type { Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { showTime } from "./time.ts";
import { ctxOf, deadlineFacts, nameOf, type ViewEnv } from "./views.ts";

/**
 * The incident documentation for the owner, the insurer, the police and the data-protection authority:
 * Markdown to read and print, JSON to process, both with the result of the hash-chain check.
 * In the Markdown every value that is not the export's own wording passes `escapeMarkdown`: what people
 * typed (description, notes, names, answers, reasons, template texts) can never look like a heading, the chain
 * check, a link, HTML or a table row. The JSON carries the same values unescaped, as data (see {@link dataJson}).
 */
export function buildExport(L: Loaded, entries: TimelineEntry[], env: ViewEnv, tasks: TaskRow[]): { markdown: string; json: string } {
  const verdict = verifyChain(entries);
  const ctx = ctxOf(L);
  const md: string[] = [];
  md.push(`# ${esc(L.rec.id)}: ${esc(L.rec.title)}${L.rec.drill ? " (ÜBUNG)" : ""}`, "");
  md.push(`- Art: ${esc(loc(L.pb.title, "de"))}`);
  md.push(`- Stufe: ${esc(env.t.levelName[ctx.level as keyof typeof env.t.levelName])}`);
  md.push(`- Eröffnet: ${showTime(L.rec.openedAt)} (UTC ${L.rec.openedAt})`);
  md.push(`- Kenntnisnahme: ${showTime(L.rec.awareAt)} (UTC ${L.rec.awareAt})`);
  if (L.rec.closedAt) md.push(`- Abgeschlossen: ${showTime(L.rec.closedAt)} (UTC ${L.rec.closedAt})`);
  md.push(`- Gemeldet von: ${esc(nameOf(L, L.rec.declaredBy) ?? "")}`);
  for (const r of ROLES) md.push(`- ${env.t.roleName[r]}: ${esc(nameOf(L, ctx.roles[r]) ?? "—")}`);
  if (L.st.description) md.push(`- Beschreibung: ${esc(L.st.description)}`);
  md.push("", "## Prüfkette (Hash-Kette SHA-256)", "");
  md.push(
    verdict.ok
      ? `In Ordnung: ${verdict.entries} Einträge, letzter Hash \`${verdict.head}\`.`
      : `GEBROCHEN ab Eintrag ${verdict.firstBad}: ${esc(verdict.problem)}.`,
  );
  const dl = deadlineFacts(L, env);
  if (dl.length) {
    md.push("", "## Fristen", "");
    for (const d of dl) md.push(`- ${esc(d.label)}: ${esc(d.value)}`);
  }
  md.push("", "## Antworten", "");
  L.pb.questions.forEach((q, i) => {
    const a = ctx.answers[q.id];
    md.push(`${i + 1}. ${esc(loc(q.text, "de"))} → ${a === undefined ? "—" : q.kind === "time" ? showTime(a) : esc(a)}`);
  });
  md.push("", "## Aufgaben", "", "| Nr | Phase | Rolle | Status | Wer | Wann | Grund |", "|---|---|---|---|---|---|---|");
  for (const t of tasks)
    md.push(
      `| ${t.nr} | ${esc(env.t.phaseName[t.phase as keyof typeof env.t.phaseName] ?? t.phase)} | ${esc(env.t.roleShort[t.role as keyof typeof env.t.roleShort] ?? t.role)} | ${esc(t.state)} | ${esc(nameOf(L, t.by ?? undefined) ?? "")} | ${t.at ? showTime(t.at) : ""} | ${esc(t.reason ?? "")} |`,
    );
  md.push("", "## Zeitleiste", "", "| # | Zeit (Europe/Berlin) | Wer | Art | Eintrag |", "|---|---|---|---|---|");
  for (const e of entries) md.push(`| ${e.seq} | ${showTime(e.at)} | ${esc(e.actorName)} | ${esc(e.kind)} | ${esc(e.text)} |`);
  if (L.rec.closedAt) md.push("", "## Zusammenfassung", "", ...summaryItems(buildSummary(L, env)));
  if (L.rec.closedAt && L.rec.drill)
    md.push("", "## Auswertung der Übung", "", ...summaryItems(drillReportBlocks(L, env, undefined).slice(1)));
  md.push("", `_Erstellt von notfallbot am ${showTime(env.now)}. Zeiten in Europe/Berlin; gespeichert in UTC._`, "");
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
