import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import { fixture } from "./fixtures.ts";

/** Issue #18 (Teams part): unauthenticated traffic is refused before its body is read; bodies are capped and typed. */

const MAX_BODY_BYTES = 256 * 1024;
const APP_ID = "11111111-2222-4333-8444-555555555555";
const servers: Server[] = [];

afterEach(async () => {
  while (servers.length) {
    const s = servers.pop()!;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function serve(adapter: TeamsAdapter): Promise<{ port: number; inbound: Inbound[] }> {
  const app = express();
  adapter.mount(app);
  const inbound: Inbound[] = [];
  await adapter.start(async (i) => {
    inbound.push(i);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, inbound };
}

const quiet = { warn: () => {} };

/**
 * Send only the headers of a POST that announces `length` bytes and never send the body: a server that authenticates
 * from the headers answers at once; one that reads the body first waits until the client gives up.
 */
function headersOnly(port: number, headers: Record<string, string>, length: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: "/api/messages", headers: { ...headers, "content-length": String(length) } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString("utf8");
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.write("{"); // one byte of a large body, the rest never comes
  });
}

describe("Teams /api/messages: authenticate before reading, cap what is read", () => {
  it("with MICROSOFT_APP_ID set, a request without a token is refused (401) before its body is read", async () => {
    const { port, inbound } = await serve(new TeamsAdapter({ appId: APP_ID, appPassword: "x", tenantId: "t", nodeEnv: "test", ...quiet }));
    const res = await headersOnly(port, { "content-type": "application/json" }, 1_000_000);
    expect(res.status).toBe(401);
    const forged = await headersOnly(port, { "content-type": "application/json", authorization: "Bearer a.b.c" }, 1_000_000);
    expect(forged.status).toBe(401);
    expect(inbound).toHaveLength(0);
  });

  it("with MICROSOFT_APP_ID set, invalid JSON without a token is 401, not a parse error", async () => {
    const { port } = await serve(new TeamsAdapter({ appId: APP_ID, appPassword: "x", tenantId: "t", nodeEnv: "test", ...quiet }));
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(401);
  });

  it(`bodies above ${MAX_BODY_BYTES / 1024} KB get 413 with a clear message; a large real message still fits`, async () => {
    const { port, inbound } = await serve(new TeamsAdapter({ nodeEnv: "test", ...quiet }));
    const url = `http://127.0.0.1:${port}/api/messages`;
    const big = {
      ...fixture("channel-message-mention", "http://127.0.0.1:9/"),
      text: `<at>Notfallbot</at> notfall ${"x".repeat(MAX_BODY_BYTES)}`,
    };
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(big) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "payload_too_large", message: expect.stringContaining("256 KB") });
    expect(inbound).toHaveLength(0);
    // Teams' largest message (~100 KB with its HTML copy) is below the cap; the delivery itself fails (no connector), the parse does not
    const text = `<at>Notfallbot</at> notiz ${"ä".repeat(40_000)}`;
    const ok = {
      ...fixture("channel-message-mention", "http://127.0.0.1:9/"),
      text,
      attachments: [{ contentType: "text/html", content: `<p>${text}</p>` }],
    };
    expect(JSON.stringify(ok).length).toBeLessThan(MAX_BODY_BYTES);
    const r2 = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ok) });
    expect(r2.status).toBe(200);
    expect(inbound).toHaveLength(1);
  });

  it("declares its route to serve: the same cap, and a Bearer JWT shape check only when authenticated", () => {
    const authed = new TeamsAdapter({ appId: APP_ID, appPassword: "x", tenantId: "t", nodeEnv: "test", ...quiet }).routes();
    expect(authed).toEqual([{ path: "/api/messages", maxBodyBytes: MAX_BODY_BYTES, precheck: expect.any(Function) }]);
    expect(authed[0]!.precheck!({}, 0)).toMatch(/Authorization/);
    expect(authed[0]!.precheck!({ authorization: "Bearer a.b.c" }, 0)).toBeUndefined();
    expect(new TeamsAdapter({ nodeEnv: "development", ...quiet }).routes()).toEqual([
      { path: "/api/messages", maxBodyBytes: MAX_BODY_BYTES },
    ]);
  });

  it("NOTFALL_TEAMS=1 (no app id): a text/plain body gets 415 with what to send instead, not 500", async () => {
    const { port, inbound } = await serve(new TeamsAdapter({ nodeEnv: "development", ...quiet }));
    const url = `http://127.0.0.1:${port}/api/messages`;
    const body = JSON.stringify(fixture("channel-message-mention", "http://127.0.0.1:9/"));
    const plain = await fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ error: "unsupported_media_type", message: expect.stringContaining("application/json") });
    const none = await fetch(url, { method: "POST", body: "hallo" });
    expect(none.status).toBe(415);
    for (const bad of ["[]", "42", '"x"', "null"]) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: bad });
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: "bad_request", message: expect.stringContaining("Activity") });
    }
    expect(inbound).toHaveLength(0);
  });
});
