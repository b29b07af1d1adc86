import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { consoleHarness } from "./harness.ts";

conformanceSuite(consoleHarness);
menuSuite(consoleHarness);
neverSilentSuite(consoleHarness);
