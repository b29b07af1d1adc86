/**
 * Connecting to PostgreSQL: the connection pool (node-postgres) and the committed migrations (`drizzle-pg/`).
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { nodePostgres, pgMigrator } from "./drizzle.ts";

/** The committed PostgreSQL migrations, relative to this file (src/storage/pg → ../../../drizzle-pg). */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle-pg", import.meta.url));

/** Pool limits and timeouts; every field has a default meant for a bot process next to others on one server. */
export interface PoolOptions {
  /**
   * Most connections this process opens (default 10, or `DATABASE_POOL_MAX`). A handled event holds one for its
   * commit; the dispatcher and scheduler one each while they claim. Several processes × max must stay below the
   * server's `max_connections` (default 100).
   */
  max?: number;
  /** Close a connection idle this long, ms (default 30 s). */
  idleTimeoutMs?: number;
  /** Give up waiting for a connection (pool full or server unreachable) after this long, ms (default 10 s). */
  connectionTimeoutMs?: number;
  /** The server cancels a statement running longer, ms (default 30 s): a stuck query must not hold locks for ever. */
  statementTimeoutMs?: number;
  /** Name shown in `pg_stat_activity` (default `notfallbot`). */
  applicationName?: string;
}

/** A pool with sane limits. Errors of idle connections (server restart) are reported to `onError`, never thrown. */
export function createPool(url: string, opts: PoolOptions = {}, onError: (err: Error) => void = () => {}): pg.Pool {
  const envMax = Number(process.env.DATABASE_POOL_MAX);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? (Number.isInteger(envMax) && envMax > 0 ? envMax : 10),
    idleTimeoutMillis: opts.idleTimeoutMs ?? 30_000,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    // A process that hangs inside a transaction must not keep its row locks: the server ends the session.
    idle_in_transaction_session_timeout: 60_000,
    application_name: opts.applicationName ?? "notfallbot",
    keepAlive: true,
  });
  pool.on("error", onError);
  return pool;
}

/** Lock id for "migrating" (any constant; `hashtext` of a name would do as well). */
const MIGRATION_LOCK = 7_210_815_001;

/**
 * Applies pending migrations. Several processes starting at once take turns on an advisory lock, so the
 * migration runs once and the others then find it applied.
 */
export async function applyPgMigrations(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await pgMigrator.migrate(nodePostgres.drizzle({ client }), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
