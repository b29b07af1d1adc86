import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the bot made to the Bot Connector REST API. */
export interface ConnectorCall {
  method: "POST" | "PUT";
  kind: "send" | "reply" | "update" | "create";
  /** Decoded conversation id from the path (may carry `;messageid=<root>`). */
  conversationId: string;
  /** Activity id from the path (reply, update). */
  activityId?: string;
  /** Raw path as received. */
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** Id returned to the bot (new activity id, or the updated one). */
  id: string;
  status: number;
  /** Error code answered (`ConversationNotFound`, `ActivityNotFound`, …), if any. */
  error?: string;
  at: number;
}

/** A message as it stands in the fake Teams: last update applied. */
export interface FakeMessage {
  id: string;
  conversationId: string;
  activity: Record<string, unknown>;
  updates: number;
}

type Failure = { status: number; retryAfter?: string; body?: unknown };

/** Teams conversation types (`conversation.conversationType`). */
export type ConversationType = "channel" | "groupChat" | "personal";

const MESSAGE_ID = ";messageid=";

/** The Bot Connector's answer for a conversation id it does not know (shape as Teams returns it). */
export const CONVERSATION_NOT_FOUND = { error: { code: "ConversationNotFound", message: "Conversation not found." } };

/**
 * A local stand-in for Microsoft's Bot Connector service (the cloud side of Teams), speaking its REST wire format:
 * `POST /v3/conversations/{id}/activities`, `POST /v3/conversations/{id}/activities/{activityId}` (reply),
 * `PUT /v3/conversations/{id}/activities/{activityId}` (update), `POST /v3/conversations` (create).
 * Records everything; can answer the next N calls with 429 (+ Retry-After) or 5xx.
 *
 * Strict like the real service about where messages go: it knows which conversations exist (declared with
 * {@link conversation}, or learnt from {@link personPosted} for each activity a test sends to the bot) and answers
 * 404 `ConversationNotFound` for any other id. A channel thread `<channel>;messageid=<root>` exists only when `<root>`
 * is a message at the channel's top level (a person's post or a message the bot posted there); chats have no threads.
 * An update must name a message of the conversation it was posted in.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Updates that left the message exactly as it was (text, card, mentions). */
  unchangedUpdates = 0;
  readonly messages = new Map<string, FakeMessage>();
  /** Conversations that exist, by id without `;messageid=`. */
  private readonly conversations = new Map<string, ConversationType>();
  /** Top-level message ids per channel: the thread roots that exist. */
  private readonly roots = new Map<string, Set<string>>();
  private readonly order: string[] = [];
  private server: Server | undefined;
  private failures: Failure[] = [];
  private nextId = 1_700_000_000_000;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  url = "";

  /** Listen on 127.0.0.1 (`port` 0: any free port; pass the old port to come back after {@link stop}). */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Answer the next `n` calls with `status` (429 → with `Retry-After: retryAfter`). */
  failNext(n: number, status: number, retryAfter?: string, body?: unknown): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, ...(retryAfter ? { retryAfter } : {}), ...(body ? { body } : {}) });
  }

  /** Declare a conversation that exists in Teams (a channel, group chat or personal chat with the bot). */
  conversation(id: string, type: ConversationType): void {
    if (!this.conversations.has(id)) this.conversations.set(id, type);
  }

  /** Declare a message a person posted at the top level of a channel (a thread root the bot may never have seen). */
  rootMessage(channel: string, id: string): void {
    let set = this.roots.get(channel);
    if (!set) {
      set = new Set();
      this.roots.set(channel, set);
    }
    set.add(id);
  }

  /**
   * A person's activity as Teams delivers it to the bot: its conversation exists, and a channel post at the top
   * level (`;messageid=` equal to its own id) is a thread root from now on.
   */
  personPosted(activity: { id?: unknown; conversation?: { id?: unknown; conversationType?: unknown } }): void {
    const conv = activity.conversation;
    if (typeof conv?.id !== "string") return;
    const [base, root] = conv.id.split(MESSAGE_ID) as [string, string | undefined];
    const type = conv.conversationType;
    this.conversation(base, type === "groupChat" || type === "personal" ? type : "channel");
    if (root && root === activity.id) this.rootMessage(base, root);
  }

  /** Calls answered 404 because the conversation does not exist: a person would never see these messages. */
  lost(): ConnectorCall[] {
    return this.calls.filter((c) => c.status === 404 && c.error === "ConversationNotFound");
  }

  /** Whether a conversation id (possibly with `;messageid=`) exists. */
  exists(conversationId: string): boolean {
    const [base, root] = conversationId.split(MESSAGE_ID) as [string, string | undefined];
    const type = this.conversations.get(base);
    if (!type) return false;
    if (root === undefined) return true;
    return type === "channel" && (this.roots.get(base)?.has(root) ?? false);
  }

  /** Messages in posting order, with updates applied. */
  list(): FakeMessage[] {
    return this.order.map((id) => this.messages.get(id)!);
  }

  /** Resolves when `pred` holds (checked after every call); rejects after `timeoutMs`. */
  waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = { pred, resolve: () => resolve() };
      this.waiters.push(w);
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`fake connector: condition not met within ${timeoutMs} ms (${this.calls.length} calls)`));
      }, timeoutMs);
      w.resolve = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "").split("?")[0]!;
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)\/?$/.exec(path);
    if (member && req.method === "GET") {
      this.memberOf(res, decodeURIComponent(member[1]!), decodeURIComponent(member[2]!));
      return;
    }
    const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
    const method = req.method === "PUT" ? "PUT" : req.method === "POST" ? "POST" : undefined;
    if (!m || !method || (method === "PUT" && !m[2]) || (!m[1] && method !== "POST")) {
      return this.reply(res, 404, { error: { code: "NotFound", message: "unknown route" } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.reply(res, 400, { error: { code: "BadSyntax", message: "invalid JSON" } });
    }
    const conversationId = m[1] ? decodeURIComponent(m[1]) : "";
    const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
    const kind: ConnectorCall["kind"] = !m[1] ? "create" : method === "PUT" ? "update" : activityId ? "reply" : "send";
    const failure = this.failures.shift();
    let status = 200;
    let id = "";
    let error: { status: number; body: { error: { code: string; message: string } } } | undefined;
    if (failure) {
      status = failure.status;
    } else if (kind !== "create" && !this.exists(conversationId)) {
      error = { status: 404, body: CONVERSATION_NOT_FOUND };
    } else if (kind === "update") {
      const msg = this.messages.get(activityId!);
      if (!msg || msg.conversationId !== conversationId) {
        error = { status: 404, body: { error: { code: "ActivityNotFound", message: "Activity not found." } } };
      } else {
        const shown = (a: Record<string, unknown>) => JSON.stringify([a.text ?? null, a.attachments ?? null, a.entities ?? null]);
        if (shown(msg.activity) === shown(body)) this.unchangedUpdates++;
        msg.activity = body;
        msg.updates++;
        id = activityId!;
      }
    } else if (kind === "create") {
      id = `a:fake-${this.nextId++}`;
    } else {
      id = String(this.nextId++);
      this.messages.set(id, { id, conversationId, activity: body, updates: 0 });
      this.order.push(id);
      // a message at a channel's top level is the root of a thread from now on
      if (!conversationId.includes(MESSAGE_ID) && this.conversations.get(conversationId) === "channel")
        this.rootMessage(conversationId, id);
    }
    if (error) status = error.status;
    const authorization = req.headers.authorization;
    this.calls.push({
      method,
      kind,
      conversationId,
      ...(activityId ? { activityId } : {}),
      path,
      authorization,
      body,
      id,
      status,
      ...(error ? { error: error.body.error.code } : {}),
      at: Date.now(),
    });
    if (failure) {
      if (failure.retryAfter) res.setHeader("Retry-After", failure.retryAfter);
      this.reply(
        res,
        failure.status,
        failure.body ?? { error: { code: failure.status === 429 ? "Throttled" : "ServiceError", message: "fake failure" } },
      );
    } else if (error) {
      this.reply(res, error.status, error.body);
    } else if (kind === "create") {
      this.reply(res, 201, { id, activityId: "" });
    } else {
      this.reply(res, kind === "update" ? 200 : 201, { id });
    }
    this.notify();
  }

  /** People (any of their ids: Teams user id, Entra object id, UPN) who are not members of any conversation. */
  private readonly away = new Set<string>();
  /** Member lookups asked (`GET /v3/conversations/{id}/members/{userId}`): conversation and user id. */
  readonly memberLookups: { conversationId: string; userId: string }[] = [];

  /** The person is not (any more) a member of the team or chat: member lookups answer 404 for these ids. */
  leave(...ids: string[]): void {
    for (const id of ids) this.away.add(id.toLowerCase());
  }

  /** `GET /v3/conversations/{id}/members/{userId}`: the member, or 404 as the Bot Connector answers for a non-member. */
  private memberOf(res: ServerResponse, conversationId: string, userId: string): void {
    this.memberLookups.push({ conversationId, userId });
    if (!this.exists(conversationId)) this.reply(res, 404, CONVERSATION_NOT_FOUND);
    else if (this.away.has(userId.toLowerCase()))
      this.reply(res, 404, { error: { code: "MemberNotFoundInConversation", message: "The member was not found in the conversation." } });
    else this.reply(res, 200, { id: userId, name: userId });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.statusCode = status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify(body));
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.pred());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
