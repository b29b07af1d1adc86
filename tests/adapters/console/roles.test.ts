import { rolesSuite } from "../roles-conformance.ts";
import { consoleHarness } from "./harness.ts";

rolesSuite(consoleHarness);
