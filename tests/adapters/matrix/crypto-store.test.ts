/**
 * The crypto state file on its own (no homeserver): what is written comes back, encrypted at rest with the secret,
 * rotation of the secret, one process per file, and SIGKILL at random moments never loses a write that was flushed
 * nor leaves a file that cannot be opened.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CryptoStateError, CryptoStateFile } from "../../../src/adapters/matrix/crypto-store.ts";
import { tempDir } from "../../helpers/tmp.ts";

const SECRET = "erstes-geheimnis-mit-genug-zeichen";
const CHILD = join(import.meta.dirname, "crypto-store-child.ts");

type Db = { transaction(n: string, m: string): { objectStore(n: string): Store; oncomplete: (() => void) | null } };
type Store = { put(v: unknown, k?: unknown): unknown; get(k: unknown): { onsuccess: (() => void) | null; result: unknown } };

async function openDb(state: CryptoStateFile): Promise<Db> {
  const r = state.factory.open("test::matrix-sdk-crypto", 1);
  r.onupgradeneeded = () => {
    (r.result as unknown as { createObjectStore(n: string): unknown }).createObjectStore("kv");
  };
  return new Promise((resolve) => {
    r.onsuccess = () => resolve(r.result as unknown as Db);
  });
}
async function put(db: Db, key: string, value: unknown): Promise<void> {
  const tx = db.transaction("kv", "readwrite");
  tx.objectStore("kv").put(value, key);
  await new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
  });
}
async function get(db: Db, key: string): Promise<unknown> {
  const r = db.transaction("kv", "readonly").objectStore("kv").get(key);
  return new Promise((resolve) => {
    r.onsuccess = () => resolve(r.result);
  });
}

describe("crypto state file", () => {
  const tmp = tempDir("nf-crypto-store-");
  afterAll(() => tmp.cleanup());

  it("writes only when something changed, restores what was written, and keeps it encrypted at rest", async () => {
    const file = join(tmp.dir, "a.bin");
    const s1 = await CryptoStateFile.open(file, SECRET);
    expect(s1.restored).toBe(false);
    const db = await openDb(s1);
    await put(db, "account", { pickle: new Uint8Array([1, 2, 3]), note: "KLARTEXT-MARKER" });
    expect(s1.dirty).toBe(true);
    await s1.flush();
    expect(s1.dirty).toBe(false);
    const written = readFileSync(file);
    await s1.flush();
    expect(readFileSync(file).equals(written)).toBe(true); // nothing changed: not written again
    await s1.close();
    expect(written.includes(Buffer.from("KLARTEXT-MARKER"))).toBe(false);

    const s2 = await CryptoStateFile.open(file, SECRET);
    expect(s2.restored).toBe(true);
    expect(s2.dirty).toBe(false);
    expect(await get(await openDb(s2), "account")).toEqual({ pickle: new Uint8Array([1, 2, 3]), note: "KLARTEXT-MARKER" });
    await s2.close();
  });

  it("refuses a wrong secret, opens with the previous one after a rotation and then needs only the new one", async () => {
    const file = join(tmp.dir, "b.bin");
    const s1 = await CryptoStateFile.open(file, SECRET);
    await put(await openDb(s1), "x", 42);
    await s1.close();
    await expect(CryptoStateFile.open(file, "ein-ganz-anderes-geheimnis")).rejects.toThrow(/MATRIX_CRYPTO_SECRET passt nicht/);
    const NEW = "zweites-geheimnis-mit-genug-zeichen";
    const s2 = await CryptoStateFile.open(file, NEW, SECRET);
    expect(s2.dirty).toBe(true); // rewritten under the new secret at the next flush
    await s2.close();
    await expect(CryptoStateFile.open(file, SECRET)).rejects.toBeInstanceOf(CryptoStateError);
    const s3 = await CryptoStateFile.open(file, NEW);
    expect(await get(await openDb(s3), "x")).toBe(42);
    await s3.close();
  });

  it("refuses a damaged file instead of starting over", async () => {
    const file = join(tmp.dir, "c.bin");
    writeFileSync(file, "kein Schlüsselspeicher");
    await expect(CryptoStateFile.open(file, SECRET)).rejects.toThrow(/keine Schlüsseldatei/);
  });

  it("is used by one bot at a time; the lock of a killed process is taken over", async () => {
    const file = join(tmp.dir, "d.bin");
    const s1 = await CryptoStateFile.open(file, SECRET);
    await expect(CryptoStateFile.open(file, SECRET)).rejects.toThrow(/schon benutzt/);
    await s1.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(`${file}.lock`, `${process.ppid}\n`); // a live process (vitest's parent)
    await expect(CryptoStateFile.open(file, SECRET)).rejects.toThrow(/anderen laufenden Notfallbot/);
    writeFileSync(`${file}.lock`, "999999999\n"); // no such process
    const s2 = await CryptoStateFile.open(file, SECRET);
    await s2.close();
  });

  it("loses no flushed write and stays readable when killed with SIGKILL at random moments", async () => {
    const file = join(tmp.dir, "kill.bin");
    let acknowledged = 0;
    const kills = 12;
    for (let i = 0; i < kills; i++) {
      const child = spawn(process.execPath, [CHILD, file, SECRET], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      const started = new Promise<number>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /start (\d+)\n/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once("exit", () => reject(new Error(`child ended before start:\n${err}`)));
      });
      // what it finds on disk is at least everything an earlier run had acknowledged
      expect(await started).toBeGreaterThanOrEqual(acknowledged);
      await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 200)));
      child.kill("SIGKILL");
      await exited;
      for (const m of out.matchAll(/flushed (\d+)\n/g)) acknowledged = Math.max(acknowledged, Number(m[1]));
    }
    expect(acknowledged).toBeGreaterThan(kills); // it did write in between the kills
    const s = await CryptoStateFile.open(file, SECRET);
    expect(s.restored).toBe(true);
    const db = await openDb(s);
    const r = db.transaction("counter", "readonly").objectStore("counter").get("state");
    const last = await new Promise<{ n: number; pickle: Uint8Array }>((resolve) => {
      r.onsuccess = () => resolve(r.result as { n: number; pickle: Uint8Array });
    });
    expect(last.n).toBeGreaterThanOrEqual(acknowledged);
    expect(last.pickle).toEqual(new Uint8Array(64).fill(last.n % 251));
    await s.close();
  }, 120_000);
});
