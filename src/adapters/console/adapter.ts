import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type Capabilities, type ChatAdapter, type DeliveryResult, type InboundHandler, NO_CAPABILITIES } from "../../core/adapter.ts";
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
  /**
   * Put a line `⟦key⟧` (the message's outbox key) before every delivered message, so a program reading the
   * output (the crash tests in tests/durability) can tell messages apart and count each delivery.
   * Default: on when the environment variable `NOTFALL_CONSOLE_TRACE=1` is set, off otherwise.
   */
  trace?: boolean;
}

export const CONSOLE_CHANNEL = "console:local:main";
const PREFIX = /^\s*[/!]?notfall\b\s*/i;
const SPEAKER = /^@([\p{L}\p{N}._-]{1,40}):\s?(.*)$/u;

/**
 * The terminal adapter: one line in is one chat message; `@anna: text` speaks as anna. Lines starting
 * with `/notfall` are commands; other lines are replies in the running incident (or commands when none runs).
 * Input is read whether or not it is a terminal; at the end of input the bot finishes its work and exits.
 *
 * Delivery is synchronous when the output is a file descriptor (stdout of the CLI): the message is written
 * with `fs.writeSync` before `deliver` resolves, so the dispatcher marks it sent right after. A `kill -9` can
 * then repeat at most the one message whose write had completed but whose row was not yet marked.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly capabilities: Capabilities = NO_CAPABILITIES;
  private readonly o: ConsoleOptions;
  private seq = 0;
  private lineNo = 0;
  private rl: ReturnType<typeof createInterface> | undefined;
  private readonly runId = Date.now().toString(36);
  private chain: Promise<void> = Promise.resolve();
  private readonly trace: boolean;

  constructor(o: ConsoleOptions) {
    this.o = o;
    this.trace = o.trace ?? process.env.NOTFALL_CONSOLE_TRACE === "1";
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
    const rendered = renderConsole(msg, { color: this.o.color ?? false });
    const text = this.trace ? `⟦${msg.key}⟧\n${rendered}` : rendered;
    const fd = syncFd(this.o.output);
    if (fd !== undefined) writeAllSync(fd, text);
    else await new Promise<void>((resolve, reject) => this.o.output.write(text, (err) => (err ? reject(err) : resolve())));
    this.seq++;
    return { ref: msg.replaceRef ?? `${this.runId}-${this.seq}` };
  }

  health() {
    return { ok: true };
  }
}

/** The file descriptor behind `out` (process.stdout has one), when nothing is queued in the stream (keeps the order). */
function syncFd(out: Writable): number | undefined {
  const fd = (out as Writable & { fd?: unknown }).fd;
  return typeof fd === "number" && out.writableLength === 0 ? fd : undefined;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `text` to `fd` now. A full non-blocking pipe (EAGAIN) is waited out in 1 ms steps. */
function writeAllSync(fd: number, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  }
}
