/**
 * The WAL checkpoint thread (started by `checkpointer.ts`): its own better-sqlite3 connection to the same file runs
 * the checkpoints, so their fsyncs never hold up the event loop that answers HTTP and commits events. Messages:
 * `passive` copies what it can (never blocks writers), `truncate` (only sent while nothing is written) also empties
 * the WAL file, `stop` closes the connection. Each answer says how long it took and how much was copied.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { CheckpointDone, CheckpointRequest, CheckpointWorkerData } from "./checkpointer.ts";

if (!parentPort) throw new Error("checkpoint-worker.ts läuft nur als Worker-Thread / runs only as a worker thread");
const port = parentPort;
const data = workerData as CheckpointWorkerData;
const db = new Database(data.file, { fileMustExist: true });
// the same durability as the connection that commits: with NORMAL the WAL is fsynced here, before it is copied
db.pragma(`synchronous = ${data.synchronous}`);
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");

port.on("message", (req: CheckpointRequest) => {
  if (req === "stop") {
    db.close();
    port.close();
    return;
  }
  const t0 = performance.now();
  let answer: CheckpointDone;
  try {
    const [r] = db.pragma(`wal_checkpoint(${req === "truncate" ? "TRUNCATE" : "PASSIVE"})`) as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    answer = { mode: req, ms: performance.now() - t0, frames: r?.log ?? 0, copied: r?.checkpointed ?? 0, busy: r?.busy === 1 };
  } catch (err) {
    // busy or a locked file: the next tick tries again
    answer = { mode: req, ms: performance.now() - t0, frames: 0, copied: 0, busy: true, error: String(err) };
  }
  port.postMessage(answer);
});
