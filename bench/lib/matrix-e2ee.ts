/**
 * The end-to-end encryption part of the Matrix benchmark (bench/suites/matrix.ts), on the same Synapse:
 *
 *  - declare in an encrypted room: anna's client (Rust crypto, own process: tests/adapters/matrix/crypto-person.ts)
 *    sends `!notfall neu verschlüsselung …` (`neu`: each one opens an incident, see matrix-measure.ts) → the first bot message in its thread, decrypted by anna's client; floor: a
 *    plain encrypted message from anna decrypted by ben's client (one trip through the homeserver plus encryption on
 *    both ends). Interleaved, one at a time; the bot (bench/lib/matrix-bot.ts --crypto) is asked `GET /idle` after
 *    each declaration, outside the clock.
 *  - start-up and memory: `node bench/lib/matrix-start.ts` (createBot + Matrix adapter, like serve) from spawn to
 *    connected, with encryption (keys loaded from the state file written by the part above) against the same bot
 *    without encryption (the plain bot of the benchmark, its own state); one untimed start each, then three
 *    alternating timed starts; medians. RSS after a GC at ready.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CryptoPerson, type SeenCryptoEvent } from "../../tests/adapters/matrix/crypto-person.ts";
import { registerUser, type TestUser } from "../../tests/adapters/matrix/synapse.ts";
import { runChild } from "./child.ts";
import { PRODUCT_NODE_FLAGS } from "./node-flags.ts";
import { startService } from "./service.ts";
import { median, percentile } from "./stats.ts";
import { type BenchContext, type Measured, row } from "./types.ts";

const SECRET = "benchmark-geheimnis-0123456789abcdef";

interface StartResult {
  readyMs: number;
  rssMb: number;
  heapMb: number;
  cryptoLoadMs?: number;
  cryptoInitMs?: number;
  firstSyncMs?: number;
  cryptoFileKb: number;
}

const p = (xs: number[], q: number) =>
  percentile(
    [...xs].sort((x, y) => x - y),
    q,
  );

/** Runs both measurements; `plain` is the benchmark's unencrypted bot with its state folder (for the start-up floor). */
export async function measureEncryption(
  ctx: BenchContext,
  hsUrl: string,
  sharedSecret: string,
  plain: { bot: TestUser; dir: string },
): Promise<Measured[]> {
  const samples = ctx.quick ? 3 : 15;
  const [bot, echo, annaU, benU] = await Promise.all([
    registerUser(hsUrl, sharedSecret, "nfbot-bench-e2ee", { displayName: "Notfallbot" }),
    registerUser(hsUrl, sharedSecret, "echo-e2ee", { displayName: "Echo" }),
    registerUser(hsUrl, sharedSecret, "anna-e2ee", { displayName: "Anna" }),
    registerUser(hsUrl, sharedSecret, "ben-e2ee", { displayName: "Ben" }),
  ]);
  const dir = join(ctx.dir, "matrix-e2ee");
  mkdirSync(dir, { recursive: true });

  // --- declare in an encrypted room ---
  ctx.log(`matrix: verschlüsselter Raum, ${samples} Meldungen und ${samples} Boden-Messungen`);
  const service = await startService<{ control: string }>(
    "lib/matrix-bot.ts",
    ["--hs", hsUrl, "--bot", JSON.stringify(bot), "--echo", JSON.stringify(echo), "--dir", dir, "--crypto", SECRET],
    { timeoutMs: 120_000, nodeArgs: [...PRODUCT_NODE_FLAGS] },
  );
  const [anna, ben] = await Promise.all([CryptoPerson.connect(hsUrl, annaU), CryptoPerson.connect(hsUrl, benU)]);
  const declare: number[] = [];
  const floor: number[] = [];
  try {
    const room = await anna.createRoom({ name: "IT-Notfall verschlüsselt", invite: [bot.userId, ben.id], encrypted: true });
    await ben.join(room);
    await anna.waitForMembership(room, bot.userId, "join", 60_000);
    let n = 0;
    const take = async (kind: "declare" | "floor"): Promise<number> => {
      n++;
      const t0 = Date.now();
      if (kind === "floor") {
        const id = await anna.say(room, `Kaffee ist fertig (${n})`);
        const seen = await ben.waitFor((e) => e.id === id && !e.decryptionFailure, `Nachricht ${n} bei Ben`, 30_000);
        return seen.at - t0;
      }
      const id = await anna.say(room, `!notfall neu verschlüsselung Server zeigt Erpressernachricht (${n})`);
      const first = await anna.waitFor(
        (e: SeenCryptoEvent) =>
          e.sender === bot.userId &&
          !e.decryptionFailure &&
          (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === id,
        `Antwort im Thread von ${id}`,
        60_000,
      );
      await (await fetch(`${service.ready.control}/idle`, { signal: AbortSignal.timeout(120_000) })).text();
      return first.at - t0;
    };
    await take("declare");
    await take("floor");
    for (let i = 0; i < samples; i++) {
      for (const k of i % 2 ? (["floor", "declare"] as const) : (["declare", "floor"] as const))
        (k === "declare" ? declare : floor).push(await take(k));
    }
  } finally {
    anna.stop();
    ben.stop();
    await service.stop();
  }

  // --- start-up and memory, with and without encryption ---
  const start = async (crypto: boolean) => {
    const r = await runChild<StartResult>(
      "lib/matrix-start.ts",
      [
        "--hs",
        hsUrl,
        "--bot",
        JSON.stringify(crypto ? bot : plain.bot),
        "--dir",
        crypto ? dir : plain.dir,
        ...(crypto ? ["--crypto", SECRET] : []),
      ],
      [...PRODUCT_NODE_FLAGS],
    );
    if (r.readyMs === undefined) throw new Error("matrix-start: kein ready");
    return { ms: r.readyMs, ...r.result };
  };
  ctx.log("matrix: Start-Zeit und Speicher mit und ohne Verschlüsselung");
  await start(false);
  await start(true);
  const withCrypto: Awaited<ReturnType<typeof start>>[] = [];
  const without: Awaited<ReturnType<typeof start>>[] = [];
  for (let i = 0; i < 3; i++) {
    without.push(await start(false));
    withCrypto.push(await start(true));
  }
  const med = (xs: { [k: string]: unknown }[], k: string) => median(xs.map((x) => Number(x[k] ?? 0)));
  const startNote =
    `spawn → connected, median of 3 alternating starts; with encryption: state file ${med(withCrypto, "cryptoFileKb").toFixed(0)} KiB, ` +
    `loaded and decrypted in ${med(withCrypto, "cryptoLoadMs").toFixed(0)} ms, Rust crypto started in ${med(withCrypto, "cryptoInitMs").toFixed(0)} ms; ` +
    `first sync ${med(withCrypto, "firstSyncMs").toFixed(0)} ms vs ${med(without, "firstSyncMs").toFixed(0)} ms without`;
  const d50 = p(declare, 0.5);
  const f50 = p(floor, 0.5);
  return [
    row(
      "Matrix start-up with encryption (keys loaded) vs without",
      med(withCrypto, "ms"),
      "ms",
      med(without, "ms"),
      "cost",
      "",
      undefined,
      startNote,
    ),
    row(
      "Matrix RSS after start with encryption vs without",
      med(withCrypto, "rssMb"),
      "MiB",
      med(without, "rssMb"),
      "cost",
      "",
      undefined,
      `heap ${med(withCrypto, "heapMb").toFixed(1)} MiB vs ${med(without, "heapMb").toFixed(1)} MiB (after a GC at ready)`,
    ),
    row(
      "Matrix declare → first bot message, encrypted room p50",
      d50,
      "ms",
      f50,
      "cost",
      "",
      undefined,
      `${declare.length} samples each, interleaved; floor: anna's encrypted message decrypted by ben's client; p99 ${p(declare, 0.99).toFixed(0)} ms vs ${p(floor, 0.99).toFixed(0)} ms`,
    ),
  ];
}
