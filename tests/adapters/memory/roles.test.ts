import { rolesSuite } from "../roles-conformance.ts";
import { memoryHarness } from "./harness.ts";

rolesSuite(() => memoryHarness());
