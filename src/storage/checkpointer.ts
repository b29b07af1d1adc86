/**
 * WAL checkpoints off the event loop. The committing connection has `wal_autocheckpoint = 0` (SQLite would otherwise
 * run the checkpoint, two fsyncs, inside whichever commit crosses 1,000 WAL pages). Instead a timer on the main
 * thread looks at the WAL file every `everyMs` — one `stat`, microseconds — and, when it was written since the last
 * look, asks the checkpoint thread (`checkpoint-worker.mjs`, its own connection, started on first need) for a PASSIVE
 * checkpoint: it copies what no reader still needs and never blocks a writer. When the WAL was written before but
 * not since (the bot is idle) it asks once for TRUNCATE, which also empties the file, and then ends the thread: a
 * thread costs ~19 MB of resident memory, and a bot is idle most of the time; the next write starts a new one. Durability is unchanged: the
 * checkpoint connection uses the same `synchronous` setting, and a commit is in the WAL before it returns, as before.
 *
 * If the thread cannot be started or dies, the checkpoints run on the event loop as before this existed (the
 * `fallback` callback), so the WAL never grows without bound.
 */
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { SynchronousMode } from "./connection.ts";

export type CheckpointRequest = "passive" | "truncate" | "stop";
export interface CheckpointWorkerData {
  file: string;
  synchronous: SynchronousMode;
}
/** One checkpoint of the thread: mode, wall time in the thread, WAL frames, frames copied, whether readers held some. */
export interface CheckpointDone {
  mode: "passive" | "truncate";
  ms: number;
  frames: number;
  copied: number;
  busy: boolean;
  error?: string;
}

export interface CheckpointerOptions {
  file: string;
  synchronous: SynchronousMode;
  everyMs: number;
  /** Runs a checkpoint on the event loop (the committing connection), if the thread is not available. */
  fallback: () => void;
  /** Every checkpoint the thread ran (diagnostics, benchmarks). */
  onCheckpoint?: (done: CheckpointDone) => void;
}

export class Checkpointer {
  private readonly o: CheckpointerOptions;
  private readonly timer: NodeJS.Timeout;
  private worker: Worker | undefined;
  private failed = false;
  private closing = false;
  private inFlight = false;
  private lastMtime = 0;
  private dirty = false;
  private waiters: ((done: CheckpointDone | undefined) => void)[] = [];

  constructor(o: CheckpointerOptions) {
    this.o = o;
    this.timer = setInterval(() => void this.tick(), o.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and the thread (waits until the thread closed its connection). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing = true;
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    const exited = new Promise<void>((r) => w.once("exit", () => r()));
    w.ref(); // wait for it even if nothing else keeps the process alive
    w.postMessage("stop" satisfies CheckpointRequest);
    await exited;
  }

  /**
   * One look at the WAL (what the timer does every `everyMs`); resolves with the checkpoint it asked the thread for,
   * or undefined when there was nothing to do, one was still running, or it ran on the event loop (fallback).
   */
  tick(): Promise<CheckpointDone | undefined> {
    if (this.failed) {
      this.o.fallback();
      return Promise.resolve(undefined);
    }
    if (this.inFlight) return Promise.resolve(undefined);
    const st = this.walStat();
    if (!st) return Promise.resolve(undefined); // no WAL file (yet): nothing to do
    const { mtimeMs: mtime, size } = st;
    if (mtime !== this.lastMtime) {
      this.lastMtime = mtime;
      this.dirty = true;
      return this.send("passive");
    }
    if (this.dirty && size > 0) {
      this.dirty = false;
      return this.send("truncate");
    }
    return Promise.resolve(undefined);
  }

  private walStat(): { mtimeMs: number; size: number } | undefined {
    try {
      return statSync(`${this.o.file}-wal`);
    } catch {
      return undefined;
    }
  }

  private send(req: "passive" | "truncate"): Promise<CheckpointDone | undefined> {
    const w = this.start();
    if (!w) {
      this.o.fallback();
      return Promise.resolve(undefined);
    }
    this.inFlight = true;
    w.ref(); // a checkpoint in flight finishes before the process exits
    w.postMessage(req satisfies CheckpointRequest);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private answer(done: CheckpointDone | undefined): void {
    this.inFlight = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(done);
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const data: CheckpointWorkerData = { file: this.o.file, synchronous: this.o.synchronous };
      const w = new Worker(new URL("./checkpoint-worker.mjs", import.meta.url), { workerData: data });
      w.on("message", (done: CheckpointDone) => {
        if (!this.closing) w.unref(); // while closing, the process waits for the thread's exit
        if (done.mode === "truncate") {
          // emptying the file changed its time: that is no write to copy (a write in between waits for the next one)
          this.lastMtime = this.walStat()?.mtimeMs ?? this.lastMtime;
          // idle: end the thread (it closes its connection); the next write starts a new one
          this.worker = undefined;
          w.postMessage("stop" satisfies CheckpointRequest);
        }
        this.o.onCheckpoint?.(done);
        this.answer(done);
      });
      const fail = () => {
        if (this.worker !== w) return;
        this.worker = undefined;
        this.failed = true;
        this.answer(undefined);
      };
      w.on("error", fail);
      w.on("exit", fail);
      w.unref();
      this.worker = w;
      return w;
    } catch {
      this.failed = true;
      return undefined;
    }
  }
}
