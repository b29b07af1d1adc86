import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { memoryHarness } from "./harness.ts";

conformanceSuite(() => memoryHarness());
menuSuite(() => memoryHarness());
neverSilentSuite(() => memoryHarness());
