import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type Capabilities, type ChatAdapter, type DeliveryResult, type InboundHandler, NO_CAPABILITIES } from "../../core/adapter.ts";
import type { Clock } from "../../core/clock.ts";
import type { Inbound } from "../../core/inbound.ts";
import type { Outbound } from "../../core/message.ts";
import { renderConsole, renderNotice } from "./render.ts";
import { consoleTexts, type OpenIncidentNote } from "./texts.ts";

export type { OpenIncidentNote } from "./texts.ts";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  clock: Clock;
  /** Who a plain line speaks as. */
  defaultUser?: string;
  color?: boolean;
  /**
   * Terminal width in columns, read anew for every message (the window may be resized); messages are wrapped at
   * word boundaries to fit. Undefined or 0: no wrapping. The CLI passes {@link terminalColumns}.
   */
  columns?: number | (() => number | undefined);
  /** Language of the terminal's own notices (start, end of input). Default German. */
  locale?: "de" | "en";
  /** Called once the input has ended and every line was handed to the core. */
  onEnd?: () => void;
  /**
   * Put a line `⟦key⟧` (the message's outbox key) before every delivered message, so a program reading the
   * output (the crash tests in tests/durability) can tell messages apart and count each delivery.
   * Default: on when the environment variable `NOTFALL_CONSOLE_TRACE=1` is set, off otherwise. The terminal's own
   * notices (open incidents at start, end of input) then go to stderr, so stdout holds only messages.
   */
  trace?: boolean;
}

export const CONSOLE_CHANNEL = "console:local:main";
/** How the terminal's own notices about open incidents look: yellow, each paragraph marked with ». */
const NOTE = { tint: "yellow", marker: "» ", markdown: true } as const;
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
  readonly capabilities: Capabilities = { ...NO_CAPABILITIES, speakAs: true };
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
    let user = this.o.defaultUser ?? consoleTexts(this.o.locale).defaultUser;
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
    const rendered = renderConsole(msg, this.style());
    await this.write(this.o.output, this.trace ? `⟦${msg.key}⟧\n${rendered}` : rendered);
    this.seq++;
    return { ref: msg.replaceRef ?? `${this.runId}-${this.seq}` };
  }

  /**
   * Before the first line is read: an optional introduction (`intro`, for a person at a terminal), then the incidents
   * still open from an earlier session, each with its phase, and what to type.
   */
  async greet(o: { intro?: readonly string[]; open: readonly OpenIncidentNote[] }): Promise<void> {
    const style = this.style();
    let text = o.intro?.length ? `${renderNotice(o.intro, style, { markdown: true })}\n` : "";
    const resume = consoleTexts(this.o.locale).resume(o.open);
    if (resume.length) text += `${renderNotice(resume, style, NOTE)}\n`;
    if (text) await this.write(this.notices(), text);
  }

  /** After the input has ended and the bot is idle: which incidents keep running and how to come back (`again`). */
  async farewell(open: readonly OpenIncidentNote[], again: string): Promise<void> {
    const lines = consoleTexts(this.o.locale).farewell(open, again);
    if (lines.length) await this.write(this.notices(), `\n${renderNotice(lines, this.style(), NOTE)}`);
  }

  private style() {
    const cols = typeof this.o.columns === "function" ? this.o.columns() : this.o.columns;
    return { color: this.o.color ?? false, ...(cols ? { width: cols } : {}), ...(this.o.locale ? { locale: this.o.locale } : {}) };
  }

  /** Where the terminal's own notices go: stdout, or stderr when a program reads stdout (trace mode). */
  private notices(): Writable {
    return this.trace ? process.stderr : this.o.output;
  }

  private async write(out: Writable, text: string): Promise<void> {
    const fd = syncFd(out);
    if (fd !== undefined) writeAllSync(fd, text);
    else await new Promise<void>((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
  }

  health() {
    return { ok: true };
  }
}

/**
 * Width of the terminal for wrapping: `COLUMNS` when set (so `COLUMNS=60 npm start` shows a phone-width terminal,
 * also through a pipe), else the width of `out` when it is a terminal, else undefined (no wrapping).
 */
export function terminalColumns(
  env: NodeJS.ProcessEnv = process.env,
  out: { isTTY?: boolean; columns?: number } = process.stdout,
): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return out.isTTY && out.columns ? out.columns : undefined;
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
