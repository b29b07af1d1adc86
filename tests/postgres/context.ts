/** What the PostgreSQL global setup hands to the test files, and a fresh database per test file. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export type PostgresContext = { ok: true; url: string; binDir: string } | { ok: false; error: string };

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresContext;
  }
}

/** The running test server. Fails the calling test (never skips) with the setup error, e.g. "install postgresql". */
export function postgres(): Extract<PostgresContext, { ok: true }> {
  const ctx = inject("postgres");
  if (!ctx) throw new Error("PostgreSQL global setup did not run: is tests/postgres/global-setup.ts in vitest.config.ts globalSetup?");
  if (!ctx.ok) throw new Error(ctx.error);
  return ctx;
}

/** A new, empty database on the test server (dropped with `drop()`), so test files running in parallel never meet. */
export async function freshDatabase(prefix = "t"): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const { url } = postgres();
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const c = new pg.Client(url);
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
