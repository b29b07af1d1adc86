/**
 * What the crash harness (./_crash.ts) needs from one platform: start the real bot as a child process on a
 * database file, hand it inbound events, see every message it delivers (with the core's message key),
 * and kill it. The terminal adapter is ./_console-target.ts; an HTTP adapter (Slack, Teams) plugs in by
 * implementing the same two interfaces: `send` posts a signed platform event to the bot, the platform
 * side (a local recorder of the Web API calls) reports each delivered message, and the message key comes
 * from the database row whose platform ref the recorder handed out (outbox.ref). That is ./_serve-target.ts, with
 * ./_slack-target.ts and ./_teams-target.ts as its platforms.
 */
import type { Step } from "./_script.ts";

/** One message as the platform received it. */
export interface SeenMessage {
  /** The core's message key (outbox key). */
  key: string;
  /** What the person sees (may be cut off when the process died while writing it). */
  text: string;
  /** An edit of a message already shown (Slack chat.update, Teams PUT), not a new message in the channel. */
  update?: boolean;
}

/** One life of the bot process. */
export interface BotRun {
  /** Messages delivered in this run, in order. Grows while the process runs; complete once `exited` resolved. */
  readonly messages: readonly SeenMessage[];
  /** Output progress (lines for the terminal, messages for an HTTP platform): what kill points are counted in. */
  readonly progress: number;
  /** Output that could not be attributed to a message (must stay empty). */
  readonly stray: readonly string[];
  /** Deliver one inbound event to the bot, as the platform would (no retries). */
  send(step: Step): void;
  /** Called synchronously whenever `progress` grew, so a kill can follow the output without delay. */
  onProgress(cb: () => void): void;
  /** `kill -9` now. */
  kill(): void;
  readonly killed: boolean;
  /** Let the bot finish its work and exit normally (terminal: end of input). */
  end(): void;
  /** Resolves once the process is gone and all of its output has been read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export interface CrashTarget {
  readonly name: string;
  /** Start the bot on `dbPath`; `workDir` is a scratch folder that lives as long as the test. */
  start(dbPath: string, workDir: string): BotRun;
}
