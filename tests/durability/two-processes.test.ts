/**
 * Two `notfallbot serve` processes (the real CLI) on one PostgreSQL, with three tenants (a folder of organisation
 * files, each covering one Slack team), and `kill -9` of either process at seeded points during their incidents.
 * Events are signed Slack requests (slash commands, Events API thread messages) posted to a live process; the bot's
 * Web API calls go to the fake Slack API in this process. After each kill the dead process is started again while
 * the other keeps working; the event the dead one had not answered is retried by "Slack" at the other process (same
 * event_id, `x-slack-retry-num`), and the last answered one is redelivered as well (it must have no second effect).
 * Halfway, every pending timer is made due, so both processes compete for them.
 *
 * Checked at the end: every answered event is applied (its delivery id and its note are in the tenant's database);
 * every outbox row is sent; every message the platform got is an outbox row's, except at most one repeat per kill
 * (the message in flight at the kill, delivered again after its lease); every due timer has fired, once.
 *
 * Replay: `CRASH_SEED=<seed> npx vitest run tests/durability/two-processes.test.ts`. Leases are shortened to 3 s
 * and polls to 300 ms through the environment, so a kill costs seconds, not minutes; the file takes about a minute.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSlack } from "../../src/adapters/slack/render.ts";
import type { Outbound } from "../../src/core/message.ts";
import { BOT_TOKEN, FakeSlackApi, type FakeUser } from "../adapters/slack/fake-slack-api.ts";
import { slackSignature } from "../adapters/slack/signed-request.ts";
import { tempDir } from "../helpers/tmp.ts";
import { freshDatabase } from "../postgres/context.ts";
import { crashSeed, rng, subSeed } from "./_rng.ts";

const SEED = crashSeed();
const SIGNING_SECRET = "two-proc-5b1d9e3a7c2f4a6c8e0b1d3f5a7c9e1b";
const KILLS = 6;
const STEPS_PER_TENANT = 14;
const root = join(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const TENANTS = [
  { id: "praxis-albers", team: "T0ALBERS", channel: "C0ALBERS", name: "Praxis Albers" },
  { id: "kanzlei-berger", team: "T0BERGER", channel: "C0BERGER", name: "Kanzlei Berger" },
  { id: "praxis-celik", team: "T0CELIK", channel: "C0CELIK", name: "Praxis Çelik" },
] as const;
type Tenant = (typeof TENANTS)[number];

const PEOPLE: FakeUser[] = TENANTS.map((t, i) => ({
  id: `U0P${i}`,
  name: `person.${i}`,
  displayName: `Person ${i}`,
  realName: `Person ${t.name}`,
  locale: "de-DE",
}));

process.stdout.write(
  `two-processes: CRASH_SEED=${SEED} (wiederholen: CRASH_SEED=${SEED} npx vitest run tests/durability/two-processes.test.ts)\n`,
);

const tmp = tempDir("notfallbot-two-proc-");
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: FakeSlackApi;
let admin: pg.Client;

beforeAll(async () => {
  db = await freshDatabase("twoproc");
  api = new FakeSlackApi({ users: PEOPLE });
  await api.start();
  admin = new pg.Client(db.url);
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.stop();
  await db?.drop();
  tmp.cleanup();
});

/** One running `serve`. */
class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  port = 0;
  stderr = "";
  readonly ready: Promise<void>;
  alive = true;
  readonly name: string;
  constructor(name: string, env: Record<string, string>) {
    this.name = name;
    this.child = spawn(process.execPath, [join(root, "bin", "notfallbot.mjs"), "serve"], {
      cwd: tmp.dir,
      env: { ...process.env, ...env, PORT: "0", NO_COLOR: "1" },
    });
    this.child.stderr.on("data", (d) => {
      this.stderr += d;
    });
    this.child.on("exit", () => {
      this.alive = false;
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
      this.child.on("exit", (code) => reject(new Error(`${name} ended before READY (${code}): ${this.stderr.slice(-2000)}`)));
    });
  }
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }
  async stop(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}

interface Request {
  body: string;
  contentType: string;
  deliveryId: string;
  tenant: Tenant;
  /** A note whose text must be in the timeline once the event is answered. */
  note?: string;
}

/** Posts a signed request; resolves to the HTTP status, or 0 when the process died before answering. */
async function post(p: Proc, req: Request, retry = 0): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(`http://127.0.0.1:${p.port}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": req.contentType,
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(SIGNING_SECRET, ts, req.body),
        ...(retry ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_timeout" } : {}),
      },
      body: req.body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

let n = 0;
function slash(t: Tenant, text: string): Request {
  n++;
  const i = TENANTS.indexOf(t);
  const triggerId = `${1_000_000 + n}.738474920.${n.toString(16).padStart(12, "0")}`;
  const body = new URLSearchParams({
    token: "x",
    team_id: t.team,
    team_domain: t.id,
    channel_id: t.channel,
    channel_name: "it-notfall",
    user_id: PEOPLE[i]!.id,
    user_name: PEOPLE[i]!.name,
    command: "/notfall",
    text,
    api_app_id: "A0NOTFALL",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.com/commands/${t.team}/${n}/xyz`,
    trigger_id: triggerId,
  }).toString();
  return { body, contentType: "application/x-www-form-urlencoded", deliveryId: triggerId, tenant: t };
}

function threadMessage(t: Tenant, threadTs: string, text: string, note?: string): Request {
  n++;
  const i = TENANTS.indexOf(t);
  const ts = `${1_772_500_000 + n}.000100`;
  const eventId = `Ev0TWO${String(n).padStart(6, "0")}`;
  const envelope = {
    token: "x",
    team_id: t.team,
    api_app_id: "A0NOTFALL",
    event: {
      type: "message",
      text,
      user: PEOPLE[i]!.id,
      ts,
      team: t.team,
      thread_ts: threadTs,
      channel: t.channel,
      event_ts: ts,
      channel_type: "channel",
    },
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: t.team, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
  return { body: JSON.stringify(envelope), contentType: "application/json", deliveryId: eventId, tenant: t, ...(note ? { note } : {}) };
}

/** The thread root of a tenant's incident: the ts of the first message the bot posted in its channel. */
async function rootOf(t: Tenant): Promise<string | undefined> {
  const r = await admin.query(
    "select ref from outbox where tenant = $1 and status = 'sent' and key like 'NF-2026-0001/header' order by id limit 1",
    [t.id],
  );
  return r.rows[0]?.ref ?? undefined;
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Zeitüberschreitung: ${what}`);
    await sleep(100);
  }
}

describe("two `serve` processes on one PostgreSQL, three tenants, kill -9 of either", () => {
  it(`loses no answered event, repeats at most the message in flight per kill, fires every timer once (${KILLS} kills)`, async () => {
    const r = rng(subSeed(SEED, 15));
    const tenantsDir = join(tmp.dir, "mandanten");
    mkdirSync(tenantsDir);
    for (const t of TENANTS) writeFileSync(join(tenantsDir, `${t.id}.yaml`), `name: ${t.name}\ncovers:\n  slack: [${t.team}]\n`);
    const env = (k: number): Record<string, string> => ({
      DATABASE_URL: db.url,
      NOTFALL_TENANTS: tenantsDir,
      NOTFALL_DATA: join(tmp.dir, `data-${k}`),
      NOTFALL_OUTBOX_LEASE_MS: "3000",
      NOTFALL_TIMER_LEASE_MS: "3000",
      NOTFALL_POLL_MS: "300",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: api.url,
    });
    let started = 0;
    const start = async (k: number) => {
      const p = new Proc(`prozess-${k}-${++started}`, env(k));
      await p.ready;
      return p;
    };
    const procs = [await start(0), await start(1)];
    const answered: Request[] = [];
    const stats = { kills: 0, retried: 0, redelivered: 0, posts: 0 };
    try {
      // 1. each tenant declares (slash commands are acknowledged before they are handled: no kill until the root is out)
      for (const [i, t] of TENANTS.entries()) {
        expect(await post(procs[i % 2]!, slash(t, "verschlüsselung Server zeigt Erpressernachricht"))).toBe(200);
      }
      const roots = new Map<Tenant, string>();
      for (const t of TENANTS) roots.set(t, await until(`Thread von ${t.id}`, () => rootOf(t)));

      // 2. the incidents go on, interleaved; kills at seeded steps
      const script: Request[] = [];
      const texts = ["rolle koordinator", "rolle technik", "ok 1", "erledigt 1", "status", "erledigt 2", "antwort 6 ja"];
      for (let s = 0; s < STEPS_PER_TENANT; s++) {
        for (const t of TENANTS) {
          const note = `Vermerk ${t.id} ${s}`;
          script.push(
            s % 3 === 2
              ? threadMessage(t, roots.get(t)!, `notiz ${note}`, note)
              : threadMessage(t, roots.get(t)!, texts[s % texts.length]!),
          );
        }
      }
      const killAt = new Set<number>();
      while (killAt.size < KILLS) killAt.add(r.int(2, script.length - 2));
      let last: Request | undefined;
      for (const [k, req] of script.entries()) {
        if (k === Math.floor(script.length / 2)) {
          // every pending timer falls due now: both processes compete for them
          await admin.query("update timers set due_at = $1 where fired_at is null and cancelled_at is null", [new Date().toISOString()]);
        }
        const target = r.int(0, 1);
        const p = procs[target]!;
        stats.posts++;
        const answer = post(p, req);
        if (killAt.has(k)) {
          await sleep(r.int(0, 40)); // somewhere inside handling, committing or delivering
          await p.kill();
          stats.kills++;
        }
        let status = await answer;
        let retry = 0;
        while (status !== 200) {
          // Slack retries an event that got no answer, at whichever process the proxy picks (the live one)
          expect(retry, `Ereignis ${req.deliveryId}: ${status}`).toBeLessThan(3);
          retry++;
          stats.retried++;
          status = await post(procs[1 - target]!, req, retry);
        }
        answered.push(req);
        if (!p.alive) {
          // the last answered event, redelivered to the other process: no second effect
          if (last) {
            stats.redelivered++;
            expect(await post(procs[1 - target]!, last, 1)).toBe(200);
          }
          procs[target] = await start(target);
        }
        last = req;
      }

      // 3. quiet: nothing pending, every due timer fired
      await until(
        "Postausgang leer und Timer gefeuert",
        async () => {
          const o = await admin.query("select count(*)::int as n from outbox where status <> 'sent'");
          const t = await admin.query(
            "select count(*)::int as n from timers where fired_at is null and cancelled_at is null and due_at <= $1",
            [new Date().toISOString()],
          );
          return o.rows[0].n === 0 && t.rows[0].n === 0;
        },
        30_000,
      );
      await sleep(500);

      // every answered event is applied in its tenant
      for (const req of answered) {
        const d = await admin.query("select 1 from deliveries where tenant = $1 and platform = 'slack' and id = $2", [
          req.tenant.id,
          req.deliveryId,
        ]);
        expect(d.rowCount, `${req.tenant.id} ${req.deliveryId}`).toBe(1);
        if (req.note) {
          const tl = await admin.query("select count(*)::int as n from timeline where tenant = $1 and kind = 'note' and text like $2", [
            req.tenant.id,
            `%${req.note}%`,
          ]);
          expect(tl.rows[0].n, req.note).toBe(1);
        }
      }
      // nothing of one tenant in another's channel
      for (const t of TENANTS) {
        const others = TENANTS.filter((o) => o !== t).map((o) => o.id);
        const posts = api.calls.filter((c) => c.args.channel === t.channel).map((c) => JSON.stringify(c.args));
        for (const o of others) expect(posts.some((p) => p.includes(`Vermerk ${o}`))).toBe(false);
      }
      // every platform post is an outbox row's, except the repeats of messages in flight at a kill
      const sent = await admin.query("select ref, message from outbox where status = 'sent'");
      const refs = new Set(sent.rows.map((x: { ref: string }) => x.ref));
      const posts = api.calls.filter((c) => c.method === "chat.postMessage" && c.response.ok === true);
      const repeats = posts.filter((c) => !refs.has(String(c.response.ts)));
      const sentTexts = new Set(sent.rows.map((x: { message: Outbound }) => renderSlack(x.message).text));
      for (const rep of repeats)
        expect(sentTexts.has(String(rep.args.text)), "eine Wiederholung ist eine Nachricht des Postausgangs").toBe(true);
      expect(repeats.length).toBeLessThanOrEqual(stats.kills);
      const fired = await admin.query("select count(*)::int as n from timers where fired_at is not null");
      expect(fired.rows[0].n).toBeGreaterThan(0);
      process.stdout.write(
        `two-processes: ${stats.posts} Ereignisse (${answered.length} bestätigt), ${stats.kills} kill -9, ${stats.retried} Wiederholungen durch Slack, ` +
          `${stats.redelivered} erneut zugestellte Ereignisse ohne Wirkung, ${posts.length} Nachrichten an Slack, ${repeats.length} davon doppelt (in flight), ` +
          `${fired.rows[0].n} Timer je einmal gefeuert, ${started} Prozessstarts\n`,
      );
    } finally {
      for (const p of procs) await p.stop();
    }
  }, 240_000);
});
