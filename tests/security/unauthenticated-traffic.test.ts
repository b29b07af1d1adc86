/**
 * Issue #18, item 2: unauthenticated traffic stays cheap. A bounded load of slow, large, unauthenticated requests
 * against the real `notfallbot serve` process (Slack and Teams configured) on loopback must neither make the process
 * hold their bodies in memory nor stop `/healthz` from answering. Then each limit on its own: the pre-body checks of
 * the Slack route (with the real adapter), and the server's timeouts and connection cap (with small values).
 *
 * Bounds: 250 connections at once, each declaring and trickling up to 4 MiB in 64 KiB pieces; every client gives up
 * after 30 s. Measured before the limits existed: RSS of the child grew by about 1 GB (see docs/operations.md).
 * All traffic goes to 127.0.0.1.
 */
import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { applyServerLimits, guardRoutes, notFound, type ServerLimits, serverOptions } from "../../src/adapters/http.ts";
import { SLACK_MAX_BODY_BYTES } from "../../src/adapters/slack/route.ts";
import { fixture } from "../adapters/slack/fixtures.ts";
import { SIGNING_SECRET as RIG_SECRET, type SlackTestRig, startRig } from "../adapters/slack/setup.ts";
import { formBody, slackSignature } from "../adapters/slack/signed-request.ts";
import { type ServeChild, startServe } from "./_serve.ts";
import { type SlowResult, slowRequest } from "./_slow-client.ts";

const MiB = 1024 * 1024;
const CONNECTIONS = 250;
const BODY = 4 * MiB;
/** What the process may grow by while under this load (it answers each request after its headers). */
const RSS_BUDGET = 64 * MiB;

let srv: ServeChild;

beforeAll(async () => {
  srv = await startServe({ teams: true });
  // auth.test has run and the process is warm: a few requests to /healthz first
  for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${srv.port}/healthz`).then((r) => r.text());
}, 90_000);

afterAll(async () => {
  await srv?.stop();
});

/** Headers of the four kinds of attacker. */
function attacker(i: number): { path: string; headers: Record<string, string>; contentLength?: number } {
  switch (i % 5) {
    case 0: // Slack route, no signature at all, chunked (no declared length)
      return { path: "/slack/events", headers: { "Content-Type": "application/json" } };
    case 1: // Slack route, signature of the right shape but a stale timestamp
      return {
        path: "/slack/events",
        headers: {
          "Content-Type": "application/json",
          "X-Slack-Request-Timestamp": String(Math.floor(Date.now() / 1000) - 3600),
          "X-Slack-Signature": `v0=${"ab".repeat(32)}`,
        },
        contentLength: BODY,
      };
    case 2: // Slack route, well-shaped forged headers: only the body size gives it away before reading
      return {
        path: "/slack/events",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Slack-Request-Timestamp": String(Math.floor(Date.now() / 1000)),
          "X-Slack-Signature": `v0=${"cd".repeat(32)}`,
        },
        contentLength: BODY,
      };
    case 3: // Teams route without a bearer token
      return { path: "/api/messages", headers: { "Content-Type": "application/json" }, contentLength: BODY };
    default: // Slack route, no signature, declared length
      return { path: "/slack/events", headers: { "Content-Type": "application/json" }, contentLength: BODY };
  }
}

describe("unauthenticated traffic stays cheap (serve child process)", () => {
  it(`${CONNECTIONS} slow unauthenticated 4 MiB requests: RSS within ${RSS_BUDGET / MiB} MiB, /healthz answers throughout`, async () => {
    const before = srv.rss();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, srv.rss());
    }, 50);
    const health: { status: number; ms: number }[] = [];
    let attacking = true;
    const prober = (async () => {
      while (attacking) {
        const t0 = performance.now();
        const status = await fetch(`http://127.0.0.1:${srv.port}/healthz`, { signal: AbortSignal.timeout(10_000) })
          .then(async (r) => {
            await r.text();
            return r.status;
          })
          .catch(() => 0);
        health.push({ status, ms: performance.now() - t0 });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const results: SlowResult[] = await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, i) => {
        const a = attacker(i);
        return slowRequest({
          port: srv.port,
          path: a.path,
          headers: a.headers,
          ...(a.contentLength !== undefined ? { contentLength: a.contentLength } : {}),
          bytes: BODY,
          chunk: 64 * 1024,
          intervalMs: 20,
          deadlineMs: 30_000,
        });
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    attacking = false;
    await prober;
    clearInterval(sampler);
    peak = Math.max(peak, srv.rss());
    const after = srv.rss();
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const statuses = Object.entries(
      results.reduce<Record<string, number>>((acc, r) => {
        const k = `${r.status ?? "none"}/${r.end}${r.error ? `/${r.error}` : ""}`;
        acc[k] = (acc[k] ?? 0) + 1;
        return acc;
      }, {}),
    );
    console.log(
      `RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - before) / MiB).toFixed(0)}), ` +
        `after ${(after / MiB).toFixed(0)} MiB; body bytes sent ${(sent / MiB).toFixed(1)} MiB; ` +
        `answers ${statuses.map(([k, v]) => `${k}×${v}`).join(", ")}; /healthz ${health.length} probes, ` +
        `slowest ${Math.max(...health.map((h) => h.ms)).toFixed(0)} ms`,
    );

    expect(peak - before).toBeLessThanOrEqual(RSS_BUDGET);
    // every request was refused before its body was read: answered 401/413, or (a client still sending as the server
    // closed) cut by a reset that overtook the answer; none got to send its whole body
    for (const r of results) {
      if (r.status !== undefined) expect([401, 413]).toContain(r.status);
      else expect(["ECONNRESET", "EPIPE"]).toContain(r.error);
      expect(r.end).not.toBe("finished");
      expect(r.sent).toBeLessThan(BODY);
    }
    // /healthz answered every probe during the load
    expect(health.length).toBeGreaterThan(0);
    for (const h of health) expect(h.status).toBe(200);
  }, 120_000);
});

describe("serve applies its server limits (child process)", () => {
  it("closes a connection whose request head never completes (headers timeout 10 s)", async () => {
    const t0 = performance.now();
    const closed = await new Promise<{ ms: number; answer: string }>((resolve) => {
      const sock = connect({ host: "127.0.0.1", port: srv.port });
      let answer = "";
      const giveUp = setTimeout(() => sock.destroy(), 25_000);
      sock.on("data", (d: Buffer) => {
        answer += d.toString("latin1");
      });
      sock.on("error", () => {});
      sock.on("close", () => {
        clearTimeout(giveUp);
        resolve({ ms: performance.now() - t0, answer });
      });
      sock.write("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "); // and nothing more
    });
    expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closed.ms).toBeGreaterThan(9_000);
    expect(closed.ms).toBeLessThan(20_000);
  }, 30_000);

  it("refuses the Teams route without a bearer token before reading, and says so in the log", async () => {
    const before = srv.stderr().length;
    const r = await slowRequest({
      port: srv.port,
      path: "/api/messages",
      headers: { "Content-Type": "application/json", Authorization: "Basic dXNlcjpwdw==" },
      contentLength: 10_000,
      bytes: 10_000,
      chunk: 1000,
      intervalMs: 50,
      deadlineMs: 5_000,
    });
    expect(r.status).toBe(401);
    expect(r.end).toBe("closed-by-server");
    expect(r.sent).toBeLessThan(10_000);
    await new Promise((res) => setTimeout(res, 100));
    expect(srv.stderr().slice(before)).toMatch(/Anfrage abgewiesen: 401 \/api\/messages \(Authorization header has no JWT\)/);
  });
});

/** One request with exact headers (arrays become repeated header lines); resolves with status and body. */
function rawPost(
  url: string,
  headers: Record<string, string | string[]>,
  body: string | Buffer | undefined,
  opts: { chunked?: boolean; method?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    if (body !== undefined && opts.chunked) {
      // two writes without a declared length: chunked transfer encoding
      const b = Buffer.from(body);
      req.write(b.subarray(0, Math.floor(b.length / 2)));
      req.end(b.subarray(Math.floor(b.length / 2)));
    } else req.end(body);
  });
}

describe("POST /slack/events: checks before the body is read (real Slack adapter behind serve's guard)", () => {
  let rig: SlackTestRig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  const FORM = "application/x-www-form-urlencoded";
  const now = () => Math.floor(Date.now() / 1000);
  const slash = formBody({ ...fixture<Record<string, string>>("slash-command"), text: "status" });
  function signed(body: string, ts = now()): Record<string, string> {
    return { "content-type": FORM, "x-slack-request-timestamp": String(ts), "x-slack-signature": slackSignature(RIG_SECRET, ts, body) };
  }

  it("refuses missing, malformed, repeated or stale Slack headers with 401 and ends the connection; Bolt never sees them", async () => {
    rig = await startRig();
    const good = signed(slash);
    const cases: Record<string, Record<string, string | string[]>> = {
      "no headers": { "content-type": FORM },
      "signature without v0": { ...good, "x-slack-signature": good["x-slack-signature"]!.slice(3) },
      "signature too short": { ...good, "x-slack-signature": "v0=deadbeef" },
      "signature repeated": { ...good, "x-slack-signature": [good["x-slack-signature"]!, good["x-slack-signature"]!] },
      "timestamp not a number": { ...good, "x-slack-request-timestamp": "now" },
      "timestamp 6 minutes old": signed(slash, now() - 6 * 60),
      "timestamp 6 minutes ahead": signed(slash, now() + 6 * 60),
    };
    for (const [name, headers] of Object.entries(cases)) {
      const res = await rawPost(rig.url, headers, slash);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.text).toMatch(/ohne gültige Anmeldung/);
    }
    // … and the connection ends: nothing more of the body is read
    const cut = await slowRequest({
      port: Number(new URL(rig.url).port),
      path: "/slack/events",
      headers: { "Content-Type": FORM },
      contentLength: 100_000,
      bytes: 100_000,
      chunk: 1_000,
      intervalMs: 20,
      deadlineMs: 10_000,
    });
    expect(cut).toMatchObject({ status: 401, end: "closed-by-server" });
    expect(cut.sent).toBeLessThan(100_000);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(0);
    expect(rig.logs.filter((l) => /verification failed/i.test(l))).toEqual([]); // refused before Bolt read a byte
    // the same request, correctly signed, goes through
    const ok = await rawPost(rig.url, signed(slash), slash);
    expect(ok.status).toBe(200);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(1);
  });

  it("refuses a declared body over 256 KiB with 413 before reading it, other content types with 415, other methods with 405", async () => {
    rig = await startRig();
    const big = `${slash}&pad=${"x".repeat(SLACK_MAX_BODY_BYTES)}`;
    const tooBig = await slowRequest({
      port: Number(new URL(rig.url).port),
      path: "/slack/events",
      headers: signed(big),
      contentLength: Buffer.byteLength(big),
      bytes: Buffer.byteLength(big),
      chunk: 16 * 1024,
      intervalMs: 20,
      deadlineMs: 10_000,
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.sent).toBeLessThan(SLACK_MAX_BODY_BYTES);
    const plain = await rawPost(rig.url, { ...signed(slash), "content-type": "text/plain" }, slash);
    expect(plain.status).toBe(415);
    const get = await rawPost(rig.url, signed(""), undefined, { method: "GET" });
    expect(get.status).toBe(405);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(0);
  });

  it("reads a chunked body only up to 256 KiB (Bolt's limit set to the route's), and still accepts a small chunked one", async () => {
    rig = await startRig();
    const big = `${slash}&pad=${"x".repeat(SLACK_MAX_BODY_BYTES)}`;
    const res = await rawPost(rig.url, signed(big), big, { chunked: true });
    expect(res.status).toBe(413);
    const small = await rawPost(rig.url, signed(slash), slash, { chunked: true });
    expect(small.status).toBe(200);
    await rig.adapter.idle();
    expect(rig.events.map((e) => e.text)).toEqual(["status"]);
  });
});

describe("HTTP server limits (serve's settings, with small values)", () => {
  const LIMITS: ServerLimits = {
    headersTimeoutMs: 400,
    requestTimeoutMs: 800,
    keepAliveTimeoutMs: 300,
    maxConnections: 4,
    checkIntervalMs: 100,
  };
  let server: Server | undefined;
  let bodies = 0;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  });

  async function start(): Promise<number> {
    const app = express();
    app.get("/healthz", (_req, res) => {
      res.json({ ok: true });
    });
    app.use(
      guardRoutes([
        { path: "/hook", maxBodyBytes: 1024, contentTypes: ["application/json"], precheck: (h) => (h["x-ok"] ? undefined : "no x-ok") },
      ]),
    );
    app.post("/hook", express.raw({ type: "*/*", limit: 1024 }), (req, res) => {
      bodies++;
      res.json({ got: (req.body as Buffer).length });
    });
    app.use(notFound);
    const s = createServer(serverOptions(LIMITS), app);
    applyServerLimits(s, LIMITS);
    server = s;
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    return (s.address() as AddressInfo).port;
  }

  /** Open a socket, write `head`, resolve when the server closes it (with what it answered). */
  function hold(port: number, head: string, maxMs = 5_000): Promise<{ answer: string; ms: number }> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      const sock = connect({ host: "127.0.0.1", port });
      let answer = "";
      const giveUp = setTimeout(() => sock.destroy(), maxMs);
      sock.on("data", (d: Buffer) => {
        answer += d.toString("latin1");
      });
      sock.on("error", () => {});
      sock.on("close", () => {
        clearTimeout(giveUp);
        resolve({ answer, ms: performance.now() - t0 });
      });
      sock.write(head);
    });
  }

  it("closes a head that never completes (408) and a body that trickles past the request timeout", async () => {
    const port = await start();
    const slowHead = await hold(port, "POST /hook HTTP/1.1\r\nHost: x\r\n");
    expect(slowHead.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(slowHead.ms).toBeLessThan(LIMITS.headersTimeoutMs + 1_000);
    const slowBody = await hold(
      port,
      "POST /hook HTTP/1.1\r\nHost: x\r\nX-Ok: 1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(slowBody.ms).toBeLessThan(LIMITS.requestTimeoutMs + 1_000);
    expect(bodies).toBe(0);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    const port = await start();
    const idle = await hold(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(idle.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(idle.answer).toMatch(/Keep-Alive: timeout=0/i); // 300 ms, announced in whole seconds
    // Node 24 waits its keepAliveTimeoutBuffer (1 s) longer than it announces, against races with the client
    expect(idle.ms).toBeLessThan(LIMITS.keepAliveTimeoutMs + 2_000);
  });

  it("drops connections over the cap at once; /healthz answers again when they are gone", async () => {
    const port = await start();
    const socks = Array.from({ length: LIMITS.maxConnections }, () => connect({ host: "127.0.0.1", port }));
    await Promise.all(socks.map((s) => new Promise((r) => s.once("connect", r))));
    for (const s of socks) s.write("POST /hook HTTP/1.1\r\nHost: x\r\n"); // hold the slots with unfinished heads
    await new Promise((r) => setTimeout(r, 50));
    const over = await hold(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2_000);
    expect(over.answer).toBe(""); // closed without an answer
    expect(over.ms).toBeLessThan(1_000);
    for (const s of socks) s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it("answers unknown paths with 404 and ends the connection without reading the body", async () => {
    const port = await start();
    const r = await slowRequest({
      port,
      path: "/wp-login.php",
      headers: { "Content-Type": "application/json" },
      contentLength: 4 * MiB,
      bytes: 4 * MiB,
      chunk: 64 * 1024,
      intervalMs: 10,
      deadlineMs: 5_000,
    });
    expect(r.status).toBe(404);
    expect(r.end).toBe("closed-by-server");
    expect(r.sent).toBeLessThan(MiB);
  });
});
