import { conformanceSuite } from "../conformance.ts";
import { memoryHarness } from "./harness.ts";

conformanceSuite(() => memoryHarness());
