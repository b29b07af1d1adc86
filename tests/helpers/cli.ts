import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

/** The project's root (where `bin/notfallbot.mjs` lives). */
export const ROOT = join(import.meta.dirname, "..", "..");

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs the real CLI (`bin/notfallbot.mjs`) as a child process in `cwd`, with `input` on stdin (closed at once when
 * empty), without colours, and collects what it writes.
 */
export function runCli(args: readonly string[], o: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "notfallbot.mjs"), ...args], {
      cwd: o.cwd,
      env: { ...process.env, NO_COLOR: "1", ...o.env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin.end(o.input ?? "");
  });
}

/** A running `notfallbot serve` child (see {@link spawnServe}). */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** Everything the process wrote to stderr / stdout so far. */
  stderr(): string;
  stdout(): string;
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * `bin/notfallbot.mjs serve …args` as a child process in `cwd` with exactly `env`, resolved when it printed
 * `READY <port>`; rejected with its stderr when it exits first or is not ready within 60 s (then it is killed).
 */
export async function spawnServe(args: readonly string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "notfallbot.mjs"), "serve", ...args], { cwd: o.cwd, env: o.env });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`serve not ready after 60 s:\n${err}`));
    }, 60_000);
    child.stdout.on("data", (d: string) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`serve exited with ${code}:\n${err}`));
    });
  });
  return {
    child,
    port,
    stderr: () => err,
    stdout: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(kill);
      }
    },
  };
}
