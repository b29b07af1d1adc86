/**
 * Not a test: measures, on loopback, `/notfall <typ> …` (signed slash command) → HTTP ack, and → first message in
 * the incident thread arriving at the fake Slack Web API. Everything real except Slack's cloud: Bolt's receiver,
 * the core on a SQLite file, the outbox dispatcher, the WebClient over HTTP.
 *   node_modules/.bin/node tests/adapters/slack/latency.ts [runs=300]
 */
import { FakeClock } from "../../../src/core/clock.ts";
import { slackHarness } from "./harness.ts";

const runs = Number(process.argv[2] ?? 300);
const warmup = 20;
const h = slackHarness();
await h.start(new FakeClock("2026-03-02T08:00:00Z"));

const ack: number[] = [];
const firstThread: number[] = [];
for (let i = 0; i < runs + warmup; i++) {
  const channel = `C0LAT${String(i).padStart(5, "0")}`;
  const body = h
    .slashBody("anna", "verschlüsselung Server zeigt Erpressernachricht")
    .replace("channel_id=C0NOTFALL", `channel_id=${channel}`);
  const arrived = h.api.waitForCall(
    (c) => c.method === "chat.postMessage" && c.args.channel === channel && typeof c.args.thread_ts === "string",
  );
  const t0 = performance.now();
  const res = await h.post({ body, contentType: "application/x-www-form-urlencoded" });
  const tAck = performance.now() - t0;
  const call = await arrived;
  if (i >= warmup) {
    ack.push(tAck);
    firstThread.push(call.at - t0);
  }
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  await h.settle();
}
await h.stop();

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `median ${q(xs, 50).toFixed(2)} ms, p99 ${q(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;
console.log(`Slack loopback, ${runs} slash commands (after ${warmup} warm-up), Node ${process.version}`);
console.log(`  slash command → HTTP 200 ack:            ${fmt(ack)}`);
console.log(`  slash command → first thread message:    ${fmt(firstThread)}`);
