/**
 * Child of crypto-store.test.ts: opens a crypto state file, then writes a counter into an IndexedDB store in a loop
 * (one transaction per step, like the Rust crypto store), flushing after every write and printing `flushed N` once
 * N is on disk. The parent kills it with SIGKILL at random moments.
 */
import { CryptoStateFile } from "../../../src/adapters/matrix/crypto-store.ts";

const [file, secret] = process.argv.slice(2);
const state = await CryptoStateFile.open(file!, secret!);
const factory = state.factory;
const open = factory.open("test::matrix-sdk-crypto", 1);
open.onupgradeneeded = () => {
  open.result.createObjectStore("counter", { autoIncrement: false });
};
const db = await new Promise<typeof open.result>((resolve) => {
  open.onsuccess = () => resolve(open.result);
});
const read = db.transaction("counter", "readonly").objectStore("counter").getAll();
let n = await new Promise<number>((resolve) => {
  read.onsuccess = () => resolve(((read.result[0] as { n?: number } | undefined)?.n ?? 0) as number);
});
process.stdout.write(`start ${n}\n`);
for (;;) {
  n++;
  const tx = db.transaction("counter", "readwrite");
  const store = tx.objectStore("counter");
  // a few records per step, with binary values like the Rust store's pickles
  store.put({ n, pickle: new Uint8Array(64).fill(n % 251) }, "state");
  store.put({ n, note: `Schritt ${n}` }, `step-${n % 50}`);
  await new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
  });
  await state.flush();
  process.stdout.write(`flushed ${n}\n`);
}
