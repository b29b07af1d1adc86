/**
 * One redaction for every log line of `notfallbot serve`: the secrets it was configured with (Slack tokens and
 * signing secret, Teams app password, Matrix token and password, database passwords) and anything shaped like a
 * token are replaced by `[redacted]`.
 */

/** Shortest configured value that is treated as a secret (shorter ones would blank out ordinary words). */
const MIN_SECRET_LENGTH = 6;

/**
 * Token shapes removed from every line even when not configured here: Slack tokens, Matrix access tokens (Synapse
 * `syt_`, MAS `mct_`), bearer headers, JWTs, `access_token=` parameters and passwords in URLs (`scheme://user:pw@`).
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /xox[a-z]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /\b(?:syt|mct|mat)_[A-Za-z0-9_]{8,}/g,
  /(Bearer\s+)[^\s"',]+/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /(access_token=)[^&\s"']+/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(@)/gi,
];

/** Environment variables that hold a secret by name (beyond the ones `serve` knows). */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY)$/i;

/** Replace every secret and anything shaped like a token with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join("[redacted]");
  for (const p of TOKEN_PATTERNS)
    out = out.replace(p, (_m: string, prefix?: unknown, suffix?: unknown) =>
      typeof prefix === "string" ? `${prefix}[redacted]${typeof suffix === "string" ? suffix : ""}` : "[redacted]",
    );
  return out;
}

/** The forms a secret may take in a log line: as is, URL-encoded, JSON-escaped. */
function forms(secret: string): string[] {
  const out = new Set([secret]);
  try {
    out.add(encodeURIComponent(secret));
  } catch {
    // a lone surrogate cannot be encoded, and cannot appear encoded either
  }
  out.add(JSON.stringify(secret).slice(1, -1));
  return [...out];
}

/**
 * Every secret in the environment of `serve`: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN,
 * MICROSOFT_APP_PASSWORD, MATRIX_ACCESS_TOKEN, MATRIX_PASSWORD, any other variable named like a secret, and the
 * password of every URL-valued variable (DATABASE_URL=postgres://user:pw@host/db).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const [name, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value) continue;
    if (SECRET_NAME.test(name)) for (const f of forms(value)) out.add(f);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      try {
        const pw = new URL(value).password;
        if (pw) {
          for (const f of forms(pw)) out.add(f); // as written in the URL (percent-encoded)
          for (const f of forms(decodeURIComponent(pw))) out.add(f);
        }
      } catch {
        // not a URL after all
      }
    }
  }
  return [...out].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** A function that redacts one text with a fixed set of secrets. */
export type Redactor = (text: string) => string;

export function redactor(secrets: readonly string[]): Redactor {
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => redact(text, list);
}

type Write = NodeJS.WriteStream["write"];

/**
 * Route everything written to `stream` (stderr, stdout) through `r`, whoever writes it: our loggers, the SDKs'
 * loggers, express's error handler. Returns a function that restores the stream. Each write is redacted on its own
 * (loggers write a line at a time).
 */
export function redactStream(stream: NodeJS.WriteStream, r: Redactor): () => void {
  const original: Write = stream.write;
  const patched = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === "string") return (original as (...a: unknown[]) => boolean).call(this, r(chunk), ...rest);
    // bytes (rare on a log stream): read as UTF-8, written back as UTF-8
    const text = chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : String(chunk);
    const args = typeof rest[0] === "string" ? ["utf8", ...rest.slice(1)] : rest;
    return (original as (...a: unknown[]) => boolean).call(this, r(text), ...args);
  };
  stream.write = patched as Write;
  return () => {
    if (stream.write === (patched as Write)) stream.write = original;
  };
}
