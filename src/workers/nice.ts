/**
 * Lowest CPU priority for the worker threads of `notfallbot serve`, so that the thread which answers HTTP (Slack's
 * 3 s acknowledgement, Teams, `/healthz`) gets a core at once when it wakes up (docs/performance.md, "Priorität des
 * Bot-Threads").
 *
 * Why the lowest and not a little lower: Linux (EEVDF, 6.6+) lets a running thread finish its time slice before a
 * waking one of the same weight gets the core; the slice it is protected for shrinks with its weight. At nice 19 the
 * bot thread yields within microseconds, at nice 10 it could still hold the core for a good part of a millisecond — in
 * the Slack benchmark the acknowledgement's p99 was 1.0–1.4× a bare Bolt app at 19, 1.8–2.2× at 10 and 2.8–2.9× at 0.
 *
 * What it does not do: starve the bot against other programs. With autogroup (most distributions) or a cgroup per
 * service (systemd, containers), nice values only order the threads of one group against each other: the process as a
 * whole competes for the CPU as before, and within it the HTTP thread, which needs a few percent of a core, goes first.
 *
 * Linux: `setpriority(PRIO_PROCESS, 0, …)` names the calling *thread*, so only the worker that calls this yields;
 * raising one's own nice value needs no privilege. Elsewhere the call would name the whole process, so nothing is
 * changed there; where it is refused (a sandbox) the worker runs at normal priority.
 */
import { setPriority } from "node:os";

/** Nice value of the bot thread and the render thread (PDF, handbook). */
export const WORKER_NICE = 19;

/** Gives the calling worker thread the nice value `nice`; whether it took effect. */
export function lowerThreadPriority(nice = WORKER_NICE): boolean {
  if (process.platform !== "linux") return false;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}
