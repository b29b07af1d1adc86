/**
 * Splits a German compound into parts the matcher knows (`praxisserver` → `praxis` + `server`,
 * `kartenlesegerat` → `kartenles` + `gerat`), so a compound nobody wrote into a playbook still counts.
 */

/** Linking letters between the parts of a compound (`verschlusselung-s-trojaner`, `karten-les-e-gerat`). */
const LINKS = ["", "s", "e", "n", "en", "es"];

/** Parts shorter than this are too likely to match by accident. */
const MIN_PART = 3;
/** An unknown part must be at least this long, and so must the known part beside it. */
const UNKNOWN_PART = 4;
/** Longer words are not split (cost grows with the square of the length). */
const MAX_WORD = 40;

/**
 * The split of `word` into known parts with the fewest parts, or undefined when there is none with two parts or
 * more. `known(part)` says whether a part is a word or stem the matcher knows. With `loose`, a first part nobody knows is
 * allowed when it is at least four letters long and the rest splits fully (`arzt` + `praxis` + `server`); so is
 * an unknown last part after a known first part of four letters or more (`strom` + `kabel`).
 */
export function splitCompound(word: string, known: (part: string) => boolean, loose = true): string[] | undefined {
  if (word.length < 2 * MIN_PART || word.length > MAX_WORD) return undefined;
  const memo = new Map<number, string[] | null>();
  // best split of word[start..] into known parts (with linking letters), fewest parts first
  const rest = (start: number): string[] | null => {
    if (start === word.length) return [];
    const cached = memo.get(start);
    if (cached !== undefined) return cached;
    let best: string[] | null = null;
    for (let end = word.length; end - start >= MIN_PART; end--) {
      const part = word.slice(start, end);
      if (!known(part)) continue;
      for (const link of LINKS) {
        if (!word.startsWith(link, end)) continue;
        const tail = rest(end + link.length);
        if (tail && (!best || tail.length + 1 < best.length)) best = [part, ...tail];
      }
    }
    memo.set(start, best);
    return best;
  };
  const whole = rest(0);
  if (whole && whole.length >= 2) return whole;
  if (!loose) return undefined;
  // an unknown first part ("arzt|praxisserver", "schmor|geruch")
  for (let cut = UNKNOWN_PART; cut <= word.length - MIN_PART; cut++) {
    const tail = rest(cut);
    if (tail && tail.length >= 1 && tail.some((p) => p.length >= UNKNOWN_PART)) return [word.slice(0, cut), ...tail];
  }
  // an unknown last part ("strom|kabel")
  for (let end = word.length - UNKNOWN_PART; end >= UNKNOWN_PART; end--) {
    const head = word.slice(0, end);
    if (known(head)) return [head, word.slice(end)];
  }
  return undefined;
}
