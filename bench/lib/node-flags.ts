/**
 * The Node flags the product runs with (`npm run serve` in package.json; `npm start`, the launcher's restart and the
 * systemd unit carry the same, tests/unit/node-flags.test.ts), so that every server and child under test — and its
 * floor — is measured as it runs in production.
 */
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };

export const PRODUCT_NODE_FLAGS: readonly string[] = (/^node\s+((?:--\S+\s+)*)/.exec(pkg.scripts.serve ?? "")?.[1] ?? "")
  .trim()
  .split(/\s+/)
  .filter(Boolean);
