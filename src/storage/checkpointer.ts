/**
 * WAL checkpoints between events, never inside one. The committing connection has `wal_autocheckpoint = 0` (SQLite
 * would otherwise run the checkpoint, two fsyncs, inside whichever commit crosses 1,000 WAL pages, and that one event
 * would wait for them). Instead a timer looks at the WAL file every `everyMs` — one `stat`, microseconds — and, when
 * it was written since the last look, runs a PASSIVE checkpoint on the same connection: it copies what no reader still
 * needs and never blocks a writer of another connection. When the WAL was written before but not since (the bot is
 * idle) it runs TRUNCATE once, which also empties the file. Durability is unchanged: a commit is in the WAL before it
 * returns, and the checkpoint keeps the connection's `synchronous` setting.
 *
 * The checkpoint runs on the thread that owns the connection. That is never the thread that answers HTTP: `serve`
 * runs the incident service and its storage in the bot thread (`src/workers/bot-thread.ts`), and the terminal answers
 * no HTTP. Until the bot had its own thread, a separate checkpoint thread with its own connection did this; it cost
 * ~16–19 MB of resident memory (its own V8 isolate) while the bot was busy — a third of the RSS growth with 1,000
 * incidents (#17) — and became redundant once the bot left the HTTP thread.
 */
import { statSync } from "node:fs";

/** One checkpoint: mode, wall time, WAL frames, frames copied, whether readers held some back. */
export interface CheckpointDone {
  mode: "passive" | "truncate";
  ms: number;
  frames: number;
  copied: number;
  busy: boolean;
  error?: string;
}

export interface CheckpointerOptions {
  /** The database file; its WAL is `<file>-wal`. */
  file: string;
  everyMs: number;
  /** Runs one checkpoint on the connection that commits. */
  run: (mode: CheckpointDone["mode"]) => CheckpointDone;
  /** Every checkpoint the timer ran (diagnostics, benchmarks). */
  onCheckpoint?: (done: CheckpointDone) => void;
}

export class Checkpointer {
  private readonly o: CheckpointerOptions;
  private readonly timer: NodeJS.Timeout;
  private lastMtime = 0;
  private dirty = false;

  constructor(o: CheckpointerOptions) {
    this.o = o;
    this.timer = setInterval(() => this.tick(), o.everyMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /**
   * One look at the WAL (what the timer does every `everyMs`): the checkpoint it ran, or undefined when there was
   * nothing to do.
   */
  tick(): CheckpointDone | undefined {
    const st = this.walStat();
    if (!st) return undefined; // no WAL file (yet): nothing to do
    let done: CheckpointDone | undefined;
    if (st.mtimeMs !== this.lastMtime) {
      this.dirty = true;
      done = this.o.run("passive");
    } else if (this.dirty && st.size > 0) {
      this.dirty = false;
      done = this.o.run("truncate");
    }
    if (!done) return undefined;
    // the checkpoint itself may touch the WAL file (TRUNCATE empties it): that is no write to copy next time
    this.lastMtime = this.walStat()?.mtimeMs ?? st.mtimeMs;
    this.o.onCheckpoint?.(done);
    return done;
  }

  private walStat(): { mtimeMs: number; size: number } | undefined {
    try {
      return statSync(`${this.o.file}-wal`);
    } catch {
      return undefined;
    }
  }
}
