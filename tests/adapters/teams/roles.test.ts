import { membershipSuite, rolesSuite } from "../roles-conformance.ts";
import { teamsHarness } from "./harness.ts";

// a team channel (mentions of the bot in replies) and a group chat: the roles work the same
rolesSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
rolesSuite(() => teamsHarness({ place: "groupChat", replies: "plain" }));
membershipSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
