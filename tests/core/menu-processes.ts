/**
 * The "which kind of emergency?" menu across processes (issue #15), one suite for both backends: the menu waiting
 * for a typed `1` is stored with the event that showed it, so a second bot instance on the same database (another
 * `serve` process), or the same one after a restart, reads it for the answer; expiry after 30 minutes with the
 * injectable clock. Run on one SQLite file (tests/core/menu-processes.test.ts) and on the real PostgreSQL server
 * (tests/postgres/menus.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import type { Outbound } from "../../src/core/message.ts";
import type { StoragePort } from "../../src/core/ports.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { MemoryAdapter } from "../helpers/memory-adapter.ts";
import { CHANNEL, markdownTexts, person } from "./_bot.ts";

const library = loadPlaybooks();
const anna = person("anna", "Anna");
const ben = person("ben", "Ben");
const DESCRIPTION = "Daten verloren nach Serverabsturz";

/** One bot instance (a `serve` process) on its own connection to the shared database. */
interface Instance {
  store: StoragePort;
  adapter: MemoryAdapter;
  bot: Bot;
  errors: string[];
}

/** The clock of the running test, shared by its instances (stores are opened with it). */
export let clock: FakeClock;
let deliveries = 0;

async function instance(open: () => Promise<StoragePort>): Promise<Instance> {
  const store = await open();
  const adapter = new MemoryAdapter();
  const errors: string[] = [];
  const bot = createBot({
    storage: store,
    adapters: [adapter],
    clock,
    playbooks: library,
    log: (level, msg) => {
      if (level === "error") errors.push(msg);
    },
  });
  await bot.start();
  return { store, adapter, bot, errors };
}

async function stop(i: Instance): Promise<void> {
  await i.bot.stop();
  await i.store.close();
  expect(i.errors).toEqual([]);
}

/** A line typed into the channel (a slash command or a plain message), handled by this instance. */
async function say(i: Instance, who: typeof anna, text: string, kind: "command" | "reply" = "reply"): Promise<Outbound[]> {
  const before = i.adapter.sent.length;
  const ev: Inbound = {
    platform: "memory",
    tenant: "t",
    channel: CHANNEL,
    actor: who,
    kind,
    text,
    receivedAt: clock.now(),
    deliveryId: `d${++deliveries}`,
  };
  await i.adapter.handler!(ev);
  await i.bot.idle();
  return i.adapter.sent.slice(before);
}

const readable = (m: Outbound) => markdownTexts(m.blocks).join("\n");

/** The suite on one backend: `open` opens another connection to the test's database. */
export function menuProcessesSuite(
  name: string,
  hooks: { open: () => Promise<StoragePort>; setup?: () => Promise<void>; teardown?: () => Promise<void> },
) {
  describe(`a menu shown by one process is answered in another [${name}]`, () => {
    let live: Instance[] = [];
    const start = async () => {
      const i = await instance(hooks.open);
      live.push(i);
      return i;
    };
    const stopped = async (i: Instance) => {
      live = live.filter((x) => x !== i);
      await stop(i);
    };
    beforeEach(async () => {
      clock = new FakeClock("2026-03-02T08:00:00Z");
      await hooks.setup?.();
    });
    afterEach(async () => {
      for (const i of live) await stop(i);
      live = [];
      await hooks.teardown?.();
    });

    /** Anna's menu via process A; its first option is the server outage. */
    const showMenu = async (a: Instance) => {
      const [menu, ...more] = await say(a, anna, DESCRIPTION, "command");
      expect(more).toEqual([]);
      expect(readable(menu!)).toMatch(/\*\*1\*\* · Ausfall von Server oder Hardware/);
    };
    const opened = async (store: StoragePort) =>
      (await store.listIncidents()).map((r) => ({ playbookId: r.playbookId, title: r.title, drill: r.drill }));

    it("`1` received by process B opens the first option with the description as typed", async () => {
      const a = await start();
      const b = await start();
      await showMenu(a);
      // Ben has no menu waiting, in either process
      expect(await say(b, ben, "1")).toEqual([]);
      const answer = await say(b, anna, "1");
      expect(answer.length).toBeGreaterThan(0);
      const [rec] = await b.store.listIncidents();
      expect(rec).toMatchObject({ playbookId: "serverausfall", drill: false });
      const declared = (await b.store.timeline(rec!.id)).find((e) => e.kind === "opened")!;
      expect(declared.data).toMatchObject({ description: DESCRIPTION });
      // answered: a second `1`, in either process, is conversation (in the incident now running there)
      expect((await opened(a.store)).length).toBe(1);
      await say(a, anna, "1");
      expect((await opened(b.store)).length).toBe(1);
    });

    it("a name or 'etwas anderes' in process B answers too; the full list shown by B is answered in A", async () => {
      const a = await start();
      const b = await start();
      await say(a, anna, `übung ${DESCRIPTION}`, "command");
      const [all] = await say(b, anna, "etwas anderes");
      expect(readable(all!)).toMatch(/\*\*1\*\* · Verschlüsselung durch Erpressersoftware/);
      await say(a, anna, "Datenabfluss");
      expect(await opened(a.store)).toEqual([expect.objectContaining({ playbookId: "datenabfluss", drill: true })]);
    });

    it("after a restart the waiting menu still counts", async () => {
      const a = await start();
      await showMenu(a);
      await stopped(a);
      const again = await start();
      await say(again, anna, "1");
      expect(await opened(again.store)).toEqual([expect.objectContaining({ playbookId: "serverausfall" })]);
    });

    it("a menu answered after 30 minutes is no answer any more, in any process; a new menu replaces the old", async () => {
      const a = await start();
      const b = await start();
      await showMenu(a);
      await clock.advance(31 * 60_000);
      expect(await say(b, anna, "1")).toEqual([]);
      expect(await opened(b.store)).toEqual([]);
      // shown again 29 minutes before the answer: counts
      await showMenu(b);
      await clock.advance(29 * 60_000);
      await say(a, anna, "2");
      expect(await opened(a.store)).toEqual([expect.objectContaining({ playbookId: "geraeteverlust" })]);
    });
  });
}
