import { membershipSuite, rolesSuite } from "../roles-conformance.ts";
import { matrixHarness } from "./harness.ts";

rolesSuite(() => matrixHarness());
membershipSuite(() => matrixHarness());
