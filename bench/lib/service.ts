/**
 * A long-lived benchmark child (a server under test, a fake platform): spawned with the Node that runs the runner,
 * ready when it prints `ready <json>`; every later stdout line goes to `onLine`; `stop()` ends it with SIGTERM and
 * resolves with the last JSON line it printed (its final figures), if any.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A running child. */
export interface Service<R> {
  /** What the child said when it was ready (`ready <json>`). */
  readonly ready: R;
  readonly pid: number;
  /** SIGTERM, wait for the exit; resolves with the last JSON line printed after ready (undefined if none). */
  stop(): Promise<unknown>;
}

/** Starts `node bench/<script> [args]` and waits for its `ready <json>` line (at most `timeoutMs`). */
export function startService<R>(
  script: string,
  args: string[],
  opts: { onLine?: (line: string) => void; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<Service<R>> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), `${BENCH_DIR}${script}`, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    let buf = "";
    let last: string | undefined;
    let ready: R | undefined;
    let exited = false;
    const exit = new Promise<void>((r) => child.once("close", () => r()));
    // never leave a server behind when the runner ends early (an exception, Ctrl-C)
    const orphan = () => child.kill("SIGKILL");
    process.once("exit", orphan);
    void exit.then(() => process.off("exit", orphan));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script}: nicht bereit nach ${(opts.timeoutMs ?? 60_000) / 1000} s\n${err.slice(-3000)}`));
    }, opts.timeoutMs ?? 60_000);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      err = (err + d).slice(-20_000);
    });
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (ready === undefined) {
          if (!line.startsWith("ready ")) continue;
          ready = JSON.parse(line.slice(6)) as R;
          clearTimeout(timer);
          resolve({
            ready,
            pid: child.pid!,
            async stop() {
              if (!exited) child.kill("SIGTERM");
              const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
              await exit;
              clearTimeout(kill);
              return last ? (JSON.parse(last) as unknown) : undefined;
            },
          });
          continue;
        }
        if (line.startsWith("{")) last = line;
        opts.onLine?.(line);
      }
    });
    child.once("close", (code) => {
      exited = true;
      if (ready === undefined) {
        clearTimeout(timer);
        reject(new Error(`${script} endete mit ${code} vor „ready“:\n${err.slice(-4000)}`));
      }
    });
    child.once("error", reject);
  });
}

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
