/**
 * Scores every playbook for a typed description and decides: open one, ask among a few, or none fits.
 * Opening the wrong playbook costs more than asking, so the bar for opening is high.
 */
import type { Playbook } from "../../machines/schema.ts";
import { type Cue, indexFor, type PlaybookIndex, type TermHit, type WordHits } from "./playbook-index.ts";
import { GENERIC_STEMS, saysBroken, words } from "./words.ts";

/** One playbook's score for a description, with the evidence behind it. */
export interface Ranked {
  /** Playbook id. */
  id: string;
  /** Higher is better; about 2.5 per specific word that matched, less for generic or misspelt ones. */
  score: number;
  /** Share (0–1) of the best matching cue that the description covers. */
  coverage: number;
  /** The cue that matched best (a trigger, a symptom phrase, the title or the id). */
  cue?: { kind: Cue["kind"]; text: string };
  /** Typed words that counted for this playbook, as folded. */
  words: string[];
  /** Typed words that point to other playbooks only (negative evidence), as folded. */
  against: string[];
  /** Only guesses matched (typos, compounds with an unknown part): never opened without asking. */
  guessOnly: boolean;
}

/**
 * `open`: one playbook clearly fits; `ask`: offer `candidates` (one to three, best first); `none`: nothing fits.
 */
export type Verdict = "open" | "ask" | "none";

/** What the matcher says about a description. */
export interface MatchResult {
  verdict: Verdict;
  /** With `open`: the playbook to open. */
  id?: string;
  /** Every playbook with any evidence, best first. */
  ranking: Ranked[];
  /** What to offer when asking: at most {@link MAX_CANDIDATES}, best first (with `open`: the winner alone). */
  candidates: Ranked[];
}

/** At most this many options in the menu that asks. */
export const MAX_CANDIDATES = 3;
/** Score a playbook needs before it may be opened without asking (about one specific word, fully matching a cue). */
export const OPEN_SCORE = 2.2;
/** A cue covered this far (all its words typed, "server down") opens with a lower score. */
export const FULL_COVERAGE = 0.95;
/** Score that suffices to open when a whole cue was typed ("server down"). */
export const OPEN_SCORE_FULL_CUE = 1.4;
/** The best cue must be covered at least this far to open. */
export const OPEN_COVERAGE = 0.6;
/** To open, the runner-up may reach at most this share of the winner's score. */
export const OPEN_LEAD = 0.45;
/** Candidates offered when asking score at least this share of the best. */
export const ASK_SHARE = 0.3;
/** How many words get the costly lookups (compound splits, typos). */
const THOROUGH_WORDS = 16;
/** Weight of words that point elsewhere only. */
const AGAINST = 0.5;
/** Weight of compound parts against the whole word. */
const PART = 0.8;
/** A word for another playbook this strong (weight times that playbook's cue coverage) stops the leader from opening. */
const VETO = 1.2;
/** A playbook with a cue typed in full and at least this score is a contender. */
const FULL_CUE_CONTENDER = 0.5;
/** Share of the typed evidence the leader must explain to be opened. */
const EXPLAINED = 0.8;

/** Scores every playbook for `text` and decides whether to open, ask or give up. Pure; the index is cached per set. */
export function matchPlaybooks(text: string, playbooks: readonly Playbook[]): MatchResult {
  return rank(text, indexFor(playbooks));
}

/**
 * {@link matchPlaybooks} on a prepared index. A playbook's score is the weight of the typed words it knows, scaled
 * by how completely its best cue is covered, minus half the weight of typed words that point to other playbooks
 * only (each counted as far as that other playbook's own cue is covered: "Server" and "Absturz" beside "verloren"
 * speak against a lost device, a stray word that merely occurs in some symptom phrase hardly does).
 */
export function rank(text: string, index: PlaybookIndex): MatchResult {
  // the costly lookups (compounds, typos) only for the first words: a pasted mail or random text must not make a
  // declaration slow
  const typed = words(text);
  const hits = typed.map((w, i) => index.hits(w, i < THOROUGH_WORDS));
  // best quality per vocabulary term, over all typed words (whole or as compound part)
  const termQ = new Map<string, number>();
  for (const w of hits) {
    for (const h of [...w.whole, ...w.parts.flat()]) termQ.set(h.term, Math.max(termQ.get(h.term) ?? 0, h.quality));
  }
  // words that say nothing specific, or were only guessed (typo, unknown compound), never speak against a playbook
  const neutral = hits.map(
    (w) => [...w.whole, ...w.parts.flat()].every((h) => GENERIC_STEMS.has(h.term)) || [...w.whole, ...w.parts.flat()].every((h) => h.guess),
  );

  // the cues that contain a typed term, by playbook: only these can be covered at all
  const touched = new Map<string, Set<Cue>>();
  for (const term of termQ.keys()) {
    for (const cue of index.cuesWith.get(term) ?? []) {
      const set = touched.get(cue.playbook) ?? new Set<Cue>();
      set.add(cue);
      touched.set(cue.playbook, set);
    }
  }

  const scored = new Map<string, { ev: number[]; sum: number; coverage: number; cue?: Cue }>();
  for (const id of index.ids) {
    const ev = hits.map((w) => wordEvidence(w, id, index));
    const sum = ev.reduce((a, b) => a + b, 0);
    if (sum > 0) scored.set(id, { ev, sum, ...bestCue(touched.get(id) ?? [], termQ) });
  }
  // per typed word, the two strongest other-playbook signals (evidence times cue coverage), for negative evidence
  const strongest = hits.map((_, i) => {
    let top: { id?: string; e: number } = { e: 0 };
    let next = 0;
    for (const [id, o] of scored) {
      const e = o.ev[i]! * o.coverage;
      if (e > top.e) {
        next = top.e;
        top = { id, e };
      } else if (e > next) next = e;
    }
    return { top, next };
  });

  const ranking: Ranked[] = [];
  for (const [id, s] of scored) {
    let against = 0;
    const againstWords: string[] = [];
    hits.forEach((w, i) => {
      if (s.ev[i]! > 0 || neutral[i]) return;
      const { top, next } = strongest[i]!;
      const elsewhere = top.id === id ? next : top.e;
      if (elsewhere > 0) {
        against += elsewhere;
        againstWords.push(w.word);
      }
    });
    // kept when negative evidence outweighs (score 0): it may still be the contender that must be offered
    const score = Math.max(0, s.sum * (0.4 + 0.6 * s.coverage) - AGAINST * against);
    const counted = hits.filter((_, i) => s.ev[i]! > 0);
    ranking.push({
      id,
      score: round(score),
      coverage: round(s.coverage),
      ...(s.cue ? { cue: { kind: s.cue.kind, text: s.cue.text } } : {}),
      words: counted.map((w) => w.word),
      against: againstWords,
      guessOnly: counted.every((w) => onlyGuesses(w, id, index)),
    });
  }
  ranking.sort((a, b) => b.score - a.score || index.ids.indexOf(a.id) - index.ids.indexOf(b.id));
  // Words the leader does not explain, each counted as far as the other playbook's best cue is covered: one that
  // makes another playbook a real contender, or a fifth of the evidence, and the leader is not opened without
  // asking ("nach dem Brand meldet der Virenscanner Alarm"). Nor is it when another playbook has a cue typed in
  // full ("server geht nicht, strom war kurz weg"). The contenders are offered beside the leader.
  const leader = ranking[0] ? scored.get(ranking[0].id)! : undefined;
  let contested = false;
  const contenders = new Set<string>();
  if (leader) {
    let unexplained = 0;
    hits.forEach((_, i) => {
      if (leader.ev[i]! > 0 || neutral[i]) return;
      let elsewhere = 0;
      for (const [id, o] of scored) {
        const e = o.ev[i]! * o.coverage;
        elsewhere = Math.max(elsewhere, e);
        if (e >= VETO) contenders.add(id);
      }
      unexplained += elsewhere;
    });
    for (const r of ranking.slice(1)) if (r.coverage >= FULL_COVERAGE && r.score >= FULL_CUE_CONTENDER) contenders.add(r.id);
    contested = contenders.size > 0 || unexplained > (1 - EXPLAINED) * (leader.sum + unexplained);
    // "laptop kaputt", "smc-b karte defekt", "teamviewer geht nicht": the text says something broke, and the leader
    // is a playbook none of whose cues speaks of anything breaking (a lost device, remote access): the typed object
    // alone chose it, ask
    if (saysBroken(text, typed) && !index.knowsFailure(ranking[0]!.id)) contested = true;
  }
  return decide(ranking, contested, contenders);
}

/**
 * The verdict on a ranking (see {@link Verdict}). `contested`: another playbook has a specific word of its own
 * that the leader does not explain, so the leader is not opened without asking.
 */
export function decide(ranking: Ranked[], contested = false, contenders: ReadonlySet<string> = new Set()): MatchResult {
  const [first, second] = ranking;
  if (!first) return { verdict: "none", ranking, candidates: [] };
  const fullCue = first.coverage >= FULL_COVERAGE && first.score >= OPEN_SCORE_FULL_CUE;
  const clear =
    !contested &&
    (first.score >= OPEN_SCORE || fullCue) &&
    first.coverage >= OPEN_COVERAGE &&
    !first.guessOnly &&
    (!second || second.score <= OPEN_LEAD * first.score);
  if (clear) return { verdict: "open", id: first.id, ranking, candidates: [first] };
  const offered = ranking.filter((r, i) => i === 0 || contenders.has(r.id) || r.score >= ASK_SHARE * first.score);
  return { verdict: "ask", ranking, candidates: offered.slice(0, MAX_CANDIDATES) };
}

/** What one typed word contributes to a playbook: its best term there, or the sum of its compound parts. */
function wordEvidence(w: WordHits, id: string, index: PlaybookIndex): number {
  const whole = best(w.whole, id, index);
  let parts = 0;
  for (const p of w.parts) parts += best(p, id, index);
  return Math.max(whole, PART * parts);
}

function best(hits: readonly TermHit[], id: string, index: PlaybookIndex): number {
  let v = 0;
  for (const h of hits) v = Math.max(v, h.quality * index.weight(h.term, id));
  return v;
}

function onlyGuesses(w: WordHits, id: string, index: PlaybookIndex): boolean {
  const inPb = (h: TermHit) => index.weight(h.term, id) > 0;
  return !w.whole.some((h) => inPb(h) && !h.guess) && !w.parts.some((p) => p.some((h) => inPb(h) && !h.guess));
}

/** The cue among `cues` that the typed words cover best (weighted by how specific each of its words is). */
function bestCue(cues: Iterable<Cue>, termQ: ReadonlyMap<string, number>): { coverage: number; cue?: Cue } {
  let top: { coverage: number; cue?: Cue } = { coverage: 0 };
  for (const cue of cues) {
    let got = 0;
    let total = 0;
    for (const s of cue.slots) {
      let whole = 0;
      for (const t of s.terms) whole = Math.max(whole, termQ.get(t) ?? 0);
      let parts = 0;
      if (s.parts.length) {
        for (const p of s.parts) parts += termQ.get(p) ?? 0;
        parts = (PART * parts) / s.parts.length;
      }
      got += s.weight * Math.max(whole, parts);
      total += s.weight;
    }
    const coverage = total > 0 ? got / total : 0;
    if (coverage > top.coverage) top = { coverage, cue };
  }
  return top;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
