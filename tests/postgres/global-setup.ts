/**
 * vitest globalSetup: one real PostgreSQL server per test run (tests/postgres/server.ts), started only when a test
 * file that needs it is part of the run, stopped at the end. The URL goes to the tests with `provide`; each test
 * file makes its own database on it (tests/postgres/context.ts). A failed start does not abort the run: every
 * test that needs PostgreSQL fails with the message saying what to install.
 */
import type { TestProject } from "vitest/node";
import type { PostgresContext } from "./context.ts";
import { PostgresServer } from "./server.ts";

/** Test files under these folders need the server. */
export const POSTGRES_TEST_DIRS = ["/tests/storage/", "/tests/postgres/", "/tests/durability/two-processes", "/tests/adapters/slack/oauth"];

async function postgresTestsSelected(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!filters || filters.length === 0) return true;
  try {
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((f) => POSTGRES_TEST_DIRS.some((d) => f.replace(/\\/g, "/").includes(d)));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!(await postgresTestsSelected(project))) {
    project.provide("postgres", { ok: false, error: "PostgreSQL not started: no test that needs it was selected" });
    return async () => {};
  }
  let server: PostgresServer | undefined;
  let ctx: PostgresContext;
  try {
    const t0 = Date.now();
    server = await PostgresServer.create();
    process.stderr.write(
      `[postgres] läuft auf ${new URL(server.url).host} (Start ${((Date.now() - t0) / 1000).toFixed(1)} s, ${server.binDir})\n`,
    );
    ctx = { ok: true, url: server.url, binDir: server.binDir };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`[postgres] Start fehlgeschlagen / failed to start:\n${message}\n`);
    ctx = { ok: false, error: `PostgreSQL-Testserver nicht verfügbar / not available:\n${message}` };
  }
  project.provide("postgres", ctx);
  const running = server;
  process.once("exit", () => running?.killNow()); // last resort when vitest dies without teardown
  return async () => {
    await running?.stop();
  };
}
