/**
 * One storage suite, two backends: `describeBackends(title, body)` runs `body` once against SQLite (a fresh file
 * per test) and once against the real PostgreSQL server of the test run (a fresh database per file, emptied before
 * each test). Tests talk to both through the port.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe } from "vitest";
import type { Clock } from "../../src/core/clock.ts";
import type { StoragePort } from "../../src/core/ports.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { openPgStorage, type PgStorage } from "../../src/storage/pg/index.ts";
import { freshDatabase } from "../postgres/context.ts";
import { tempDir } from "./helpers.ts";

/** A store under test: the port of one tenant. */
export type TestStore = StoragePort & { readonly tenant: string };

/** What a test can do with the backend it runs on. */
export interface Backend {
  readonly name: "sqlite" | "postgres";
  /** Opens another store (connection) on this test's database; closed after the test. */
  open(opts?: { clock?: Pick<Clock, "now">; tenant?: string }): Promise<TestStore>;
  /** Rows of a plain query with `?` parameters. */
  rows(query: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
  /** Rows in a table. */
  count(table: string): Promise<number>;
  /** What the backend says when a row repeats a key of `table` / refers to a missing parent. */
  errors: { unique(table: string): RegExp; foreignKey: RegExp };
}

function sqliteBackend(): Backend & { setup(): void; teardown(): Promise<void> } {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let opened: SqliteStorage[] = [];
  let first: SqliteStorage | undefined;
  const raw = () => {
    if (!first) first = openStorage(tmp!.file);
    return first.db.$client;
  };
  return {
    name: "sqlite",
    setup() {
      tmp = tempDir();
    },
    async teardown() {
      for (const s of opened) await s.close();
      await first?.close();
      opened = [];
      first = undefined;
      tmp?.cleanup();
    },
    async open(opts = {}) {
      const s = openStorage(tmp!.file, opts);
      opened.push(s);
      return s;
    },
    async rows(query, ...params) {
      return raw()
        .prepare(query)
        .all(...params) as Record<string, unknown>[];
    },
    async count(table) {
      return (raw().prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    },
    errors: { unique: (table) => new RegExp(`UNIQUE constraint failed: ${table}`), foreignKey: /FOREIGN KEY constraint failed/ },
  };
}

const TABLES = ["outbox", "timeline", "tasks", "timers", "deliveries", "menus", "incidents", "installations", "installation_workspaces"];

function postgresBackend(): Backend & {
  setupFile(): Promise<void>;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  teardownFile(): Promise<void>;
} {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let admin: PgStorage | undefined;
  let opened: PgStorage[] = [];
  return {
    name: "postgres",
    async setupFile() {
      db = await freshDatabase("storage");
      admin = await openPgStorage(db.url, { max: 2 });
    },
    async setup() {
      await admin!.pool.query(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY`);
    },
    async teardown() {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    },
    async teardownFile() {
      await admin?.close();
      await db?.drop();
    },
    async open(opts = {}) {
      const s = await openPgStorage(db!.url, { ...opts, max: 4 });
      opened.push(s);
      return s;
    },
    async rows(query, ...params) {
      let i = 0;
      const text = query.replace(/\?/g, () => `$${++i}`);
      return (await admin!.pool.query(text, params)).rows;
    },
    async count(table) {
      return Number((await admin!.pool.query(`select count(*)::int as n from ${table}`)).rows[0].n);
    },
    errors: {
      unique: (table) => new RegExp(`duplicate key value violates unique constraint "${table}_`),
      foreignKey: /violates foreign key constraint/,
    },
  };
}

/** Runs `body` once per backend, in a `describe` named after it. */
export function describeBackends(title: string, body: (b: Backend) => void): void {
  describe(`${title} [sqlite]`, () => {
    const b = sqliteBackend();
    beforeEach(() => b.setup());
    afterEach(() => b.teardown());
    body(b);
  });
  describe(`${title} [postgres]`, () => {
    const b = postgresBackend();
    beforeAll(() => b.setupFile());
    beforeEach(() => b.setup());
    afterEach(() => b.teardown());
    afterAll(() => b.teardownFile());
    body(b);
  });
}
