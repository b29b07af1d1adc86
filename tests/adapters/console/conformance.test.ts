import { conformanceSuite, menuSuite } from "../conformance.ts";
import { consoleHarness } from "./harness.ts";

conformanceSuite(consoleHarness);
menuSuite(consoleHarness);
