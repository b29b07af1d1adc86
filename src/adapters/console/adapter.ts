import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Capabilities, ChatAdapter, DeliveryResult, InboundHandler } from "../../core/adapter.ts";
import type { Clock } from "../../core/clock.ts";
import type { Inbound } from "../../core/inbound.ts";
import type { Outbound } from "../../core/message.ts";
import { renderConsole } from "./render.ts";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  clock: Clock;
  /** Who a plain line speaks as. */
  defaultUser?: string;
  color?: boolean;
  /** Called once the input has ended and every line was handed to the core. */
  onEnd?: () => void;
}

export const CONSOLE_CHANNEL = "console:local:main";
const PREFIX = /^\s*[/!]?notfall\b\s*/i;
const SPEAKER = /^@([\p{L}\p{N}._-]{1,40}):\s?(.*)$/u;

/**
 * The terminal adapter: one line in is one chat message; `@anna: text` speaks as anna. Lines starting
 * with `/notfall` are commands; other lines are replies in the running incident (or commands when none runs).
 * Input is read whether or not it is a terminal; at the end of input the bot finishes its work and exits.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly capabilities: Capabilities = { buttons: false, update: false, reactions: false, ephemeral: false, threads: false, threadRoot: "bot" };
  private readonly o: ConsoleOptions;
  private seq = 0;
  private lineNo = 0;
  private rl: ReturnType<typeof createInterface> | undefined;
  private readonly runId = Date.now().toString(36);
  private chain: Promise<void> = Promise.resolve();

  constructor(o: ConsoleOptions) {
    this.o = o;
  }

  /** Parse one input line; undefined for blank lines. */
  parseLine(line: string): Inbound | undefined {
    if (!line.trim()) return undefined;
    let user = this.o.defaultUser ?? "ich";
    let text = line;
    const m = SPEAKER.exec(line.trim());
    if (m) {
      user = m[1]!;
      text = m[2]!;
    }
    const isCommand = PREFIX.test(text);
    const mentions = [...text.matchAll(/(?:^|\s)@([\p{L}\p{N}._-]{1,40})/gu)].map((x) => ({ id: x[1]!, displayName: x[1]! }));
    this.lineNo++;
    return {
      platform: "console",
      tenant: "local",
      channel: CONSOLE_CHANNEL,
      actor: { id: user, displayName: user },
      kind: isCommand ? "command" : "reply",
      text: isCommand ? text.replace(PREFIX, "") : text,
      ...(mentions.length ? { mentions } : {}),
      receivedAt: this.o.clock.now(),
      deliveryId: `${this.runId}:${this.lineNo}`,
    };
  }

  async start(onEvent: InboundHandler): Promise<void> {
    const rl = createInterface({ input: this.o.input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    this.rl = rl;
    rl.on("line", (line) => {
      const ev = this.parseLine(line);
      if (ev) this.chain = this.chain.then(() => onEvent(ev));
    });
    rl.on("close", () => {
      void this.chain.then(() => this.o.onEnd?.());
    });
  }

  /** Resolves when every line read so far has been handed to the core. */
  drained(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.rl?.close();
  }

  async deliver(msg: Outbound): Promise<DeliveryResult> {
    const text = renderConsole(msg, { color: this.o.color ?? false });
    await new Promise<void>((resolve, reject) => this.o.output.write(text, (err) => (err ? reject(err) : resolve())));
    this.seq++;
    return { ref: msg.replaceRef ?? `${this.runId}-${this.seq}` };
  }

  health() {
    return { ok: true };
  }
}
