import { spawn } from "node:child_process";
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
