/**
 * Platforms deliver again when they do not hear back in time (Slack retries, Teams/Bot Framework resends, Matrix
 * sync after a restart). Every inbound event kind, delivered three times with the same delivery id, must have
 * exactly one effect: one set of timeline entries, one set of outgoing messages, nothing more posted.
 * Three ways: one after another, all at once, and the repeats after a restart of the bot.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DELIVERY_RETENTION_MS } from "../../src/app.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import { TestBot } from "../helpers/bot.ts";

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

/** What an event can change: the timeline, the outbox, the incidents, the remembered delivery ids, what was posted. */
function effects(t: TestBot) {
  const db = t.storage.db.$client;
  const one = (sql: string) => db.prepare(sql).pluck().get() as number;
  return {
    incidents: one("SELECT count(*) FROM incidents"),
    timeline: one("SELECT count(*) FROM timeline"),
    outbox: one("SELECT count(*) FROM outbox"),
    deliveries: one("SELECT count(*) FROM deliveries"),
    posted: t.adapter.sent.length,
  };
}

const CHANNEL = "memory:t:c1";

function event(t: TestBot, id: string, e: Pick<Inbound, "kind"> & Partial<Inbound>): Inbound {
  return {
    platform: "memory",
    tenant: "t",
    channel: CHANNEL,
    actor: { id: "anna", displayName: "anna" },
    receivedAt: t.clock.now(),
    deliveryId: id,
    ...e,
  };
}

/** An open ransomware incident with anna as coordinator: her card of the Sofortmaßnahmen is posted. */
async function openIncident(t: TestBot): Promise<string> {
  await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
  await t.say("anna", "rolle koordinator");
  return (await t.storage.listIncidents())[0]!.id;
}

/** The coordinator's card of the Sofortmaßnahmen (all her tasks of the phase in one message). */
const card = (t: TestBot, id: string) => t.adapter.sent.find((m) => m.key === `${id}/tasks/sofort/koordinator`)!;

/**
 * A ✅ reaction on a card completes its only open task (with more open it asks which): all but the card's last task
 * are done first, so the reaction has one effect to have.
 */
async function leaveOneOpen(t: TestBot, id: string): Promise<void> {
  const nrs = [...card(t, id).text.matchAll(/^\[ \] (\d+)\./gm)].map((m) => m[1]!);
  expect(nrs.length).toBeGreaterThan(1);
  await t.say("anna", `erledigt ${nrs.slice(0, -1).join(", ")}`);
}

/** The four kinds, each producing a fresh event that has an effect on the given bot. */
const KINDS: Record<
  Inbound["kind"],
  {
    needsIncident: boolean;
    /** What has to happen in the incident before the event has an effect. */
    prepare?: (t: TestBot, id: string) => Promise<void>;
    make: (t: TestBot, id: string | undefined) => Inbound;
    what: RegExp;
  }
> = {
  command: {
    needsIncident: false,
    make: (t) => event(t, "slash-1", { kind: "command", text: "verschlüsselung Praxis-PC zeigt Erpresserschreiben" }),
    what: /opened/,
  },
  reply: {
    needsIncident: true,
    make: (t) => event(t, "msg-1", { kind: "reply", text: "erledigt 3", threadRef: t.rootRef() }),
    what: /task/,
  },
  action: {
    needsIncident: true,
    make: (t, id) => event(t, "click-1", { kind: "action", action: { command: "ok 4", incidentId: id! }, threadRef: t.rootRef() }),
    what: /task/,
  },
  reaction: {
    needsIncident: true,
    prepare: leaveOneOpen,
    make: (t, id) =>
      event(t, "react-1", { kind: "reaction", reaction: { emoji: "✅", messageRef: card(t, id!).ref }, threadRef: t.rootRef() }),
    what: /task/,
  },
};

type Mode = "one after another" | "all at once" | "after a restart";

describe("redelivered inbound events have exactly one effect", () => {
  for (const [kind, spec] of Object.entries(KINDS) as [Inbound["kind"], (typeof KINDS)[Inbound["kind"]]][]) {
    for (const mode of ["one after another", "all at once", "after a restart"] as Mode[]) {
      it(`${kind}, delivered three times (${mode})`, async () => {
        const t = await new TestBot({ caps: { buttons: false } }).start();
        tb = t;
        const id = spec.needsIncident ? await openIncident(t) : undefined;
        if (id && spec.prepare) await spec.prepare(t, id);
        const ev = spec.make(t, id);
        const before = effects(t);

        await t.bot.receive(ev);
        await t.bot.idle();
        const once = effects(t);
        // the first delivery did something: a timeline entry of the expected kind, a message, a remembered id
        expect(once.timeline).toBeGreaterThan(before.timeline);
        expect(once.outbox).toBeGreaterThan(before.outbox);
        expect(once.posted).toBeGreaterThan(before.posted);
        expect(once.deliveries).toBe(before.deliveries + 1);
        const incidentId = id ?? (await t.storage.listIncidents())[0]!.id;
        const added = (await t.storage.timeline(incidentId)).slice(id ? before.timeline : 0);
        expect(added.map((e) => e.kind).join(" ")).toMatch(spec.what);

        // the same event again, as the platform would send it: a new object, later, same delivery id
        const again = () => t.bot.receive({ ...structuredClone(ev), receivedAt: new Date(t.clock.now().getTime() + 3000) });
        if (mode === "one after another") {
          await again();
          await again();
        } else if (mode === "all at once") {
          await Promise.all([again(), again()]);
        } else {
          await t.restart();
          await again();
          await again();
        }
        await t.bot.idle();
        expect(effects(t)).toEqual(once);
        expect(await t.storage.listIncidents()).toHaveLength(1);
      });
    }
  }

  it("a redelivery between other events still has no effect, and the next new event works as usual", async () => {
    const t = await new TestBot({ caps: { buttons: false } }).start();
    tb = t;
    const id = await openIncident(t);
    const ev = event(t, "late-1", { kind: "reply", text: "notiz Server um 9:10 vom Netz genommen", threadRef: t.rootRef() });
    await t.bot.receive(ev);
    await t.say("anna", "erledigt 1");
    const mid = effects(t);
    await t.bot.receive({ ...ev }); // Slack retry after the next event was handled
    await t.bot.idle();
    expect(effects(t)).toEqual(mid);
    expect((await t.storage.timeline(id)).filter((e) => e.kind === "note")).toHaveLength(1);
    await t.say("anna", "erledigt 2");
    expect(effects(t).timeline).toBeGreaterThan(mid.timeline);
  });
});

describe("delivery ids are kept long enough for retries, then pruned", () => {
  it("forgets ids older than the retention at start and daily, keeps newer ones", async () => {
    const tb = await new TestBot().start();
    try {
      await tb.command("anna", "verschlüsselung");
      expect(await tb.storage.hasDelivery("memory", "d1")).toBe(true);
      await tb.advance(DELIVERY_RETENTION_MS - 3_600_000);
      expect(await tb.storage.hasDelivery("memory", "d1")).toBe(true);
      await tb.advance(2 * 86_400_000); // the daily prune after the retention has passed
      expect(await tb.storage.hasDelivery("memory", "d1")).toBe(false);
    } finally {
      await tb.stop();
    }
  });
});
