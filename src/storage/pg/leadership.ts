/**
 * "Exactly one process does this" (e.g. the Matrix sync) across processes sharing one PostgreSQL: a session-level
 * advisory lock held on a dedicated connection (not from the pool). When the holder dies, the server ends its
 * session and the lock is free; the others try every `pollMs` and one of them takes over. The holder checks its
 * connection every `checkMs` and gives the role up (`onLost`) as soon as the connection is gone. A holder that lost
 * its connection keeps out of the race for `rejoinMs`: the fault is likely on its side (network, overload), and
 * without the pause it would often win the lock back at once, before a healthy follower polls.
 */
import pg from "pg";

/** Options for {@link Leadership}. */
export interface LeadershipOptions {
  /** How often a follower tries to take the lock, ms (default 1000). */
  pollMs?: number;
  /** How often the holder checks that its connection (and so the lock) is still there, ms (default 2000). */
  checkMs?: number;
  /**
   * After losing the role through a broken connection, how long this process waits before trying again, ms
   * (default 3 × pollMs), so that a follower takes over. start() clears the pause.
   */
  rejoinMs?: number;
  /** Called when this process becomes the holder. */
  onAcquired?: () => void;
  /** Called when this process stops being the holder (connection lost, or {@link Leadership.stop}). */
  onLost?: (why: string) => void;
  /** Connection problems while following (server down …), for the log. */
  onError?: (err: Error) => void;
}

/** A named role held by at most one process at a time. */
export class Leadership {
  readonly name: string;
  private readonly url: string;
  private readonly opts: Required<Pick<LeadershipOptions, "pollMs" | "checkMs" | "rejoinMs">> & LeadershipOptions;
  private client: pg.Client | undefined;
  private held = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Date.now() before which this process does not try to take the lock (after it lost its connection as holder). */
  private pausedUntil = 0;

  constructor(url: string, name: string, opts: LeadershipOptions = {}) {
    this.url = url;
    this.name = name;
    const pollMs = opts.pollMs ?? 1000;
    this.opts = { pollMs, checkMs: 2000, rejoinMs: 3 * pollMs, ...opts };
  }

  /** Whether this process holds the role right now. */
  get isLeader(): boolean {
    return this.held;
  }

  /** Starts trying (and keeps trying until {@link stop}); resolves after the first attempt. */
  start(): Promise<void> {
    this.stopped = false;
    this.pausedUntil = 0;
    return this.tick();
  }

  /** Gives the role up (unlocks, closes the connection) and stops trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    const c = this.client;
    this.client = undefined;
    if (c) {
      if (this.held) await c.query("select pg_advisory_unlock(hashtextextended($1, 0))", [this.name]).catch(() => {});
      await c.end().catch(() => {});
    }
    this.lose("stopped");
  }

  private tick(): Promise<void> {
    this.running = this.attempt().finally(() => {
      if (this.stopped) return;
      const wait = this.held ? this.opts.checkMs : Math.max(this.opts.pollMs, this.pausedUntil - Date.now());
      this.timer = setTimeout(() => void this.tick(), wait);
      this.timer.unref();
    });
    return this.running;
  }

  private async attempt(): Promise<void> {
    // paused after losing the role: leave the lock to the others for now (a timer set before the loss lands here)
    if (!this.held && Date.now() < this.pausedUntil) return;
    try {
      if (!this.client) this.client = await this.connect();
      if (this.held) {
        await this.client.query("select 1");
        return;
      }
      const r = await this.client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as ok", [this.name]);
      if (r.rows[0]?.ok && !this.stopped) {
        this.held = true;
        this.opts.onAcquired?.();
      }
    } catch (err) {
      this.drop(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: this.url,
      application_name: `notfallbot leader:${this.name}`,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    c.on("error", (err) => this.drop(err));
    await c.connect();
    return c;
  }

  /** The connection is gone: so is the lock (the server released it with the session). */
  private drop(err: Error): void {
    const c = this.client;
    this.client = undefined;
    if (c) void c.end().catch(() => {});
    if (this.held) {
      this.pausedUntil = Date.now() + this.opts.rejoinMs;
      this.lose(`connection lost: ${err.message}`);
    } else this.opts.onError?.(err);
  }

  private lose(why: string): void {
    if (!this.held) return;
    this.held = false;
    this.opts.onLost?.(why);
  }
}
