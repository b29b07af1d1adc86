/**
 * Child of the matcher benchmark (bench/suites/match.ts): cost of recognising the type of one declaration.
 *
 *   node bench/match.ts --mode matcher|fold|old [--rounds 40]
 *
 * Input: the 256 phrasings of the test corpus (tests/unit/match-corpus.ts, everyday and ambiguous), in order,
 * `rounds` times after two rounds of warm-up. `matcher`: `matchPlaybooks(text, library.list())` as the service
 * calls it per declaration (a fresh list each time, index cached). `fold`: the floor, a plain normalisation pass
 * (lower case, umlauts, punctuation, split into words) over the same text. `old`: the trigger matcher this one
 * replaced (fold the text, look for every trigger as a whole phrase), kept here only as a second yardstick. Also
 * reports the time to build the index once (cold, median of five).
 */
import { matchPlaybooks } from "../src/core/match/index.ts";
import { PlaybookIndex } from "../src/core/match/playbook-index.ts";
import { fold } from "../src/core/text.ts";
import { loadPlaybooks } from "../src/machines/loader.ts";
import type { Playbook } from "../src/machines/schema.ts";
import { AMBIGUOUS, CORPUS } from "../tests/unit/match-corpus.ts";
import { args, report } from "./lib/args.ts";
import { median } from "./lib/stats.ts";

const a = args();
const mode = a.str("mode");
const rounds = a.num("rounds", 40);
const library = loadPlaybooks();
const phrases = [...Object.values(CORPUS).flat(), ...AMBIGUOUS.map((x) => x.text)];

/** The old matcher's core: whole trigger phrases found in the folded text (word boundaries). */
function triggerMatch(text: string, playbooks: readonly Playbook[]): string | undefined {
  const f = ` ${fold(text).replace(/-/g, " ")} `;
  let best: { id: string; len: number } | undefined;
  for (const pb of playbooks) {
    for (const trig of [pb.id, ...pb.triggers]) {
      const t = fold(trig).replace(/-/g, " ");
      if (t && f.includes(` ${t} `) && (!best || t.length > best.len)) best = { id: pb.id, len: t.length };
    }
  }
  return best?.id;
}

const once =
  mode === "old"
    ? (t: string) => triggerMatch(t, library.list())
    : mode === "fold"
      ? (t: string) => fold(t).split(" ").length
      : (t: string) => matchPlaybooks(t, library.list()).verdict;

let sink = 0;
for (let r = 0; r < 2; r++) for (const t of phrases) sink += String(once(t)).length;
const perRound: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (const t of phrases) sink += String(once(t)).length;
  perRound.push(Number(process.hrtime.bigint() - t0) / 1e3 / phrases.length);
}
const build: number[] = [];
if (mode === "matcher") {
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    sink += new PlaybookIndex(library.list()).cues.length;
    build.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
report({ usPerDeclaration: median(perRound), declarations: phrases.length * rounds, indexBuildMs: build.length ? median(build) : 0, sink });
