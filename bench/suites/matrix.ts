/**
 * Matrix: a person declares (`!notfall verschlüsselung …` from anna's matrix-js-sdk client) → the first bot message in
 * the incident thread seen by anna's client, on a real local Synapse, against the floor of anna's client sending a
 * plain message and seeing it come back through /sync. Synapse is installed and started with the Matrix tests' own
 * helpers (tests/adapters/matrix/synapse.ts: pinned version in .cache/synapse/venv, installed once).
 *
 * Processes: Synapse; our bot + an echo client (bench/lib/matrix-bot.ts); anna (bench/lib/matrix-measure.ts), which
 * takes declare, floor and echo samples one at a time in rotating order. The echo client (a plain client answering
 * in the thread at once) is the diagnosis row: the least any bot can take, as an answer needs two trips through the
 * homeserver (person → bot, bot → person) where the floor needs one.
 *
 * End-to-end encryption (bench/lib/matrix-e2ee.ts), on the same Synapse: declare → first bot message in an encrypted
 * room, and start-up time and memory of the bot with encryption against without.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureSynapse, registerUser, SynapseServer } from "../../tests/adapters/matrix/synapse.ts";
import { runChild } from "../lib/child.ts";
import { measureEncryption } from "../lib/matrix-e2ee.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
import { startService } from "../lib/service.ts";
import { percentile } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Sample {
  ms: number;
  putMs: number;
}
type Samples = Record<"declare" | "floor" | "echo", Sample[]>;

const q = (xs: Sample[], p: number, f: (s: Sample) => number = (s) => s.ms) =>
  percentile(
    xs.map(f).sort((x, y) => x - y),
    p,
  );

export const matrixBenchmark: Benchmark = {
  id: "matrix",
  title: "Matrix: declare → first bot message in the thread (real Synapse) vs a client's own round trip; end-to-end encryption",
  async run(ctx) {
    const samples = ctx.quick ? 5 : 25;
    const t0 = Date.now();
    const { python, installMs } = ensureSynapse();
    ctx.log(`matrix: Synapse ${installMs === undefined ? "vorhanden" : `installiert in ${(installMs / 1000).toFixed(0)} s`}, starte …`);
    const t1 = Date.now();
    const hs = await SynapseServer.create(python, "bench");
    const startMs = Date.now() - t1;
    try {
      const [bot, anna, echo] = await Promise.all([
        registerUser(hs.url, hs.sharedSecret, "nfbot-bench", { displayName: "Notfallbot" }),
        registerUser(hs.url, hs.sharedSecret, "anna"),
        registerUser(hs.url, hs.sharedSecret, "echo", { displayName: "Echo" }),
      ]);
      const dir = join(ctx.dir, "matrix");
      mkdirSync(dir, { recursive: true });
      const bots = await startService<{ control: string }>(
        "lib/matrix-bot.ts",
        [
          "--hs",
          hs.url,
          "--bot",
          JSON.stringify(bot),
          "--echo",
          JSON.stringify(echo),
          "--dir",
          dir,
          ...(ctx.profileDir ? ["--profile", join(ctx.profileDir, "matrix-bot.cpuprofile")] : []),
        ],
        { timeoutMs: 120_000, nodeArgs: [...PRODUCT_NODE_FLAGS] },
      );
      let s: Samples;
      try {
        ctx.log(
          `matrix: Synapse lief nach ${(startMs / 1000).toFixed(1)} s; ${samples} Meldungen, ${samples} Boden-, ${samples} Echo-Messungen`,
        );
        s = (
          await runChild<Samples>("lib/matrix-measure.ts", [
            "--hs",
            hs.url,
            "--anna",
            JSON.stringify(anna),
            "--bot",
            bot.userId,
            "--echo",
            echo.userId,
            "--control",
            bots.ready.control,
            "--samples",
            String(samples),
            "--warmup",
            ctx.quick ? "1" : "3",
          ])
        ).result;
      } finally {
        const st = (await bots.stop()) as { incidents: number; sent: number; unsent: number; problems: number } | undefined;
        if (st && (st.unsent || st.problems)) ctx.log(`matrix: Bot: ${st.unsent} nicht zugestellt, ${st.problems} Warnungen`);
      }
      const declare50 = q(s.declare, 0.5);
      const floor50 = q(s.floor, 0.5);
      const echo50 = q(s.echo, 0.5);
      const note = `${s.declare.length} samples each, interleaved; PUT answered after p50 ${q(s.declare, 0.5, (x) => x.putMs).toFixed(1)} ms (declare) / ${q(s.floor, 0.5, (x) => x.putMs).toFixed(1)} ms (floor); ours vs echo client: ${(declare50 / echo50).toFixed(2)}× at p50; Synapse ${installMs === undefined ? "reused" : `installed in ${(installMs / 1000).toFixed(0)} s`}, started in ${(startMs / 1000).toFixed(1)} s; whole benchmark ${((Date.now() - t0) / 1000).toFixed(0)} s`;
      const out: Measured[] = [
        row(
          "Matrix declare → first bot message in the thread p50",
          declare50,
          "ms",
          floor50,
          "cost",
          "ratio <= 1.5 (vs own send → /sync)",
          declare50 / floor50 <= 1.5,
          note,
        ),
        row("Matrix declare → first bot message in the thread p99", q(s.declare, 0.99), "ms", q(s.floor, 0.99), "cost"),
        row("Matrix echo client (two trips, no work) p50 (diagnosis)", echo50, "ms", floor50, "cost"),
        row("Matrix echo client (two trips, no work) p99 (diagnosis)", q(s.echo, 0.99), "ms", q(s.floor, 0.99), "cost"),
      ];
      out.push(...(await measureEncryption(ctx, hs.url, hs.sharedSecret, { bot, dir })));
      return out;
    } finally {
      await hs.destroy();
    }
  },
};
