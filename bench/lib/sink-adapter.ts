import type { Capabilities, ChatAdapter, DeliveryResult, InboundHandler } from "../../src/core/adapter.ts";
import type { Outbound } from "../../src/core/message.ts";

/**
 * A platform that accepts every message and keeps nothing but a counter (Slack-like capabilities).
 * Used where the recorder of tests/helpers/memory-adapter.ts would distort the figure (memory, restart):
 * it keeps every message it was sent.
 */
export class SinkAdapter implements ChatAdapter {
  readonly platform = "memory" as const;
  readonly capabilities: Capabilities = { buttons: true, update: true, reactions: true, ephemeral: true, threads: true, threadRoot: "bot" };
  handler: InboundHandler | undefined;
  delivered = 0;
  /** Ref of the last root message (no thread) per channel: the incident thread to reply in. */
  readonly roots = new Map<string, string>();

  async start(onEvent: InboundHandler): Promise<void> {
    this.handler = onEvent;
  }

  async stop(): Promise<void> {}

  async deliver(msg: Outbound): Promise<DeliveryResult> {
    if (msg.replace && msg.replaceRef) return { ref: msg.replaceRef };
    const ref = `m${++this.delivered}`;
    if (!msg.thread) this.roots.set(msg.channel, ref);
    return { ref };
  }
}
