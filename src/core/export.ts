import { loc, ROLES } from "../machines/schema.ts";
import { verifyChain } from "./chain.ts";
import { blocksToPlain } from "./message.ts";
import type { TaskRow, TimelineEntry } from "./ports.ts";
import type { Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { showTime } from "./time.ts";
import { ctxOf, deadlineFacts, nameOf, type ViewEnv } from "./views.ts";

/**
 * The incident documentation for the owner, the insurer, the police and the data-protection authority:
 * Markdown to read and print, JSON to process, both with the result of the hash-chain check.
 */
export function buildExport(L: Loaded, entries: TimelineEntry[], env: ViewEnv, tasks: TaskRow[]): { markdown: string; json: string } {
  const verdict = verifyChain(entries);
  const ctx = ctxOf(L);
  const md: string[] = [];
  md.push(`# ${L.rec.id}: ${L.rec.title}${L.rec.drill ? " (ÜBUNG)" : ""}`, "");
  md.push(`- Art: ${loc(L.pb.title, "de")}`);
  md.push(`- Stufe: ${env.t.levelName[ctx.level as keyof typeof env.t.levelName]}`);
  md.push(`- Eröffnet: ${showTime(L.rec.openedAt)} (UTC ${L.rec.openedAt})`);
  md.push(`- Kenntnisnahme: ${showTime(L.rec.awareAt)} (UTC ${L.rec.awareAt})`);
  if (L.rec.closedAt) md.push(`- Abgeschlossen: ${showTime(L.rec.closedAt)} (UTC ${L.rec.closedAt})`);
  md.push(`- Gemeldet von: ${nameOf(L, L.rec.declaredBy)}`);
  for (const r of ROLES) md.push(`- ${env.t.roleName[r]}: ${nameOf(L, ctx.roles[r]) ?? "—"}`);
  if (L.st.description) md.push(`- Beschreibung: ${L.st.description}`);
  md.push("", "## Prüfkette (Hash-Kette SHA-256)", "");
  md.push(
    verdict.ok
      ? `In Ordnung: ${verdict.entries} Einträge, letzter Hash \`${verdict.head}\`.`
      : `GEBROCHEN ab Eintrag ${verdict.firstBad}: ${verdict.problem}.`,
  );
  const dl = deadlineFacts(L, env);
  if (dl.length) {
    md.push("", "## Fristen", "");
    for (const d of dl) md.push(`- ${d.label}: ${d.value}`);
  }
  md.push("", "## Antworten", "");
  L.pb.questions.forEach((q, i) => {
    const a = ctx.answers[q.id];
    md.push(`${i + 1}. ${loc(q.text, "de")} → ${a === undefined ? "—" : q.kind === "time" ? showTime(a) : a}`);
  });
  md.push("", "## Aufgaben", "", "| Nr | Phase | Rolle | Status | Wer | Wann | Grund |", "|---|---|---|---|---|---|---|");
  for (const t of tasks)
    md.push(
      `| ${t.nr} | ${env.t.phaseName[t.phase as keyof typeof env.t.phaseName]} | ${env.t.roleShort[t.role as keyof typeof env.t.roleShort]} | ${t.state} | ${nameOf(L, t.by ?? undefined) ?? ""} | ${t.at ? showTime(t.at) : ""} | ${cell(t.reason ?? "")} |`,
    );
  md.push("", "## Zeitleiste", "", "| # | Zeit (Europe/Berlin) | Wer | Art | Eintrag |", "|---|---|---|---|---|");
  for (const e of entries) md.push(`| ${e.seq} | ${showTime(e.at)} | ${cell(e.actorName)} | ${e.kind} | ${cell(e.text)} |`);
  if (L.rec.closedAt) md.push("", "## Zusammenfassung", "", blocksToPlain(buildSummary(L, env)));
  md.push("", `_Erstellt von notfallbot am ${showTime(env.now)}. Zeiten in Europe/Berlin; gespeichert in UTC._`, "");
  const json = JSON.stringify(
    {
      incident: { ...L.rec, snapshot: undefined },
      state: L.st,
      tasks,
      timeline: entries,
      verification: verdict,
      exportedAt: env.now.toISOString(),
    },
    null,
    2,
  );
  return { markdown: md.join("\n"), json };
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
