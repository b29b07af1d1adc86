import { membershipSuite, rolesSuite } from "../roles-conformance.ts";
import { slackHarness } from "./harness.ts";

rolesSuite(slackHarness);
membershipSuite(slackHarness);
