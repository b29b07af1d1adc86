import { afterAll } from "vitest";
import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { type MatrixHarness, matrixHarness } from "./harness.ts";

let harness: MatrixHarness | undefined;
const t0 = Date.now();
conformanceSuite(() => {
  harness = matrixHarness();
  return harness;
});
menuSuite(() => matrixHarness());
neverSilentSuite(() => matrixHarness());

afterAll(() => {
  const l = harness?.declareLatencies ?? [];
  process.stderr.write(
    `[matrix] Konformität in ${((Date.now() - t0) / 1000).toFixed(1)} s; !notfall → erste Bot-Nachricht im Thread (Annas Client): ${l.map((x) => `${x} ms`).join(", ") || "–"}\n`,
  );
});
