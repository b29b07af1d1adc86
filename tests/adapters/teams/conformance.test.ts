import { conformanceSuite } from "../conformance.ts";
import { teamsHarness } from "./harness.ts";

conformanceSuite(teamsHarness);
