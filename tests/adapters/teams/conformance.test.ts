import { conformanceSuite } from "../conformance.ts";
import { teamsHarness } from "./harness.ts";

// The same incident wherever Teams people work; every bot message must reach a conversation that exists (the harness's
// settle() fails on any 404 ConversationNotFound of the strict fake Bot Connector).
conformanceSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
