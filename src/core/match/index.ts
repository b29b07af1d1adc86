/**
 * The matcher: which playbook fits a description typed in a hurry. Pure, no I/O.
 *
 * - {@link matchPlaybooks}: ranking with scores and a verdict (open / ask / none).
 * - {@link menuOptions}: what a menu shows for the candidates (plain title and one line each, never a bare id).
 * - {@link phraseKey}: the comparable form of a phrase (for finding the same symptom in two playbooks).
 */
import { loc, type Playbook } from "../../machines/schema.ts";
import type { Ranked } from "./rank.ts";
import { words } from "./words.ts";

export { ASK_SHARE, decide, MAX_CANDIDATES, type MatchResult, matchPlaybooks, OPEN_SCORE, type Ranked, type Verdict } from "./rank.ts";

/** One option of the "which kind of emergency?" menu. */
export interface MenuOption {
  /** Playbook id (for the command behind a button; not for display). */
  id: string;
  /** Plain title, e.g. "Verschlüsselung durch Erpressersoftware (Ransomware)". */
  title: string;
  /** One line of what it looks like (`erkennen:`), e.g. "Dateien lassen sich nicht öffnen, Erpresserschreiben". */
  line?: string;
  /** The matcher's score (for ordering and for `playbooks --match`). */
  score: number;
}

/** Menu options for the candidates of a result (or any ranked list), in order, in the given language. */
export function menuOptions(
  ranked: readonly Pick<Ranked, "id" | "score">[],
  playbooks: readonly Playbook[],
  locale: "de" | "en" = "de",
): MenuOption[] {
  const out: MenuOption[] = [];
  for (const r of ranked) {
    const pb = playbooks.find((p) => p.id === r.id);
    if (!pb) continue;
    out.push({ id: pb.id, title: loc(pb.title, locale), ...(pb.erkennen ? { line: loc(pb.erkennen, locale) } : {}), score: r.score });
  }
  return out;
}

/** The comparable form of a phrase: its stems in order (`"Strom ist weg!"` and `"strom weg"` are the same). */
export function phraseKey(text: string): string {
  return words(text)
    .map((w) => w.forms[0])
    .join(" ");
}
