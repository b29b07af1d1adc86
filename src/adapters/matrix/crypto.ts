import { LoggerLevel, Tracing } from "@matrix-org/matrix-sdk-crypto-wasm";
import { IDBKeyRange } from "fake-indexeddb";
import { type MatrixClient, MatrixError } from "matrix-js-sdk";
import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api/index.js";
import type { AuthDict } from "matrix-js-sdk/lib/interactive-auth.js";
import type { SecretStorageKeyDescription } from "matrix-js-sdk/lib/secret-storage.js";
import type { CryptoStateFile } from "./crypto-store.ts";
import type { SdkLogLevel } from "./sdk-logger.ts";

type Log = (level: "info" | "warn" | "error", line: string) => void;

/**
 * Crypto callbacks for createClient: the secret-storage key is the configured recovery key, offered only for
 * keys it actually opens (checked against the key's MAC).
 */
export function cryptoCallbacks(client: () => MatrixClient | undefined, recoveryKey: Uint8Array | undefined): CryptoCallbacks {
  return {
    getSecretStorageKey: async ({ keys }) => {
      const c = client();
      if (!recoveryKey || !c) return null;
      for (const [id, info] of Object.entries(keys)) {
        if (await c.secretStorage.checkKey(recoveryKey, info as Parameters<typeof c.secretStorage.checkKey>[1])) return [id, recoveryKey];
      }
      return null;
    },
  };
}

/** matrix-sdk-crypto-wasm finds IndexedDB as a global; only initialisations swap it, one at a time. */
let initQueue: Promise<unknown> = Promise.resolve();

/**
 * Start the Rust crypto of `client` on the in-memory IndexedDB of `state`. The Rust store opens its databases
 * once, during initialisation, from `globalThis.indexedDB`; that global points at this adapter's IndexedDB just
 * for that moment (serialised), so several bots in one process (tests) never share a store.
 */
export async function initCrypto(
  client: MatrixClient,
  state: CryptoStateFile,
  level: SdkLogLevel = "warn",
): Promise<{ keyRequests: boolean }> {
  const run = initQueue.then(async () => {
    const g = globalThis as { indexedDB?: unknown; IDBKeyRange?: unknown };
    const before = g.indexedDB;
    g.IDBKeyRange ??= IDBKeyRange;
    g.indexedDB = state.factory;
    // matrix-js-sdk switches the Rust tracing to debug level inside initRustCrypto; the wasm writes it with
    // console.debug / console.info, which are muted for that moment unless the SDK log level asks for them
    const { debug, info } = console;
    if (RANK[level] > RANK.debug) console.debug = () => {};
    if (RANK[level] > RANK.info) console.info = () => {};
    try {
      await client.initRustCrypto({ useIndexedDB: true });
    } finally {
      g.indexedDB = before;
      console.debug = debug;
      console.info = info;
    }
    quietRustLogs(level);
  });
  initQueue = run.catch(() => {});
  await run;
  return { keyRequests: enableKeyRequests(client) };
}

const RANK: Record<SdkLogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 5 };

/**
 * matrix-js-sdk switches the Rust crypto's automatic room-key requests off (element-web #26524). The Rust crypto
 * sends them only to the account's own verified devices and accepts answers only from those (matrix-sdk-crypto,
 * gossiping/machine.rs); for the bot that is its owner logged into the bot account in Element with the recovery
 * key. Switched on, an undecryptable message makes the bot ask there.
 */
function enableKeyRequests(client: MatrixClient): boolean {
  // `olmMachine` is private to matrix-js-sdk's RustCrypto (no public switch); tests/adapters/matrix/key-requests.test.ts
  // guards it against SDK updates, and the adapter logs a warning when it is gone
  const machine = (client.getCrypto() as unknown as { olmMachine?: { roomKeyRequestsEnabled: boolean } } | undefined)?.olmMachine;
  if (!machine || !("roomKeyRequestsEnabled" in machine)) return false;
  machine.roomKeyRequestsEnabled = true;
  return machine.roomKeyRequestsEnabled === true;
}

const RUST_LEVEL: Record<SdkLogLevel, LoggerLevel | undefined> = {
  trace: LoggerLevel.Trace,
  debug: LoggerLevel.Debug,
  info: LoggerLevel.Info,
  warn: LoggerLevel.Warn,
  error: LoggerLevel.Error,
  silent: undefined,
};

/** matrix-js-sdk turns the Rust crypto's tracing on at debug level (every key query): follow the SDK log level. */
export function quietRustLogs(level: SdkLogLevel): void {
  const wanted = RUST_LEVEL[level];
  const tracing = new Tracing(wanted ?? LoggerLevel.Error);
  if (wanted === undefined) tracing.turnOff();
  else tracing.turnOn();
}

type RequestOtherUrl = MatrixClient["http"]["requestOtherUrl"];

/**
 * Write-ahead for the crypto state: before any request leaves for the homeserver while the crypto store has changed,
 * the state file is written. This covers everything that must not be published or acknowledged ahead of the disk:
 * device and one-time keys (/keys/upload), room keys and Olm messages (/sendToDevice), megolm message indexes
 * (/send/m.room.encrypted), signatures, and the next /sync, which tells the homeserver to drop the to-device
 * messages just processed.
 */
export function useWriteAhead(client: MatrixClient, state: CryptoStateFile): void {
  const http = client.http;
  const original = http.requestOtherUrl.bind(http) as (...args: unknown[]) => Promise<unknown>;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    if (state.dirty) await state.flush();
    return original(...args);
  };
  http.requestOtherUrl = wrapped as unknown as RequestOtherUrl;
}

/**
 * Cross-signing for the bot account, so Element shows its device as verified by its owner, and secret storage
 * under the recovery key (so the cross-signing keys survive the loss of the local state). Idempotent: on later
 * starts it only checks. A changed MATRIX_RECOVERY_KEY (rotation) moves the secrets to a new secret-storage key.
 * Failures are logged, never fatal: the bot reads and writes encrypted rooms without cross-signing too.
 */
export async function bootstrapCrossSigning(
  client: MatrixClient,
  opts: { userId: string; password?: string; recoveryKey?: Uint8Array; log: Log },
): Promise<{ crossSigning: boolean; secretStorage: boolean }> {
  const crypto = client.getCrypto();
  if (!crypto) return { crossSigning: false, secretStorage: false };
  const { log, recoveryKey } = opts;
  let crossSigning = false;
  let secretStorage = false;
  try {
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        try {
          await makeRequest(null);
        } catch (err) {
          const session = uiaSession(err);
          if (session === undefined || !opts.password) throw err;
          const auth: AuthDict = {
            type: "m.login.password",
            identifier: { type: "m.id.user", user: opts.userId },
            password: opts.password,
            ...(session ? { session } : {}),
          };
          await makeRequest(auth);
        }
      },
    });
    crossSigning = await crypto.isCrossSigningReady();
  } catch (err) {
    log(
      "warn",
      `Cross-Signing nicht eingerichtet (${describe(err)}); Element zeigt das Gerät dann als „nicht verifiziert“. ` +
        "Einmal mit MATRIX_PASSWORD starten hilft (docs/matrix.md). / cross-signing not set up",
    );
  }
  if (!recoveryKey) {
    if (crossSigning) log("info", "Kein MATRIX_RECOVERY_KEY: Cross-Signing-Schlüssel nur lokal gespeichert. / no recovery key configured");
    return { crossSigning, secretStorage };
  }
  try {
    const current = await defaultKeyMatches(client, recoveryKey);
    await crypto.bootstrapSecretStorage({
      setupNewSecretStorage: !current,
      createSecretStorageKey: async () => ({ privateKey: recoveryKey, keyInfo: {} }),
    });
    secretStorage = await crypto.isSecretStorageReady();
    if (!current && secretStorage) log("info", "Schlüsselspeicher mit MATRIX_RECOVERY_KEY eingerichtet. / secret storage set up");
  } catch (err) {
    log("warn", `Schlüsselspeicher (MATRIX_RECOVERY_KEY) nicht eingerichtet: ${describe(err)} / secret storage not set up`);
  }
  return { crossSigning, secretStorage };
}

/** Whether the account's default secret-storage key is the one `recoveryKey` opens. */
async function defaultKeyMatches(client: MatrixClient, recoveryKey: Uint8Array): Promise<boolean> {
  const tuple = await client.secretStorage.getKey();
  if (!tuple) return false;
  const [, info] = tuple as [string, SecretStorageKeyDescription];
  return client.secretStorage.checkKey(recoveryKey, info as Parameters<typeof client.secretStorage.checkKey>[1]);
}

/** The UIA session id of a 401 that asks for interactive auth ("" when it has none); undefined for other errors. */
function uiaSession(err: unknown): string | undefined {
  if (!(err instanceof MatrixError) || err.httpStatus !== 401) return undefined;
  const data = err.data as { flows?: unknown; session?: unknown };
  if (!data.flows) return undefined;
  return typeof data.session === "string" ? data.session : "";
}

function describe(err: unknown): string {
  if (err instanceof MatrixError) return `${err.errcode ?? "error"} (HTTP ${err.httpStatus ?? "?"})`;
  return err instanceof Error ? `${err.name}: ${err.message}` : "error";
}
