import { serverOf } from "./ids.ts";
import { parseRecoveryKey } from "./recovery-key.ts";

/** Matrix settings read from the environment (`notfallbot serve`). */
export interface MatrixConfig {
  /** Client-server API base URL, e.g. `https://matrix.example.de` (no trailing slash). */
  homeserverUrl: string;
  /** Either an access token … */
  accessToken?: string;
  /** … or user id + password (the bot logs in at start with a stable device id). */
  userId?: string;
  password?: string;
  /** Device id used for password login, so transaction ids stay deduplicated across restarts. */
  deviceId: string;
  /** Who may invite the bot into a room. Empty = users of the bot's own homeserver. */
  allowed: AllowEntry[];
  /** File where the sync position is kept between restarts (nothing is lost, nothing repeated). Optional. */
  stateFile?: string;
  /**
   * End-to-end encryption, on when set: encrypts the crypto state file at rest (MATRIX_CRYPTO_SECRET).
   * Without it the bot reads unencrypted rooms only and tells encrypted rooms so.
   */
  cryptoSecret?: string;
  /** The secret before a rotation: opens the state file once, which is then rewritten with `cryptoSecret`. */
  cryptoSecretPrevious?: string;
  /** Where the crypto state lives (default: `matrix-crypto.bin` next to the database). Needs `cryptoSecret`. */
  cryptoFile?: string;
  /** Element-style recovery key for secret storage (MATRIX_RECOVERY_KEY); keeps the cross-signing keys recoverable. */
  recoveryKey?: string;
}

/** Shortest accepted MATRIX_CRYPTO_SECRET (characters). */
export const MIN_SECRET_LENGTH = 20;

/** One `MATRIX_ALLOWED` entry: a user id (`@anna:example.de`), a server suffix (`:example.de`) or a room id (`!abc:example.de`). */
export type AllowEntry = { kind: "user"; id: string } | { kind: "server"; server: string } | { kind: "room"; id: string };

/** Raised when Matrix settings are present but incomplete or malformed. German first, English second. */
export class MatrixConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MatrixConfigError";
  }
}

const USER_ID = /^@[^:\s]+:[^\s]+$/;
const ROOM_ID = /^![^:\s]+:[^\s]+$/;
const SERVER = /^:[A-Za-z0-9.-]+(:\d+)?$/;

/**
 * Read the Matrix settings. Returns `undefined` when MATRIX_HOMESERVER_URL is not set (Matrix stays off);
 * throws {@link MatrixConfigError} when it is set but the rest is not enough to run.
 */
export function readMatrixConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { stateFile?: string; cryptoFile?: string } = {},
): MatrixConfig | undefined {
  const url = clean(env.MATRIX_HOMESERVER_URL);
  const accessToken = clean(env.MATRIX_ACCESS_TOKEN);
  const userId = clean(env.MATRIX_USER_ID);
  const password = env.MATRIX_PASSWORD && env.MATRIX_PASSWORD.length > 0 ? env.MATRIX_PASSWORD : undefined;
  if (!url) {
    if (accessToken || userId || password) {
      throw new MatrixConfigError(
        "Matrix: MATRIX_HOMESERVER_URL fehlt (z. B. https://matrix.example.de). / MATRIX_HOMESERVER_URL is missing.",
      );
    }
    return undefined;
  }
  const homeserverUrl = normaliseUrl(url);
  if (!accessToken && !(userId && password)) {
    throw new MatrixConfigError(
      "Matrix: Bitte MATRIX_ACCESS_TOKEN setzen oder MATRIX_USER_ID und MATRIX_PASSWORD (siehe docs/matrix.md). " +
        "/ Set MATRIX_ACCESS_TOKEN, or MATRIX_USER_ID and MATRIX_PASSWORD.",
    );
  }
  if (userId && !USER_ID.test(userId)) {
    throw new MatrixConfigError(
      `Matrix: MATRIX_USER_ID „${userId}“ ist keine Matrix-ID (Beispiel: @notfallbot:example.de). / MATRIX_USER_ID is not a user id.`,
    );
  }
  const stateFile = clean(env.MATRIX_STATE_FILE) ?? defaults.stateFile;
  const crypto = readCryptoSettings(env, defaults.cryptoFile);
  return {
    homeserverUrl,
    ...(accessToken ? { accessToken } : {}),
    ...(userId ? { userId } : {}),
    ...(password && !accessToken ? { password } : {}),
    deviceId: clean(env.MATRIX_DEVICE_ID) ?? "NOTFALLBOT",
    allowed: parseAllowList(env.MATRIX_ALLOWED),
    ...(stateFile ? { stateFile } : {}),
    ...crypto,
  };
}

/** MATRIX_CRYPTO_SECRET, MATRIX_CRYPTO_SECRET_PREVIOUS, MATRIX_CRYPTO_STORE and MATRIX_RECOVERY_KEY, checked. */
function readCryptoSettings(env: NodeJS.ProcessEnv, defaultFile: string | undefined): Partial<MatrixConfig> {
  const secret = env.MATRIX_CRYPTO_SECRET?.trim();
  const previous = env.MATRIX_CRYPTO_SECRET_PREVIOUS?.trim();
  const recovery = clean(env.MATRIX_RECOVERY_KEY);
  if (!secret) {
    if (recovery || previous) {
      throw new MatrixConfigError(
        "Matrix: MATRIX_RECOVERY_KEY bzw. MATRIX_CRYPTO_SECRET_PREVIOUS wirkt nur zusammen mit MATRIX_CRYPTO_SECRET (siehe docs/matrix.md). " +
          "/ set MATRIX_CRYPTO_SECRET too.",
      );
    }
    return {};
  }
  for (const [name, value] of [
    ["MATRIX_CRYPTO_SECRET", secret],
    ["MATRIX_CRYPTO_SECRET_PREVIOUS", previous],
  ] as const) {
    if (value !== undefined && value.length > 0 && value.length < MIN_SECRET_LENGTH) {
      throw new MatrixConfigError(
        `Matrix: ${name} ist zu kurz (mindestens ${MIN_SECRET_LENGTH} Zeichen; erzeugen z. B. mit „openssl rand -base64 32“). / ${name} is too short.`,
      );
    }
  }
  if (recovery && !parseRecoveryKey(recovery)) {
    throw new MatrixConfigError(
      "Matrix: MATRIX_RECOVERY_KEY ist kein Wiederherstellungsschlüssel (48 Zeichen in Vierergruppen, beginnt mit „Es“; erzeugen: " +
        "node src/adapters/matrix/recovery-key.ts). / MATRIX_RECOVERY_KEY is not a recovery key.",
    );
  }
  const file = clean(env.MATRIX_CRYPTO_STORE) ?? defaultFile;
  return {
    cryptoSecret: secret,
    ...(previous ? { cryptoSecretPrevious: previous } : {}),
    ...(file ? { cryptoFile: file } : {}),
    ...(recovery ? { recoveryKey: recovery } : {}),
  };
}

/** Parse `MATRIX_ALLOWED` (comma- or space-separated). Throws {@link MatrixConfigError} on an entry it cannot read. */
export function parseAllowList(raw: string | undefined): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const part of (raw ?? "").split(/[\s,;]+/)) {
    const p = part.trim();
    if (!p) continue;
    if (USER_ID.test(p)) out.push({ kind: "user", id: p });
    else if (ROOM_ID.test(p)) out.push({ kind: "room", id: p });
    else if (SERVER.test(p)) out.push({ kind: "server", server: p.slice(1).toLowerCase() });
    else {
      throw new MatrixConfigError(
        `Matrix: MATRIX_ALLOWED enthält „${p}“. Erlaubt sind Personen (@anna:example.de), Server (:example.de) oder Räume (!abc:example.de). ` +
          "/ MATRIX_ALLOWED entries are user ids, :server suffixes or room ids.",
      );
    }
  }
  return out;
}

/**
 * May `inviter` bring the bot into `roomId`? With an empty list only people of the bot's own homeserver may.
 */
export function isAllowedInvite(allowed: readonly AllowEntry[], inviter: string, roomId: string, botUserId: string): boolean {
  if (allowed.length === 0) return serverOf(inviter) === serverOf(botUserId) && serverOf(inviter) !== "";
  return allowed.some((a) => {
    switch (a.kind) {
      case "user":
        return a.id === inviter;
      case "room":
        return a.id === roomId;
      case "server":
        return serverOf(inviter) === a.server;
    }
    return false;
  });
}

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MatrixConfigError(
      `Matrix: MATRIX_HOMESERVER_URL ist keine gültige URL (Beispiel: https://matrix.example.de). / MATRIX_HOMESERVER_URL is not a valid URL.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new MatrixConfigError(
      "Matrix: MATRIX_HOMESERVER_URL muss mit https:// beginnen. / MATRIX_HOMESERVER_URL must be an http(s) URL.",
    );
  }
  return url.toString().replace(/\/+$/, "");
}
