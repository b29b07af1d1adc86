import { conformanceSuite, menuSuite } from "../conformance.ts";
import { slackHarness } from "./harness.ts";

conformanceSuite(slackHarness);
menuSuite(slackHarness);
