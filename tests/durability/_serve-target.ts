/**
 * `notfallbot serve` with one HTTP adapter as a crash target (./_target.ts): the real CLI
 * (`bin/notfallbot.mjs serve --db <file>`, `PORT=0`, port read from its `READY <port>` line) runs as a child process
 * with the platform's environment; inbound events are real platform requests (signed Slack requests, Bot Framework
 * activities) posted to its port; the platform's cloud API is the tests' fake in this process, reached through a
 * {@link RecordingGate} that sees every call of the bot.
 *
 * A message counts as delivered when the fake has answered the call (the platform has it, whatever happens to the
 * bot next). Its message key is the key of the outbox row whose `ref` is the ts / activity id the fake handed out.
 * A call whose row was not marked sent before the kill has no such row: it is the message in flight at the kill,
 * and belongs to the pending head of its delivery lane (matched by content).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Outbound } from "../../src/core/message.ts";
import { type CrashReport, crashTest } from "./_crash.ts";
import { subSeed } from "./_rng.ts";
import type { Step } from "./_script.ts";
import type { BotRun, CrashTarget, SeenMessage } from "./_target.ts";

const root = join(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One complete request of the bot to the platform's API, with the fake's answer. */
export interface ApiCall {
  method: string;
  /** Path and query as the bot sent them. */
  path: string;
  body: string;
  status: number;
  response: string;
}

/** A delivered message as the platform recorded it. */
export interface ApiDelivery {
  /** The platform id the bot stores in `outbox.ref` (Slack ts, Teams activity id). */
  ref: string;
  /** An edit of an existing message (chat.update, PUT activity). */
  update: boolean;
  /** What a person sees. */
  text: string;
  /** Whether this call carried the given outbox message (for the message in flight at a kill). */
  carries(message: Outbound): boolean;
}

/** An inbound event for the bot, before signing. */
export interface InboundRequest {
  path: string;
  contentType: string;
  body: string;
  /** The id the bot records in `deliveries` (Slack event_id / trigger_id, Teams `<conversation>|<activity id>`). */
  deliveryId: string;
  /** The platform redelivers this kind of request with the same id (Slack Events API); else people type again. */
  redeliverable: boolean;
}

/** What a request for a step may look up: thread roots from the bot's database, the gate's URL. */
export interface RequestContext {
  /** Platform id of the root message of the script's `n`th incident (1-based), once delivered. */
  root(n: number): string | undefined;
  /** Base URL of the platform API as the bot reaches it (Teams: the activity's serviceUrl). */
  apiUrl: string;
}

/** The platform half of a serve target. */
export interface ServePlatform {
  readonly name: string;
  /** `deliveries.platform` of this adapter. */
  readonly platform: string;
  /** Environment of the child besides PORT: the adapter's settings, its API pointed at `apiUrl`. */
  env(apiUrl: string): Record<string, string>;
  /** The message a call of the bot delivered, or undefined (auth.test, users.info, failed calls …). */
  delivery(call: ApiCall): ApiDelivery | undefined;
  request(step: Step, ctx: RequestContext): InboundRequest;
  /** Headers to post `req` with, signed now; `retry`: the platform's redelivery number. */
  headers(req: InboundRequest, retry?: number): Record<string, string>;
  /** Most redeliveries of one event (Slack: 3). */
  readonly maxRetries: number;
}

/**
 * The fake platform API as the bot sees it: a small HTTP server that forwards every complete request to the fake
 * (`upstream`) and reports it with the fake's answer, synchronously, so a kill can follow the bot's output as closely
 * as on the terminal. A request cut off by a kill never reached the platform and is dropped, as the platform would
 * drop it (the fakes themselves expect whole requests).
 */
export class RecordingGate {
  /** Calls that arrived when no run listened (must stay empty). */
  readonly unclaimed: ApiCall[] = [];
  onCall: ((call: ApiCall) => void) | undefined;
  private readonly upstream: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private busy = 0;

  constructor(upstream: string) {
    this.upstream = upstream;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Resolves when no connection of the bot is open and no request is being forwarded (after the bot died). */
  async drained(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    for (let quiet = 0; quiet < 4; ) {
      await sleep(2);
      quiet = this.sockets.size === 0 && this.busy === 0 ? quiet + 1 : 0;
      if (Date.now() - started > timeoutMs)
        throw new Error(`Plattform-API: ${this.sockets.size} Verbindungen und ${this.busy} Anfragen offen nach dem Ende des Bots`);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.busy++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.busy--;
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", finish); // cut off by a kill: never reached the platform
    req.on("close", () => {
      if (!req.complete) finish();
    });
    req.on("end", () => {
      void this.forward(req, res, Buffer.concat(chunks)).finally(finish);
    });
  }

  private async forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const headers: Record<string, string> = {};
    for (const h of ["content-type", "authorization"]) if (req.headers[h]) headers[h] = String(req.headers[h]);
    let status: number;
    let text: string;
    let type: string;
    try {
      const r = await fetch(new URL(req.url ?? "/", this.upstream), {
        method: req.method ?? "POST",
        headers,
        ...(body.length ? { body } : {}),
      });
      status = r.status;
      text = await r.text();
      type = r.headers.get("content-type") ?? "application/json";
    } catch {
      if (!res.destroyed) res.writeHead(502).end();
      return;
    }
    if (!res.destroyed) {
      try {
        res.writeHead(status, { "content-type": type }).end(text);
      } catch {
        // the bot is gone; the platform has the message all the same
      }
    }
    const call: ApiCall = { method: req.method ?? "POST", path: req.url ?? "/", body: body.toString("utf8"), status, response: text };
    if (this.onCall) this.onCall(call);
    else this.unclaimed.push(call);
  }
}

/**
 * The Node binary that runs the CLI directly. The launcher re-spawns itself on an old Node; `kill -9` would then
 * only hit the launcher, so the harness starts the right Node itself.
 */
function nodeBinary(): string {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if ((major > 22 || (major === 22 && minor >= 12)) && process.features.typescript) return process.execPath;
  const bundled = join(root, "node_modules", "node", "bin", "node");
  if (existsSync(bundled)) return bundled;
  throw new Error(`Die Crash-Tests brauchen Node >= 22.12 (läuft: ${process.versions.node}); bitte npm install ausführen.`);
}

/** One delivery as a run saw it. */
interface Seen {
  d: ApiDelivery;
  msg: SeenMessage;
}

/** What one run delivered, in order (for the report: was the message repeated after a kill an edit?). */
export interface RunLog {
  deliveries: { key: string; update: boolean }[];
}

/** Counters of a serve target over all its runs. */
export interface ServeStats {
  runs: RunLog[];
  /** Applied events delivered again after a restart (platform retries); each must have had no effect. */
  redelivered: number;
  /** Steps whose first request got no answer before the kill, sent again as the platform's retry (same id). */
  retriedUnanswered: number;
  /**
   * Steps sent again although the bot had answered their request (HTTP 200) before the kill: acknowledged to the
   * platform, not yet applied, so the platform does not retry and the person types again.
   */
  lostAfterAnswer: number;
  /** Inbound posts in all. */
  posts: number;
}

/** A crash target for `notfallbot serve` with one platform; one per stream (it keeps the platform state). */
export class ServeTarget implements CrashTarget {
  readonly name: string;
  readonly platform: ServePlatform;
  readonly gate: RecordingGate;
  readonly stats: ServeStats = { runs: [], redelivered: 0, retriedUnanswered: 0, lostAfterAnswer: 0, posts: 0 };
  /** The last request per step index and whether the bot answered it. */
  readonly sent = new Map<number, { req: InboundRequest; answered: boolean; retries: number }>();
  /** The last redeliverable request posted (redelivered after the next restart when it was applied). */
  lastEvent: { req: InboundRequest; retries: number } | undefined;
  private current: BotRun | undefined;
  private db: Database.Database | undefined;
  private q:
    | {
        keyForRef: Database.Statement;
        incident: Database.Statement;
        firstRef: Database.Statement;
        pending: Database.Statement;
        delivery: Database.Statement;
      }
    | undefined;

  constructor(platform: ServePlatform, gate: RecordingGate) {
    this.platform = platform;
    this.name = `serve/${platform.name}`;
    this.gate = gate;
  }

  start(dbPath: string, workDir: string): BotRun {
    this.open(dbPath);
    this.current = new ServeRun(this, dbPath, workDir);
    return this.current;
  }

  /** Kill a bot still running (a stream stopped by another one's failure), wait until it is gone, close the database. */
  async close(): Promise<void> {
    const run = this.current;
    if (run) {
      run.kill();
      await run.exited.catch(() => {});
    }
    this.db?.close();
    this.db = undefined;
  }

  private open(dbPath: string): void {
    if (this.db) return;
    const db = new Database(dbPath, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    this.db = db;
    this.q = {
      keyForRef: db.prepare("SELECT key FROM outbox WHERE ref = ? ORDER BY id LIMIT 1").pluck(),
      incident: db.prepare(
        "SELECT id, thread_ref AS threadRef, thread_key AS threadKey FROM incidents ORDER BY opened_at, id LIMIT 1 OFFSET ?",
      ),
      firstRef: db.prepare("SELECT ref FROM outbox WHERE key = ? AND status = 'sent' ORDER BY id LIMIT 1").pluck(),
      pending: db.prepare("SELECT id, key, lane, message FROM outbox WHERE status = 'pending' ORDER BY id"),
      delivery: db.prepare("SELECT count(*) FROM deliveries WHERE platform = ? AND id = ?").pluck(),
    };
  }

  keyForRef(ref: string): string | undefined {
    return (this.q!.keyForRef.get(ref) as string | undefined) ?? undefined;
  }

  root(n: number): string | undefined {
    const inc = this.q!.incident.get(n - 1) as { id: string; threadRef: string | null; threadKey: string | null } | undefined;
    if (!inc) return undefined;
    if (inc.threadRef) return inc.threadRef;
    return inc.threadKey ? ((this.q!.firstRef.get(inc.threadKey) as string | undefined) ?? undefined) : undefined;
  }

  applied(deliveryId: string): boolean {
    return (this.q!.delivery.get(this.platform.platform, deliveryId) as number) > 0;
  }

  /** Heads of the delivery lanes (oldest pending row of each). */
  laneHeads(): { key: string; message: Outbound }[] {
    const heads = new Map<string, { key: string; message: Outbound }>();
    for (const r of this.q!.pending.all() as { key: string; lane: string; message: string }[])
      if (!heads.has(r.lane)) heads.set(r.lane, { key: r.key, message: JSON.parse(r.message) as Outbound });
    return [...heads.values()];
  }
}

class ServeRun implements BotRun {
  readonly stray: string[] = [];
  progress = 0;
  killed = false;
  readonly exited: BotRun["exited"];
  private readonly t: ServeTarget;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly seen: Seen[] = [];
  private readonly list: SeenMessage[] = [];
  private listeners: (() => void)[] = [];
  private stdout = "";
  private stderr = "";
  private port: number | undefined;
  private ready!: () => void;
  /** Resolves on `READY <port>` (or when the bot died before). */
  private readonly isReady: Promise<void>;
  private chain: Promise<void>;
  private dead = false;
  private ending: ReturnType<typeof setTimeout> | undefined;

  constructor(t: ServeTarget, dbPath: string, workDir: string) {
    this.t = t;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (/^(SLACK_|MICROSOFT_|MATRIX_|NOTFALL_)/.test(k) || k === "PORT") delete env[k];
    Object.assign(env, { PORT: "0", NO_COLOR: "1", NODE_COMPILE_CACHE: join(workDir, "node-compile-cache") }, t.platform.env(t.gate.url));
    const child = spawn(nodeBinary(), [join(root, "bin", "notfallbot.mjs"), "serve", "--db", dbPath], { cwd: workDir, env });
    this.child = child;
    t.gate.onCall = (call) => this.onCall(call);
    const unclaimed = t.gate.unclaimed.splice(0);
    for (const c of unclaimed) this.stray.push(`API-Aufruf ohne laufenden Bot: ${c.method} ${c.path}`);

    const isReady = new Promise<void>((resolve) => {
      this.ready = resolve;
    });
    this.isReady = isReady;
    // after a restart the platform redelivers the last event once more (Slack: x-slack-retry-num): no second effect
    this.chain = isReady.then(() => this.redeliverLast());
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => this.onStdout(d));
    child.stderr.on("data", (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        this.dead = true;
        if (this.ending) clearTimeout(this.ending);
        this.ready(); // wakes queued sends, which see the bot gone
        t.gate
          .drained()
          .then(() => this.chain)
          .then(() => {
            t.gate.onCall = undefined;
            this.finish();
            resolve({ code, signal, stderr: this.stderr });
          })
          .catch(reject);
      });
    });
  }

  get messages(): readonly SeenMessage[] {
    for (const s of this.seen) if (!s.msg.key) s.msg.key = this.t.keyForRef(s.d.ref) ?? "";
    return this.list;
  }

  private onStdout(d: string): void {
    this.stdout += d;
    const lines = this.stdout.split("\n");
    this.stdout = lines.pop()!;
    for (const l of lines) {
      const m = /^READY (\d+)$/.exec(l.trim());
      if (m && this.port === undefined) {
        this.port = Number(m[1]);
        this.ready();
      } else if (l.trim()) this.stray.push(`stdout: ${l}`);
    }
  }

  private onCall(call: ApiCall): void {
    const d = this.t.platform.delivery(call);
    if (!d) return;
    const msg: SeenMessage = { key: "", text: d.text, ...(d.update ? { update: true } : {}) };
    this.seen.push({ d, msg });
    this.list.push(msg);
    this.progress++;
    for (const cb of this.listeners) cb();
  }

  /** After the bot is gone: keys for every delivery; a post whose row is still pending was in flight at the kill. */
  private finish(): void {
    const log: RunLog = { deliveries: [] };
    let heads: { key: string; message: Outbound }[] | undefined;
    for (const s of this.seen) {
      const key = this.t.keyForRef(s.d.ref);
      if (key) s.msg.key = key;
      else {
        heads ??= this.t.laneHeads();
        const match = heads.find((h) => s.d.carries(h.message));
        if (match) s.msg.key = match.key;
        else this.stray.push(`Nachricht ohne Zeile im Postausgang (ref ${s.d.ref}): ${s.d.text.slice(0, 80)}`);
      }
      log.deliveries.push({ key: s.msg.key, update: s.d.update });
    }
    for (const l of this.stderr.split("\n")) if (/\[(ERROR|error)\]/.test(l)) this.stray.push(`stderr: ${l}`);
    this.t.stats.runs.push(log);
  }

  private async redeliverLast(): Promise<void> {
    const last = this.t.lastEvent;
    if (!last || this.dead || this.killed) return;
    if (last.retries >= this.t.platform.maxRetries || !this.t.applied(last.req.deliveryId)) return;
    last.retries++;
    this.t.stats.redelivered++;
    await this.post(last.req, last.retries);
  }

  send(step: Step): void {
    this.chain = this.chain.then(() => this.sendNow(step));
  }

  private async sendNow(step: Step): Promise<void> {
    const down = () => this.dead || this.killed;
    let entry = this.t.sent.get(step.i);
    if (entry?.answered) this.t.stats.lostAfterAnswer++;
    let retry: number | undefined;
    if (entry && !entry.answered && entry.req.redeliverable && entry.retries < this.t.platform.maxRetries) {
      // the platform never got an answer: it sends the same event again (Slack: with x-slack-retry-num)
      if (down()) return;
      retry = ++entry.retries;
      this.t.stats.retriedUnanswered++;
    } else {
      let req: InboundRequest;
      try {
        req = this.t.platform.request(step, { root: (n) => this.t.root(n), apiUrl: this.t.gate.url });
      } catch (err) {
        if (!down()) this.stray.push(`Schritt ${step.i}: ${(err as Error).message}`);
        return;
      }
      entry = { req, answered: false, retries: 0 };
      this.t.sent.set(step.i, entry);
      // typed while the bot is down (a kill right after sending): the platform cannot reach it and retries later
      if (down()) return;
    }
    entry.answered = false;
    if (entry.req.redeliverable) this.t.lastEvent = { req: entry.req, retries: entry.retries };
    entry.answered = await this.post(entry.req, retry);
  }

  /** POST one inbound request; true when the bot answered 200. */
  private async post(req: InboundRequest, retry?: number): Promise<boolean> {
    if (this.port === undefined || this.dead || this.killed) return false;
    this.t.stats.posts++;
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}${req.path}`, {
        method: "POST",
        headers: this.t.platform.headers(req, retry),
        body: req.body,
      });
      const text = await res.text();
      if (res.status === 200) return true;
      if (!this.killed && !this.dead) this.stray.push(`${req.path} antwortete ${res.status}: ${text.slice(0, 200)}`);
    } catch (err) {
      if (!this.killed && !this.dead) this.stray.push(`${req.path}: ${(err as Error).message}`);
    }
    return false;
  }

  onProgress(cb: () => void): void {
    this.listeners.push(cb);
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.child.kill("SIGKILL");
  }

  /**
   * The final run: stop the server as a service manager would, with SIGTERM once it is up (before `READY` the
   * signal handlers are not installed yet) and has answered every request sent; it must exit with code 0.
   */
  end(): void {
    void this.isReady
      .then(() => this.chain)
      .then(() => {
        if (this.dead || this.killed) return;
        this.child.kill("SIGTERM");
        this.ending = setTimeout(() => {
          this.stray.push("Bot endete nicht binnen 15 s nach SIGTERM");
          this.kill();
        }, 15_000);
      });
  }
}

/** A serve target for one stream with its fake platform API. */
export interface StreamTarget {
  target: ServeTarget;
  /** Messages the fake platform API itself recorded as delivered (posts and edits): the cross-check of the gate. */
  recorded(): number;
  close(): Promise<void>;
}

export interface ServeCrashOptions {
  seed: number;
  /** Distinct kill points in all, shared by the streams. */
  kills: number;
  streams: number;
  /** Scratch folder; each stream gets `stream-<k>` under it. */
  dir: string;
  /** Script of one stream (from its seed). */
  script: (seed: number) => Step[];
  makeTarget: () => Promise<StreamTarget>;
}

export interface ServeCrashResult {
  reports: CrashReport[];
  targets: ServeTarget[];
  recorded: number[];
}

/**
 * Streams in parallel, each on its own database, script, fake platform and gate; the first failing stream stops
 * the others, and every bot and fake is gone before this returns.
 */
export async function serveCrash(o: ServeCrashOptions): Promise<ServeCrashResult> {
  const stop = new AbortController();
  const streams = await Promise.all(Array.from({ length: o.streams }, () => o.makeTarget()));
  try {
    const settled = await Promise.allSettled(
      streams.map((s, k) => {
        const seed = subSeed(o.seed, k);
        const dir = join(o.dir, `stream-${k}`);
        mkdirSync(dir, { recursive: true });
        return crashTest({
          target: s.target,
          script: o.script(subSeed(seed, 1000)),
          seed,
          points: Math.ceil(o.kills / o.streams),
          dir,
          label: `Strom ${k + 1}/${o.streams}`,
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
    return { reports, targets: streams.map((s) => s.target), recorded: streams.map((s) => s.recorded()) };
  } finally {
    await Promise.allSettled(streams.map((s) => s.close()));
  }
}

/** The report of one stream, as the console test prints it, plus what only an HTTP platform has. */
export function serveSummary(r: CrashReport, t: ServeTarget, recorded: number): string {
  const modes = new Map<string, number>();
  for (const k of r.kills) modes.set(k.mode, (modes.get(k.mode) ?? 0) + 1);
  const outcomes = new Map<string, number>();
  for (const k of r.kills) if (k.outcome) outcomes.set(k.outcome, (outcomes.get(k.outcome) ?? 0) + 1);
  const edits = r.repeats.filter((x) => t.stats.runs[x.run - 1]?.deliveries.at(-1)?.update).length;
  return [
    `${t.name} ${r.label} (Seed ${r.seed}): ${r.steps} Schritte, ${r.runs} Läufe, ${r.kills.length} kills an ${r.distinctPoints} verschiedenen Stellen [${[...modes].map(([m, n]) => `${m} ${n}`).join(", ")}]`,
    `  Schritt im Flug beim kill: ${[...outcomes].map(([m, n]) => `${m} ${n}`).join(", ") || "–"}; erneut gesendet ${r.resent} (davon als Wiederholung mit derselben Id ${t.stats.retriedUnanswered}), Antwort nach Neustart ${r.answeredAfterRestart}; mit 200 quittiert, aber beim kill noch nicht angewandt ${t.stats.lostAfterAnswer}`,
    `  Nachrichten ${r.messages}, bei der Plattform angekommen ${r.shown} (Fake zählt ${recorded}), doppelt (beim kill abgeschickt, noch nicht als gesendet markiert) ${r.repeats.length}: neue Nachrichten ${r.repeats.length - edits}, Bearbeitungen ${edits}`,
    `  Ereignisse nach Neustart erneut zugestellt (Plattform-Wiederholung, ohne zweite Wirkung) ${t.stats.redelivered}; eingehende Anfragen ${t.stats.posts}`,
    `  Timer ausgelöst ${r.timersFired} (nach ${r.timerPulls} Zeitsprüngen), Erinnerungen ${r.timerMessages}; ${(r.ms / 1000).toFixed(1)} s`,
  ].join("\n");
}
