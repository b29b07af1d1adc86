/**
 * Slack's cloud for the Slack benchmark (child process of bench/suites/slack.ts): the fake Web API of the Slack tests
 * (tests/adapters/slack/fake-slack-api.ts, real wire format, Block Kit checks) on 127.0.0.1, in its own process so
 * that its work is not counted in the bot's event loop (Slack's servers are elsewhere too).
 *
 * Prints `ready {"url"}`, then for the first message in each channel's thread a line
 * `thread <channel> <epoch ms when the call had arrived>`; on SIGTERM a JSON line with the calls per method.
 *
 * Run alone: node bench/lib/slack-fake-api.ts
 */
import { setPriority } from "node:os";
import { FakeSlackApi, type RecordedCall } from "../../tests/adapters/slack/fake-slack-api.ts";

// Slack's servers do not share the bot's cores: on this machine the fake takes the CPU only when the measured
// servers leave it, so that its work (Block Kit checks of every call) does not stand in the measured queue
try {
  setPriority(19);
} catch {
  // not allowed here: normal priority
}

const api = new FakeSlackApi();
await api.start();
const seen = new Set<string>();
const perMethod: Record<string, number> = {};
let failed = 0;

// A listener that never matches stays registered for good: it sees every call as it is recorded.
void api.waitForCall((c: RecordedCall) => {
  perMethod[c.method] = (perMethod[c.method] ?? 0) + 1;
  if (c.response.ok !== true) failed++;
  const channel = typeof c.args.channel === "string" ? c.args.channel : "";
  if (c.method === "chat.postMessage" && c.response.ok === true && typeof c.args.thread_ts === "string" && !seen.has(channel)) {
    seen.add(channel);
    process.stdout.write(`thread ${channel} ${performance.timeOrigin + c.at}\n`);
  }
  // The call log is not read back here (messages stay: chat.update needs them).
  if (api.calls.length > 1000) api.calls.splice(0, api.calls.length - 100);
  return false;
});

process.stdout.write(`ready ${JSON.stringify({ url: api.url })}\n`);
process.once("SIGTERM", () => {
  void api.stop().then(() => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ perMethod, failed, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
    process.exit(0);
  });
});
