import { type Bot, createBot } from "../../src/app.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import type { Block, Outbound } from "../../src/core/message.ts";
import type { ExportSink } from "../../src/core/service.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { MemoryAdapter } from "../helpers/memory-adapter.ts";
import { tempDir } from "../helpers/tmp.ts";

const library = loadPlaybooks();

export const CHANNEL = "memory:t:c1";

/** One person as the platform reports them. */
export interface Person {
  id: string;
  displayName: string;
}
export const person = (id: string, displayName = id): Person => ({ id, displayName });

export interface SendOptions {
  /** `reply` (default): in the current incident's thread. `command`: a slash command; with `inThread` also in the thread. */
  kind?: "command" | "reply";
  inThread?: boolean;
  mentions?: Person[];
}

/**
 * A whole bot for core tests: real SQLite file in a temp dir, the in-memory platform (every capability),
 * a fake clock, every log line and every export captured. `send` returns what the bot delivered for that event.
 */
export class CoreBot {
  readonly tmp = tempDir("notfallbot-core-");
  readonly clock = new FakeClock("2026-03-02T08:00:00Z");
  readonly dbPath = `${this.tmp.dir}/notfall.db`;
  readonly storage: SqliteStorage;
  readonly adapter = new MemoryAdapter();
  readonly bot: Bot;
  /** Every log line at level error (there must be none). */
  readonly errors: { msg: string; detail: unknown }[] = [];
  /** Export files by name. */
  readonly exported = new Map<string, string>();
  /** The incident the bot currently talks about, and its thread root. */
  incidentId: string | undefined;
  private root: string | undefined;
  private n = 0;

  constructor(locale?: "de" | "en") {
    this.storage = openStorage(this.dbPath, { clock: this.clock });
    const exports: ExportSink = {
      paths: (name, exts) => exts.map((ext) => `${name}.${ext}`),
      save: (name, files) =>
        files.map((f) => {
          const file = `${name}.${f.ext}`;
          this.exported.set(file, typeof f.content === "string" ? f.content : Buffer.from(f.content).toString("utf8"));
          return file;
        }),
    };
    this.bot = createBot({
      storage: this.storage,
      adapters: [this.adapter],
      clock: this.clock,
      playbooks: library,
      exports,
      ...(locale ? { locale } : {}),
      log: (level, msg, detail) => {
        if (level === "error") this.errors.push({ msg, detail });
      },
    });
  }

  /** `locale`: the deployment's language (the organisation file's `locale`); German by default. */
  static async start(locale?: "de" | "en"): Promise<CoreBot> {
    const b = new CoreBot(locale);
    await b.bot.start();
    return b;
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.storage.close();
    this.tmp.cleanup();
  }

  /** Deliver one event and wait until everything it caused is delivered. Returns the messages delivered for it. */
  async send(who: Person, text: string, opts: SendOptions = {}): Promise<(Outbound & { ref: string })[]> {
    const kind = opts.kind ?? "reply";
    const inThread = kind === "reply" || opts.inThread === true;
    const before = this.adapter.sent.length;
    const ev: Inbound = {
      platform: "memory",
      tenant: "t",
      channel: CHANNEL,
      actor: who,
      kind,
      text,
      receivedAt: this.clock.now(),
      deliveryId: `d${++this.n}`,
      ...(inThread && this.root ? { threadRef: this.root } : {}),
      ...(opts.mentions?.length ? { mentions: opts.mentions } : {}),
    };
    await this.adapter.handler!(ev);
    await this.bot.idle();
    return this.adapter.sent.slice(before);
  }

  /** Declare an incident at channel level and make it the current one. */
  async open(who: Person, line = "verschlüsselung Test"): Promise<string> {
    const known = new Set((await this.storage.listIncidents()).map((r) => r.id));
    this.root = undefined;
    await this.send(who, line, { kind: "command" });
    const rec = (await this.storage.listIncidents()).find((r) => !known.has(r.id));
    if (!rec) throw new Error(`Kein Notfall eröffnet mit „${line}“`);
    this.incidentId = rec.id;
    this.root = await this.storage.refForKey(`${rec.id}/header`);
    if (!this.root) throw new Error(`Kein Thread für ${rec.id}`);
    return rec.id;
  }

  /** Task rows of the current incident. */
  async tasks() {
    return await this.storage.tasks(this.incidentId!);
  }

  async timeline() {
    return await this.storage.timeline(this.incidentId!);
  }
}

/** Texts of blocks that carry our Markdown subset (template bodies and button commands are literal). */
export function markdownTexts(blocks: Block[]): string[] {
  return blocks.flatMap((b): string[] => {
    switch (b.type) {
      case "heading":
      case "paragraph":
      case "context":
        return [b.text];
      case "facts":
        return b.facts.flatMap((f) => [f.label, f.value]);
      case "tasks":
        return [b.title ?? "", ...b.items.flatMap((i) => [i.text, i.why ?? ""])];
      default:
        return [];
    }
  });
}

/** A reply a person in a panic can act on: German words, or at least a command in backticks. */
export const GERMAN =
  /\b(Bitte|bitte|nicht|gibt|kenne|Aufgabe|Rolle|Notfall|Phase|Stufe|Frist|Antwort|Vorlage|Notiert|Lage|darf|dürfen|können|ist|Sie|noch|Neue|Export|erstellt|Welche|Meinten|Was|Wer|der|die|das|und|oder|mit|dann|hier|jetzt)\b|`[^`\n]+`/;

/** Everything a person sees of a message, with the Markdown source (backticks included). */
export const seen = (m: { text: string; blocks: Block[] }): string => [m.text, ...markdownTexts(m.blocks)].join("\n");
