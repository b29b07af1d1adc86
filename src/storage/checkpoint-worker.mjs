/**
 * The WAL checkpoint thread (started by `checkpointer.ts`): its own better-sqlite3 connection to the same file runs
 * the checkpoints, so their fsyncs never hold up the event loop that answers HTTP and commits events. Messages:
 * `passive` copies what it can (never blocks writers), `truncate` (only sent while nothing is written) also empties
 * the WAL file, `stop` closes the connection. Each answer says how long it took and how much was copied
 * (`CheckpointDone` in checkpointer.ts).
 *
 * Plain JavaScript on purpose: a worker thread that loads TypeScript gets its own copy of Node's type stripper,
 * ~9 MB of resident memory more for a thread that does nothing but checkpoints (measured: 19 MB vs 28–33 MB).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

if (!parentPort) throw new Error("checkpoint-worker.mjs läuft nur als Worker-Thread / runs only as a worker thread");
const port = parentPort;
/** @type {{ file: string; synchronous: "NORMAL" | "FULL" }} */
const data = workerData;
const db = new Database(data.file, { fileMustExist: true });
// the same durability as the connection that commits: with NORMAL the WAL is fsynced here, before it is copied
db.pragma(`synchronous = ${data.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");

port.on("message", (/** @type {"passive" | "truncate" | "stop"} */ req) => {
  if (req === "stop") {
    db.close();
    port.close();
    return;
  }
  const t0 = performance.now();
  let answer;
  try {
    const [r] = /** @type {{ busy: number; log: number; checkpointed: number }[]} */ (
      db.pragma(`wal_checkpoint(${req === "truncate" ? "TRUNCATE" : "PASSIVE"})`)
    );
    answer = { mode: req, ms: performance.now() - t0, frames: r?.log ?? 0, copied: r?.checkpointed ?? 0, busy: r?.busy === 1 };
  } catch (err) {
    // busy or a locked file: the next tick tries again
    answer = { mode: req, ms: performance.now() - t0, frames: 0, copied: 0, busy: true, error: String(err) };
  }
  port.postMessage(answer);
});
