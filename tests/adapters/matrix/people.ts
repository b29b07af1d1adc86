/**
 * People on the test homeserver, each with a real matrix-js-sdk client that syncs (what they would see in Element).
 * Waiting is event-driven: a promise resolves when the homeserver delivers the matching event.
 */
import {
  ClientEvent,
  createClient,
  Direction,
  EventType,
  type IContent,
  type MatrixClient,
  type MatrixEvent,
  Method,
  Preset,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
} from "matrix-js-sdk";
import { sdkLogger } from "../../../src/adapters/matrix/sdk-logger.ts";
import type { TestUser } from "./synapse.ts";

const quiet = sdkLogger("error");

/** Raw event as seen by a person: type, sender, content. */
export interface SeenEvent {
  id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  roomId: string;
  stateKey?: string;
  /** When this person's client received it (Date.now()). */
  at: number;
}

function toSeen(ev: MatrixEvent): SeenEvent {
  const stateKey = ev.getStateKey();
  return {
    id: ev.getId() ?? "",
    type: ev.getType(),
    sender: ev.getSender() ?? "",
    content: ev.getContent() as Record<string, unknown>,
    roomId: ev.getRoomId() ?? "",
    at: Date.now(),
    ...(stateKey !== undefined ? { stateKey } : {}),
  };
}

export class Person {
  readonly user: TestUser;
  readonly client: MatrixClient;
  private readonly seen: SeenEvent[] = [];
  private waiters: { match: (e: SeenEvent) => boolean; resolve: (e: SeenEvent) => void }[] = [];

  private constructor(url: string, user: TestUser) {
    this.user = user;
    this.client = createClient({
      baseUrl: url,
      accessToken: user.accessToken,
      userId: user.userId,
      deviceId: user.deviceId,
      logger: quiet,
    });
  }

  get id(): string {
    return this.user.userId;
  }

  /** Log in (token from registration) and sync until ready. */
  static async connect(url: string, user: TestUser): Promise<Person> {
    const p = new Person(url, user);
    const c = p.client;
    c.on(RoomEvent.Timeline, (ev, _room, toStart) => {
      if (toStart || ev.getId()?.startsWith("~")) return;
      p.record(toSeen(ev));
    });
    c.on(RoomMemberEvent.Membership, (ev) => p.record(toSeen(ev)));
    const ready = new Promise<void>((res) => {
      c.on(ClientEvent.Sync, (state) => {
        if (state === SyncState.Prepared) res();
      });
    });
    await c.startClient({ initialSyncLimit: 0, disablePresence: true, threadSupport: false, lazyLoadMembers: false });
    await ready;
    return p;
  }

  private record(e: SeenEvent): void {
    if (!e.id || e.id.startsWith("~")) return;
    if (this.seen.some((s) => s.id === e.id)) return;
    this.seen.push(e);
    const hit = this.waiters.filter((w) => w.match(e));
    this.waiters = this.waiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve(e);
  }

  /** Wait until this person's client has an event matching `match` (already seen or arriving later). */
  waitFor(match: (e: SeenEvent) => boolean, what = "event", timeoutMs = 20_000): Promise<SeenEvent> {
    const have = this.seen.find(match);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`${this.user.displayName}: timed out waiting for ${what}`));
      }, timeoutMs);
      const done = (e: SeenEvent) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Every event this person's client has seen in a room, in arrival order. */
  events(roomId: string): SeenEvent[] {
    return this.seen.filter((e) => e.roomId === roomId);
  }

  /** Wait until `userId`'s membership in the room becomes `membership`. */
  waitForMembership(roomId: string, userId: string, membership: "join" | "leave" | "invite", timeoutMs = 20_000): Promise<SeenEvent> {
    return this.waitFor(
      (e) => e.roomId === roomId && e.type === "m.room.member" && e.content.membership === membership && e.stateKey === userId,
      `${userId} ${membership} in ${roomId}`,
      timeoutMs,
    );
  }

  async createRoom(opts: { name: string; invite?: string[]; encrypted?: boolean }): Promise<string> {
    const res = await this.client.createRoom({
      name: opts.name,
      preset: Preset.PrivateChat,
      invite: opts.invite ?? [],
      ...(opts.encrypted
        ? { initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] }
        : {}),
    });
    await this.waitForMembership(res.room_id, this.id, "join");
    return res.room_id;
  }

  async join(roomId: string): Promise<void> {
    await this.client.joinRoom(roomId);
    await this.waitForMembership(roomId, this.id, "join");
  }

  async leave(roomId: string): Promise<void> {
    await this.client.leave(roomId);
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.client.invite(roomId, userId);
  }

  /** Send any event content; returns the event id. */
  async send(roomId: string, type: string, content: IContent): Promise<string> {
    const res = await this.client.http.authedRequest<{ event_id: string }>(
      Method.Put,
      `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${Date.now()}-${Math.random().toString(36).slice(2)}`,
      undefined,
      content,
    );
    return res.event_id;
  }

  /** Type a plain text message at room level. */
  say(roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.send(roomId, EventType.RoomMessage, { msgtype: "m.text", body, ...extra });
  }

  /** Write into the m.thread on `root`. */
  replyInThread(roomId: string, root: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.say(roomId, body, {
      "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
      ...extra,
    });
  }

  react(roomId: string, eventId: string, key: string): Promise<string> {
    return this.send(roomId, EventType.Reaction, { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } });
  }

  /** Ask the homeserver (not the local sync view) for the newest events of a room. */
  async history(roomId: string, limit = 50): Promise<SeenEvent[]> {
    const res = await this.client.createMessagesRequest(roomId, null, limit, Direction.Backward);
    return res.chunk
      .map((e) => ({
        id: e.event_id,
        type: e.type,
        sender: e.sender,
        content: e.content as Record<string, unknown>,
        roomId,
        at: Date.now(),
      }))
      .reverse();
  }

  stop(): void {
    this.client.stopClient();
    this.client.removeAllListeners();
  }
}
