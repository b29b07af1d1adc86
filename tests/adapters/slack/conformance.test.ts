import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { slackHarness } from "./harness.ts";

conformanceSuite(slackHarness);
menuSuite(slackHarness);
neverSilentSuite(slackHarness);
