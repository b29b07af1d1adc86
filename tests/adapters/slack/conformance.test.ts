import { conformanceSuite } from "../conformance.ts";
import { slackHarness } from "./harness.ts";

conformanceSuite(slackHarness);
