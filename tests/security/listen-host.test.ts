/**
 * Issue #13, item 3: where `notfallbot serve` listens. Default loopback (a TLS reverse proxy on the same machine is
 * the only client Slack and Teams need); `HOST` reaches the listen call; start-up says where it listens and how to
 * change it. Uses two loopback addresses (127.0.0.1 and 127.0.0.2) to tell interfaces apart; no traffic leaves the
 * machine.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ServeChild, startServe } from "./_serve.ts";

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

let srv: ServeChild | undefined;
afterEach(async () => {
  await srv?.stop();
  srv = undefined;
});

describe("serve: HOST", () => {
  it("listens on 127.0.0.1 by default and says so, with how to change it", async () => {
    srv = await startServe({ env: { HOST: undefined } });
    expect(await reachable("127.0.0.1", srv.port)).toBe(true);
    expect(await reachable("127.0.0.2", srv.port)).toBe(false);
    const res = await fetch(`http://127.0.0.1:${srv.port}/healthz`);
    expect(res.status).toBe(200);
    expect(srv.stderr()).toContain(`notfallbot hört auf http://127.0.0.1:${srv.port} (slack)`);
    expect(srv.stderr()).toMatch(/nur von diesem Rechner erreichbar .*HOST=0\.0\.0\.0/);
  }, 90_000);

  it("listens where HOST says", async () => {
    srv = await startServe({ env: { HOST: "127.0.0.2" } });
    expect(await reachable("127.0.0.2", srv.port)).toBe(true);
    expect(await reachable("127.0.0.1", srv.port)).toBe(false);
    expect(srv.stderr()).toContain(`hört auf http://127.0.0.2:${srv.port}`);
  }, 90_000);

  it("HOST=0.0.0.0 listens on every interface and warns that a proxy belongs in front", async () => {
    srv = await startServe({ env: { HOST: "0.0.0.0" } });
    expect(await reachable("127.0.0.1", srv.port)).toBe(true);
    expect(await reachable("127.0.0.2", srv.port)).toBe(true);
    expect(srv.stderr()).toMatch(/hört auf http:\/\/0\.0\.0\.0:\d+ .*von außen erreichbar – davor gehört ein TLS-Reverse-Proxy/);
  }, 90_000);

  it("a HOST that is not an address of this machine ends with a clear message and exit code 2, no stack trace", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to this machine, so listening fails; nothing is sent anywhere
    const err = await startServe({ env: { HOST: "192.0.2.1" } }).then(
      (s) => {
        srv = s;
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/serve exited with 2/);
    expect(err!.message).toMatch(/kann nicht auf 192\.0\.2\.1:0 hören \(EADDRNOTAVAIL\).*HOST/);
    expect(err!.message).not.toMatch(/\n\s+at /);
  }, 90_000);
});
