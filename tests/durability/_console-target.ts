/**
 * The terminal adapter as a crash target: `bin/notfallbot.mjs console --db <file>` as a child process, one stdin
 * line per event, and its stdout read back with `NOTFALL_CONSOLE_TRACE=1`, which puts a line `⟦key⟧` before every
 * delivered message.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Step } from "./_script.ts";
import type { BotRun, CrashTarget, SeenMessage } from "./_target.ts";

const root = join(import.meta.dirname, "..", "..");
const MARK = /^⟦(.+)⟧$/;

/**
 * The Node binary that runs the CLI directly. The launcher re-spawns itself on an old Node; `kill -9` would then
 * only hit the launcher, so the harness starts the right Node itself.
 */
function nodeBinary(): string {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if ((major > 22 || (major === 22 && minor >= 12)) && process.features.typescript) return process.execPath;
  const bundled = join(root, "node_modules", "node", "bin", "node");
  if (existsSync(bundled)) return bundled;
  throw new Error(`Die Crash-Tests brauchen Node >= 22.12 (läuft: ${process.versions.node}); bitte npm install ausführen.`);
}

/** One console line for a step: `@anna: /notfall status` (command) or `@anna: erledigt 3` (plain line). */
export function consoleLine(step: Step): string {
  return `@${step.who}: ${step.command ? "/notfall " : ""}${step.text}`;
}

export const consoleTarget: CrashTarget = {
  name: "console",
  start(dbPath, workDir) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: "1",
      NOTFALL_CONSOLE_TRACE: "1",
      NODE_COMPILE_CACHE: join(workDir, "node-compile-cache"),
    };
    for (const k of ["NOTFALL_DB", "NOTFALL_CONFIG", "NOTFALL_USER"]) delete env[k];
    const child = spawn(nodeBinary(), [join(root, "bin", "notfallbot.mjs"), "console", "--db", dbPath], { cwd: workDir, env });
    return new ConsoleRun(child);
  },
};

class ConsoleRun implements BotRun {
  readonly messages: SeenMessage[] = [];
  readonly stray: string[] = [];
  progress = 0;
  killed = false;
  readonly exited: BotRun["exited"];
  private readonly child: ChildProcessWithoutNullStreams;
  private partial = "";
  private stderr = "";
  private listeners: (() => void)[] = [];

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdin.on("error", () => {}); // EPIPE after a kill: the line is lost, as it would be
    child.stderr.on("data", (d: string) => {
      this.stderr += d;
    });
    child.stdout.on("data", (d: string) => this.onData(d));
    this.exited = new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (this.partial) this.line(this.partial);
        this.partial = "";
        resolve({ code, signal, stderr: this.stderr });
      });
    });
  }

  private onData(d: string): void {
    const parts = (this.partial + d).split("\n");
    this.partial = parts.pop()!;
    for (const l of parts) {
      this.line(l);
      this.progress++;
    }
    if (parts.length) for (const cb of this.listeners) cb();
  }

  private line(l: string): void {
    const m = MARK.exec(l);
    if (m) {
      this.messages.push({ key: m[1]!, text: "" });
      return;
    }
    const last = this.messages.at(-1);
    if (last) last.text += `${l}\n`;
    else this.stray.push(l);
  }

  send(step: Step): void {
    if (this.killed || !this.child.stdin.writable) return;
    this.child.stdin.write(`${consoleLine(step)}\n`);
  }

  onProgress(cb: () => void): void {
    this.listeners.push(cb);
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.child.kill("SIGKILL");
  }

  end(): void {
    this.child.stdin.end();
  }
}
