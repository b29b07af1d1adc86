/**
 * A whole bot on a real SQLite file (WAL, synchronous NORMAL: the defaults of openStorage), built the way
 * production wires it (createBot), plus helpers that speak to it the way an adapter does (Inbound events).
 */
import { type Bot, createBot } from "../../src/app.ts";
import type { ChatAdapter } from "../../src/core/adapter.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import type { Playbook } from "../../src/machines/schema.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";

export const PLAYBOOK = "verschluesselung";
/** Who holds which role in every benchmark incident. */
export const HOLDER = { koordinator: "anna", technik: "ben", kommunikation: "cem" } as const;

export interface World {
  storage: SqliteStorage;
  bot: Bot;
  clock: Clock;
  playbook: Playbook;
  /** A fresh Inbound (unique delivery id) as an adapter would hand it over. */
  event(who: string, text: string, kind: Inbound["kind"], channel: string, threadRef?: string): Inbound;
}

let deliveries = 0;

export async function openWorld(file: string, clock: Clock, adapter: ChatAdapter): Promise<World> {
  const storage = openStorage(file, { clock });
  const playbooks = loadPlaybooks();
  const bot = createBot({ storage, adapters: [adapter], clock, playbooks });
  await bot.start();
  const event = (who: string, text: string, kind: Inbound["kind"], channel: string, threadRef?: string): Inbound => {
    const mentions = [...text.matchAll(/<@([^>]+)>/g)].map((m) => ({ id: m[1]!, displayName: m[1]! }));
    return {
      platform: "memory",
      tenant: "t",
      channel,
      actor: { id: who, displayName: who },
      kind,
      text,
      receivedAt: clock.now(),
      deliveryId: `bench-${process.pid}-${++deliveries}`,
      ...(threadRef ? { threadRef } : {}),
      ...(mentions.length ? { mentions } : {}),
    };
  };
  return { storage, bot, clock, playbook: playbooks.get(PLAYBOOK)!, event };
}

export interface Opened {
  id: string;
  channel: string;
  /** Platform ref of the bot's root message: replies in this thread belong to the incident. */
  root: string;
}

/** `/notfall verschlüsselung …` in its own channel, delivered; returns the incident and its thread. */
export async function declare(w: World, channel: string): Promise<Opened> {
  await w.bot.receive(
    w.event(HOLDER.koordinator, `${PLAYBOOK} Server zeigt Erpressernachricht, Dateien enden auf .locked`, "command", channel),
  );
  await w.bot.idle();
  const id = (await w.storage.openIncidentsInChannel(channel))[0]!.id;
  const root = await w.storage.refForKey(`${id}/header`);
  if (!root) throw new Error(`header of ${id} not delivered`);
  return { id, channel, root };
}

/** The usual first minutes: all three roles taken, personal data affected (starts the GDPR deadline). */
export async function staff(w: World, o: Opened): Promise<void> {
  const personal = w.playbook.questions.findIndex((q) => q.id === "personenbezogen") + 1;
  const lines: [string, string][] = [
    [HOLDER.koordinator, "rolle koordinator"],
    [HOLDER.koordinator, `rolle technik <@${HOLDER.technik}>`],
    [HOLDER.kommunikation, "rolle kommunikation"],
    [HOLDER.koordinator, `antwort ${personal} ja`],
  ];
  for (const [who, text] of lines) {
    await w.bot.receive(w.event(who, text, "reply", o.channel, o.root));
    await w.bot.idle();
  }
}
