/** What the Matrix global setup hands to the test files (vitest `provide`/`inject`). */
import { inject } from "vitest";
import type { TestUser } from "./synapse.ts";

export type SynapseContext =
  | {
      ok: true;
      url: string;
      sharedSecret: string;
      serverName: string;
      logFile: string;
      /** Milliseconds the pip install took in this run (undefined: venv reused). */
      installMs?: number;
      startMs: number;
      users: { notfallbot: TestUser; anna: TestUser; ben: TestUser; cem: TestUser };
    }
  | { ok: false; error: string };

declare module "vitest" {
  export interface ProvidedContext {
    synapse: SynapseContext;
  }
}

/** The running test homeserver. Fails the calling test (never skips) with the setup error, e.g. "install python3". */
export function synapse(): Extract<SynapseContext, { ok: true }> {
  const ctx = inject("synapse");
  if (!ctx) throw new Error("Synapse global setup did not run: is tests/adapters/matrix/global-setup.ts in vitest.config.ts globalSetup?");
  if (!ctx.ok) throw new Error(ctx.error);
  return ctx;
}
