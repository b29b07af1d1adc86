/**
 * Measurement, not a test: Teams activity → first reply latency on loopback, through the real SDK (CloudAdapter,
 * ConnectorClient), the real core and SQLite, with replies caught by the fake Bot Connector. The clock starts when
 * the activity JSON is ready and stops when the fake connector has received the bot's first resulting call.
 * Run: node_modules/.bin/node tests/adapters/teams/latency.ts [count]
 */
import { FakeClock } from "../../../src/core/clock.ts";
import { cardButtons, cardOf } from "./card-text.ts";
import { activityBase, mentionMessage, TEAMS_CHANNEL, teamsHarness } from "./harness.ts";

const count = Number(process.argv[2] ?? 250);
const clock = new FakeClock("2026-03-02T08:00:00Z");
const h = teamsHarness();
await h.start(clock);
await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
await h.settle();
const root = /;messageid=(.+)$/.exec(h.connector.list()[0]!.conversationId)![1]!;
const url = h.connector.url;
let id = 1_780_000_000_000;

async function measure(label: string, body: () => string): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const json = body();
    const n = h.connector.calls.length;
    const first = h.connector.waitFor(() => h.connector.calls.length > n, 10_000);
    const t0 = performance.now();
    await h.post(json);
    await first;
    ms.push(performance.now() - t0);
    await h.settle();
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!.toFixed(2);
  process.stdout.write(`${label}: n=${ms.length} median=${q(0.5)} ms p99=${q(0.99)} ms max=${ms.at(-1)!.toFixed(2)} ms\n`);
}

const thread = `${TEAMS_CHANNEL};messageid=${root}`;
await measure("thread reply `@Notfallbot status` → status card", () =>
  JSON.stringify(mentionMessage(activityBase("anna", thread, String(id++), url, clock.now()), "status")),
);
await measure("channel post `@Notfallbot notfall hilfe` → help card", () => {
  const mid = String(id++);
  return JSON.stringify(mentionMessage(activityBase("ben", `${TEAMS_CHANNEL};messageid=${mid}`, mid, url, clock.now()), "notfall hilfe"));
});
const card = h.connector.list().find((m) => cardButtons(cardOf(m.activity) ?? {}).includes("vorlage presse"))!;
await measure("Action.Execute invoke `vorlage presse` → template card", () =>
  JSON.stringify({
    ...activityBase("cem", thread, `f:${id++}`, url, clock.now()),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: card.id,
    value: { action: { type: "Action.Execute", verb: "notfall", data: { c: "vorlage presse", i: "NF-2026-0001" } }, trigger: "manual" },
  }),
);
await h.stop();
