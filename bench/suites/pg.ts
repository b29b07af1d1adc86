/**
 * Durable commits on PostgreSQL: the storage port (bench/pg-commit.ts) against a raw `pg` transaction writing the
 * same rows (`--floor`), in the same run on a throwaway server from Debian's package (tests/postgres/server.ts,
 * fsync on). Rounds alternate the two, each on a fresh database; figures are medians over the rounds.
 * A diagnosis pair runs with `synchronous_commit = off` (not durable): without the WAL flush in each commit it
 * shows the port's own cost (round trips, pool, drizzle) against the floor's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { PostgresServer } from "../../tests/postgres/server.ts";
import { runChild } from "../lib/child.ts";
import { median } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Latency {
  n: number;
  perSec: number;
  p50: number;
  p99: number;
}

export const pgBenchmark: Benchmark = {
  id: "pg",
  title: "durable commits on PostgreSQL vs a raw pg transaction",
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const size = ctx.quick
      ? ["--incidents", "50", "--warmup", "50", "--acks", "200"]
      : ["--incidents", "50", "--warmup", "100", "--acks", "800"];
    // The real acknowledgement's shape when the ack benchmark ran before (bench/ack.ts writes it), else a sample.
    const shapeDir = join(ctx.dir, "ack-1");
    const shapeArgs = existsSync(join(shapeDir, "ack-shape.json")) ? ["--dir", shapeDir] : [];
    const server = await PostgresServer.create();
    let n = 0;
    const database = async (durable: boolean) => {
      const name = `bench_${++n}`;
      const c = new pg.Client(server.url);
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
        if (!durable) await c.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
      } finally {
        await c.end();
      }
      return server.urlFor(name);
    };
    const measure = async (floor: boolean, durable: boolean, args = size) => {
      const url = await database(durable);
      return (await runChild<{ handle: Latency }>("pg-commit.ts", ["--url", url, ...args, ...shapeArgs, ...(floor ? ["--floor"] : [])]))
        .result.handle;
    };
    try {
      const port: Latency[] = [];
      const floor: Latency[] = [];
      for (let r = 1; r <= rounds; r++) {
        for (const which of r % 2 ? ["port", "floor"] : ["floor", "port"]) {
          ctx.log(`pg: Runde ${r}/${rounds}: ${which === "port" ? "Storage-Port" : "Boden (rohes pg)"}`);
          (which === "port" ? port : floor).push(await measure(which === "floor", true));
        }
      }
      ctx.log("pg: Diagnose ohne WAL-Flush im Commit (synchronous_commit = off)");
      const diagSize = ctx.quick ? size : ["--incidents", "50", "--warmup", "300", "--acks", "2000"];
      const portFast = await measure(false, false, diagSize);
      const floorFast = await measure(true, false, diagSize);
      const m = (xs: Latency[], f: (l: Latency) => number) => median(xs.map(f));
      const rate = m(port, (l) => l.perSec);
      const floorRate = m(floor, (l) => l.perSec);
      const out: Measured[] = [
        row(
          "durable commits/s through the storage port on PostgreSQL",
          rate,
          "/s",
          floorRate,
          "rate",
          "ratio <= 1.5",
          floorRate / rate <= 1.5,
          `p50 ${m(port, (l) => l.p50).toFixed(2)} ms (floor ${m(floor, (l) => l.p50).toFixed(2)} ms), p99 ${m(port, (l) => l.p99).toFixed(2)} ms (floor ${m(floor, (l) => l.p99).toFixed(2)} ms); server fsync on`,
        ),
        row(
          "commit latency p50 on PostgreSQL",
          m(port, (l) => l.p50),
          "ms",
          m(floor, (l) => l.p50),
          "cost",
        ),
        row("commits/s on PostgreSQL without WAL flush (diagnosis)", portFast.perSec, "/s", floorFast.perSec, "rate"),
      ];
      return out;
    } finally {
      await server.stop();
    }
  },
};
