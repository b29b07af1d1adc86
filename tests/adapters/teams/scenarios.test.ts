import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/core/clock.ts";
import type { SeenMessage } from "../harness.ts";
import { cardOf, elements } from "./card-text.ts";
import { fixture } from "./fixtures.ts";
import { PEOPLE, teamsHarness } from "./harness.ts";

/** What people see in Teams beyond the shared conformance run: welcomes, refused buttons, older cards updated. */

type H = ReturnType<typeof teamsHarness>;
let h: H | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(opts: Parameters<typeof teamsHarness>[0] = {}): Promise<H> {
  h = teamsHarness(opts);
  await h.start(new FakeClock("2026-03-02T08:00:00Z"));
  return h;
}

const norm = (s: string) => s.replace(/\s+/g, " ");
const find = (msgs: SeenMessage[], re: RegExp) => msgs.filter((m) => re.test(norm(m.text)));

/** Press a button carrying `data` on the bot message `card` (also a stale card that no longer shows the button). */
async function pressOn(t: H, person: string, card: { id: string; conversationId: string }, data: { c: string; i?: string }, id: string) {
  const p = PEOPLE[person]!;
  const invoke = {
    ...fixture("adaptive-card-invoke", t.connector.url),
    id,
    from: { id: p.id, name: p.name, aadObjectId: p.aadObjectId },
    conversation: { ...fixture("adaptive-card-invoke").conversation!, id: card.conversationId },
    replyToId: card.id,
    value: { action: { type: "Action.Execute", verb: "notfall", data }, trigger: "manual" },
  };
  await t.post(JSON.stringify(invoke));
}

function taskNr(msgs: SeenMessage[], re: RegExp): number {
  for (const m of msgs)
    for (const line of m.text.split("\n")) {
      const hit = /(\d+)\.\s+(?:\(!\)\s*)?(.*)$/.exec(line);
      if (hit && re.test(hit[2]!)) return Number(hit[1]);
    }
  throw new Error(`Aufgabe ${re} nicht gefunden`);
}

describe("Teams: the install welcome is posted once per conversation", () => {
  it("reinstall events (conversationUpdate again, installationUpdate) do not welcome a second time, also after a restart", async () => {
    const t = await start();
    const url = t.connector.url;
    const added = fixture("conversation-update-bot-added", url);
    await t.post(JSON.stringify(added));
    await t.post(JSON.stringify(fixture("installation-update-add", url)));
    await t.settle();
    expect(find(await t.messages(), /Notfall melden/)).toHaveLength(1);
    // removed and added again: Teams sends a new conversationUpdate (new activity id) for the same conversation
    await t.post(JSON.stringify({ ...added, id: "f:9d8c7b6a-reinstall" }));
    await t.restartBot();
    await t.post(JSON.stringify({ ...added, id: "f:9d8c7b6a-reinstall-2" }));
    await t.settle();
    const welcomes = t.connector.list().filter((m) => /Notfall melden/.test(norm(JSON.stringify(m.activity))));
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]!.conversationId).toBe(added.conversation!.id); // the selected channel, at channel level
    // a personal chat is another conversation: welcomed once there too
    const personal = fixture("conversation-update-personal", url);
    await t.post(JSON.stringify(personal));
    await t.post(JSON.stringify({ ...personal, id: "f:again" }));
    await t.settle();
    const inChat = t.connector.list().filter((m) => m.conversationId === personal.conversation!.id);
    expect(inChat).toHaveLength(1);
    expect(norm(JSON.stringify(inChat[0]!.activity))).toMatch(/Notfall melden/);
  });
});

describe("Teams: a button pressed by someone without the right role", () => {
  it("answers with a refusal the person can see, in the incident's thread", async () => {
    const t = await start();
    await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
    await t.settle();
    await t.press("anna", "rolle koordinator");
    await t.settle();
    await t.reply("anna", `rolle technik ${t.mention("ben")}`);
    await t.settle();
    const nr = taskNr(await t.messages(), /Nicht mit einem Administratorkonto/);
    const before = t.connector.calls.length;
    await t.press("cem", `erledigt ${nr}`);
    await t.settle();
    // the header card from before anna took the role still shows the button on a client that has not refreshed
    const header = t.connector.list()[0]!;
    await pressOn(t, "cem", header, { c: "rolle koordinator", i: "NF-2026-0001" }, "f:stale-header");
    await t.settle();
    const posted = t.connector.calls.slice(before).filter((c) => c.kind === "send");
    const texts = posted.map((c) => norm(JSON.stringify(c.body)));
    expect(texts.some((x) => new RegExp(`Aufgabe ${nr} gehört zur Rolle Technischer Kontakt`).test(x))).toBe(true);
    expect(texts.some((x) => /ist schon .*umbesetzen/.test(x))).toBe(true);
    // addressed by name (Teams channels have no messages for one person only), into the thread that exists
    expect(texts.every((x) => x.includes("Cem"))).toBe(true);
    for (const c of posted) expect(c.status).toBe(200);
    expect(new Set(posted.map((c) => c.conversationId)).size).toBe(1);
    expect(posted[0]!.conversationId).toMatch(/;messageid=/);
  });
});

describe("Teams: card updates", () => {
  it("a button on an older card updates that card in place (PUT on its own id and conversation), nothing is reordered", async () => {
    const t = await start();
    await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
    await t.settle();
    await t.press("anna", "rolle koordinator");
    await t.settle();
    await t.reply("ben", "rolle technik");
    await t.settle();
    await t.reply("cem", "rolle kommunikation");
    await t.settle();
    await t.reply("anna", "status");
    await t.settle();
    const msgs = t.connector.list();
    const nr = taskNr(await t.messages(), /Lage bestätigen/);
    const card = msgs.find((m) => JSON.stringify(m.activity).includes(`"c":"ok ${nr}"`))!;
    expect(msgs.indexOf(card)).toBeLessThan(msgs.length - 2); // an older message, not the newest
    const order = msgs.map((m) => m.id);
    // anna presses the button on that older card (Teams sends replyToId = the card's id)
    const before = t.connector.calls.length;
    await pressOn(t, "anna", card, { c: `ok ${nr}`, i: "NF-2026-0001" }, "f:older-card");
    await t.settle();
    const puts = t.connector.calls.slice(before).filter((c) => c.kind === "update" && c.activityId === card.id);
    expect(puts.length).toBeGreaterThan(0);
    for (const p of puts) expect(p).toMatchObject({ status: 200, conversationId: card.conversationId });
    expect(
      t.connector
        .list()
        .slice(0, order.length)
        .map((m) => m.id),
    ).toEqual(order);
    expect(norm(JSON.stringify(t.connector.messages.get(card.id)!.activity))).toMatch(new RegExp(`${nr}\\. .*Lage bestätigen.*bestätigt`));
  });
});

describe("Teams: chats have no threads; the chat is the incident's thread", () => {
  it("personal chat, one person: typed without `notfall` it runs to its summary, and nobody is sent to a thread", async () => {
    const t = await start({ place: "personal", replies: "plain" });
    await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
    await t.settle();
    let msgs = await t.messages();
    expect(find(msgs, /NF-2026-0001/).length).toBeGreaterThan(0);
    expect(msgs.some((m) => /im Thread|in the thread/.test(norm(m.text)))).toBe(false);
    for (const line of ["rolle koordinator", "rolle technik", "rolle kommunikation"]) {
      await t.reply("anna", line);
      await t.settle();
    }
    const nr = taskNr(await t.messages(), /Nicht mit einem Administratorkonto/);
    await t.reply("anna", `erledigt ${nr}`);
    await t.settle();
    await t.reply("anna", "status");
    await t.settle();
    await t.reply("anna", "Router im Keller neu gestartet"); // free text: documented, acknowledged with one short line
    await t.settle();
    // a second declaration in the same chat would make every later line ambiguous: refused with what to do instead
    await t.reply("anna", "notfall serverausfall");
    await t.settle();
    msgs = await t.messages();
    expect(find(msgs, /Lage NF-2026-0001/)).toHaveLength(1);
    expect(find(msgs, new RegExp(`${nr}\\..*Nicht mit einem Administratorkonto.*erledigt von Anna`)).length).toBeGreaterThan(0);
    expect(find(msgs, /In diesem Chat läuft schon NF-2026-0001/)).toHaveLength(1);
    expect(find(msgs, /NF-2026-0002/)).toHaveLength(0);
    for (const reason of ["Lage klar", "eingedämmt", "Betrieb läuft", "System wieder da"]) {
      await t.reply("anna", `weiter ${reason}`);
      await t.settle();
    }
    await t.reply("anna", "abschließen alles besprochen");
    await t.settle();
    msgs = await t.messages();
    expect(find(msgs, /abgeschlossen – Zusammenfassung/)).toHaveLength(1);
    expect(t.connector.calls.every((c) => c.conversationId === t.connector.calls[0]!.conversationId)).toBe(true);
    expect(t.connector.calls.every((c) => !c.conversationId.includes(";messageid="))).toBe(true);
  });

  it("group chat: unmentioned chatter is left alone while no incident runs; the bot answers when addressed", async () => {
    const t = await start({ place: "groupChat", replies: "plain" });
    await t.reply("ben", "Wer holt heute Brötchen?");
    await t.reply("ben", "status");
    await t.settle();
    expect(t.connector.calls).toHaveLength(0);
    await t.command("anna", "hilfe");
    await t.settle();
    expect(find(await t.messages(), /Notfall melden/)).toHaveLength(1);
    // addressed without `notfall` and without an incident: a command (here: the list of incident types), not silence
    const chat = fixture("group-chat-mention", t.connector.url);
    await t.post(JSON.stringify({ ...chat, id: "1772439999000", text: "<at>Notfallbot</at> Hilfe, alles ist verschlüsselt" }));
    await t.settle();
    expect(find(await t.messages(), /Verschlüsselung/).length).toBeGreaterThan(0);
    expect(t.connector.calls.every((c) => c.conversationId === chat.conversation!.id)).toBe(true);
  });

  it("channel: `@Notfallbot verschlüsselung …` without `notfall`, inside somebody's thread, opens the incident in that thread", async () => {
    const t = await start({ place: "channel-thread" });
    const a = fixture("channel-thread-reply-mention", t.connector.url);
    await t.post(JSON.stringify({ ...a, text: "<at>Notfallbot</at> verschlüsselung Praxis-PC zeigt Lösegeldforderung" }));
    await t.settle();
    const header = t.connector.list().find((m) => /NF-2026-0001/.test(JSON.stringify(m.activity)))!;
    expect(header.conversationId).toBe(a.conversation!.id); // the thread the message was written in
    expect(norm(JSON.stringify(header.activity))).toMatch(/Alles Weitere hier im Thread/);
  });
});

describe("Teams: activities without conversationType (older payloads, Microsoft's v3 examples)", () => {
  it("an older group chat (`19:…@thread.skype`, isGroup, no conversationType) is one conversation: nothing goes to a thread it does not have", async () => {
    const t = await start({ place: "groupChat", replies: "plain" });
    const chat = "19:d77be72390a1416e9644261e9064fa00@thread.skype";
    t.connector.conversation(chat, "groupChat");
    const older = (template: string, id: string, text: string) => {
      const a = fixture(template, t.connector.url);
      Object.assign(a, { id, text, conversation: { id: chat, isGroup: true } });
      return JSON.stringify(a);
    };
    await t.post(
      older("group-chat-mention", "1772439300001", "<at>Notfallbot</at> notfall verschlüsselung Server zeigt Erpressernachricht"),
    );
    await t.settle(); // fails on any 404 ConversationNotFound
    await t.post(older("group-chat-message", "1772439300002", "rolle koordinator"));
    await t.settle();
    const msgs = t.connector.list();
    expect(find(await t.messages(), /NF-2026-0001/).length).toBeGreaterThan(0);
    expect(find(await t.messages(), /Koordination/).length).toBeGreaterThan(0);
    expect(new Set(msgs.map((m) => m.conversationId))).toEqual(new Set([chat]));
    expect(t.connector.lost()).toEqual([]);
  });
});

describe("Teams: cards read on a narrow client, where msteams.width Full does not apply", () => {
  it("every card of an incident only uses elements that reflow, and every button row fits a phone (320 px)", async () => {
    const t = await start({ place: "personal", replies: "plain" });
    await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
    await t.settle();
    for (const line of ["rolle koordinator", "rolle technik", "rolle kommunikation", "status", "vorlage mitarbeitende", "hilfe"]) {
      await t.reply("anna", line);
      await t.settle();
    }
    const cards = t.connector
      .list()
      .map((m) => cardOf(m.activity))
      .filter((c) => c !== undefined);
    expect(cards.length).toBeGreaterThan(4);
    // Teams mobile and the narrow chat pane ignore msteams.width: Full; what must hold without it
    const reflowing = new Set(["RichTextBlock", "TextRun", "Container", "ActionSet", "Action.Execute", "CodeBlock"]);
    for (const card of cards) {
      const { msteams: _width, ...narrow } = card as { msteams?: unknown };
      for (const e of elements(narrow)) {
        // no ColumnSet, FactSet, Table or Image: they keep their layout and get cut or squeezed on a phone
        expect(reflowing.has(String(e.type)), String(e.type)).toBe(true);
        if (e.type === "TextBlock") expect(e.wrap).toBe(true);
        if (e.type === "ActionSet") {
          const titles = (e.actions as { title: string }[]).map((a) => a.title);
          expect(titles.length === 1 || titles.reduce((n, x) => n + x.length + 4, 0) <= 40, titles.join(" | ")).toBe(true);
        }
        // one unbreakable word wider than a phone (~40 characters) would run out of the card
        if (e.type === "TextRun") for (const w of String(e.text).split(/\s+/)) expect(w.length, w).toBeLessThanOrEqual(40);
      }
    }
  });
});
