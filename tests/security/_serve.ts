/**
 * `notfallbot serve` as an operator runs it: the real CLI as a child process (`bin/notfallbot.mjs serve`), with the
 * Slack adapter pointed at the fake Slack Web API of the adapter tests and, optionally, Teams with (fake) credentials.
 * Used by the security tests, which look at the process from outside: its port, its stderr, its resident memory.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BOT_TOKEN, FakeSlackApi } from "../adapters/slack/fake-slack-api.ts";
import { type ServeProcess, spawnServe } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

export const SIGNING_SECRET = "sec-9c1e5a7b3d2f4a6c8e0b1d3f5a7c9e1b";
export const TEAMS_APP_ID = "00000000-1111-2222-3333-444444444444";
export const TEAMS_APP_PASSWORD = "teams~S3cretValue.of-the_App";
export const TEAMS_TENANT_ID = "11111111-2222-3333-4444-555555555555";

export interface ServeChild {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  readonly dbPath: string;
  readonly api: FakeSlackApi;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Resident set size of the process in bytes (Linux: /proc/<pid>/status). */
  rss(): number;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), stop the fake API, remove the directory. */
  stop(): Promise<void>;
}

export interface ServeChildOptions {
  /** Extra environment (HOST, …); `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Start Teams too (MICROSOFT_APP_ID etc. set to fakes). */
  teams?: boolean;
  /** Start Slack (default true). */
  slack?: boolean;
  /** Fake Slack Web API to use (default: a new one). */
  api?: FakeSlackApi;
  /** Working directory, relative to the test's directory (default: that directory; the data is in `data/`). */
  cwd?: string;
  /** More arguments after `serve --port 0` (e.g. `--lang en`). */
  args?: string[];
}

/** Start `notfallbot serve --port 0` and resolve when it printed `READY <port>`. */
export async function startServe(o: ServeChildOptions = {}): Promise<ServeChild> {
  const tmp = tempDir("notfallbot-security-");
  const api = o.api ?? new FakeSlackApi();
  if (!o.api) await api.start();
  const dbPath = join(tmp.dir, "data", "notfall.db");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: "1",
    NOTFALL_DB: dbPath,
    ...(o.slack === false ? {} : { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: api.url }),
    ...(o.teams
      ? { MICROSOFT_APP_ID: TEAMS_APP_ID, MICROSOFT_APP_PASSWORD: TEAMS_APP_PASSWORD, MICROSOFT_APP_TENANT_ID: TEAMS_TENANT_ID }
      : {}),
  };
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const cwd = o.cwd ? join(tmp.dir, o.cwd) : tmp.dir;
  mkdirSync(cwd, { recursive: true });
  let serve: ServeProcess;
  try {
    serve = await spawnServe(["--port", "0", ...(o.args ?? [])], { cwd, env });
  } catch (e) {
    if (!o.api) await api.stop();
    tmp.cleanup();
    throw e;
  }
  const { child, port } = serve;
  return {
    port,
    pid: child.pid!,
    dir: tmp.dir,
    dbPath,
    api,
    stderr: serve.stderr,
    stdout: serve.stdout,
    rss: () => rssOf(child.pid!),
    async stop() {
      await serve.stop();
      if (!o.api) await api.stop();
      tmp.cleanup();
    },
  };
}

/** VmRSS of a process in bytes. */
export function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
