import { conformanceSuite, menuSuite } from "../conformance.ts";
import { memoryHarness } from "./harness.ts";

conformanceSuite(() => memoryHarness());
menuSuite(() => memoryHarness());
