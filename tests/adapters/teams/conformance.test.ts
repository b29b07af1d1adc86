import { conformanceSuite, menuSuite, neverSilentSuite } from "../conformance.ts";
import { teamsHarness } from "./harness.ts";

// The same incident wherever people use Teams, with the activity shapes Teams sends there (tests/fixtures/teams).
// Every bot message must reach a conversation that exists: the harness's settle() fails on any 404
// ConversationNotFound of the strict fake Bot Connector.

// Channel, declared by a new post (its id is the thread root); replies @mention the bot (no RSC consent) …
conformanceSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
// … or are plain thread replies (RSC ChannelMessage.Read.Group).
conformanceSuite(() => teamsHarness({ place: "channel", replies: "plain" }));
// Channel, declared as a reply inside a thread somebody had started earlier (#13.1).
conformanceSuite(() => teamsHarness({ place: "channel-thread", replies: "plain" }));
// Group chat: declared with @Notfallbot notfall …, then typed without `notfall` (RSC ChatMessage.Read.Chat) or with it.
conformanceSuite(() => teamsHarness({ place: "groupChat", replies: "plain" }));
conformanceSuite(() => teamsHarness({ place: "groupChat", replies: "prefix" }));
conformanceSuite(() => teamsHarness({ place: "groupChat", replies: "mention" }));
// Personal chat with the bot, typed without and with `notfall`. (A real personal chat has one person besides the bot;
// the suite's three people share it here to run the same incident; tests/adapters/teams/scenarios.test.ts runs a
// one-person chat to its summary.)
conformanceSuite(() => teamsHarness({ place: "personal", replies: "plain" }));
conformanceSuite(() => teamsHarness({ place: "personal", replies: "prefix" }));

// The "which kind of emergency?" menu in a channel (buttons, pointing to a running incident, `neu`), in a thread
// declared in, and in chats (one incident per conversation).
menuSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
menuSuite(() => teamsHarness({ place: "channel-thread", replies: "plain" }));
menuSuite(() => teamsHarness({ place: "groupChat", replies: "prefix" }));
menuSuite(() => teamsHarness({ place: "personal", replies: "plain" }));

// Every line of the never-silent table (#10 item 3) where people type differently: a channel thread with @mentions,
// a group chat typed plain, a personal chat.
neverSilentSuite(() => teamsHarness({ place: "channel", replies: "mention" }));
neverSilentSuite(() => teamsHarness({ place: "groupChat", replies: "plain" }));
neverSilentSuite(() => teamsHarness({ place: "personal", replies: "plain" }));
