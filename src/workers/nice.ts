/**
 * Lowest CPU priority for the worker threads of `notfallbot serve`, so that the thread which answers HTTP (Slack's
 * 3 s acknowledgement, Teams, `/healthz`) gets a core at once when it wakes up (docs/performance.md, "Priorität des
 * Bot-Threads").
 *
 * Two steps, both only lowering, both without privilege (Linux):
 *  1. nice 19: `setpriority(PRIO_PROCESS, 0, …)` names the calling *thread*, so only the worker that calls this yields.
 *     Linux (EEVDF, 6.6+) lets a running thread finish its time slice before a waking one of the same weight gets the
 *     core; the slice it is protected for shrinks with its weight — in the Slack benchmark the acknowledgement's p99
 *     was 1.0–1.4× a bare Bolt app at 19, 1.8–2.2× at 10 and 2.8–2.9× at 0.
 *  2. `SCHED_IDLE` (util-linux `chrt -i -p 0 <tid>`, run once on this thread's own id): a waking thread of normal
 *     policy always preempts it, and the scheduler counts a core that runs only `SCHED_IDLE` threads as idle when it
 *     places a waking thread — at nice 19 the HTTP thread could still be queued behind the bot thread's core or wait
 *     on its own. Paired runs in the same Slack rounds: ack p99 −8 % to −26 % against nice 19 alone. Where `chrt` is
 *     missing or refused, step 1 stands alone. Not for V8's helper threads (shared with the HTTP thread, which may
 *     wait on their locks).
 *
 * What it does not do: starve the bot against other programs. With autogroup (most distributions) or a cgroup per
 * service (systemd, containers), priorities only order the threads of one group against each other: the process as a
 * whole competes for the CPU as before, and within it the HTTP thread, which needs a few percent of a core, goes first;
 * the bot thread gets every cycle it leaves. Elsewhere than Linux the calls would name the whole process, so nothing is
 * changed there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { isMainThread } from "node:worker_threads";

/** Nice value of the bot thread and the render thread (PDF, handbook). */
export const WORKER_NICE = 19;

/** Where util-linux puts `chrt`; taken by absolute path, never looked up in PATH. */
const CHRT = ["/usr/bin/chrt", "/bin/chrt"];

/**
 * Gives the calling worker thread the nice value `nice` and, where it can, the `SCHED_IDLE` policy. Where either is
 * refused (a sandbox) the thread keeps what it had; `tests/core/bot-thread.test.ts` reads the result from /proc.
 */
export function lowerThreadPriority(nice = WORKER_NICE): void {
  if (process.platform !== "linux") return;
  try {
    setPriority(0, nice);
  } catch {
    // refused: normal priority
  }
  if (!isMainThread) idlePolicy();
}

/** `SCHED_IDLE` for the calling thread (never the main thread: that is the one answering HTTP). */
function idlePolicy(): void {
  const chrt = CHRT.find((p) => existsSync(p));
  if (!chrt) return;
  try {
    // "<pid>/task/<tid>": the thread's own id, which sched_setscheduler takes for this one thread
    const tid = readlinkSync("/proc/thread-self").split("/").at(-1) ?? "";
    if (!/^\d+$/.test(tid)) return;
    execFileSync(chrt, ["-i", "-p", "0", tid], { stdio: "ignore", timeout: 5000 });
  } catch {
    // refused or failed: nice 19 stands alone
  }
}
