import type { FakeClock } from "../../src/core/clock.ts";
import type { ChatIdentities, OrgConfig } from "../../src/core/org.ts";

/** A bot message as a person sees it on the platform. */
export interface SeenMessage {
  /** Plain text as shown (rendered and with markup stripped); for cards/blocks: all visible text joined. */
  text: string;
  /** In the incident's thread (true) or at channel level (false). */
  inThread: boolean;
  /** Ephemeral: shown to this person only (person name as used in the harness). */
  visibleTo?: string;
  /** The commands carried by the buttons on this message (e.g. `erledigt 3`), empty where the platform has none. */
  buttons: string[];
  /** Platform id, for react(). */
  ref: string;
  /** The people (harness names) this message mentions the platform's own way, so that they are notified. */
  mentioned: string[];
}

/** Builds an organisation file from each person's chat identity on the platform under test (`chat` names its key). */
export type ConfigFor = (identity: (person: string) => string, chat: keyof ChatIdentities) => OrgConfig;

/**
 * One chat platform driven through its real SDK for the shared conformance suite
 * (tests/adapters/conformance.ts). People are `anna`, `ben`, `cem`.
 */
export interface AdapterHarness {
  readonly name: string;
  /** Whether the platform has buttons / reactions / ephemeral messages (the suite adapts). */
  readonly has: {
    buttons: boolean;
    reactions: boolean;
    ephemeral: boolean;
    /**
     * Every command lands in one conversation or thread (a terminal, a chat, a thread declared in): a second open
     * incident there is refused instead of pointed to. Default false.
     */
    single?: boolean;
  };
  /** Start the platform side (fake API or real server) and the bot on a fresh SQLite file with this clock. */
  start(clock: FakeClock): Promise<void>;
  stop(): Promise<void>;
  /** Restart the bot process/instance on the same database (platform side stays up). */
  restartBot(): Promise<void>;
  /** The person types a bot command at channel level in the platform's own form (`/notfall …`, `!notfall …`, `@Notfallbot notfall …`). `args` is without the prefix. */
  command(person: string, args: string): Promise<void>;
  /** The person writes into the incident thread (the newest incident). */
  reply(person: string, text: string): Promise<void>;
  /** The person presses the button carrying `command` on the newest message that has one. */
  press(person: string, command: string): Promise<void>;
  /** The person reacts with `emoji` on a bot message. */
  react(person: string, emoji: string, message: SeenMessage): Promise<void>;
  /** Every bot message so far, in posting order, with in-place updates applied. */
  messages(): Promise<SeenMessage[]>;
  /** Deliver the last inbound event again, byte for byte (platform retry / duplicate). */
  redeliverLast(): Promise<void>;
  /** Wait until the bot has handled everything sent so far and delivered its outbox, and the platform side has seen it. */
  settle(): Promise<void>;
  /**
   * What the bot sent to the platform so far: new messages, edits of its messages in place, and edits that left the
   * message exactly as it was (wasted: an "(edited)" mark on Matrix, an API call on Slack and Teams). Where the
   * platform can update messages.
   */
  traffic?(): Promise<{ posts: number; edits: number; unchanged: number }>;
  /** Reactions the bot put on people's messages (light acknowledgements), where the platform has reactions. */
  botReactions?(): Promise<string[]>;
  /**
   * The person leaves the channel (room, team) the incidents run in, on the platform side, where the bot can ask the
   * platform who is a member. Call after start() and before the declaration that should see it.
   */
  leave?(person: string): Promise<void>;
  /** How a person is mentioned in a message on this platform (e.g. `<@U0ANNA>`, `@anna:localhost`, `<at>Anna</at>`). */
  mention(person: string): string;
  /** Call before start(): the bot reads this organisation file (built from the people's ids on this platform). */
  configure(make: ConfigFor): void;
  /** The person's id on this platform as an organisation file names it (`chat: { slack: … }`). */
  identity(person: string): string;
}
