/**
 * vitest globalSetup: one real Synapse homeserver per test run for the Matrix tests. Installs Synapse on the first run
 * (`.cache/synapse/venv`), starts it on 127.0.0.1 and a free port, registers the bot and anna, ben, cem, and hands
 * URL, shared secret and accounts to the tests with `provide`. Problems (no python3 …) do not abort the whole run:
 * they are handed over as an error that fails every Matrix test with a message saying what to install.
 */
import type { TestProject } from "vitest/node";
import type { SynapseContext } from "./context.ts";
import { ensureSynapse, registerUser, SERVER_NAME, SynapseServer } from "./synapse.ts";

/** Only start Synapse when a Matrix test file is part of this run (e.g. not for `vitest run tests/unit`). */
async function matrixTestsSelected(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!filters || filters.length === 0) return true;
  try {
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((f) => f.replace(/\\/g, "/").includes("/tests/adapters/matrix/"));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: SynapseServer | undefined;
  if (!(await matrixTestsSelected(project))) {
    project.provide("synapse", { ok: false, error: "Synapse not started: no Matrix test selected" });
    return async () => {};
  }
  let ctx: SynapseContext;
  try {
    const { python, installMs } = ensureSynapse();
    const t0 = Date.now();
    server = await SynapseServer.create(python);
    const startMs = Date.now() - t0;
    const reg = (name: string, displayName?: string) =>
      registerUser(server!.url, server!.sharedSecret, name, displayName ? { displayName } : {});
    const [notfallbot, anna, ben, cem] = await Promise.all([reg("notfallbot", "Notfallbot"), reg("anna"), reg("ben"), reg("cem")]);
    process.stderr.write(`[synapse] läuft auf ${server.url} (Start ${(startMs / 1000).toFixed(1)} s, Log ${server.logFile})\n`);
    ctx = {
      ok: true,
      url: server.url,
      sharedSecret: server.sharedSecret,
      serverName: SERVER_NAME,
      logFile: server.logFile,
      ...(installMs !== undefined ? { installMs } : {}),
      startMs,
      users: { notfallbot, anna, ben, cem },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`[synapse] Start fehlgeschlagen / failed to start:\n${message}\n`);
    if (server) process.stderr.write(`${server.logTail()}\n`);
    await server?.stop();
    ctx = { ok: false, error: `Matrix-Testserver (Synapse) nicht verfügbar / not available:\n${message}` };
  }
  project.provide("synapse", ctx);
  const running = server;
  const kill = () => running?.stop();
  process.once("exit", () => {
    // last resort when vitest dies without teardown: do not leave a homeserver behind
    void kill();
  });
  return async () => {
    await running?.destroy();
  };
}
