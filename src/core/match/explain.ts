/**
 * The matcher's ranking as text, for people writing playbooks (`notfallbot playbooks --match "<text>"`): verdict,
 * every playbook with evidence, its score, the cue that matched best and the words for and against it.
 */
import { loc, type Playbook } from "../../machines/schema.ts";
import { de } from "../i18n/de.ts";
import { en } from "../i18n/en.ts";
import type { MatchResult } from "./rank.ts";

/** Lines describing `result` for `text`; ids are shown because playbook authors work with them. */
export function explainMatch(text: string, result: MatchResult, playbooks: readonly Playbook[], locale: "de" | "en" = "de"): string[] {
  const t = (locale === "en" ? en : de).cli.match;
  const cue = t.cue as Record<string, string>;
  const lines = [locale === "en" ? `"${text}"` : `„${text}“`];
  const offered = new Set(result.candidates.map((c) => c.id));
  if (result.verdict === "open") lines.push(`→ ${t.opens(result.id!)}`);
  else if (result.verdict === "ask") lines.push(`→ ${t.asks(result.candidates.map((c) => c.id).join(", "))}`);
  else lines.push(`→ ${t.none}`);
  result.ranking.forEach((r, i) => {
    const pb = playbooks.find((p) => p.id === r.id);
    const mark = offered.has(r.id) ? "*" : " ";
    lines.push(`${mark}${String(i + 1).padStart(2)}. ${r.id}  ${r.score.toFixed(2)}${pb ? `  ${loc(pb.title, locale)}` : ""}`);
    if (r.cue)
      lines.push(
        `     ${t.coverage(Object.hasOwn(cue, r.cue.kind) ? cue[r.cue.kind]! : r.cue.kind, r.cue.text, Math.round(r.coverage * 100))}`,
      );
    const words = [`${t.words(r.words.join(", "))}${r.guessOnly ? ` ${t.guessOnly}` : ""}`];
    if (r.against.length) words.push(t.against(r.against.join(", ")));
    lines.push(`     ${words.join(" · ")}`);
  });
  return lines;
}
