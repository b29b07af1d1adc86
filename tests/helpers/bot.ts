import { type Bot, createBot } from "../../src/app.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import { blocksToPlain } from "../../src/core/message.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { MemoryAdapter } from "./memory-adapter.ts";
import { tempDir } from "./tmp.ts";

const playbooks = loadPlaybooks();

/** A whole bot on a real temporary SQLite file, the in-memory platform and a fake clock. */
export class TestBot {
  readonly tmp = tempDir();
  readonly clock: FakeClock;
  readonly dbPath: string;
  storage!: SqliteStorage;
  adapter!: MemoryAdapter;
  bot!: Bot;
  private n = 0;
  private readonly caps: ConstructorParameters<typeof MemoryAdapter>[0];
  private readonly config: OrgConfig | undefined;
  private readonly locale: "de" | "en" | undefined;

  constructor(
    opts: { start?: string; caps?: ConstructorParameters<typeof MemoryAdapter>[0]; config?: OrgConfig; locale?: "de" | "en" } = {},
  ) {
    this.clock = new FakeClock(opts.start ?? "2026-03-02T08:00:00Z");
    this.dbPath = `${this.tmp.dir}/notfall.db`;
    this.caps = opts.caps;
    this.config = opts.config;
    this.locale = opts.locale;
  }

  async start(): Promise<this> {
    this.storage = openStorage(this.dbPath, { clock: this.clock });
    const prev = this.adapter;
    this.adapter = new MemoryAdapter(this.caps);
    if (prev)
      Object.assign(this.adapter, { sent: prev.sent, current: prev.current, order: prev.order, n: (prev as unknown as { n: number }).n });
    this.bot = createBot({
      storage: this.storage,
      adapters: [this.adapter],
      clock: this.clock,
      playbooks,
      ...(this.config ? { config: this.config } : {}),
      ...(this.locale ? { locale: this.locale } : {}),
    });
    await this.bot.start();
    return this;
  }

  /** Stop and start again on the same database file (as after a crash or deploy). */
  async restart(): Promise<void> {
    await this.bot.stop();
    await this.storage.close();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.storage.close();
    this.tmp.cleanup();
  }

  rootRef(): string {
    return this.adapter.visible().findLast((m) => !m.thread && m.key.endsWith("/header"))!.ref;
  }

  async say(who: string, text: string, kind: Inbound["kind"] = "reply"): Promise<void> {
    const mentions = [...text.matchAll(/<@([^>]+)>/g)].map((m) => ({ id: m[1]!, displayName: m[1]! }));
    const ev: Inbound = {
      platform: "memory",
      tenant: "t",
      channel: "memory:t:c1",
      actor: { id: who, displayName: who },
      kind,
      text,
      receivedAt: this.clock.now(),
      deliveryId: `d${++this.n}`,
      ...(kind === "reply" ? { threadRef: this.rootRef(), messageRef: `u${this.n}` } : {}),
      ...(mentions.length ? { mentions } : {}),
    };
    await this.adapter.handler!(ev);
    await this.bot.idle();
  }

  command(who: string, text: string): Promise<void> {
    return this.say(who, text, "command");
  }

  /** Plain text of every message as currently visible. */
  texts(): string[] {
    return this.adapter.visible().map((m) => blocksToPlain(m.blocks));
  }

  last(): string {
    return this.texts().at(-1) ?? "";
  }

  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.bot.idle();
  }
}

export const HOUR = 3_600_000;
