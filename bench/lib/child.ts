/** Runs one benchmark child (a fresh `node` process) and collects its result. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildResult<T> {
  /** The last JSON line the child printed. */
  result: T;
  /** Wall time from spawn to exit, ms. */
  wallMs: number;
  /** Wall time from spawn to the first line `ready`, ms (undefined if none). */
  readyMs: number | undefined;
}

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Spawns `node [nodeArgs] bench/<script> [args]` with the Node that runs the runner (Node 24 from node_modules). */
export function runChild<T>(script: string, args: string[], nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, `${BENCH_DIR}${script}`, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    let readyMs: number | undefined;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      if (readyMs === undefined && /(^|\n)ready\n/.test(out + d)) readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
      out += d;
    });
    child.stderr.on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(" ")} endete mit ${code}:\n${err.slice(-4000)}`));
        return;
      }
      const last = out
        .trim()
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      if (!last) {
        reject(new Error(`${script} lieferte kein Ergebnis:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
        return;
      }
      resolve({ result: JSON.parse(last) as T, wallMs, readyMs });
    });
  });
}
