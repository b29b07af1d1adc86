/**
 * The matcher's ranking as text, for people writing playbooks (`notfallbot playbooks --match "<text>"`): verdict,
 * every playbook with evidence, its score, the cue that matched best and the words for and against it.
 */
import { loc, type Playbook } from "../../machines/schema.ts";
import type { MatchResult } from "./rank.ts";

const VERDICT: Record<MatchResult["verdict"], string> = {
  open: "öffnet",
  ask: "fragt nach",
  none: "erkennt nichts",
};

const CUE: Record<string, string> = { id: "Kennung", title: "Titel", trigger: "Auslöser", anzeichen: "Anzeichen" };

/** Lines describing `result` for `text`; ids are shown because playbook authors work with them. */
export function explainMatch(text: string, result: MatchResult, playbooks: readonly Playbook[]): string[] {
  const lines = [`„${text}“`];
  const offered = new Set(result.candidates.map((c) => c.id));
  if (result.verdict === "open") lines.push(`→ ${VERDICT.open}: ${result.id}`);
  else if (result.verdict === "ask") lines.push(`→ ${VERDICT.ask}: ${result.candidates.map((c) => c.id).join(", ")}`);
  else lines.push(`→ ${VERDICT.none} (Auswahl aller Notfallarten)`);
  result.ranking.forEach((r, i) => {
    const pb = playbooks.find((p) => p.id === r.id);
    const mark = offered.has(r.id) ? "*" : " ";
    lines.push(`${mark}${String(i + 1).padStart(2)}. ${r.id}  ${r.score.toFixed(2)}${pb ? `  ${loc(pb.title)}` : ""}`);
    if (r.cue) lines.push(`     ${CUE[r.cue.kind] ?? r.cue.kind} „${r.cue.text}“ zu ${Math.round(r.coverage * 100)} %`);
    const words = [`Wörter: ${r.words.join(", ")}${r.guessOnly ? " (nur vermutet: Tippfehler oder unbekanntes Wortteil)" : ""}`];
    if (r.against.length) words.push(`dagegen: ${r.against.join(", ")}`);
    lines.push(`     ${words.join(" · ")}`);
  });
  return lines;
}
