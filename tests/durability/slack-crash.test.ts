/**
 * Crash test of `notfallbot serve` with the Slack adapter (issue 7): the real CLI (`bin/notfallbot.mjs serve --db …`)
 * gets a scripted incident of several hundred events as signed Slack requests (slash commands, Events API thread
 * messages) and is killed with SIGKILL at seeded random points; every restart continues on the same database.
 * The bot's Web API calls go to the fake Slack API in this process, where messages are counted. After each restart
 * the last applied event is delivered once more as Slack retries it (`x-slack-retry-num`): it must have no effect.
 * What is checked is described in ./_crash.ts; the Slack side in ./_slack-target.ts and ./_serve-target.ts.
 *
 * Replay a failure: `CRASH_SEED=<seed from the output> npx vitest run tests/durability/slack-crash.test.ts`.
 * `CRASH_KILLS` sets the number of distinct kill points (default 100, as for the terminal; a restart of `serve` costs about a second,
 * so this file takes about a minute), shared by two streams that run in parallel on their own database and fake.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { tempDir } from "../helpers/tmp.ts";
import { crashKills, crashSeed } from "./_rng.ts";
import { crashScript } from "./_script.ts";
import { serveCrash, serveSummary } from "./_serve-target.ts";
import { slackActorId, slackCrashTarget } from "./_slack-target.ts";

const SEED = crashSeed();
const KILLS = crashKills();
const STREAMS = 2;
const MIN_STEPS = 200;
// posts, edits and reactions (the 📝 acknowledgement of a line in the thread)
const DELIVERIES = new Set(["chat.postMessage", "chat.postEphemeral", "chat.update", "reactions.add"]);
const tmp = tempDir("notfallbot-slack-crash-");
afterAll(() => tmp.cleanup());

process.stdout.write(
  `slack-crash: CRASH_SEED=${SEED} (wiederholen: CRASH_SEED=${SEED} npx vitest run tests/durability/slack-crash.test.ts)\n`,
);

describe("kill -9 of `notfallbot serve` with Slack during an incident (real CLI, signed requests, fake Web API)", () => {
  it(`loses no confirmed event, repeats no message, fires every timer once, ignores Slack's retries (kill -9 at ${KILLS} points)`, async () => {
    const playbooks = loadPlaybooks();
    const { reports, targets, recorded } = await serveCrash({
      seed: SEED,
      kills: KILLS,
      streams: STREAMS,
      dir: tmp.dir,
      script: (seed) => crashScript(seed, playbooks, MIN_STEPS, { actorId: slackActorId }),
      async makeTarget() {
        const { target, api, close } = await slackCrashTarget();
        return {
          target,
          close,
          // what the gate counts: every successful call, and a reaction added again after a kill (already_reacted)
          recorded: () =>
            api.calls.filter(
              (c) =>
                DELIVERIES.has(c.method) &&
                (c.response.ok === true || (c.method === "reactions.add" && c.response.error === "already_reacted")),
            ).length,
        };
      },
    });
    process.stdout.write(`${reports.map((r, k) => serveSummary(r, targets[k]!, recorded[k]!)).join("\n")}\n`);
    expect(reports.reduce((a, r) => a + r.distinctPoints, 0)).toBeGreaterThanOrEqual(KILLS);
    reports.forEach((r, k) => {
      expect(r.steps).toBeGreaterThanOrEqual(MIN_STEPS);
      expect(r.repeats.length).toBeLessThanOrEqual(r.kills.length);
      expect(r.timersFired).toBeGreaterThan(0);
      // the gate saw exactly what the fake Slack API recorded
      expect(r.shown).toBe(recorded[k]);
      // Slack's retries after a restart were exercised (and, by the checks above, had no second effect)
      expect(targets[k]!.stats.redelivered).toBeGreaterThan(0);
    });
  }, 300_000);
});
