/**
 * drizzle-orm, loaded with require() (its CommonJS build) instead of import.
 *
 * Why: `drizzle-orm/better-sqlite3` is ~400 modules, and Node's ESM loader looks up the package scope of each
 * one; with drizzle's 178 KB package.json (about 3,000 `exports` entries) that lookup dominates: the ESM import
 * took 0.3–1.8 s per start on the benchmark machine, the CommonJS build 0.1–0.2 s (docs/performance.md).
 * Types still come from the package's declarations; every file of src/storage takes drizzle from here, so only
 * one copy of drizzle is ever loaded.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const orm = require("drizzle-orm") as typeof import("drizzle-orm");
export const sqliteCore = require("drizzle-orm/sqlite-core") as typeof import("drizzle-orm/sqlite-core");
export const betterSqlite3 = require("drizzle-orm/better-sqlite3") as typeof import("drizzle-orm/better-sqlite3");
export const migrator = require("drizzle-orm/better-sqlite3/migrator") as typeof import("drizzle-orm/better-sqlite3/migrator");
