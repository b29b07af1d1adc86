/**
 * Lower CPU priority for a worker thread of `notfallbot serve`, so that the thread which answers HTTP (Slack's 3 s
 * acknowledgement, Teams, `/healthz`) gets a core first when both want one (docs/performance.md, "Priorität").
 *
 * Linux: `setpriority(PRIO_PROCESS, 0, …)` names the calling *thread*, so only the worker that calls this yields;
 * the HTTP thread keeps the process's priority. Raising one's own nice value needs no privilege. Elsewhere the call
 * would name the whole process, so nothing is changed there; where it is refused (a sandbox) the worker runs at
 * normal priority.
 */
import { setPriority } from "node:os";

/** Nice value of the bot thread: it does the work behind an acknowledgement, which can wait a few milliseconds. */
export const BOT_NICE = 5;
/** Nice value of the render thread (PDF, handbook: seconds of layout), below the bot thread. */
export const RENDER_NICE = 10;

/** Gives the calling worker thread the nice value `nice`; whether it took effect. */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}
