/** The menu across processes (tests/core/menu-processes.ts) on the real PostgreSQL server: two pools, one database. */
import { afterAll, beforeAll } from "vitest";
import { openPgStorage } from "../../src/storage/pg/index.ts";
import { clock, menuProcessesSuite } from "../core/menu-processes.ts";
import { freshDatabase } from "./context.ts";

let db: Awaited<ReturnType<typeof freshDatabase>>;
let n = 0;
beforeAll(async () => {
  db = await freshDatabase("menus");
});
afterAll(async () => {
  await db.drop();
});
menuProcessesSuite("postgres", {
  // a tenant of its own per test: the file's tests share the database
  setup: async () => {
    n++;
  },
  open: async () => openPgStorage(db.url, { clock, tenant: `menu-${n}`, max: 3 }),
});
