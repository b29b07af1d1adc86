import type { Platform } from "./adapter.ts";

export interface ActorRef {
  /** Platform-scoped user id, e.g. `U123`, `@anna:localhost`, `29:1abc…`, `anna` (console). */
  id: string;
  displayName: string;
}

/**
 * One normalised event from a chat platform. Adapters build this after verifying the request
 * (signature, token). The core never sees an SDK type.
 */
export interface Inbound {
  platform: Platform;
  /** Workspace / tenant / homeserver. */
  tenant: string;
  /** Canonical channel id (`slack:T1:C1`, `matrix:!room:hs`, `teams:<tenant>:<conversation id without ;messageid>`, `console:local:main`). */
  channel: string;
  /** Platform id of the thread root when the event happened inside a thread. */
  threadRef?: string;
  /** Platform id of the message itself (for commands typed as messages: the incident thread can hang on it). */
  messageRef?: string;
  /**
   * Whether this conversation has threads, where that differs from the platform's `capabilities.threads` (Teams: a
   * channel has threads, a group or personal chat has none). A conversation without threads is one incident thread:
   * replies go to its open incident, and the bot does not speak of a thread there.
   */
  threads?: boolean;
  /**
   * The person addressed the bot (mentioned it, or wrote in a one-to-one chat with it). A reply that belongs to no
   * incident is then read as a command (help, declaration) instead of being ignored as other people's conversation.
   * Default: true where the platform has no threads (a terminal), false elsewhere.
   */
  addressed?: boolean;
  actor: ActorRef;
  /** Other ids the platform gives for the same person (Teams: the Entra object id), to recognise them from the plan. */
  actorIds?: string[];
  kind: "command" | "reply" | "action" | "reaction";
  /**
   * Text for command/reply, with the command prefix (`/notfall`, `!notfall`, `notfall`, bot mention) already removed
   * for kind=command. Mentions of people are normalised to `<@id>` and listed in `mentions`.
   */
  text?: string;
  /** Mentioned people, resolved by the adapter (id + display name). */
  mentions?: ActorRef[];
  /** Button press: the command the button carries and the incident it belongs to. */
  action?: { command: string; incidentId?: string };
  /** Reaction on a bot message: emoji as unicode (✅, 👍, 👀) and the platform id of the message. */
  reaction?: { emoji: string; messageRef: string };
  receivedAt: Date;
  /** Stable id for deduplication of redeliveries (Slack event_id, Matrix event id, Teams activity id, …). */
  deliveryId: string;
  /** Preferred language of the person, if the platform knows it. */
  locale?: "de" | "en";
}
