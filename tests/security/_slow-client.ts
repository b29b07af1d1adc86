/**
 * A deliberately slow HTTP client on a raw socket: sends the request head, then trickles a large body in small
 * chunks, the way an attacker holds server memory and connections. Only ever connects to loopback.
 */
import { connect } from "node:net";

export interface SlowRequest {
  host?: "127.0.0.1" | "127.0.0.2";
  port: number;
  path: string;
  /** Extra header lines (name → value). */
  headers?: Record<string, string>;
  /** Declared Content-Length; omitted → chunked transfer encoding. */
  contentLength?: number;
  /** Bytes to send at most. */
  bytes: number;
  /** Size of each write. */
  chunk: number;
  /** Pause between writes. */
  intervalMs: number;
  /** Give up (destroy the socket) after this long. */
  deadlineMs: number;
}

export interface SlowResult {
  /** HTTP status the server answered with, if any. */
  status: number | undefined;
  /** Body bytes written before the server closed or the deadline passed. */
  sent: number;
  /** How the connection ended. */
  end: "closed-by-server" | "finished" | "deadline" | "error";
  /** The socket error's code, if the connection ended with one (ECONNRESET, EPIPE …). */
  error?: string;
  ms: number;
}

/** Run one slow request to the end (server closed, all sent, or deadline). Never rejects. */
export function slowRequest(r: SlowRequest): Promise<SlowResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const sock = connect({ host: r.host ?? "127.0.0.1", port: r.port });
    let sent = 0;
    let status: number | undefined;
    let head = "";
    let done = false;
    let error: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const chunked = r.contentLength === undefined;
    const finish = (end: SlowResult["end"]) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      clearTimeout(deadline);
      sock.destroy();
      resolve({ status, sent, end, ...(error ? { error } : {}), ms: performance.now() - started });
    };
    const deadline = setTimeout(() => finish("deadline"), r.deadlineMs);
    sock.setNoDelay(true);
    sock.on("data", (d: Buffer) => {
      if (status !== undefined) return;
      head += d.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m) status = Number(m[1]);
    });
    sock.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      finish(status !== undefined ? "closed-by-server" : "error");
    });
    sock.on("close", () => finish(sent >= r.bytes ? "finished" : "closed-by-server"));
    sock.on("connect", () => {
      const lines = [
        `POST ${r.path} HTTP/1.1`,
        `Host: 127.0.0.1:${r.port}`,
        ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
        chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${r.contentLength}`,
        "",
        "",
      ];
      sock.write(lines.join("\r\n"));
      const piece = Buffer.alloc(r.chunk, 0x41); // "AAAA…": not JSON, not a form; it never matters, it is never read
      const tick = () => {
        if (done || sock.destroyed) return;
        if (sent >= r.bytes) {
          if (chunked) sock.write("0\r\n\r\n");
          return; // wait for the answer or the deadline
        }
        const n = Math.min(r.chunk, r.bytes - sent);
        const data = n === piece.length ? piece : piece.subarray(0, n);
        sock.write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from("\r\n")]) : data);
        sent += n;
        timer = setTimeout(tick, r.intervalMs);
      };
      timer = setTimeout(tick, r.intervalMs);
    });
  });
}
