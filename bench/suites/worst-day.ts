/**
 * The IT service provider's worst day (issue #15 item 5): its remote-maintenance tool is compromised and N tenants
 * (300) declare a ransomware incident within one minute. The real CLI (`bin/notfallbot.mjs serve`) runs with a folder
 * of N organisation files (`NOTFALL_TENANTS`, each covering one Slack team) and the Slack adapter pointed at the
 * fake Slack Web API of the tests (real wire format) in this process; declarations are signed slash commands, spread
 * evenly over the minute and sent round robin to the processes (as a reverse proxy would):
 *
 *   - PostgreSQL: two `serve` processes on one database (a throwaway server from Debian's package, fsync on);
 *   - SQLite: one `serve` process on its file.
 *
 * Measured: declaration sent → first message of that tenant at the platform (p50, p99), and the time until every
 * message of the storm is delivered (outbox empty). The floor is the same latency of one declaration alone on an
 * idle deployment, measured first in the same run.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { BOT_TOKEN, FakeSlackApi, type RecordedCall } from "../../tests/adapters/slack/fake-slack-api.ts";
import { slackSignature } from "../../tests/adapters/slack/signed-request.ts";
import { PostgresServer } from "../../tests/postgres/server.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
import { percentile } from "../lib/stats.ts";
import { type BenchContext, type Benchmark, type Measured, row } from "../lib/types.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "worst-day-0c9e3b5d2f4a6c8e0b1d3f5a7c9e1b7a";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

class Serve {
  readonly child: ChildProcessWithoutNullStreams;
  port = 0;
  err = "";
  readonly ready: Promise<void>;
  constructor(env: Record<string, string>, cwd: string) {
    this.child = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, join(ROOT, "bin", "notfallbot.mjs"), "serve"], {
      cwd,
      env: { ...process.env, ...env, PORT: "0", NO_COLOR: "1" },
    });
    this.child.stderr.on("data", (d) => {
      this.err = (this.err + d).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      let out = "";
      this.child.stdout.on("data", (d) => {
        out += d;
        const m = /READY (\d+)/.exec(out);
        if (m && !this.port) {
          this.port = Number(m[1]);
          resolve();
        }
      });
      this.child.on("exit", (code) => reject(new Error(`serve endete vor READY (${code}): ${this.err}`)));
    });
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}

/** Tenant `i`'s declaration; `run` keeps the channels of the two deployments apart (the platform is shared). */
function declaration(i: number, run: string): { body: string; team: string; channel: string } {
  const team = `T${String(i).padStart(6, "0")}`;
  const channel = `C${run}${String(i).padStart(6, "0")}`;
  const body = new URLSearchParams({
    token: "x",
    team_id: team,
    team_domain: `praxis-${i}`,
    channel_id: channel,
    channel_name: "it-notfall",
    user_id: "U0ANNA",
    user_name: "anna",
    command: "/notfall",
    text: "verschlüsselung Alle Rechner zeigen eine Erpressernachricht",
    api_app_id: "A0NOTFALL",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.com/commands/${team}/${i}/xyz`,
    trigger_id: `${1_000_000 + i}.738474920.${i.toString(16).padStart(12, "0")}`,
  }).toString();
  return { body, team, channel };
}

async function post(port: number, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(SECRET, ts, body),
    },
    body,
  });
  await res.text();
  return res.status;
}

interface Storm {
  p50: number;
  p99: number;
  max: number;
  /** Last declaration sent → outbox empty, ms. */
  drainMs: number;
  messages: number;
  failed: number;
}

/** One deployment: its processes, how to count pending outbox rows. */
interface Deployment {
  /** Prefix of this deployment's channel ids. */
  run: string;
  procs: Serve[];
  pending(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Declares for tenants `from..to-1` spread over `spreadMs`, round robin over the processes; resolves when every
 * tenant's first message is at the platform and the outbox is empty.
 */
async function storm(
  ctx: BenchContext,
  d: Deployment,
  api: FakeSlackApi,
  first: Map<string, number>,
  from: number,
  to: number,
  spreadMs: number,
): Promise<Storm> {
  const sent = new Map<string, number>();
  const posts: Promise<number>[] = [];
  const t0 = now();
  for (let i = from; i < to; i++) {
    const at = t0 + ((i - from) * spreadMs) / Math.max(1, to - from);
    const wait = at - now();
    if (wait > 0) await sleep(wait);
    const dcl = declaration(i, d.run);
    sent.set(dcl.channel, now());
    posts.push(post(d.procs[i % d.procs.length]!.port, dcl.body));
  }
  const lastSent = now();
  const statuses = await Promise.all(posts);
  const bad = statuses.filter((s) => s !== 200).length;
  if (bad) throw new Error(`${bad} Meldungen nicht mit 200 beantwortet`);
  for (let k = 0; ; k++) {
    if ([...sent.keys()].every((c) => first.has(c)) && (await d.pending()) === 0) break;
    if (k > 6000)
      throw new Error(
        `nach 10 min noch nicht alles zugestellt (${[...sent.keys()].filter((c) => !first.has(c)).length} ohne erste Nachricht)`,
      );
    await sleep(100);
  }
  const drainMs = now() - lastSent;
  const lat = [...sent].map(([c, t]) => first.get(c)! - t).sort((a, b) => a - b);
  const calls = api.calls.filter((c) => sent.has(String(c.args.channel)));
  ctx.log(`  ${to - from} Meldungen, ${calls.length} Aufrufe an Slack, alles zugestellt ${(drainMs / 1000).toFixed(1)} s nach der letzten`);
  return {
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
    max: lat.at(-1)!,
    drainMs,
    messages: calls.filter((c) => c.method === "chat.postMessage").length,
    failed: calls.filter((c) => c.response.ok !== true).length,
  };
}

async function deployment(
  ctx: BenchContext,
  kind: "postgres" | "sqlite",
  n: number,
  apiUrl: string,
  server?: PostgresServer,
): Promise<Deployment> {
  const dir = join(ctx.dir, `worst-day-${kind}`);
  const tenants = join(dir, "mandanten");
  mkdirSync(tenants, { recursive: true });
  for (let i = 0; i < n; i++) {
    writeFileSync(
      join(tenants, `praxis-${i}.yaml`),
      `name: Praxis ${i}\ncovers:\n  slack: [T${String(i).padStart(6, "0")}]\nit:\n  name: IT-Service Muster\n  hotline: "+49 30 1234567-${i}"\n`,
    );
  }
  const base = { NOTFALL_TENANTS: tenants, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: apiUrl };
  if (kind === "sqlite") {
    const file = join(dir, "data", "notfall.db");
    const p = new Serve({ ...base, NOTFALL_DB: file }, dir);
    await p.ready;
    const db = new Database(file, { readonly: true });
    const q = db.prepare("select count(*) as n from outbox where status = 'pending'");
    return {
      run: "S",
      procs: [p],
      pending: async () => (q.get() as { n: number }).n,
      async close() {
        await p.stop();
        db.close();
      },
    };
  }
  const c = new pg.Client(server!.url);
  await c.connect();
  await c.query("CREATE DATABASE worst_day");
  await c.end();
  const url = server!.urlFor("worst_day");
  const procs = [0, 1].map((k) => new Serve({ ...base, DATABASE_URL: url, NOTFALL_DATA: join(dir, `data-${k}`) }, dir));
  await Promise.all(procs.map((p) => p.ready));
  const probe = new pg.Client(url);
  await probe.connect();
  return {
    run: "P",
    procs,
    pending: async () => (await probe.query("select count(*)::int as n from outbox where status = 'pending'")).rows[0].n,
    async close() {
      await Promise.all(procs.map((p) => p.stop()));
      await probe.end();
    },
  };
}

export const worstDayBenchmark: Benchmark = {
  id: "worst-day",
  title: "worst day of an IT service provider: N tenants declare ransomware within one minute",
  async run(ctx) {
    const n = ctx.quick ? 30 : 300;
    const spreadMs = ctx.quick ? 10_000 : 60_000;
    const api = new FakeSlackApi();
    await api.start();
    const first = new Map<string, number>();
    void api.waitForCall((c: RecordedCall) => {
      const ch = String(c.args.channel ?? "");
      if (c.method === "chat.postMessage" && c.response.ok === true && !first.has(ch)) first.set(ch, performance.timeOrigin + c.at);
      return false;
    });
    const server = await PostgresServer.create();
    const out: Measured[] = [];
    try {
      for (const kind of ["postgres", "sqlite"] as const) {
        const label = kind === "postgres" ? "PostgreSQL, 2 processes" : "SQLite, 1 process";
        ctx.log(`worst-day: ${label}, ${n} Mandanten`);
        const d = await deployment(ctx, kind, n + 5, api.url, server);
        try {
          // warm-up (first requests load code and open connections), then the floor: declarations one at a time on
          // the idle deployment, median of three (tenants n+3, n+4, then n..n+2: not part of the storm)
          await storm(ctx, d, api, first, n + 3, n + 5, 500);
          const alones: Storm[] = [];
          for (let k = 0; k < 3; k++) alones.push(await storm(ctx, d, api, first, n + k, n + k + 1, 0));
          const mid = <K extends keyof Storm>(key: K) => alones.map((a) => a[key] as number).sort((a, b) => a - b)[1]!;
          const alone = { p50: mid("p50"), drainMs: mid("drainMs") };
          const s = await storm(ctx, d, api, first, 0, n, spreadMs);
          const note = `p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; ${s.messages} messages, all delivered ${(s.drainMs / 1000).toFixed(1)} s after the last declaration; ${s.failed} failed calls`;
          out.push(
            row(
              `worst day (${n} tenants in ${spreadMs / 1000} s), ${label}: declaration → first message p50`,
              s.p50,
              "ms",
              alone.p50,
              "cost",
              "",
              undefined,
              note,
            ),
            row(`worst day, ${label}: declaration → first message p99`, s.p99, "ms", alone.p50, "cost"),
            row(`worst day, ${label}: all messages delivered after the last declaration`, s.drainMs, "ms", alone.drainMs, "cost"),
          );
        } finally {
          await d.close();
        }
      }
    } finally {
      await server.stop();
      await api.stop();
    }
    return out;
  },
};
