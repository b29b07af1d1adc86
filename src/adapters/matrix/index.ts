import { dirname, join } from "node:path";
import type { Clock } from "../../core/clock.ts";
import { MatrixAdapter, type MatrixLog } from "./adapter.ts";
import { MatrixConfigError, readMatrixConfig } from "./config.ts";

export { MatrixAdapter, type MatrixAdapterOptions, type MatrixLog } from "./adapter.ts";
export { type AllowEntry, type MatrixConfig, MatrixConfigError, readMatrixConfig } from "./config.ts";
export { matrixChannel } from "./ids.ts";

/** Where the sync position is kept when MATRIX_STATE_FILE is not set: next to the database. */
export function defaultStateFile(env: NodeJS.ProcessEnv, dbPath?: string): string {
  const db = dbPath ?? env.NOTFALL_DB ?? join("data", "notfall.db");
  return join(dirname(db), "matrix-state.json");
}

/** Where the end-to-end encryption state is kept when MATRIX_CRYPTO_STORE is not set: next to the database. */
export function defaultCryptoFile(env: NodeJS.ProcessEnv, dbPath?: string): string {
  const db = dbPath ?? env.NOTFALL_DB ?? join("data", "notfall.db");
  return join(dirname(db), "matrix-crypto.bin");
}

/**
 * The Matrix adapter as `notfallbot serve` starts it. Throws {@link MatrixConfigError} (German message) when
 * MATRIX_HOMESERVER_URL is missing or the other settings are incomplete.
 */
export async function matrixFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  opts: { dbPath?: string; stateFile?: string; clock?: Clock; log?: MatrixLog } = {},
): Promise<MatrixAdapter> {
  const config = readMatrixConfig(env, {
    stateFile: opts.stateFile ?? defaultStateFile(env, opts.dbPath),
    cryptoFile: defaultCryptoFile(env, opts.dbPath),
  });
  if (!config) throw new MatrixConfigError("Matrix: MATRIX_HOMESERVER_URL fehlt. / MATRIX_HOMESERVER_URL is missing.");
  return new MatrixAdapter({ config, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { log: opts.log } : {}) });
}
