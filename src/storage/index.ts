/**
 * Storage: drizzle-orm schema + committed migrations (`drizzle/`) on better-sqlite3,
 * implementing the core's {@link StoragePort}.
 */
import { SqliteStorage, type StorageOptions } from "./sqlite-storage.ts";

export type { SynchronousMode } from "./connection.ts";
export { SqliteStorage, type StorageOptions } from "./sqlite-storage.ts";

/**
 * Opens (and creates, with its parent directory) the database file and applies pending migrations.
 * Pragmas: WAL, synchronous NORMAL (configurable, see {@link StorageOptions.synchronous}),
 * foreign keys on, busy timeout 5 s.
 */
export function openStorage(file: string, opts: StorageOptions = {}): SqliteStorage {
  return new SqliteStorage(file, opts);
}

export { describeStorage, type StorageChoice, StorageConfigError, selectStorage } from "./select.ts";
