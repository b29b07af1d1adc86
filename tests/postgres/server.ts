/**
 * A real, throwaway PostgreSQL server for the tests and the benchmarks: Debian's `postgresql` package binaries
 * (`initdb`, `postgres`), a fresh cluster under the system temp folder, 127.0.0.1 on a free port, the unix socket
 * inside the data folder, fsync on (it is a real server). PostgreSQL refuses to run as root: as root, both run as
 * the `postgres` system user the package creates (`runuser`); as anyone else, as that user.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../adapters/matrix/synapse.ts";

/** Raised when the machine lacks what the test server needs; the message says what to install. */
export class PostgresSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresSetupError";
  }
}

const INSTALL_HINT =
  "Die Tests brauchen einen echten PostgreSQL-Server (Debian-Paket „postgresql“, Version 13 oder neuer):\n" +
  "  Debian/Ubuntu: sudo apt-get install -y postgresql\n" +
  "  macOS:         brew install postgresql@16\n" +
  "  Fedora:        sudo dnf install -y postgresql-server\n" +
  "Anderes Verzeichnis der Programme: PG_BINDIR=/pfad/zu/bin npm test\n" +
  "(The tests need a real PostgreSQL server: install the package shown above; PG_BINDIR points to initdb/postgres elsewhere.)";

/** The folder holding `initdb` and `postgres`: PG_BINDIR, the newest /usr/lib/postgresql/N/bin, `pg_config --bindir`, PATH. */
export function findBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(debian, v, "bin"));
  }
  const cfg = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (cfg.status === 0) candidates.push(cfg.stdout.trim());
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  const found = candidates.find((d) => existsSync(join(d, "initdb")) && existsSync(join(d, "postgres")));
  if (!found) throw new PostgresSetupError(`initdb/postgres nicht gefunden. / PostgreSQL server binaries not found.\n${INSTALL_HINT}`);
  return found;
}

/** Root runs the server as `postgres` (PostgreSQL refuses root); anyone else runs it as themselves. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  return ["runuser", ["-u", "postgres", "--", bin, ...args]];
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) {
    throw new PostgresSetupError(`Systembenutzer „postgres“ fehlt (legt das Paket an). / system user postgres missing.\n${INSTALL_HINT}`);
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** A running throwaway cluster. `url` connects as its superuser; {@link stop} shuts it down and removes its files. */
export class PostgresServer {
  readonly url: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly binDir: string;
  private readonly proc: ChildProcess;
  private readonly root: string;

  private constructor(url: string, dataDir: string, logFile: string, binDir: string, proc: ChildProcess, root: string) {
    this.url = url;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.binDir = binDir;
    this.proc = proc;
    this.root = root;
  }

  /** initdb + start; resolves when the server accepts connections. */
  static async create(opts: { maxConnections?: number } = {}): Promise<PostgresServer> {
    const binDir = findBinDir();
    const ids = serverUserIds();
    const root = mkdtempSync(join(tmpdir(), "notfallbot-pg-"));
    const dataDir = join(root, "data");
    const logFile = join(root, "postgres.log");
    const password = randomBytes(18).toString("base64url");
    const pwFile = join(root, "pw");
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (ids) {
      chownSync(root, ids.uid, ids.gid);
      chownSync(pwFile, ids.uid, ids.gid);
    }
    chmodSync(root, 0o700);
    const user = "notfallbot";
    const [initCmd, initArgs] = asServerUser(join(binDir, "initdb"), [
      "-D",
      dataDir,
      "-U",
      user,
      `--pwfile=${pwFile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
      "--no-instructions",
    ]);
    const init = spawnSync(initCmd, initArgs, { encoding: "utf8" });
    rmSync(pwFile, { force: true });
    if (init.error || init.status !== 0) {
      rmSync(root, { recursive: true, force: true });
      const why = init.error ? String(init.error) : `${init.stdout}${init.stderr}`.split("\n").slice(-15).join("\n");
      throw new PostgresSetupError(`initdb ist fehlgeschlagen. / initdb failed.\n${why}\n${INSTALL_HINT}`);
    }
    const port = await freePort();
    const log = openSync(logFile, "a");
    if (ids) chownSync(logFile, ids.uid, ids.gid);
    const [cmd, args] = asServerUser(join(binDir, "postgres"), [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${dataDir}`,
      "-c",
      "fsync=on",
      "-c",
      `max_connections=${opts.maxConnections ?? 300}`,
      "-c",
      "shared_buffers=64MB",
    ]);
    const proc = spawn(cmd, args, { stdio: ["ignore", log, log], detached: false });
    closeSync(log);
    const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const server = new PostgresServer(url, dataDir, logFile, binDir, proc, root);
    try {
      await server.waitReady(30_000);
    } catch (err) {
      const tail = server.logTail();
      await server.stop();
      throw new PostgresSetupError(`${err instanceof Error ? err.message : String(err)}\n${tail}`);
    }
    return server;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let exited: number | null | undefined;
    this.proc.once("exit", (code) => {
      exited = code;
    });
    for (;;) {
      if (exited !== undefined) throw new Error(`PostgreSQL hat sich beendet (Code ${exited}). / PostgreSQL exited.`);
      const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        await c.query("select 1");
        return;
      } catch (err) {
        if (Date.now() > until) throw new Error(`PostgreSQL nicht bereit nach ${timeoutMs} ms: ${String(err)}`);
      } finally {
        await c.end().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The same server, another database. */
  urlFor(database: string): string {
    const u = new URL(this.url);
    u.pathname = `/${database}`;
    return u.toString();
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** The postmaster's pid (first line of postmaster.pid), for signals. */
  private postmasterPid(): number | undefined {
    try {
      return Number(readFileSync(join(this.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      return undefined;
    }
  }

  /** Synchronous last resort (process exit): immediate shutdown, files left for the OS's temp cleaning. */
  killNow(): void {
    const pid = this.postmasterPid();
    if (pid) {
      try {
        process.kill(pid, "SIGQUIT");
      } catch {
        // already gone
      }
    }
  }

  /** Fast shutdown (SIGINT: disconnects clients, checkpoints), then removes the cluster's files. */
  async stop(): Promise<void> {
    const pid = this.postmasterPid();
    if (pid && this.proc.exitCode === null) {
      const gone = new Promise<void>((r) => this.proc.once("exit", () => r()));
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => this.killNow(), 15_000);
      await gone;
      clearTimeout(timer);
    } else if (this.proc.exitCode === null) {
      this.proc.kill("SIGKILL");
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
