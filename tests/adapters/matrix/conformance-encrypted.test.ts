/**
 * The shared conformance suite in an end-to-end encrypted room: the same incident as conformance.test.ts, with every
 * message encrypted by the people's own clients (Rust crypto, one process each) and by the bot; likewise the menu
 * and the never-silent table.
 */
import { afterAll } from "vitest";
import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { type MatrixHarness, matrixHarness } from "./harness.ts";

let harness: MatrixHarness | undefined;
const t0 = Date.now();
conformanceSuite(() => {
  harness = matrixHarness({ encrypted: true });
  return harness;
});
// the whole suite, as in the unencrypted room (conformance.test.ts): the menu and the never-silent table too
menuSuite(() => matrixHarness({ encrypted: true }));
neverSilentSuite(() => matrixHarness({ encrypted: true }));

afterAll(() => {
  const l = harness?.declareLatencies ?? [];
  process.stderr.write(
    `[matrix] Konformität (verschlüsselt) in ${((Date.now() - t0) / 1000).toFixed(1)} s; !notfall → erste Bot-Nachricht im Thread (Annas Client): ${l.map((x) => `${x} ms`).join(", ") || "–"}\n`,
  );
});
