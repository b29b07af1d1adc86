import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from "node:crypto";
import { mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { deserialize, serialize } from "node:v8";
import { IDBFactory } from "fake-indexeddb";

// The part of the IndexedDB API used here (the project compiles without the DOM library).
interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  addEventListener(type: string, fn: () => void): void;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbIndex {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}
interface IdbObjectStore {
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: Iterable<string>;
  index(name: string): IdbIndex;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<unknown[]>;
  put(value: unknown, key?: unknown): unknown;
  createIndex(name: string, keyPath: string | string[], opts: { unique: boolean; multiEntry: boolean }): unknown;
}
interface IdbTransaction {
  readonly error: unknown;
  objectStore(name: string): IdbObjectStore;
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbDatabase {
  readonly version: number;
  readonly objectStoreNames: Iterable<string>;
  transaction(names: string | string[], mode?: string, opts?: unknown): IdbTransaction;
  createObjectStore(name: string, opts: { keyPath?: string | string[]; autoIncrement: boolean }): IdbObjectStore;
  close(): void;
  onversionchange: (() => void) | null;
}
/** An IndexedDB factory (here always fake-indexeddb's). */
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
  databases(): Promise<{ name?: string; version?: number }[]>;
}

/**
 * The bot's end-to-end encryption state on disk: the Rust crypto store (matrix-sdk-crypto-wasm keeps it in
 * IndexedDB) held in an in-memory IndexedDB (fake-indexeddb) and written to one file, encrypted with a key derived
 * from MATRIX_CRYPTO_SECRET.
 *
 * Durability rule (write-ahead): nothing the crypto state stands behind may leave the process before that state is
 * on disk. {@link CryptoStateFile.flush} is called before every request to the homeserver while the store has
 * changed (one-time keys uploaded, room keys sent, a megolm message index used, to-device messages acknowledged by
 * the next /sync) and before the sync position is saved. A file is replaced atomically (temp file, fsync, rename,
 * fsync of the folder), so `kill -9` at any moment leaves either the previous or the new state, and the previous
 * one is still consistent with everything the homeserver has seen.
 */

const MAGIC = Buffer.from("NFMXCRY1");
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES;

/**
 * Raised when the state file cannot be opened with the configured secret(s), or is locked by another process
 * (`busy`: another live process holds it, e.g. the previous holder of the Matrix role still stopping; worth waiting).
 */
export class CryptoStateError extends Error {
  readonly busy: boolean;
  constructor(message: string, opts: { busy?: boolean } = {}) {
    super(message);
    this.name = "CryptoStateError";
    this.busy = opts.busy === true;
  }
}

interface StoreDump {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  keys: unknown[];
  values: unknown[];
}
interface DatabaseDump {
  name: string;
  version: number;
  stores: StoreDump[];
}
interface Snapshot {
  version: 1;
  databases: DatabaseDump[];
}

function scrypt(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(secret, salt, 32, { N: 2 ** 14, r: 8, p: 1 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function req<T>(r: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB request failed"));
  });
}

function txDone(tx: IdbTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Files held open by this process (a second adapter on the same file would be a second bot on one device). */
const openHere = new Set<string>();

/**
 * One crypto state file and the in-memory IndexedDB it is loaded into. Create with {@link CryptoStateFile.open},
 * hand {@link factory} to the Rust crypto (see crypto.ts), call {@link flush} before anything leaves the process,
 * {@link close} when the adapter stops.
 */
export class CryptoStateFile {
  /** The IndexedDB the Rust crypto store lives in (one per adapter: nothing is shared between bots in a process). */
  readonly factory: IdbFactory;
  /** True when an earlier state was loaded (the device's keys exist); false for a first start. */
  readonly restored: boolean;
  /** Size of the last file written or read, in bytes. */
  lastBytes = 0;
  /** How long loading the file took (read, key derivation, decryption, restore), ms. */
  readonly loadMs: number;

  private readonly file: string;
  private readonly key: Buffer;
  private readonly salt: Buffer;
  private generation = 0;
  private persisted = -1;
  private chain: Promise<void> = Promise.resolve();
  private readonly connections = new Map<string, IdbDatabase>();
  private closed = false;

  private constructor(file: string, key: Buffer, salt: Buffer, factory: IdbFactory, restored: boolean, loadMs: number) {
    this.file = file;
    this.key = key;
    this.salt = salt;
    this.factory = factory;
    this.restored = restored;
    this.loadMs = loadMs;
    if (restored) this.persisted = this.generation;
  }

  /**
   * Load the state file (if it exists) into a fresh in-memory IndexedDB. `secret` decrypts it; when only
   * `previousSecret` does (the secret was rotated), the state is loaded and the next flush writes it with `secret`.
   * Throws {@link CryptoStateError} with a German message when neither opens it, or another live process holds it.
   */
  static async open(file: string, secret: string, previousSecret?: string): Promise<CryptoStateFile> {
    const t0 = performance.now();
    if (openHere.has(file)) throw new CryptoStateError(`Matrix: ${basename(file)} wird in diesem Prozess schon benutzt. / already in use.`);
    await mkdir(dirname(file), { recursive: true });
    await takeLock(file);
    openHere.add(file);
    try {
      const factory = new IDBFactory() as unknown as IdbFactory;
      let raw: Buffer | undefined;
      try {
        raw = await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      if (!raw) {
        const salt = randomBytes(SALT_BYTES);
        const state = new CryptoStateFile(file, await scrypt(secret, salt), salt, factory, false, 0);
        state.track();
        return Object.assign(state, { loadMs: performance.now() - t0 });
      }
      if (raw.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new CryptoStateError(
          `Matrix: ${file} ist keine Schlüsseldatei des Notfallbots (beschädigt?). Datei nicht löschen, sondern prüfen (docs/matrix.md, „Schlüssel verloren“). / not a crypto state file.`,
        );
      }
      const salt = raw.subarray(MAGIC.length, HEADER_BYTES);
      let key = await scrypt(secret, salt);
      let plain = decrypt(raw, key);
      let salt2 = Buffer.from(salt);
      if (!plain && previousSecret) {
        const old = await scrypt(previousSecret, salt);
        plain = decrypt(raw, old);
        if (plain) {
          // rotated: the next flush writes the state under the new secret (new salt, new key)
          salt2 = randomBytes(SALT_BYTES);
          key = await scrypt(secret, salt2);
        }
      }
      if (!plain) {
        throw new CryptoStateError(
          `Matrix: MATRIX_CRYPTO_SECRET passt nicht zu ${file}. Beim Wechsel des Geheimnisses das alte als MATRIX_CRYPTO_SECRET_PREVIOUS angeben (docs/matrix.md). / MATRIX_CRYPTO_SECRET does not open the crypto state file.`,
        );
      }
      const snapshot = deserialize(plain) as Snapshot;
      await restore(factory, snapshot);
      const state = new CryptoStateFile(file, key, salt2, factory, true, 0);
      state.lastBytes = raw.length;
      state.track();
      if (!salt2.equals(salt)) state.persisted = -1;
      return Object.assign(state, { loadMs: performance.now() - t0 });
    } catch (err) {
      openHere.delete(file);
      await releaseLock(file);
      throw err;
    }
  }

  /** Whether something changed since the last write. */
  get dirty(): boolean {
    return this.generation !== this.persisted;
  }

  /** Write the state if it changed (serialised: concurrent callers wait for the same write). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.writeIfDirty());
    this.chain = run.catch(() => {});
    return run;
  }

  /** Final write, then forget the in-memory databases and release the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      for (const db of this.connections.values()) db.close();
      this.connections.clear();
      openHere.delete(this.file);
      await releaseLock(this.file);
    }
  }

  /** Count every write transaction opened on this factory's databases (the Rust store's writes). */
  private track(): void {
    const factory = this.factory;
    const open = factory.open.bind(factory);
    const bump = () => {
      this.generation++;
    };
    factory.open = ((name: string, version?: number) => {
      const r = open(name, version);
      r.addEventListener("upgradeneeded", bump);
      r.addEventListener("success", () => {
        const db = r.result;
        const transaction = db.transaction.bind(db);
        db.transaction = (names: string | string[], mode?: string, opts?: unknown) => {
          if (mode && mode !== "readonly") bump();
          return transaction(names, mode, opts);
        };
      });
      return r;
    }) as IdbFactory["open"];
  }

  private async writeIfDirty(): Promise<void> {
    if (this.closed || !this.dirty) return;
    const gen = this.generation;
    const snapshot: Snapshot = { version: 1, databases: [] };
    for (const info of await this.factory.databases()) {
      if (!info.name) continue;
      snapshot.databases.push(await this.dump(info.name));
    }
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.concat([MAGIC, this.salt]);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(serialize(snapshot)), cipher.final()]);
    const data = Buffer.concat([header, iv, cipher.getAuthTag(), body]);
    await writeAtomic(this.file, data);
    this.lastBytes = data.length;
    this.persisted = gen;
  }

  private async connection(name: string): Promise<IdbDatabase> {
    const have = this.connections.get(name);
    if (have) return have;
    // our own connection, opened with the factory's original `open` semantics (no version: the current one)
    const db = await req(this.factory.open(name));
    db.onversionchange = () => {
      db.close();
      this.connections.delete(name);
    };
    this.connections.set(name, db);
    return db;
  }

  /** One database, read in one read-only transaction over all its stores: a consistent cut between writes. */
  private async dump(name: string): Promise<DatabaseDump> {
    const db = await this.connection(name);
    const names = [...db.objectStoreNames];
    const out: DatabaseDump = { name, version: db.version, stores: [] };
    if (names.length === 0) return out;
    const tx = db.transaction(names, "readonly");
    const done = txDone(tx);
    const reads = names.map(async (storeName) => {
      const store = tx.objectStore(storeName);
      const indexes = [...store.indexNames].map((n) => {
        const i = store.index(n);
        return { name: n, keyPath: i.keyPath, unique: i.unique, multiEntry: i.multiEntry };
      });
      const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      return {
        name: storeName,
        keyPath: store.keyPath,
        autoIncrement: store.autoIncrement,
        indexes,
        keys,
        values,
      };
    });
    out.stores = await Promise.all(reads);
    await done;
    return out;
  }
}

function decrypt(raw: Buffer, key: Buffer): Buffer | undefined {
  const header = raw.subarray(0, HEADER_BYTES);
  const iv = raw.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const tag = raw.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES);
  const body = raw.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES);
  try {
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAAD(header);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return undefined;
  }
}

async function restore(factory: IdbFactory, snapshot: Snapshot): Promise<void> {
  if (snapshot.version !== 1 || !Array.isArray(snapshot.databases))
    throw new CryptoStateError("Matrix: unbekanntes Format der Schlüsseldatei.");
  for (const d of snapshot.databases) {
    const open = factory.open(d.name, d.version);
    open.onupgradeneeded = () => {
      const db = open.result;
      for (const s of d.stores) {
        const store = db.createObjectStore(s.name, {
          ...(s.keyPath !== null ? { keyPath: s.keyPath } : {}),
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes) store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    };
    const db = await req(open);
    const names = d.stores.map((s) => s.name);
    if (names.length > 0) {
      const tx = db.transaction(names, "readwrite");
      const done = txDone(tx);
      for (const s of d.stores) {
        const store = tx.objectStore(s.name);
        s.values.forEach((v, i) => {
          if (s.keyPath !== null) store.put(v);
          else store.put(v, s.keys[i]);
        });
      }
      await done;
    }
    db.close();
  }
}

/** Write `data` to `file` so that a crash leaves the old or the new content, never a mix. Owner-only. */
async function writeAtomic(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function lockFile(file: string): string {
  return `${file}.lock`;
}

/** One process per state file: a lock file with the pid; a lock left by a killed process is taken over. */
async function takeLock(file: string): Promise<void> {
  const lock = lockFile(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const pid = Number.parseInt((await readFile(lock, "utf8").catch(() => "")).trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new CryptoStateError(
        `Matrix: ${basename(file)} wird von einem anderen laufenden Notfallbot benutzt (PID ${pid}). Zwei Bots auf einem Gerät gehen nicht. / the crypto state is in use by another process.`,
        { busy: true },
      );
    }
    await unlink(lock).catch(() => {});
  }
  throw new CryptoStateError(`Matrix: Sperrdatei ${lockFile(file)} lässt sich nicht anlegen. / cannot lock the crypto state.`);
}

async function releaseLock(file: string): Promise<void> {
  const lock = lockFile(file);
  const pid = Number.parseInt((await readFile(lock, "utf8").catch(() => "")).trim(), 10);
  if (pid === process.pid) await unlink(lock).catch(() => {});
}
