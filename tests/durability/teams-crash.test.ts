/**
 * Crash test of `notfallbot serve` with the Teams adapter (issue 7): the real CLI (`bin/notfallbot.mjs serve --db …`,
 * NOTFALL_TEAMS=1, unauthenticated local mode) gets a scripted incident of several hundred events as Bot Framework
 * activities (channel messages that @mention the bot) and is killed with SIGKILL at seeded random points; every
 * restart continues on the same database. The bot's replies go to the activities' serviceUrl, the fake Bot Connector
 * in this process, where messages are counted. After each restart the last applied activity is delivered once more:
 * it must have no effect. What is checked is described in ./_crash.ts; the Teams side in ./_teams-target.ts and
 * ./_serve-target.ts.
 *
 * Replay a failure: `CRASH_SEED=<seed from the output> npx vitest run tests/durability/teams-crash.test.ts`.
 * `CRASH_KILLS` sets the number of distinct kill points (default 100, as for the terminal; a restart of `serve` costs about a second,
 * so this file takes about a minute), shared by two streams that run in parallel on their own database and fake.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import type { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { tempDir } from "../helpers/tmp.ts";
import { crashKills, crashSeed } from "./_rng.ts";
import { crashScript } from "./_script.ts";
import { serveCrash, serveSummary } from "./_serve-target.ts";
import { teamsActorId, teamsCrashTarget } from "./_teams-target.ts";

const SEED = crashSeed();
const KILLS = crashKills();
const STREAMS = 2;
const MIN_STEPS = 200;
const tmp = tempDir("notfallbot-teams-crash-");
afterAll(() => tmp.cleanup());

process.stdout.write(
  `teams-crash: CRASH_SEED=${SEED} (wiederholen: CRASH_SEED=${SEED} npx vitest run tests/durability/teams-crash.test.ts)\n`,
);

describe("kill -9 of `notfallbot serve` with Teams during an incident (real CLI, Activity JSON, fake Bot Connector)", () => {
  it(`loses no confirmed event, repeats no message, fires every timer once, ignores redelivered activities (kill -9 at ${KILLS} points)`, async () => {
    const playbooks = loadPlaybooks();
    const connectors: FakeConnector[] = [];
    const { reports, targets, recorded } = await serveCrash({
      seed: SEED,
      kills: KILLS,
      streams: STREAMS,
      dir: tmp.dir,
      script: (seed) => crashScript(seed, playbooks, MIN_STEPS, { actorId: teamsActorId }),
      async makeTarget() {
        const { target, connector, close } = await teamsCrashTarget();
        connectors.push(connector);
        return {
          target,
          close,
          recorded: () => connector.calls.filter((c) => c.status >= 200 && c.status < 300 && c.kind !== "create").length,
        };
      },
    });
    process.stdout.write(`${reports.map((r, k) => serveSummary(r, targets[k]!, recorded[k]!)).join("\n")}\n`);
    expect(reports.reduce((a, r) => a + r.distinctPoints, 0)).toBeGreaterThanOrEqual(KILLS);
    reports.forEach((r, k) => {
      expect(r.steps).toBeGreaterThanOrEqual(MIN_STEPS);
      expect(r.repeats.length).toBeLessThanOrEqual(r.kills.length);
      expect(r.timersFired).toBeGreaterThan(0);
      // the gate saw exactly what the fake Bot Connector recorded
      expect(r.shown).toBe(recorded[k]);
      // redeliveries after a restart were exercised (and, by the checks above, had no second effect)
      expect(targets[k]!.stats.redelivered).toBeGreaterThan(0);
    });
    // across every kill and restart, no bot message went to a conversation Teams does not have (#13)
    for (const c of connectors) expect(c.lost().map((x) => x.conversationId)).toEqual([]);
  }, 300_000);
});
