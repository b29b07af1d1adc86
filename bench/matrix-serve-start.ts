/**
 * Start-up time and memory of `notfallbot serve` with Matrix: end-to-end encryption on against off, on a fresh local
 * Synapse (tests/adapters/matrix/synapse.ts, pinned version). Two bot accounts, each with its own data folder:
 *   - plain: MATRIX_USER_ID/MATRIX_PASSWORD only, in an unencrypted room;
 *   - e2ee: the same plus MATRIX_CRYPTO_SECRET and MATRIX_RECOVERY_KEY, in an encrypted room with anna, whose client
 *     encrypts in its own process (tests/adapters/matrix/crypto-person.ts).
 * In both rooms anna declares an incident and writes a few lines first, so both bots have history and the e2ee bot
 * holds room keys. Each bot is started once untimed (first login, keys, cross-signing), then `--runs` times
 * alternating plain / e2ee (order swapped every round): spawn → `READY` on stdout (Matrix synced, with encryption:
 * key file loaded, Rust crypto started, cross-signing checked), resident memory of the process (VmRSS, main and bot
 * thread) `--settle` ms after READY, then SIGTERM and wait for the exit. Prints medians and ranges.
 *
 * Run: SYNAPSE_CACHE_DIR=… node bench/matrix-serve-start.ts [--runs 7] [--settle 2000]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { newRecoveryKey } from "../src/adapters/matrix/recovery-key.ts";
import { CryptoPerson } from "../tests/adapters/matrix/crypto-person.ts";
import { ensureSynapse, registerUser, SynapseServer, type TestUser } from "../tests/adapters/matrix/synapse.ts";
import { args } from "./lib/args.ts";
import { PRODUCT_NODE_FLAGS } from "./lib/node-flags.ts";
import { median } from "./lib/stats.ts";

const a = args();
const runs = a.num("runs", 7);
const settleMs = a.num("settle", 2000);
const BIN = resolve(import.meta.dirname, "../bin/notfallbot.mjs");
const SECRET = "messung-geheimnis-0123456789abcdef";
const recoveryKey = newRecoveryKey();

interface Sample {
  readyMs: number;
  rssMb: number;
}

function env(bot: TestUser, dir: string, crypto: boolean): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NOTFALL_DB: join(dir, "notfall.db"),
    MATRIX_HOMESERVER_URL: hs.url,
    MATRIX_USER_ID: bot.userId,
    MATRIX_PASSWORD: bot.password,
    ...(crypto ? { MATRIX_CRYPTO_SECRET: SECRET, MATRIX_RECOVERY_KEY: recoveryKey } : {}),
  };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function startOnce(bot: TestUser, dir: string, crypto: boolean): Promise<Sample> {
  const t0 = performance.now();
  const p: ChildProcess = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, BIN, "serve", "--port", "0"], {
    cwd: dir,
    env: env(bot, dir, crypto),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  p.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const readyMs = await new Promise<number>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`serve not ready:\n${err}`)), 120_000);
    p.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/READY \d+/.test(out)) {
        clearTimeout(timer);
        res(performance.now() - t0);
      }
    });
    p.once("exit", (code, signal) => rej(new Error(`serve exited (${code ?? signal}):\n${err}`)));
  });
  await new Promise((r) => setTimeout(r, settleMs));
  const rss = rssMb(p.pid!);
  const gone = new Promise<void>((r) => p.once("exit", () => r()));
  p.kill("SIGTERM");
  await gone;
  return { readyMs, rssMb: rss };
}

const { python } = ensureSynapse();
const hs = await SynapseServer.create(python, "serve-start");
const root = mkdtempSync(join(tmpdir(), "nf-serve-start-"));
try {
  const [plainBot, e2eeBot, annaU] = await Promise.all([
    registerUser(hs.url, hs.sharedSecret, "nfbot-plain", { displayName: "Notfallbot" }),
    registerUser(hs.url, hs.sharedSecret, "nfbot-e2ee", { displayName: "Notfallbot" }),
    registerUser(hs.url, hs.sharedSecret, "anna"),
  ]);
  const dirs = { plain: mkdtempSync(join(root, "plain-")), e2ee: mkdtempSync(join(root, "e2ee-")) };
  const bots = { plain: plainBot, e2ee: e2eeBot };
  const anna = await CryptoPerson.connect(hs.url, annaU);
  try {
    // one long-running bot each, so the rooms are joined and have history (and room keys for the e2ee bot)
    for (const kind of ["plain", "e2ee"] as const) {
      const crypto = kind === "e2ee";
      const p = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, BIN, "serve", "--port", "0"], {
        cwd: dirs[kind],
        env: env(bots[kind], dirs[kind], crypto),
        stdio: ["ignore", "pipe", "ignore"],
      });
      await new Promise<void>((res) => p.stdout!.on("data", (d: Buffer) => /READY/.test(d.toString()) && res()));
      const room = await anna.createRoom({ name: `IT-Notfall ${kind}`, invite: [bots[kind].userId], encrypted: crypto });
      await anna.waitForMembership(room, bots[kind].userId, "join", 60_000);
      const declared = await anna.say(room, "!notfall verschlüsselung Server zeigt Erpressernachricht");
      await anna.waitFor((e) => e.sender === bots[kind].userId && !e.decryptionFailure, `${kind}: first answer`, 60_000);
      for (const line of ["rolle koordinator", "status", "ok 1", "vorlage mitarbeitende"]) await anna.replyInThread(room, declared, line);
      await new Promise((r) => setTimeout(r, 5_000));
      const gone = new Promise<void>((r) => p.once("exit", () => r()));
      p.kill("SIGTERM");
      await gone;
    }
    const samples: Record<"plain" | "e2ee", Sample[]> = { plain: [], e2ee: [] };
    await startOnce(bots.plain, dirs.plain, false);
    await startOnce(bots.e2ee, dirs.e2ee, true);
    for (let i = 0; i < runs; i++) {
      for (const kind of i % 2 ? (["e2ee", "plain"] as const) : (["plain", "e2ee"] as const)) {
        const s = await startOnce(bots[kind], dirs[kind], kind === "e2ee");
        samples[kind].push(s);
        process.stderr.write(`${i + 1}/${runs} ${kind}: ready ${s.readyMs.toFixed(0)} ms, RSS ${s.rssMb.toFixed(1)} MiB\n`);
      }
    }
    const sum = (k: "readyMs" | "rssMb", kind: "plain" | "e2ee") => {
      const xs = samples[kind].map((s) => s[k]).sort((x, y) => x - y);
      return { median: median(xs), min: xs[0]!, max: xs[xs.length - 1]! };
    };
    const keyFile = readFileSync(join(dirs.e2ee, "matrix-crypto.bin")).length;
    const out = {
      runs,
      settleMs,
      loadavg: (await import("node:os")).loadavg().map((x) => Number(x.toFixed(2))),
      startMs: { plain: sum("readyMs", "plain"), e2ee: sum("readyMs", "e2ee") },
      rssMb: { plain: sum("rssMb", "plain"), e2ee: sum("rssMb", "e2ee") },
      keyFileKiB: Number((keyFile / 1024).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    anna.stop();
  }
} finally {
  await hs.stop();
  rmSync(root, { recursive: true, force: true });
}
