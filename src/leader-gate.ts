/**
 * A chat adapter that runs in one process at a time (the Matrix sync): several processes on one database each
 * hold a gate, and only the holder of the role (PostgreSQL advisory lock, src/storage/pg/leadership.ts) starts the
 * adapter. When the holder dies, another process takes the role within seconds and starts its adapter; a holder
 * that loses the role stops its adapter. Only the holder delivers to the platform ({@link ChatAdapter.canDeliver}).
 */
import type { ChatAdapter, DeliveryResult, InboundHandler } from "./core/adapter.ts";
import { type Catalog, de } from "./core/i18n/de.ts";
import type { Outbound } from "./core/message.ts";

/** A role held by one process at a time; `hooks` are called when this process gains or loses it. */
export interface Role {
  readonly name: string;
  readonly isLeader: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type RoleFactory = (hooks: { onAcquired: () => void; onLost: (why: string) => void }) => Role;

type Log = (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;

/** How long a process whose adapter does not start stays out of the race for the role (default, ms). */
export const STEP_DOWN_MS = 30_000;

export class LeaderGatedAdapter implements ChatAdapter {
  readonly inner: ChatAdapter;
  readonly role: Role;
  private onEvent: InboundHandler | undefined;
  /** Start and stop of the inner adapter, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  private rejoin: NodeJS.Timeout | undefined;
  private readonly log: Log;
  /** The log lines' words, in the process's language. */
  private readonly ops: Catalog["ops"];
  private readonly stepDownMs: number;

  /**
   * `stepDownMs`: when the adapter does not start although this process holds the role (e.g. the Matrix key file
   * is missing on this machine), the role is given up for that long, so that another process can take it, and then
   * competed for again.
   */
  constructor(
    inner: ChatAdapter,
    role: RoleFactory,
    log: Log = () => {},
    ops: Catalog["ops"] = de.ops,
    opts: { stepDownMs?: number } = {},
  ) {
    this.inner = inner;
    this.log = log;
    this.ops = ops;
    this.stepDownMs = opts.stepDownMs ?? STEP_DOWN_MS;
    this.role = role({
      onAcquired: () => this.switch(true, this.ops.roleAcquired),
      onLost: (why) => this.switch(false, this.ops.roleLost(why)),
    });
  }

  get platform() {
    return this.inner.platform;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  /** Whether this process runs the adapter now. */
  get active(): boolean {
    return this.started;
  }

  private switch(on: boolean, why: string): void {
    this.chain = this.chain
      .then(async () => {
        if (on && !this.started && this.onEvent) {
          this.log("info", this.ops.roleStarting(this.role.name, why, this.inner.platform));
          try {
            await this.inner.start(this.onEvent);
          } catch (err) {
            // holding the role without running the adapter would keep it off in every process
            this.log("error", this.ops.roleStartFailed(this.role.name, this.inner.platform, Math.round(this.stepDownMs / 1000)), err);
            this.stepDown();
            return;
          }
          this.started = true;
        } else if (!on && this.started) {
          this.log("warn", this.ops.roleStopping(this.role.name, why, this.inner.platform));
          this.started = false;
          await this.inner.stop();
        }
      })
      .catch((err) => this.log("error", this.ops.roleSwitchFailed(this.role.name, this.inner.platform), err));
  }

  /** Give the role up now and compete for it again after `stepDownMs` (unless stopped meanwhile). */
  private stepDown(): void {
    void this.role
      .stop()
      .catch((err) => this.log("warn", this.ops.roleNotReleased, err))
      .then(() => {
        if (this.stopped) return;
        this.rejoin = setTimeout(() => {
          this.rejoin = undefined;
          if (!this.stopped) this.role.start().catch((err) => this.log("warn", this.ops.roleUncheckable(this.role.name), err));
        }, this.stepDownMs);
        this.rejoin.unref?.();
      });
  }

  /** Starts competing for the role; resolves after the first attempt (and the adapter's start when it got the role). */
  async start(onEvent: InboundHandler): Promise<void> {
    this.onEvent = onEvent;
    this.stopped = false;
    await this.role.start();
    await this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rejoin) clearTimeout(this.rejoin);
    this.rejoin = undefined;
    await this.role.stop();
    this.switch(false, this.ops.roleStopped);
    await this.chain;
  }

  deliver(message: Outbound): Promise<DeliveryResult> {
    return this.inner.deliver(message);
  }

  canDeliver(): boolean {
    return this.started && this.role.isLeader && (this.inner.canDeliver?.() ?? true);
  }

  health(): { ok: boolean; detail?: string } {
    if (this.started) return this.inner.health?.() ?? { ok: true };
    return { ok: true, detail: this.ops.roleStandby(this.role.name) };
  }
}
