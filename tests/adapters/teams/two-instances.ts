/**
 * Two "processes" on one database, each a Teams adapter with its own connection and its own loopback server: a
 * conversation reference written by one is used by the other (tests/adapters/teams/references.test.ts on SQLite,
 * tests/postgres/teams-references.test.ts on PostgreSQL).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { expect } from "vitest";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import type { AdapterStatePort } from "../../../src/core/ports.ts";
import { cardOf, cardText } from "./card-text.ts";
import type { FakeConnector } from "./fake-connector.ts";
import { ANNA_ID, BOT_ID, CHANNEL, CHANNEL_CONV, fixture, ROOT } from "./fixtures.ts";

export const REMINDER = "Erinnerung: Meldung an die Datenschutzbehörde in 24 Stunden fällig.";

/** One "process": an adapter on its own connection to the shared database, mounted on its own loopback server. */
async function instance(fake: FakeConnector, state: AdapterStatePort, count: { n: number }) {
  const adapter = new TeamsAdapter({ state, nodeEnv: "test", warn: () => {} });
  const app = express();
  adapter.mount(app);
  await adapter.start(async () => {
    count.n++;
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  return {
    adapter,
    post: async (body: Record<string, unknown>) => {
      fake.personPosted(body);
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status;
    },
    close: async () => {
      await adapter.stop();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Process A hears a channel message; process B, which never heard anything, delivers a reminder into its thread. */
export async function referenceCrossesProcesses(fake: FakeConnector, a: AdapterStatePort, b: AdapterStatePort): Promise<void> {
  const heardA = { n: 0 };
  const heardB = { n: 0 };
  const one = await instance(fake, a, heardA);
  const two = await instance(fake, b, heardB);
  try {
    // before any activity, B knows no reference (unauthenticated mode has no fallback service URL)
    await expect(
      two.adapter.deliver({ key: "k/0", channel: CHANNEL, thread: { ref: ROOT }, text: REMINDER, blocks: [], locale: "de" }),
    ).rejects.toMatchObject({ platformCode: "no_conversation_reference" });

    expect(await one.post(fixture("channel-message-mention", fake.url))).toBe(200);
    expect(heardA.n).toBe(1);
    const n = fake.calls.length;
    const res = await two.adapter.deliver({
      key: "NF-2026-0001/reminder/1",
      channel: CHANNEL,
      thread: { ref: ROOT },
      text: REMINDER,
      blocks: [],
      locale: "de",
      visibleTo: ANNA_ID,
    });
    expect(res.ref).toBeTruthy();
    const call = fake.calls[n]!;
    expect(call).toMatchObject({ kind: "send", conversationId: `${CHANNEL_CONV};messageid=${ROOT}` });
    expect(call.body).toMatchObject({ from: { id: BOT_ID }, conversation: { conversationType: "channel" } });
    // the display name A learnt reaches B too
    expect(cardText(cardOf(call.body)!)).toMatch(/^Für Anna Albers/);

    // Teams sends "bot added" again on a reinstall: welcomed once, whichever process gets it
    expect(await one.post(fixture("conversation-update-bot-added", fake.url))).toBe(200);
    expect(await two.post(fixture("conversation-update-bot-added", fake.url))).toBe(200);
    expect(heardA.n + heardB.n).toBe(2);
  } finally {
    await one.close();
    await two.close();
  }
}
