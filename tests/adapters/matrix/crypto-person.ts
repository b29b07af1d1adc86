/**
 * A person with an end-to-end encrypting Matrix client in a child process (crypto-person-child.ts): what they send is
 * encrypted by their own Rust crypto, what they see is decrypted there. Same waiting style as people.ts: promises that
 * resolve when the matching event arrives.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { SeenEvent } from "./people.ts";
import type { TestUser } from "./synapse.ts";

/** An event as this person's client shows it; `wireType` is what went over the wire (m.room.encrypted when encrypted). */
export interface SeenCryptoEvent extends SeenEvent {
  wireType: string;
  decryptionFailure: boolean;
}

const CHILD = join(import.meta.dirname, "crypto-person-child.ts");

export class CryptoPerson {
  readonly user: TestUser;
  private readonly proc: ChildProcess;
  private readonly seen = new Map<string, SeenCryptoEvent>();
  private waiters: { match: (e: SeenCryptoEvent) => boolean; resolve: (e: SeenCryptoEvent) => void }[] = [];
  private calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exited: string | undefined;

  private constructor(user: TestUser, proc: ChildProcess) {
    this.user = user;
    this.proc = proc;
  }

  get id(): string {
    return this.user.userId;
  }

  /** Start the person's client process and wait until it has synced. */
  static async connect(url: string, user: TestUser): Promise<CryptoPerson> {
    const proc = fork(CHILD, [url, JSON.stringify(user)], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4_000);
    });
    const p = new CryptoPerson(user, proc);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${user.displayName}: client not ready\n${stderr}`)), 60_000);
      proc.on(
        "message",
        (msg: { ready?: boolean; seen?: SeenCryptoEvent; id?: number; ok?: boolean; result?: unknown; error?: string }) => {
          if (msg.ready) {
            clearTimeout(timer);
            resolve();
          } else if (msg.seen) p.record(msg.seen);
          else if (msg.id !== undefined) {
            const call = p.calls.get(msg.id);
            p.calls.delete(msg.id);
            if (msg.ok) call?.resolve(msg.result);
            else call?.reject(new Error(`${user.displayName}: ${msg.error}`));
          }
        },
      );
      proc.once("exit", (code, signal) => {
        p.exited = `exit ${code ?? signal}`;
        clearTimeout(timer);
        reject(new Error(`${user.displayName}: client process ended (${p.exited})\n${stderr}`));
        for (const c of p.calls.values()) c.reject(new Error(`${user.displayName}: client process ended\n${stderr}`));
        p.calls.clear();
      });
    });
    return p;
  }

  private call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.user.displayName}: client process ended (${this.exited})`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, op, args });
    });
  }

  private record(e: SeenCryptoEvent): void {
    if (!e.id) return;
    const had = this.seen.get(e.id);
    if (had && !had.decryptionFailure) return;
    this.seen.set(e.id, e);
    const hit = this.waiters.filter((w) => w.match(e));
    this.waiters = this.waiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve(e);
  }

  /** Wait until this person's client shows an event matching `match` (already seen or arriving later). */
  waitFor(match: (e: SeenCryptoEvent) => boolean, what = "event", timeoutMs = 30_000): Promise<SeenCryptoEvent> {
    for (const e of this.seen.values()) if (match(e)) return Promise.resolve(e);
    return new Promise((resolve, reject) => {
      const done = (e: SeenCryptoEvent) => {
        clearTimeout(timer);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`${this.user.displayName}: timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve: done });
    });
  }

  waitForMembership(roomId: string, userId: string, membership: "join" | "leave" | "invite", timeoutMs = 30_000): Promise<SeenEvent> {
    return this.waitFor(
      (e) => e.roomId === roomId && e.type === "m.room.member" && e.content.membership === membership && e.stateKey === userId,
      `${userId} ${membership} in ${roomId}`,
      timeoutMs,
    );
  }

  /** Every event this person's client has shown in a room. */
  events(roomId: string): SeenCryptoEvent[] {
    return [...this.seen.values()].filter((e) => e.roomId === roomId);
  }

  async createRoom(opts: { name: string; invite?: string[]; encrypted?: boolean }): Promise<string> {
    const roomId = await this.call<string>("createRoom", opts.name, opts.invite ?? [], opts.encrypted ?? true);
    await this.waitForMembership(roomId, this.id, "join");
    return roomId;
  }

  async join(roomId: string): Promise<void> {
    await this.call("join", roomId);
    await this.waitForMembership(roomId, this.id, "join");
  }

  invite(roomId: string, userId: string): Promise<void> {
    return this.call("invite", roomId, userId);
  }

  /** Send an event (encrypted in an encrypted room); returns its event id. */
  send(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    return this.call<string>("send", roomId, type, content);
  }

  say(roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.send(roomId, "m.room.message", { msgtype: "m.text", body, ...extra });
  }

  replyInThread(roomId: string, root: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.say(roomId, body, {
      "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
      ...extra,
    });
  }

  react(roomId: string, eventId: string, key: string): Promise<string> {
    return this.send(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } });
  }

  /** Room history from the homeserver, decrypted by this person's client, oldest first. */
  history(roomId: string, limit = 1_000): Promise<SeenCryptoEvent[]> {
    return this.call<SeenCryptoEvent[]>("history", roomId, limit);
  }

  /** The next message in the room starts a new megolm session (so its key has to be sent again). */
  newSession(roomId: string): Promise<void> {
    return this.call("newSession", roomId);
  }

  /** Keep back the room keys this client sends to `userId`'s devices until {@link releaseKeys}. */
  holdKeys(userId: string): Promise<void> {
    return this.call("holdKeys", userId);
  }

  /** Send the held-back room keys; returns how many to-device messages went out. */
  releaseKeys(): Promise<number> {
    return this.call<number>("releaseKeys");
  }

  /** Stop holding keys back and forget the held ones (those messages stay unreadable for good). */
  dropHeldKeys(): Promise<number> {
    return this.call<number>("dropHeldKeys");
  }

  /** How this person's client shows another device (cross-signing shield). */
  deviceStatus(userId: string, deviceId: string): Promise<{ signedByOwner: boolean; crossSigningVerified: boolean } | null> {
    return this.call("deviceStatus", userId, deviceId);
  }

  /** A user's devices (device id → ed25519 key), as /keys/query reports them. */
  devicesOf(userId: string): Promise<Record<string, string>> {
    return this.call("devicesOf", userId);
  }

  stop(): void {
    if (this.exited) return;
    this.proc.disconnect();
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 5_000);
    t.unref();
  }
}
