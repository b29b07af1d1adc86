/**
 * Crash test of the terminal bot (issue 7): the real CLI (`bin/notfallbot.mjs console --db …`) is fed a scripted
 * incident of several hundred events through a pipe and killed with SIGKILL at seeded random points; every
 * restart continues on the same database. What is checked is described in ./_crash.ts.
 *
 * Replay a failure: `CRASH_SEED=<seed from the output> npx vitest run tests/durability/console-crash.test.ts`.
 * `CRASH_KILLS` sets the number of distinct kill points (default 100, shared by two streams that run in parallel on
 * their own database and script, so the file stays fast on two cores).
 */
import { mkdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { tempDir } from "../helpers/tmp.ts";
import { consoleTarget } from "./_console-target.ts";
import { type CrashReport, crashTest } from "./_crash.ts";
import { crashKills, crashSeed, rng, subSeed } from "./_rng.ts";
import { buildScript, type Step } from "./_script.ts";

const SEED = crashSeed();
const KILLS = crashKills();
const STREAMS = 2;
const MIN_STEPS = 200;
const tmp = tempDir("notfallbot-crash-");
afterAll(() => tmp.cleanup());

process.stdout.write(
  `console-crash: CRASH_SEED=${SEED} (wiederholen: CRASH_SEED=${SEED} npx vitest run tests/durability/console-crash.test.ts)\n`,
);

/** A script of at least MIN_STEPS events: the big ransomware playbook, then other incident types (one a drill). */
function scriptFor(seed: number): Step[] {
  const r = rng(seed);
  const playbooks = loadPlaybooks();
  const others = r.shuffle(
    playbooks
      .list()
      .map((p) => p.id)
      .filter((id) => id !== "verschluesselung"),
  );
  const incidents: { playbook: string; drill?: boolean }[] = [{ playbook: "verschluesselung" }];
  for (;;) {
    const script = buildScript(rng(seed), playbooks, { incidents });
    if (script.length >= MIN_STEPS) return script;
    incidents.push({ playbook: others[incidents.length - 1]!, ...(incidents.length === 1 ? { drill: true } : {}) });
  }
}

function summary(r: CrashReport): string {
  const modes = new Map<string, number>();
  for (const k of r.kills) modes.set(k.mode, (modes.get(k.mode) ?? 0) + 1);
  const outcomes = new Map<string, number>();
  for (const k of r.kills) if (k.outcome) outcomes.set(k.outcome, (outcomes.get(k.outcome) ?? 0) + 1);
  return [
    `${r.label} (Seed ${r.seed}): ${r.steps} Schritte, ${r.runs} Läufe, ${r.kills.length} kills an ${r.distinctPoints} verschiedenen Stellen [${[...modes].map(([m, n]) => `${m} ${n}`).join(", ")}]`,
    `  Schritt im Flug beim kill: ${[...outcomes].map(([m, n]) => `${m} ${n}`).join(", ") || "–"}; erneut gesendet ${r.resent}, Antwort nach Neustart ${r.answeredAfterRestart}`,
    `  Nachrichten ${r.messages}, gezeigt ${r.shown}, Wiederholungen (geschrieben, noch nicht als gesendet markiert beim kill) ${r.repeats.length} [${[...modes.keys()].map((m) => `${m} ${r.kills.filter((k) => k.mode === m && k.repeated).length}`).join(", ")}]`,
    `  Timer ausgelöst ${r.timersFired} (nach ${r.timerPulls} Zeitsprüngen), Erinnerungen ${r.timerMessages}; ${(r.ms / 1000).toFixed(1)} s`,
  ].join("\n");
}

describe("kill -9 of the terminal bot during an incident (real CLI, real SQLite file)", () => {
  it(`loses no confirmed event, repeats no message, fires every timer once (kill -9 at ${KILLS} points)`, async () => {
    // the first failing stream stops the others, and all are gone before the temporary folder is removed
    const stop = new AbortController();
    const settled = await Promise.allSettled(
      Array.from({ length: STREAMS }, (_, k) => {
        const seed = subSeed(SEED, k);
        const dir = `${tmp.dir}/stream-${k}`;
        mkdirSync(dir, { recursive: true });
        return crashTest({
          target: consoleTarget,
          script: scriptFor(subSeed(seed, 1000)),
          seed,
          points: Math.ceil(KILLS / STREAMS),
          dir,
          label: `Strom ${k + 1}/${STREAMS}`,
          signal: stop.signal,
        }).catch((err: unknown) => {
          stop.abort();
          throw err;
        });
      }),
    );
    const failed = settled.find((r) => r.status === "rejected" && !/abgebrochen/.test(String(r.reason)));
    if (failed?.status === "rejected") throw failed.reason;
    const reports = settled.map((r) => {
      if (r.status === "rejected") throw r.reason;
      return r.value;
    });
    process.stdout.write(`${reports.map(summary).join("\n")}\n`);
    expect(reports.reduce((a, r) => a + r.distinctPoints, 0)).toBeGreaterThanOrEqual(KILLS);
    for (const r of reports) {
      expect(r.steps).toBeGreaterThanOrEqual(MIN_STEPS);
      expect(r.repeats.length).toBeLessThanOrEqual(r.kills.length);
      expect(r.timersFired).toBeGreaterThan(0);
    }
  }, 300_000);
});
