/**
 * Matcher: µs to recognise the type of one declaration (src/core/match, bench/match.ts) against a plain
 * normalisation pass over the same text (the floor), measured in the same run; info rows: the trigger matcher it
 * replaced, and building the index once (at the first declaration after start). Three alternating child runs
 * each; medians.
 */
import { runChild } from "../lib/child.ts";
import { median } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Result {
  usPerDeclaration: number;
  declarations: number;
  indexBuildMs: number;
}

export const matchBenchmark: Benchmark = {
  id: "match",
  title: "matcher: cost per declaration",
  async run(ctx) {
    const rounds = String(ctx.quick ? 5 : 40);
    const matcher: Result[] = [];
    const floor: Result[] = [];
    const old: Result[] = [];
    const run = async (mode: string) => (await runChild<Result>("match.ts", ["--mode", mode, "--rounds", rounds])).result;
    for (let i = 1; i <= 3; i++) {
      ctx.log(`match: Lauf ${i}/3`);
      floor.push(await run("fold"));
      matcher.push(await run("matcher"));
      old.push(await run("old"));
    }
    const us = median(matcher.map((r) => r.usPerDeclaration));
    const floorUs = median(floor.map((r) => r.usPerDeclaration));
    const oldUs = median(old.map((r) => r.usPerDeclaration));
    const build = median(matcher.map((r) => r.indexBuildMs));
    const note = `${matcher[0]!.declarations} declarations per run (the corpus phrasings); floor = fold and split the same text`;
    const out: Measured[] = [
      row("matcher, per declaration", us, "µs", floorUs, "cost", "<= 500 µs", us <= 500, note),
      row("old trigger matcher, per declaration (replaced)", oldUs, "µs", floorUs, "cost"),
      row("matcher index build (once per playbook set)", build, "ms", build, "cost"),
    ];
    return out;
  },
};
