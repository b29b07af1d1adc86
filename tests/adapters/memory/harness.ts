import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import { blocksToPlain, mentionedIds } from "../../../src/core/message.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { MemoryAdapter } from "../../helpers/memory-adapter.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, ConfigFor, SeenMessage } from "../harness.ts";

/** The in-memory platform with every capability: exercises buttons, in-place updates, reactions and ephemerals. */
export function memoryHarness(caps: Partial<MemoryAdapter["capabilities"]> = {}): AdapterHarness {
  const playbooks = loadPlaybooks();
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  let storage: SqliteStorage;
  let adapter = new MemoryAdapter(caps);
  let bot: Bot;
  let last: Inbound | undefined;
  let n = 0;
  let rootRef: string | undefined;
  let makeConfig: ConfigFor | undefined;

  const boot = async () => {
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
    const fresh = new MemoryAdapter(caps);
    // the platform keeps its messages across a bot restart
    Object.assign(fresh, {
      sent: adapter.sent,
      current: adapter.current,
      order: adapter.order,
      reactions: adapter.reactions,
      n: (adapter as unknown as { n: number }).n,
    });
    adapter = fresh;
    bot = createBot({ storage, adapters: [adapter], clock, playbooks, ...(makeConfig ? { config: makeConfig((p) => p, "console") } : {}) });
    await bot.start();
  };
  const send = async (ev: Omit<Inbound, "platform" | "tenant" | "channel" | "receivedAt" | "deliveryId">) => {
    const full: Inbound = {
      platform: "memory",
      tenant: "t",
      channel: "memory:t:c1",
      receivedAt: clock.now(),
      deliveryId: `d${++n}`,
      ...(ev.kind === "reply" ? { messageRef: `u${n}` } : {}),
      ...ev,
    };
    last = full;
    await adapter.handler!(full);
  };
  const actor = (p: string) => ({ id: p, displayName: p });
  const thread = () => {
    rootRef ??= adapter.visible().find((m) => !m.thread && m.key.endsWith("/header"))?.ref;
    return rootRef;
  };

  return {
    name: "memory (all capabilities)",
    has: { buttons: true, reactions: true, ephemeral: true },
    async start(c) {
      clock = c;
      tmp = tempDir();
      await boot();
    },
    async stop() {
      await bot.stop();
      storage.close();
      tmp.cleanup();
    },
    async restartBot() {
      await bot.idle();
      await bot.stop();
      storage.close();
      await boot();
    },
    command: (p, args) => send({ actor: actor(p), kind: "command", text: args }),
    reply: (p, text) => {
      const mentions = [...text.matchAll(/<@([^>]+)>/g)].map((m) => actor(m[1]!));
      return send({ actor: actor(p), kind: "reply", text, threadRef: thread()!, ...(mentions.length ? { mentions } : {}) });
    },
    press: async (p, command) => {
      const msg = adapter
        .visible()
        .reverse()
        .find((m) =>
          m.blocks.some(
            (b) =>
              (b.type === "buttons" && b.buttons.some((x) => x.command === command)) ||
              (b.type === "tasks" && b.items.some((i) => i.actions.some((a) => a.command === command))),
          ),
        );
      if (!msg) throw new Error(`Kein Knopf für ${command}`);
      // a button in a thread is pressed there; one at channel level (a menu, a pointer to a running incident) outside
      await send({ actor: actor(p), kind: "action", action: { command }, ...(msg.thread ? { threadRef: thread()! } : {}) });
    },
    react: (p, emoji, m) => send({ actor: actor(p), kind: "reaction", reaction: { emoji, messageRef: m.ref } }),
    async messages(): Promise<SeenMessage[]> {
      return adapter.visible().map((m) => ({
        text: blocksToPlain(m.blocks),
        inThread: Boolean(m.thread),
        buttons: m.blocks.flatMap((b) =>
          b.type === "buttons"
            ? b.buttons.map((x) => x.command)
            : b.type === "tasks"
              ? b.items.flatMap((i) => i.actions.map((a) => a.command))
              : [],
        ),
        ref: m.ref,
        mentioned: mentionedIds(blocksToPlain(m.blocks)),
        ...(m.visibleTo ? { visibleTo: m.visibleTo } : {}),
      }));
    },
    async redeliverLast() {
      if (last) await adapter.handler!(last);
    },
    async settle() {
      await bot.idle();
    },
    mention: (p) => `<@${p}>`,
    configure(make) {
      makeConfig = make;
    },
    identity: (p) => p,
    botReactions: async () => adapter.reactions.map((r) => r.emoji),
  };
}
