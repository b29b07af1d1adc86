/**
 * drizzle-orm's PostgreSQL parts, loaded with require() like src/storage/drizzle.ts (and for the same reason:
 * the CommonJS build loads several times faster). Only the PostgreSQL backend imports this file, so a SQLite
 * deployment never loads them.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const pgCore = require("drizzle-orm/pg-core") as typeof import("drizzle-orm/pg-core");
export const nodePostgres = require("drizzle-orm/node-postgres") as typeof import("drizzle-orm/node-postgres");
export const pgMigrator = require("drizzle-orm/node-postgres/migrator") as typeof import("drizzle-orm/node-postgres/migrator");
