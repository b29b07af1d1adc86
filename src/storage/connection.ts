/**
 * Opening the SQLite file: directory, pragmas, migrations.
 */
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { betterSqlite3, migrator } from "./drizzle.ts";
import * as schema from "./schema.ts";

const { drizzle } = betterSqlite3;
const { migrate } = migrator;

/** How hard SQLite flushes to disk on commit. */
export type SynchronousMode = "NORMAL" | "FULL";

/** Options for {@link openConnection}. */
export interface ConnectionOptions {
  /**
   * Durability trade-off (journal_mode is always WAL):
   * - `NORMAL` (default): a commit is durable against a process crash (kill -9, OOM, exception):
   *   it is in the WAL file before `commit()` returns. Only a power loss or an OS crash
   *   may drop the last few transactions (the WAL is fsynced at checkpoints, not at every commit);
   *   the database is never corrupted. Commits cost microseconds instead of an fsync each.
   * - `FULL`: every commit is fsynced as well, so it also survives power loss, at the cost
   *   of one fsync per commit (typically 0.1–10 ms depending on the disk).
   */
  synchronous?: SynchronousMode;
  /** Folder with the drizzle-kit migrations; default: the committed `drizzle/` folder of this package. */
  migrationsFolder?: string;
}

/** The committed migrations, relative to this file (src/storage → ../../drizzle). */
export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export type StorageDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Page cache of a connection, KiB (a quarter of SQLite's default; better-sqlite3's build would use 16,000). */
export const PAGE_CACHE_KB = 512;

/** Opens (creating if needed) the database file, sets the pragmas and applies pending migrations. */
export function openConnection(file: string, opts: ConnectionOptions = {}): StorageDb {
  const synchronous = opts.synchronous ?? "NORMAL";
  if (synchronous !== "NORMAL" && synchronous !== "FULL") {
    throw new Error(`synchronous must be NORMAL or FULL, got ${String(synchronous)}`);
  }
  if (file !== ":memory:" && !file.startsWith("file:")) {
    // private to the service user: the data directory 0700, the database 0600 (SQLite gives its -wal and -shm files
    // the mode of the database file). Existing directories and files keep the mode they have.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  }
  const client = new Database(file, { timeout: 5000 });
  try {
    client.pragma("journal_mode = WAL");
    client.pragma(`synchronous = ${synchronous}`);
    client.pragma("busy_timeout = 5000");
    // 128 pages. better-sqlite3 builds SQLite with 16 MB per connection, and a bot's file of a few tens of MB then
    // ends up in the process almost whole: with 1,000 incidents (16 MB file) that was 15 MB of resident memory, a
    // third of the bot's memory above the bare modules; SQLite's default of 2 MB still held 1.5–2 MB more than this.
    // The operating system's file cache keeps what falls out (a read from it costs microseconds, a commit's fsync a
    // millisecond); a commit touches a handful of pages. Durable acknowledgements and restart with 10,000 incidents
    // measured the same with 2 MB, 512 KB and 256 KB (issue #17, docs/performance.md).
    client.pragma(`cache_size = -${PAGE_CACHE_KB}`);
    const db = drizzle({ client, schema });
    // Foreign keys off while migrating (SQLite's procedure for rebuilding a table: the pragma is a no-op inside
    // the migration's transaction), checked afterwards when a migration ran (the check reads every row).
    client.pragma("foreign_keys = OFF");
    const before = appliedMigrations(client);
    applyMigrations(db, opts.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER);
    if (appliedMigrations(client) !== before) {
      const broken = client.pragma("foreign_key_check") as unknown[];
      if (broken.length > 0)
        throw new Error(`Migration left ${broken.length} rows without their parent row: ${JSON.stringify(broken.slice(0, 5))}`);
    }
    client.pragma("foreign_keys = ON");
    return db;
  } catch (err) {
    client.close();
    throw err;
  }
}

/** How many migrations the file has seen (0 for a new file). */
function appliedMigrations(client: Database.Database): number {
  const table = client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  return table ? (client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n : 0;
}

/**
 * drizzle's migrator reads the last applied migration outside its transaction, so two processes
 * opening a fresh file at the same moment can both try to apply it; the loser fails on
 * "already exists". Running it again then sees the applied migration and does nothing.
 */
function applyMigrations(db: StorageDb, migrationsFolder: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}
