import { PassThrough, Writable } from "node:stream";
import { ConsoleAdapter } from "../../../src/adapters/console/adapter.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import type { FakeClock } from "../../../src/core/clock.ts";
import type { Inbound } from "../../../src/core/inbound.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { AdapterHarness, ConfigFor, SeenMessage } from "../harness.ts";

const PEOPLE = ["anna", "ben", "cem", "dora"];

/**
 * The terminal adapter in-process: lines go into its input stream exactly as typed, and what it
 * writes to its output stream is read back, one write per message. (The real CLI as a child process
 * is tested in tests/e2e/console-cli.test.ts.)
 */
export function consoleHarness(): AdapterHarness {
  const playbooks = loadPlaybooks();
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  let storage: SqliteStorage;
  let input: PassThrough;
  let adapter: ConsoleAdapter;
  let bot: Bot;
  const seen: SeenMessage[] = [];
  let last: Inbound | undefined;
  let makeConfig: ConfigFor | undefined;

  const boot = async () => {
    storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
    input = new PassThrough();
    const output = new Writable({
      write(chunk, _enc, cb) {
        const text = String(chunk);
        const inThread = text.startsWith("  │");
        const lines = text
          .split("\n")
          .filter(Boolean)
          .map((l) => l.replace(/^(\s*│ |▌ )/, ""));
        const who = /^\(nur für (\w+)\)/.exec(lines[0] ?? "");
        // a terminal notifies nobody: the people named as @Name
        const mentioned = [...lines.join("\n").matchAll(/@(\p{L}+)/gu)].map((m) => m[1]!.toLowerCase()).filter((n) => PEOPLE.includes(n));
        seen.push({
          text: lines.join("\n"),
          inThread,
          buttons: [],
          ref: `c${seen.length + 1}`,
          mentioned: [...new Set(mentioned)],
          ...(who ? { visibleTo: who[1]! } : {}),
        });
        cb();
      },
    });
    adapter = new ConsoleAdapter({ input, output, clock, defaultUser: "anna", color: false });
    bot = createBot({ storage, adapters: [adapter], clock, playbooks, ...(makeConfig ? { config: makeConfig((p) => p, "console") } : {}) });
    const start = adapter.start.bind(adapter);
    adapter.start = (onEvent) =>
      start(async (ev) => {
        last = ev;
        await onEvent(ev);
      });
    await bot.start();
  };

  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await adapter.drained();
      await bot.idle();
    }
  };

  return {
    name: "console",
    has: { buttons: false, reactions: false, ephemeral: false },
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
      await settle();
      await bot.stop();
      storage.close();
      await boot();
    },
    async command(person, args) {
      input.write(`@${person}: /notfall ${args}\n`);
    },
    async reply(person, text) {
      input.write(`@${person}: ${text}\n`);
    },
    async press() {
      throw new Error("Das Terminal hat keine Knöpfe");
    },
    async react() {
      throw new Error("Das Terminal hat keine Reaktionen");
    },
    async messages() {
      return seen.slice();
    },
    async redeliverLast() {
      if (last) await bot.receive(last);
    },
    settle,
    mention: (p) => `@${p}`,
    configure(make) {
      makeConfig = make;
    },
    identity: (p) => p,
  };
}
