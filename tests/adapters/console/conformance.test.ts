import { conformanceSuite } from "../conformance.ts";
import { consoleHarness } from "./harness.ts";

conformanceSuite(consoleHarness);
