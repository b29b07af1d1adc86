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

/**
 * A local stand-in for Microsoft's Bot Connector service (the cloud side of Teams), speaking its REST wire format:
 * `POST /v3/conversations/{id}/activities`, `POST /v3/conversations/{id}/activities/{activityId}` (reply),
 * `PUT /v3/conversations/{id}/activities/{activityId}` (update), `POST /v3/conversations` (create).
 * Records everything; can answer the next N calls with 429 (+ Retry-After) or 5xx.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
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
    let id: string;
    if (failure) {
      status = failure.status;
      id = "";
    } else if (kind === "update") {
      const msg = this.messages.get(activityId!);
      if (!msg) {
        status = 404;
        id = "";
      } else {
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
    }
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
      at: Date.now(),
    });
    if (failure) {
      if (failure.retryAfter) res.setHeader("Retry-After", failure.retryAfter);
      this.reply(
        res,
        failure.status,
        failure.body ?? { error: { code: failure.status === 429 ? "Throttled" : "ServiceError", message: "fake failure" } },
      );
    } else if (status === 404) {
      this.reply(res, 404, { error: { code: "ActivityNotFound", message: "no such activity" } });
    } else if (kind === "create") {
      this.reply(res, 201, { id, activityId: "" });
    } else {
      this.reply(res, kind === "update" ? 200 : 201, { id });
    }
    this.notify();
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
