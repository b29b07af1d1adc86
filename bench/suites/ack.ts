/**
 * Durable acknowledgements and core latency: the incident service (bench/ack.ts) against the raw SQLite
 * floor (bench/ack-floor.ts), with the storage port alone (bench/storage-commit.ts) in between. Rounds
 * alternate the three children; each figure is the median over the rounds. Every child runs with the product's
 * Node flags.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { PRODUCT_NODE_FLAGS } from "../lib/node-flags.ts";
import { median } from "../lib/stats.ts";
import { type Benchmark, type Measured, row } from "../lib/types.ts";

interface Latency {
  n: number;
  perSec: number;
  p50: number;
  p99: number;
  max: number;
  over2ms: number;
}
interface AckResult {
  tasksPerIncident: number;
  handle: Latency & { rowsPerAck: number };
  e2e: { perSec: number; delivered: number };
  snapshotBytes: number;
  messageBytes: number;
}

export const ackBenchmark: Benchmark = {
  id: "ack",
  title: "durable acknowledgements + core latency",
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const size = ctx.quick
      ? ["--incidents", "50", "--warmup", "200", "--acks", "1000", "--e2e", "300"]
      : ["--incidents", "200", "--warmup", "500", "--acks", "6000", "--e2e", "3000"];
    const floorSize = size.slice(0, 6);
    const ours: AckResult[] = [];
    const floor: Latency[] = [];
    const port: Latency[] = [];
    // The order rotates from round to round (a child that runs right after a heavy one pays for its disk
    // writeback), and the disk is flushed before every child. Floors use the shape of round 1's service run.
    const child = <T>(script: string, args: string[]) => runChild<T>(script, args, [...PRODUCT_NODE_FLAGS]);
    const orders = [
      ["ours", "floor", "port"],
      ["floor", "port", "ours"],
      ["port", "ours", "floor"],
    ] as const;
    const shapeDir = join(ctx.dir, "ack-1");
    let tasks = 0;
    for (let r = 1; r <= rounds; r++) {
      const dir = join(ctx.dir, `ack-${r}`);
      mkdirSync(dir, { recursive: true });
      for (const which of orders[(r - 1) % orders.length]!) {
        flushDisk();
        if (which === "ours") {
          ctx.log(`ack: Runde ${r}/${rounds}: Dienst`);
          const profile = ctx.profileDir && r === 1 ? ["--profile", join(ctx.profileDir, "ack-handle.cpuprofile")] : [];
          const o = (await child<AckResult>("ack.ts", ["--dir", dir, ...size, ...profile])).result;
          ours.push(o);
          tasks = o.tasksPerIncident;
        } else if (which === "floor") {
          ctx.log(`ack: Runde ${r}/${rounds}: Boden (rohes SQLite)`);
          const args = ["--dir", shapeDir, ...floorSize, "--tasks", String(tasks)];
          floor.push((await child<{ handle: Latency }>("ack-floor.ts", args)).result.handle);
        } else {
          ctx.log(`ack: Runde ${r}/${rounds}: Storage-Port allein`);
          port.push((await child<{ handle: Latency }>("storage-commit.ts", ["--dir", shapeDir, ...floorSize])).result.handle);
        }
      }
    }
    // Diagnosis (one run each): the same, with SQLite's automatic WAL checkpoint switched off for the measured
    // section, to show how much of the tail is the checkpoint (fsync) that SQLite runs inside every ~100th commit.
    const diag = join(ctx.dir, "ack-diag");
    mkdirSync(diag, { recursive: true });
    const diagSize = ctx.quick ? size : ["--incidents", "200", "--warmup", "500", "--acks", "3000", "--e2e", "10"];
    ctx.log("ack: Diagnose ohne WAL-Checkpoint im Commit");
    flushDisk();
    const noCkpt = (await child<AckResult>("ack.ts", ["--dir", diag, ...diagSize, "--wal-autocheckpoint", "0"])).result;
    flushDisk();
    const noCkptFloor = (
      await child<{ handle: Latency }>("ack-floor.ts", [
        "--dir",
        diag,
        ...diagSize.slice(0, 6),
        "--tasks",
        String(noCkpt.tasksPerIncident),
        "--wal-autocheckpoint",
        "0",
      ])
    ).result.handle;

    const m = (xs: number[]) => median(xs);
    const rate = m(ours.map((x) => x.handle.perSec));
    const floorRate = m(floor.map((x) => x.perSec));
    const p50 = m(ours.map((x) => x.handle.p50));
    const p99 = m(ours.map((x) => x.handle.p99));
    const ratio = floorRate / rate;
    const sizes = `${m(ours.map((x) => x.handle.rowsPerAck)).toFixed(1)} rows/ack, snapshot ${m(ours.map((x) => x.snapshotBytes))} B, message ${m(ours.map((x) => x.messageBytes))} B`;
    const out: Measured[] = [
      row(
        "acks/s through the incident service (handle)",
        rate,
        "/s",
        floorRate,
        "rate",
        ">= 1000 /s and ratio <= 3",
        rate >= 1000 && ratio <= 3,
        sizes,
      ),
      row("ack latency p50 (handle)", p50, "ms", m(floor.map((x) => x.p50)), "cost"),
      row(
        "ack latency p99 (handle)",
        p99,
        "ms",
        m(floor.map((x) => x.p99)),
        "cost",
        "<= 2 ms",
        p99 <= 2,
        `over 2 ms: ${m(ours.map((x) => x.handle.over2ms))} of ${ours[0]!.handle.n} (floor ${m(floor.map((x) => x.over2ms))})`,
      ),
      row("ack latency p99, no WAL checkpoint in the commit (diagnosis)", noCkpt.handle.p99, "ms", noCkptFloor.p99, "cost"),
      row("acks/s end to end (receive + delivery)", m(ours.map((x) => x.e2e.perSec)), "/s", floorRate, "rate"),
      row("commits/s through the storage port alone", m(port.map((x) => x.perSec)), "/s", floorRate, "rate"),
    ];
    return out;
  },
};

/** Writes dirty pages out (`sync`), so that one child's writeback does not land in the next child's figures. */
function flushDisk(): void {
  try {
    execFileSync("sync");
  } catch {
    // no sync(1): figures are a little noisier
  }
}
