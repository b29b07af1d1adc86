/**
 * PostgreSQL backend: drizzle-orm schema + committed migrations (`drizzle-pg/`) on node-postgres, implementing the
 * core's storage port per tenant, plus leases and leadership for several processes on one database.
 */
export { createPool, PG_MIGRATIONS_FOLDER, type PoolOptions } from "./connection.ts";
export { Leadership, type LeadershipOptions } from "./leadership.ts";
export { type ClaimedOutboxRow, type ClaimedTimer, openPgStorage, PgStorage, type PgStorageOptions } from "./pg-storage.ts";
