/**
 * A real Synapse homeserver for the Matrix tests: installed with pip into `.cache/synapse/venv` (reused when present),
 * configured for tests (127.0.0.1, free port, SQLite, registration by shared secret only, rate limits raised) and
 * started/stopped as a child process. Python is used for Synapse only; everything around it is TypeScript.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";

/** The Synapse release the tests install (pinned: a newer one may change behaviour under our feet). */
export const SYNAPSE_VERSION = "1.163.2";
export const SERVER_NAME = "localhost";

const REPO = resolve(import.meta.dirname, "../../..");
/** Where the venv and run folders live (override: SYNAPSE_CACHE_DIR, e.g. for a CI cache). */
export const CACHE_DIR = process.env.SYNAPSE_CACHE_DIR ? resolve(process.env.SYNAPSE_CACHE_DIR) : join(REPO, ".cache", "synapse");
const VENV = join(CACHE_DIR, "venv");
const MARKER = join(VENV, ".notfallbot-synapse-version");

/** Raised when the machine lacks what Synapse needs; the message says what to install. */
export class SynapseSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynapseSetupError";
  }
}

function venvPython(venv: string): string {
  return process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");
}

function tail(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n");
}

const INSTALL_HINT =
  "Die Matrix-Tests brauchen Python 3.10+ mit venv und pip, um einen echten Synapse-Homeserver zu installieren.\n" +
  "  Debian/Ubuntu: sudo apt-get install -y python3 python3-venv python3-pip\n" +
  "  macOS:         brew install python\n" +
  "  Fedora:        sudo dnf install -y python3 python3-pip\n" +
  "Anderes Python verwenden: SYNAPSE_PYTHON=/pfad/zu/python3 npm test\n" +
  "(The Matrix tests need Python 3.10+ with venv and pip to install a real Synapse homeserver; install them as shown above.)";

/**
 * Make sure `.cache/synapse/venv` holds the pinned Synapse. Installs it on the first run (into a temporary
 * folder that is renamed when complete, so parallel or interrupted runs never see half an install).
 * Returns the venv's python and how long an install took (undefined when reused).
 */
export function ensureSynapse(): { python: string; installMs?: number } {
  if (existsSync(MARKER) && readFileSync(MARKER, "utf8").trim() === SYNAPSE_VERSION) return { python: venvPython(VENV) };
  const basePython = process.env.SYNAPSE_PYTHON ?? (process.platform === "win32" ? "python" : "python3");
  const probe = spawnSync(basePython, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new SynapseSetupError(`Python 3 nicht gefunden („${basePython}“). / python3 not found.\n${INSTALL_HINT}`);
  }
  const [maj, min] = probe.stdout.trim().split(".").map(Number);
  if (maj !== 3 || (min ?? 0) < 10) {
    throw new SynapseSetupError(
      `Python ${probe.stdout.trim()} ist zu alt für Synapse ${SYNAPSE_VERSION}. / Python too old.\n${INSTALL_HINT}`,
    );
  }
  const started = Date.now();
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = join(CACHE_DIR, `venv.tmp-${process.pid}-${Date.now()}`);
  try {
    const venv = spawnSync(basePython, ["-m", "venv", tmp], { encoding: "utf8" });
    if (venv.error || venv.status !== 0) {
      throw new SynapseSetupError(
        `„${basePython} -m venv“ ist fehlgeschlagen (python3-venv fehlt?). / creating a venv failed.\n${tail(`${venv.stdout}${venv.stderr}`, 15)}\n${INSTALL_HINT}`,
      );
    }
    const py = venvPython(tmp);
    const pipCheck = spawnSync(py, ["-m", "pip", "--version"], { encoding: "utf8" });
    if (pipCheck.status !== 0) {
      throw new SynapseSetupError(`pip fehlt im venv (python3-pip / ensurepip). / pip is missing.\n${INSTALL_HINT}`);
    }
    process.stderr.write(`[synapse] installiere matrix-synapse==${SYNAPSE_VERSION} nach ${VENV} (einmalig) …\n`);
    const pip = spawnSync(py, ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", `matrix-synapse==${SYNAPSE_VERSION}`], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (pip.error || pip.status !== 0) {
      throw new SynapseSetupError(
        `pip install matrix-synapse==${SYNAPSE_VERSION} ist fehlgeschlagen (Netzwerk? Compiler?). / pip install failed.\n${tail(`${pip.stdout}${pip.stderr}`)}`,
      );
    }
    writeFileSync(join(tmp, ".notfallbot-synapse-version"), `${SYNAPSE_VERSION}\n`);
    // A venv's python finds its packages relative to itself (pyvenv.cfg), so moving the folder is fine for `python -m`.
    if (existsSync(VENV)) rmSync(VENV, { recursive: true, force: true });
    try {
      renameSync(tmp, VENV);
    } catch {
      // another run finished first: use theirs
      if (!existsSync(MARKER)) throw new SynapseSetupError(`Konnte ${tmp} nicht nach ${VENV} verschieben. / could not move the venv.`);
    }
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
  const installMs = Date.now() - started;
  process.stderr.write(`[synapse] matrix-synapse ${SYNAPSE_VERSION} installiert in ${(installMs / 1000).toFixed(1)} s\n`);
  return { python: venvPython(VENV), installMs };
}

/** A free TCP port on 127.0.0.1 (the OS picks it; Synapse cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

const HIGH = { per_second: 10_000, burst_count: 10_000 };

export interface ServerOptions {
  /** Keep Synapse's default message rate limit (`rc_message`: 0.2/s, burst 10) instead of raising it for tests. */
  defaultMessageRateLimit?: boolean;
}

/** Write a test configuration: generated by Synapse itself, then overridden for tests. */
function configure(python: string, dir: string, port: number, secret: string, opts: ServerOptions = {}): string {
  const configPath = join(dir, "homeserver.yaml");
  const gen = spawnSync(
    python,
    [
      "-m",
      "synapse.app.homeserver",
      "--server-name",
      SERVER_NAME,
      "--config-path",
      configPath,
      "--data-directory",
      dir,
      "--generate-config",
      "--report-stats=no",
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (gen.status !== 0)
    throw new SynapseSetupError(`Synapse-Konfiguration nicht erzeugt / config generation failed:\n${tail(`${gen.stdout}${gen.stderr}`)}`);
  const cfg = parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  Object.assign(cfg, {
    listeners: [
      {
        port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: join(dir, "homeserver.db") } },
    media_store_path: join(dir, "media_store"),
    enable_registration: false,
    registration_shared_secret: secret,
    report_stats: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    presence: { enabled: false },
    url_preview_enabled: false,
    rc_message: HIGH,
    rc_registration: HIGH,
    rc_login: { address: HIGH, account: HIGH, failed_attempts: HIGH },
    rc_joins: { local: HIGH, remote: HIGH },
    rc_joins_per_room: HIGH,
    rc_invites: { per_room: HIGH, per_user: HIGH, per_issuer: HIGH },
    rc_admin_redaction: HIGH,
    rc_3pid_validation: HIGH,
    rc_room_creation: HIGH,
    rc_presence: { per_user: HIGH },
    rc_reports: HIGH,
    rc_media_create: HIGH,
    rc_profile: HIGH,
    rc_delayed_event_mgmt: HIGH,
    rc_user_directory: HIGH,
  });
  // Synapse's own default for sending messages (0.2 per second, 10 at once), as on a homeserver nobody tuned
  if (opts.defaultMessageRateLimit) delete cfg.rc_message;
  writeFileSync(configPath, stringify(cfg));
  // Unbuffered file logging, so the tail is there when something fails.
  const logConfigPath = join(dir, `${SERVER_NAME}.log.config`);
  const logCfg = parse(readFileSync(logConfigPath, "utf8")) as { root: { handlers: string[] } };
  logCfg.root.handlers = ["file"];
  writeFileSync(logConfigPath, stringify(logCfg));
  return configPath;
}

/** Remove run folders of earlier test runs that are older than a day (their logs were kept for failures). */
function pruneRuns(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  for (const name of readdirSync(runsDir)) {
    const p = join(runsDir, name);
    try {
      if (Date.now() - statSync(p).mtimeMs > 24 * 3600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

/** One running (or stopped) Synapse with its data folder. `restart()` keeps the database. */
export class SynapseServer {
  readonly url: string;
  readonly sharedSecret: string;
  readonly dir: string;
  readonly logFile: string;
  private readonly python: string;
  private readonly configPath: string;
  private proc: ChildProcess | undefined;

  private constructor(python: string, dir: string, configPath: string, port: number, secret: string) {
    this.python = python;
    this.dir = dir;
    this.configPath = configPath;
    this.url = `http://127.0.0.1:${port}`;
    this.sharedSecret = secret;
    this.logFile = join(dir, "homeserver.log");
  }

  /** Configure a fresh homeserver in a new folder under `.cache/synapse/runs/` and start it. */
  static async create(python: string, label = "run", opts: ServerOptions = {}): Promise<SynapseServer> {
    const runsDir = join(CACHE_DIR, "runs");
    pruneRuns(runsDir);
    const dir = join(runsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${label}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const secret = randomBytes(24).toString("hex");
    const server = new SynapseServer(python, dir, configure(python, dir, port, secret, opts), port, secret);
    await server.start();
    return server;
  }

  /** The last lines of the homeserver log and of its stdout/stderr. */
  logTail(lines = 40): string {
    const read = (f: string) => (existsSync(f) ? tail(readFileSync(f, "utf8"), lines) : "");
    return `--- ${this.logFile} ---\n${read(this.logFile)}\n--- synapse stdout/stderr ---\n${read(join(this.dir, "stdio.log"))}`;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    if (this.proc) return;
    const out = openSync(join(this.dir, "stdio.log"), "a");
    const proc = spawn(this.python, ["-m", "synapse.app.homeserver", "--config-path", this.configPath], {
      cwd: this.dir,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    this.proc = proc;
    let exited: string | undefined;
    proc.once("exit", (code, signal) => {
      exited = `exit ${code ?? signal}`;
      if (this.proc === proc) this.proc = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new SynapseSetupError(`Synapse hat sich beendet (${exited}) / Synapse exited.\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/_matrix/client/versions`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new SynapseSetupError(`Synapse antwortet nicht nach ${timeoutMs / 1000} s / Synapse did not come up.\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stop the process (SIGTERM, SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  }

  /** Stop and remove the data folder, keeping the logs (they are pruned after a day). */
  async destroy(keepData = false): Promise<void> {
    await this.stop();
    if (keepData) return;
    for (const name of ["homeserver.db", "homeserver.db-wal", "homeserver.db-shm", "media_store"]) {
      rmSync(join(this.dir, name), { recursive: true, force: true });
    }
  }
}

/** A user account on the test homeserver. */
export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
  displayName: string;
}

/**
 * Register a user with the shared-secret admin API (nonce + HMAC-SHA1), or log in when it exists already.
 * Display name defaults to the capitalised local part.
 */
export async function registerUser(
  url: string,
  sharedSecret: string,
  username: string,
  opts: { admin?: boolean; displayName?: string } = {},
): Promise<TestUser> {
  const password = `pw-${username}-test`;
  const displayName = opts.displayName ?? username.charAt(0).toUpperCase() + username.slice(1);
  const admin = opts.admin ?? false;
  const nonceRes = await fetch(`${url}/_synapse/admin/v1/register`);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const mac = createHmac("sha1", sharedSecret)
    .update(nonce)
    .update("\0")
    .update(username)
    .update("\0")
    .update(password)
    .update("\0")
    .update(admin ? "admin" : "notadmin")
    .digest("hex");
  const res = await fetch(`${url}/_synapse/admin/v1/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nonce, username, password, displayname: displayName, admin, mac }),
  });
  const body = (await res.json()) as { access_token?: string; user_id?: string; device_id?: string; errcode?: string; error?: string };
  if (res.ok && body.access_token && body.user_id) {
    return { userId: body.user_id, accessToken: body.access_token, deviceId: body.device_id ?? "", password, displayName };
  }
  if (body.errcode === "M_USER_IN_USE") {
    const login = await fetch(`${url}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: username }, password }),
    });
    const lb = (await login.json()) as { access_token?: string; user_id?: string; device_id?: string; error?: string };
    if (login.ok && lb.access_token && lb.user_id) {
      return { userId: lb.user_id, accessToken: lb.access_token, deviceId: lb.device_id ?? "", password, displayName };
    }
    throw new Error(`login of ${username} failed: ${lb.error ?? login.status}`);
  }
  throw new Error(`register ${username} failed: ${body.errcode ?? res.status} ${body.error ?? ""}`);
}

/** Admin API: override the message rate limit of one user (0 = unlimited). */
export async function overrideRatelimit(url: string, adminToken: string, userId: string, perSecond: number, burst: number): Promise<void> {
  const res = await fetch(`${url}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ messages_per_second: perSecond, burst_count: burst }),
  });
  if (!res.ok) throw new Error(`override_ratelimit failed: ${res.status} ${await res.text()}`);
}
