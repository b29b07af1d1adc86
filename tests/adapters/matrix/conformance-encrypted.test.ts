/**
 * The shared conformance suite in an end-to-end encrypted room: the same incident as conformance.test.ts, with every
 * message encrypted by the people's own clients (Rust crypto, one process each) and by the bot.
 */
import { afterAll } from "vitest";
import { conformanceSuite } from "../conformance.ts";
import { type MatrixHarness, matrixHarness } from "./harness.ts";

let harness: MatrixHarness | undefined;
const t0 = Date.now();
conformanceSuite(() => {
  harness = matrixHarness({ encrypted: true });
  return harness;
});

afterAll(() => {
  const l = harness?.declareLatencies ?? [];
  process.stderr.write(
    `[matrix] Konformität (verschlüsselt) in ${((Date.now() - t0) / 1000).toFixed(1)} s; !notfall → erste Bot-Nachricht im Thread (Annas Client): ${l.map((x) => `${x} ms`).join(", ") || "–"}\n`,
  );
});
