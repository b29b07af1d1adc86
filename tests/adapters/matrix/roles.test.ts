import { rolesSuite } from "../roles-conformance.ts";
import { matrixHarness } from "./harness.ts";

rolesSuite(() => matrixHarness());
