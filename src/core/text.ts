/** Text normalisation shared by the command parser and trigger matching. */
import { distance as levenshtein } from "fastest-levenshtein";

/** Lower-case, umlauts folded (ä→ae, ß→ss), accents removed, punctuation to spaces, spaces collapsed. */
export function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9@<>:.!#+\-\s✅👍👀]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Remove control characters and bidi overrides from user text; keep line breaks and tabs. Lone UTF-16 surrogates
 * become U+FFFD (as SQLite would store them), so that what is hashed is what is stored.
 */
export function sanitize(s: string, max = 4000): string {
  const cleaned = s
    .toWellFormed()
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

/**
 * A text cut to at most `max` characters for display, at a word boundary with "…" (never "…anrufen, ni").
 * A single word longer than `max` is cut inside (there is no boundary to cut at).
 */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const at = cut.search(/\s+\S*$/);
  return `${(at > max / 3 ? cut.slice(0, at) : cut).replace(/[\s,;:.–-]+$/, "")}…`;
}

/**
 * The one typo distance of the project: insertions, deletions and substitutions as counted by `fastest-levenshtein`,
 * and a swap of two neighbouring letters ("stauts" → "status") as one edit, as people mistype on a phone.
 */
export function typoDistance(a: string, b: string): number {
  const d = levenshtein(a, b);
  return d === 2 && a.length === b.length && isOneSwap(a, b) ? 1 : d;
}

/** `a` and `b` differ only by one swap of neighbouring letters. */
function isOneSwap(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/**
 * The candidate closest to `word` by {@link typoDistance}, when within `maxFor(candidate)` edits (ties: the first);
 * candidates whose length alone rules them out are skipped without computing a distance.
 */
export function closestWord(
  word: string,
  candidates: Iterable<string>,
  maxFor: (candidate: string) => number,
): { word: string; distance: number } | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const cand of candidates) {
    const max = Math.min(maxFor(cand), best ? best.distance - 1 : Number.POSITIVE_INFINITY);
    if (max < 0 || Math.abs(cand.length - word.length) > max) continue;
    const d = typoDistance(word, cand);
    if (d <= max) best = { word: cand, distance: d };
  }
  return best;
}

/** Allowed typo distance for a word of this length. */
export function tolerance(word: string): number {
  return word.length <= 3 ? 0 : word.length <= 6 ? 1 : 2;
}
