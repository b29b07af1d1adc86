/**
 * Recovery keys in Element's format (base58, `EsT… …`, with a parity byte, so typing errors are caught).
 *
 * Run `node src/adapters/matrix/recovery-key.ts` to print a new one for MATRIX_RECOVERY_KEY (printed to the
 * terminal of the person who asked for it, nowhere else).
 */
import { randomBytes } from "node:crypto";
import { decodeRecoveryKey, encodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/index.js";

/** Decode a recovery key; undefined when it is not one. */
export function parseRecoveryKey(raw: string | undefined): Uint8Array | undefined {
  if (!raw) return undefined;
  try {
    return decodeRecoveryKey(raw.trim());
  } catch {
    return undefined;
  }
}

/** A fresh random recovery key (32 bytes), encoded for people. */
export function newRecoveryKey(): string {
  return encodeRecoveryKey(randomBytes(32))!;
}

if ((import.meta as { main?: boolean }).main) {
  process.stdout.write(`${newRecoveryKey()}\n`);
}
