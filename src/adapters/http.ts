import type { IncomingHttpHeaders, Server } from "node:http";
import type { Express, NextFunction, Request, RequestHandler, Response } from "express";

/**
 * An adapter that receives webhooks over HTTP (Slack, Teams). `notfallbot serve` owns one express
 * app on `PORT` and lets each configured adapter mount its routes (`POST /slack/events`, `POST /api/messages`).
 * Raw bodies matter for signature checks: mount your own body parsing on your own route only.
 */
export interface HttpMountable {
  mount(app: Express): void;
  /**
   * The routes {@link mount} serves, with the cheap checks that `serve` runs in front of them before a byte of the
   * body is read (see {@link guardRoutes}). An adapter without it gets `serve`'s defaults for its path.
   */
  routes?(): RouteLimits[];
}

export function isHttpMountable(x: unknown): x is HttpMountable {
  return typeof (x as HttpMountable | null)?.mount === "function";
}

/** Why a request is refused before its body is read; becomes the HTTP status. */
export type Refusal = { status: 401 | 405 | 413 | 415; reason: string };

/**
 * One webhook route and what a request must look like before its body is read. Checks here are about shape only
 * (headers present, well-formed, fresh): the adapter still verifies the signature or token on the whole request.
 */
export interface RouteLimits {
  /** Exact path, e.g. `/slack/events`; with {@link subpaths}, everything below it too. */
  path: string;
  /**
   * Methods accepted (default `POST`). A route of `GET`/`HEAD` only (a page a browser opens, e.g. Slack's OAuth
   * install and redirect) takes no body at all: a declared length over {@link maxBodyBytes} or a chunked body is 413.
   */
  methods?: readonly ("GET" | "HEAD" | "POST")[];
  /** Also guard `path/…` (a handler mounted with `router.use(path)` answers below its path, whatever the method). */
  subpaths?: boolean;
  /**
   * Largest body accepted, in bytes: a larger declared `Content-Length` is refused with 413 before reading. A body
   * without a declared length (chunked) cannot be judged before reading: the adapter's own body reader must stop at
   * the same size (the guard never touches the body stream, so an adapter may authenticate before reading it).
   */
  maxBodyBytes: number;
  /**
   * Content types (without parameters) the platform sends; anything else is refused with 415. Omit it when the
   * adapter answers a wrong type itself (with what to send instead).
   */
  contentTypes?: readonly string[];
  /** Header check before the body is read; returns why the request is refused (401), or undefined. */
  precheck?: (headers: IncomingHttpHeaders, nowMs: number) => string | undefined;
}

/** Limits of the HTTP server itself (Node `http.Server` settings), see docs/operations.md "Limits". */
export interface ServerLimits {
  /** Time to receive the whole request head (Node `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, head and body (Node `requestTimeout`). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (Node `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are closed at once by Node (`maxConnections`). */
  maxConnections: number;
  /** How often Node checks the two request timeouts (`connectionsCheckingInterval`). */
  checkIntervalMs: number;
}

/** The defaults of `notfallbot serve`. Platforms deliver a webhook in well under a second and wait 3–15 s at most. */
export const SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
  checkIntervalMs: 1_000,
});

/** Largest webhook body of the generic Bearer route (Teams): activities are a few KB; Teams caps messages at ~28 KB. */
export const BEARER_ROUTE_MAX_BODY = 256 * 1024;

/**
 * Settings that must be given when the server is created (`connectionsCheckingInterval` cannot be changed later):
 * pass them to `http.createServer(options, app)`.
 */
export function serverOptions(limits: ServerLimits = SERVER_LIMITS): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

/** Set the limits that live on the server object (after `createServer(serverOptions(limits), app)`). */
export function applyServerLimits(server: Server, limits: ServerLimits = SERVER_LIMITS): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}

/**
 * `Authorization: Bearer <JWT>` of the right shape (three base64url parts), nothing more: the adapter verifies the
 * token. Refuses requests without one before their body is read.
 */
export function bearerShape(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== "string") return "no Authorization header";
  if (auth.length > 8192) return "Authorization header too long";
  return /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(auth) ? undefined : "Authorization header has no JWT";
}

/** What a refused request is told (one line, German and English; the log has the details). */
const REFUSED: Record<number, string> = {
  401: "Anfrage ohne gültige Anmeldung der Plattform. / Request without valid platform credentials.",
  404: "Unbekannter Pfad. / Unknown path.",
  405: "Diese Methode gibt es hier nicht. / Method not allowed.",
  413: "Anfrage zu groß. / Request too large.",
  415: "Falscher Content-Type. / Wrong Content-Type.",
};

/**
 * Answer with `Connection: close`: Node ends the connection as soon as the answer is written, and the body is never
 * read. A client that is still sending a large body then may see the connection reset before it reads the answer
 * (the kernel resets a connection closed with unread data); platforms send small bodies and are never refused, and
 * reading on only to let an attacker see a status would cost what these checks save.
 */
export function refuse(_req: Request, res: Response, status: number): void {
  res.setHeader("Connection", "close");
  res
    .status(status)
    .type("text/plain; charset=utf-8")
    .send(`${REFUSED[status] ?? "Abgewiesen. / Refused."}\n`);
}

/** Content type without parameters, lower case. */
function mediaType(headers: IncomingHttpHeaders): string {
  return String(headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
}

/** A header value as it may appear in a log line: printable ASCII, short. */
function shown(v: string): string {
  return v.replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
}

/** The pre-body checks of one route, in order: method, size, content type, headers. */
export function checkRequest(route: RouteLimits, method: string, headers: IncomingHttpHeaders, nowMs: number): Refusal | undefined {
  const methods: readonly string[] = route.methods ?? ["POST"];
  if (!methods.includes(method)) return { status: 405, reason: `method ${shown(method)}` };
  const declared = headers["content-length"];
  if (declared !== undefined && !(Number(declared) <= route.maxBodyBytes))
    return { status: 413, reason: `Content-Length ${shown(declared)} over ${route.maxBodyBytes}` };
  if (route.maxBodyBytes === 0 && headers["transfer-encoding"] !== undefined) return { status: 413, reason: "a body where none is taken" };
  const type = mediaType(headers);
  if (route.contentTypes && !route.contentTypes.includes(type)) return { status: 415, reason: `Content-Type ${shown(type) || "none"}` };
  const bad = route.precheck?.(headers, nowMs);
  return bad ? { status: 401, reason: bad } : undefined;
}

/**
 * Express middleware in front of the adapters' routes: a request to one of `routes` that fails {@link checkRequest}
 * is answered at once (401/405/413/415, `Connection: close`) and the connection ended; its body is never stored. Requests that pass, and
 * requests to other paths, go on unchanged (the body stream is not touched).
 * `onRefused` sees every refusal (for a rate-limited log line).
 */
export function guardRoutes(routes: readonly RouteLimits[], onRefused?: (route: string, r: Refusal) => void): RequestHandler {
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const below = routes.filter((r) => r.subpaths);
  return (req: Request, res: Response, next: NextFunction) => {
    const route = byPath.get(req.path) ?? below.find((r) => req.path.startsWith(`${r.path}/`));
    if (!route) return next();
    const refusal = checkRequest(route, req.method, req.headers, Date.now());
    if (refusal) {
      onRefused?.(route.path, refusal);
      refuse(req, res, refusal.status);
      return;
    }
    next();
  };
}

/** Last handler of `serve`: unknown paths get 404 and the connection ends (no body is read). */
export function notFound(req: Request, res: Response): void {
  refuse(req, res, 404);
}
