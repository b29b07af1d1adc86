/**
 * Load generator of the Slack benchmark (child process of bench/suites/slack.ts): `--clients` concurrent clients,
 * each with its own keep-alive connection, send signed slash commands `/notfall verschlüsselung …` (each in a new
 * channel, so each opens a new incident) and time each one until the HTTP answer (Bolt's ack) has arrived.
 *
 * Targets are measured in alternating rounds (A B, B A, A B …; with three: A B C, C B A, B C A …), so that whatever
 * else the machine does hits all alike; after every round the target that just ran is asked `GET /bench/idle` (its
 * delivery finished) before the next one starts, and one untimed warm-up round per target comes first. Just before
 * and after (idle) each measured round it asks the target's `GET /bench/loop`: the longest event-loop stall of the
 * server within that round, its delivery included.
 *
 * `--rate R`: commands arrive at random (Poisson) at R per second, each sent on a free connection of the pool of
 * `--clients` connections (open loop: a slow answer does not slow down the arrivals). `--rate 0`: every client sends
 * its next command as soon as its previous one is answered (closed loop, back to back: the servers' saturation).
 *
 * Prints one JSON line: per target the ack times (ms) and, per request, the channel and epoch send time (to match
 * with the fake API's arrival times), and per measured round the server's longest loop stall.
 *
 * Run alone: node bench/lib/slack-load.ts --targets '[{"name":"floor","url":"…","idle":"…","loop":"…"}]' [--clients 50
 *   --per-round 250 --rounds 4 --warmup 100 --rate 50]
 */
import { Agent, request } from "node:http";
import { setPriority } from "node:os";
import { args, report } from "./args.ts";
import { epochMs } from "./service.ts";
import { signedHeaders, slashCommand } from "./slack-request.ts";

interface Target {
  name: string;
  url: string;
  idle: string;
  /** `GET`: the server's longest event-loop stall since the last call (bench/lib/slack-target.ts). */
  loop: string;
}
/** A measured round's longest event-loop stall on the server, from just before its first request to its idle. */
interface LoopWindow {
  round: number;
  maxMs: number;
  p99Ms: number;
}
interface Sample {
  round: number;
  channel: string;
  sentAt: number;
  ms: number;
}

const a = args();

// The clients stand for Slack, whose servers do not share our cores: where allowed (root, CAP_SYS_NICE) the load
// generator gets the CPU before the measured servers, so that the time it takes to notice an answer is not the
// servers' work on the same two cores. Same for every target; said in the result.
let clientPriority = 0;
try {
  setPriority(-10);
  clientPriority = -10;
} catch {
  // not allowed: normal priority
}
const targets = JSON.parse(a.str("targets")) as Target[];
const clients = a.num("clients", 50);
const perRound = a.num("per-round", 250);
const rounds = a.num("rounds", 4);
const warmup = a.num("warmup", 100);
const rate = a.num("rate", 0);
const TEXT = "verschlüsselung Server zeigt Erpressernachricht, Dateien enden auf .locked";

let channels = 0;
const nextChannel = () => `C0B${process.pid.toString(36).toUpperCase()}X${(++channels).toString(36).toUpperCase().padStart(6, "0")}`;

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end(body);
  });
}

async function loopWindow(t: Target): Promise<Omit<LoopWindow, "round">> {
  const res = await fetch(t.loop, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${t.name}: /bench/loop antwortete ${res.status}`);
  return (await res.json()) as Omit<LoopWindow, "round">;
}

async function idle(t: Target): Promise<void> {
  const res = await fetch(t.idle, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`${t.name}: /bench/idle antwortete ${res.status}`);
  await res.text();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `n` slash commands to `t` over `clients` keep-alive connections. `rate` > 0: requests arrive at random (Poisson)
 * at `rate` per second, each on a free connection (if all `clients` are busy it waits for one, and that wait
 * counts); `rate` 0: every client sends its next request as soon as its previous one is answered.
 */
async function round(t: Target, n: number, r: number): Promise<Sample[]> {
  const url = new URL(t.url);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const out: Sample[] = [];
  let bad = 0;
  const one = async () => {
    const channel = nextChannel();
    const body = slashCommand(channel, TEXT);
    const headers = signedHeaders(body);
    const sentAt = epochMs();
    const t0 = performance.now();
    const status = await post(agent, url, body, headers);
    const ms = performance.now() - t0;
    if (status !== 200) bad++;
    out.push({ round: r, channel, sentAt, ms });
  };
  if (rate > 0) {
    const pending: Promise<void>[] = [];
    const start = performance.now();
    let due = 0;
    for (let i = 0; i < n; i++) {
      due += (-Math.log(1 - Math.random()) * 1000) / rate;
      const wait = start + due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(one());
    }
    await Promise.all(pending);
  } else {
    let issued = 0;
    const client = async () => {
      while (issued < n) {
        issued++;
        await one();
      }
    };
    await Promise.all(Array.from({ length: clients }, () => client()));
  }
  agent.destroy();
  if (bad) throw new Error(`${t.name}: ${bad} von ${n} Anfragen nicht mit 200 beantwortet`);
  return out;
}

const results: Record<string, Sample[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
const wall: Record<string, number> = Object.fromEntries(targets.map((t) => [t.name, 0]));
const loops: Record<string, LoopWindow[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
for (const t of targets) {
  await round(t, warmup, 0);
  await idle(t);
}
// The order changes from round to round (A B C, then C B A, then B C A …), so that no target always runs right
// after the same other one.
for (let r = 1; r <= rounds; r++) {
  const k = Math.floor((r - 1) / 2) % targets.length;
  const rotated = [...targets.slice(k), ...targets.slice(0, k)];
  const order = r % 2 === 1 ? rotated : rotated.reverse();
  for (const t of order) {
    await loopWindow(t); // what came before this round (start-up, warm-up, idle time) is left out
    const t0 = performance.now();
    results[t.name]!.push(...(await round(t, perRound, r)));
    const t1 = performance.now();
    wall[t.name]! += t1 - t0;
    await idle(t);
    loops[t.name]!.push({ round: r, ...(await loopWindow(t)) });
    if (a.flag("verbose"))
      process.stderr.write(`round ${r} ${t.name}: ${(t1 - t0).toFixed(0)} ms, idle after ${(performance.now() - t1).toFixed(0)} ms\n`);
  }
}
report({ clients, rate, perRound, rounds, warmup, wall, clientPriority, samples: results, loops });
