/**
 * A local stand-in for Microsoft's token issuers, as the Bot Connector service and Entra ID publish them:
 * - `https://login.botframework.com/v1/.well-known/openidconfiguration` and `/v1/.well-known/keys`: the keys that
 *   sign the Bot Connector's tokens (issuer `https://api.botframework.com`), each with its channel endorsements;
 * - `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys`: Entra ID's signing keys (issuers
 *   `https://sts.windows.net/<tenant>/`, `https://login.microsoftonline.com/<tenant>/v2.0`).
 * - Entra ID's token endpoint for the bot's own tokens (client credentials, `POST
 *   /<tenant>/oauth2/v2.0/token`), with the OpenID metadata and instance discovery MSAL reads first.
 * It listens on loopback with TLS (a throw-away certificate for both host names, made with `openssl`), and
 * {@link MicrosoftLogin.start} routes HTTPS connections to those two hosts there: Node's https global agent (used by
 * the SDK's key client `jwks-rsa`) and the global `fetch` (used by MSAL) for these two hosts only. So the SDK
 * fetches keys and checks real RS256 signatures, and MSAL gets its tokens, exactly as against Microsoft.
 * Tokens are signed with {@link MicrosoftLogin.botConnectorToken} / {@link MicrosoftLogin.entraToken}.
 */
import { execFileSync } from "node:child_process";
import { createHash, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";

const HOSTS = ["login.botframework.com", "login.microsoftonline.com"];
/** The Bot Framework's own Entra tenant (`botframework.com`), where multi-tenant bots get their tokens. */
export const BOT_FRAMEWORK_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db";

/** A token MSAL asked for: the tenant in the URL and the form fields. */
export interface TokenRequest {
  tenant: string;
  form: Record<string, string>;
}

interface Key {
  kid: string;
  priv: KeyObject;
  jwk: Record<string, unknown>;
}

function key(kid: string, extra: Record<string, unknown> = {}): Key {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  // x5t: the thumbprint Microsoft's keys carry (of their certificate; here of the key, only its shape matters)
  const x5t = createHash("sha1").update(pub.n).digest("base64url");
  return { kid, priv: privateKey, jwk: { kty: "RSA", use: "sig", kid, x5t, n: pub.n, e: pub.e, ...extra } };
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}

export class MicrosoftLogin {
  /** Keys of the Bot Connector (Teams is among each key's endorsements). */
  readonly botFramework = key("bf-test-key-1", { endorsements: ["msteams", "webchat", "emulator"] });
  /** Entra ID's keys (the same for every tenant, as in Entra). */
  readonly entra = key("entra-test-key-1");
  /** Requests seen, as `host path`. */
  readonly requests: string[] = [];
  /** Client-credential token requests, in order. */
  readonly tokenRequests: TokenRequest[] = [];
  /** When set, the token endpoint answers 401 with this body (Entra's error shape: `error`, `error_description`). */
  tokenError: Record<string, unknown> | undefined;
  private server: https.Server | undefined;
  private plain: http.Server | undefined;
  private dir = "";
  private saved: https.Agent | undefined;
  private savedFetch: typeof fetch | undefined;

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "notfall-mslogin-"));
    const keyFile = join(this.dir, "key.pem");
    const certFile = join(this.dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "1",
        "-subj",
        "/CN=login.botframework.com",
        "-addext",
        `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(",")}`,
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(certFile);
    this.server = https.createServer({ key: readFileSync(keyFile), cert }, (req, res) => {
      void this.handle(String(req.headers.host ?? "").replace(/:\d+$/, ""), req, res);
    });
    // what `fetch` sends to the two hosts arrives here as /<host>/<path> (see below)
    this.plain = http.createServer((req, res) => {
      const m = /^\/([^/]+)(\/.*)$/.exec(req.url ?? "");
      if (!m) return void res.writeHead(404).end();
      req.url = m[2];
      void this.handle(m[1]!, req, res);
    });
    await new Promise<void>((resolve) => this.plain!.listen(0, "127.0.0.1", resolve));
    const plainPort = (this.plain.address() as AddressInfo).port;
    const orig = globalThis.fetch;
    this.savedFetch = orig;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      const u = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      if (u.protocol !== "https:" || !HOSTS.includes(u.hostname)) return orig(input, init);
      return orig(`http://127.0.0.1:${plainPort}/${u.hostname}${u.pathname}${u.search}`, init);
    }) as typeof fetch;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const port = (this.server.address() as AddressInfo).port;
    // HTTPS to Microsoft's login hosts goes to this server, with its certificate as the only trusted one for them
    const base = https.globalAgent;
    this.saved = base;
    class ToLoopback extends https.Agent {
      override createConnection(options: http.RequestOptions, cb?: (err: Error | null, stream: import("node:stream").Duplex) => void) {
        const host = options.host ?? "";
        if (!HOSTS.includes(host)) return super.createConnection(options, cb);
        return tls.connect({ ...(options as tls.ConnectionOptions), host: "127.0.0.1", port, servername: host, ca: cert });
      }
    }
    (https as { globalAgent: https.Agent }).globalAgent = new ToLoopback({ keepAlive: false });
  }

  async stop(): Promise<void> {
    if (this.saved) (https as { globalAgent: https.Agent }).globalAgent = this.saved;
    if (this.savedFetch) globalThis.fetch = this.savedFetch;
    const p = this.plain;
    this.plain = undefined;
    if (p) await new Promise<void>((resolve) => p.close(() => resolve()));
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async handle(host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0]!;
    this.requests.push(`${host} ${path}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (host === "login.botframework.com" && path === "/v1/.well-known/openidconfiguration") {
      return json(200, {
        issuer: "https://api.botframework.com",
        authorization_endpoint: "https://invalid.botframework.com",
        jwks_uri: "https://login.botframework.com/v1/.well-known/keys",
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["private_key_jwt"],
      });
    }
    if (host === "login.botframework.com" && path === "/v1/.well-known/keys") return json(200, { keys: [this.botFramework.jwk] });
    if (host !== "login.microsoftonline.com") return json(404, { error: "not_found" });
    const base = "https://login.microsoftonline.com";
    if (path === "/common/discovery/instance") {
      const endpoint = new URL(`http://x${req.url}`).searchParams.get("authorization_endpoint") ?? "";
      const tenant = /login\.microsoftonline\.com\/([^/]+)\//.exec(endpoint)?.[1] ?? "common";
      return json(200, {
        tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [
          {
            preferred_network: "login.microsoftonline.com",
            preferred_cache: "login.windows.net",
            aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
          },
        ],
      });
    }
    let m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (m) {
      const t = m[1]!;
      return json(200, {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${base}/{tenantid}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid"],
        kerberos_endpoint: `${base}/${t}/kerberos`,
        tenant_region_scope: "EU",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
      });
    }
    if (/^\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)) return json(200, { keys: [this.entra.jwk] });
    m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (m && req.method === "POST") {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const tenant = m[1]!;
      this.tokenRequests.push({ tenant, form });
      if (form.grant_type !== "client_credentials" || !form.client_id || !form.client_secret) {
        return json(400, {
          error: "invalid_request",
          error_description: "AADSTS900144: The request body must contain client credentials.",
        });
      }
      if (this.tokenError) return json(401, this.tokenError);
      const tid = tenant === "botframework.com" ? BOT_FRAMEWORK_TENANT : tenant;
      const resource = (form.scope ?? "").replace(/\/\.default$/, "");
      // an app-only token as Entra issues it to the bot (v1 shape, as for the Bot Framework resource)
      const access = this.entraToken({ tenant: tid, aud: resource, appid: form.client_id, v1: true });
      return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: access });
    }
    json(404, { error: "not_found" });
  }

  /**
   * A token as the Bot Connector sends it with every activity (docs "Authentication with the Bot Connector API",
   * connector to bot): issuer `https://api.botframework.com`, audience the bot's app id, the service URL it posts
   * from, valid for an hour.
   */
  botConnectorToken(o: { aud: string; serviceUrl: string; iss?: string; exp?: number; signedBy?: "botFramework" | "entra" }): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign(o.signedBy ?? "botFramework", {
      serviceurl: o.serviceUrl,
      nbf: now - 5,
      exp: o.exp ?? now + 3600,
      iss: o.iss ?? "https://api.botframework.com",
      aud: o.aud,
    });
  }

  /** An Entra ID app token (client credentials): `iss` of the tenant (v2 or v1 form), `tid`, `aud`, `azp`/`appid`. */
  entraToken(o: { tenant: string; aud: string; appid: string; v1?: boolean; serviceUrl?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign("entra", {
      aud: o.aud,
      iss: o.v1 ? `https://sts.windows.net/${o.tenant}/` : `https://login.microsoftonline.com/${o.tenant}/v2.0`,
      iat: now - 5,
      nbf: now - 5,
      exp: now + 3600,
      tid: o.tenant,
      ...(o.v1 ? { appid: o.appid, ver: "1.0" } : { azp: o.appid, ver: "2.0" }),
      ...(o.serviceUrl ? { serviceurl: o.serviceUrl } : {}),
    });
  }

  private sign(which: "botFramework" | "entra", payload: Record<string, unknown>): string {
    const k = this[which];
    const head = `${b64({ alg: "RS256", kid: k.kid, x5t: k.jwk.x5t, typ: "JWT" })}.${b64(payload)}`;
    return `${head}.${createSign("RSA-SHA256").update(head).sign(k.priv).toString("base64url")}`;
  }
}
