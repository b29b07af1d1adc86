import type { Capabilities, ChatAdapter, DeliveryResult, InboundHandler } from "../../src/core/adapter.ts";
import type { Outbound } from "../../src/core/message.ts";

/**
 * An in-memory chat platform for core tests: records what was sent, applies in-place updates,
 * and offers every capability (or those given). Not a fake of any real platform.
 */
export class MemoryAdapter implements ChatAdapter {
  readonly platform = "memory" as const;
  readonly capabilities: Capabilities;
  readonly sent: (Outbound & { ref: string })[] = [];
  /** Reactions the bot added to people's messages. */
  readonly reactions: { ref: string; emoji: string; key: string }[] = [];
  /** Current content by ref (updates applied). */
  readonly current = new Map<string, Outbound>();
  order: string[] = [];
  handler: InboundHandler | undefined;
  private n = 0;
  /** Make the next deliveries fail with this error (consumed one per call). */
  failures: Error[] = [];

  constructor(caps: Partial<Capabilities> = {}) {
    this.capabilities = { buttons: true, update: true, reactions: true, ephemeral: true, threads: true, threadRoot: "bot", ...caps };
  }

  async start(onEvent: InboundHandler): Promise<void> {
    this.handler = onEvent;
  }
  async stop(): Promise<void> {}

  async deliver(msg: Outbound): Promise<DeliveryResult> {
    const f = this.failures.shift();
    if (f) throw f;
    if (msg.reaction) {
      // a reaction on a person's message: not a message of its own
      this.reactions.push({ ref: msg.reaction.ref, emoji: msg.reaction.emoji, key: msg.key });
      return { ref: `reaction:${msg.reaction.ref}` };
    }
    if (msg.replace && msg.replaceRef) {
      this.current.set(msg.replaceRef, msg);
      this.sent.push({ ...msg, ref: msg.replaceRef });
      return { ref: msg.replaceRef };
    }
    const ref = `m${++this.n}`;
    this.current.set(ref, msg);
    this.order.push(ref);
    this.sent.push({ ...msg, ref });
    return { ref };
  }

  /** Messages in posting order with updates applied. */
  visible(): (Outbound & { ref: string })[] {
    return this.order.map((ref) => ({ ...this.current.get(ref)!, ref }));
  }
}
