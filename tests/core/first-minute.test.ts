import { afterEach, describe, expect, it } from "vitest";
import { renderConsole } from "../../src/adapters/console/render.ts";
import { loadOrgConfig } from "../../src/config/load.ts";
import { NO_CAPABILITIES } from "../../src/core/adapter.ts";
import { blocksToPlain, type Outbound } from "../../src/core/message.ts";
import { CARD_MAX } from "../../src/core/views.ts";
import { numberedTasks } from "../../src/machines/conditions.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Issue #10 items 1 and 2: the first minute. The declaration's first message fits one phone screen (≤ 100 words,
 * ≤ 20 lines at 60 columns in the terminal) and starts with what to do now; the whole declaration is at most three
 * messages; tasks come with the roles, the next questions with the answers.
 */

const praxis = loadOrgConfig("examples/praxis.yaml");
const playbooks = loadPlaybooks().list();

const WIDTH = 60;
/** What a person reads: the terminal rendering at 60 columns. */
const screen = (m: Outbound) => renderConsole(m, { color: false, width: WIDTH });
const words = (text: string) =>
  text
    .replace(/^(\s*│ |▌ )/gm, "")
    .split(/\s+/)
    .filter(Boolean).length;
const lines = (text: string) => text.split("\n").length;

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

async function declare(id: string): Promise<TestBot> {
  tb = await new TestBot({ config: praxis, caps: { ...NO_CAPABILITIES } }).start();
  await tb.command("anna", id);
  return tb;
}

describe("the first minute (terminal at 60 columns, examples/praxis.yaml)", () => {
  for (const pb of playbooks) {
    it(`${pb.id}: the first message fits one screen and starts with Jetzt sofort; at most 3 messages in all`, async () => {
      const t = await declare(pb.id);
      const msgs = t.adapter.visible();
      expect(msgs.length).toBeGreaterThanOrEqual(1);
      expect(msgs.length).toBeLessThanOrEqual(3);
      const first = screen(msgs[0]!);
      expect(words(first), first).toBeLessThanOrEqual(100);
      expect(lines(first), first).toBeLessThanOrEqual(20);
      // the id and type first, then what to do now, within the first six lines
      expect(first.split("\n")[0]).toMatch(/NF-\d{4}-\d{4}/);
      expect(first.split("\n").slice(0, 6).join("\n")).toMatch(/Jetzt sofort/);
      expect(pb.sofort.length).toBeGreaterThanOrEqual(2);
      const flat = first.replace(/^(\s*│ |▌ )/gm, "").replace(/\s+/g, " ");
      for (const a of pb.sofort) {
        // each action whole, and the number to call right beside the action that says to call
        expect(flat).toContain(a.call ? `${loc(a.text)} ☎ ` : loc(a.text));
      }
      // the example has an emergency plan (#19): the three holders are named and asked to confirm
      expect(flat).toContain("Koordination: @Dr. med. Erika Musterfrau – angefragt");
      expect(flat).toContain("Technik: @Jonas Muster – angefragt");
      expect(flat).toContain("Kommunikation: @Petra Beispiel – angefragt");
      expect(first).toMatch(/ok rolle/);
      // level and phase are on status, not on the first screen
      expect(first).not.toMatch(/Stufe|Phase/);
      const all = msgs.map(screen).join("\n");
      expect(words(all), all).toBeLessThanOrEqual(230);
      expect(lines(all), all).toBeLessThanOrEqual(45);
    });
  }

  it("without an emergency plan the roles are one line until someone takes one; then one line per role", async () => {
    // the terminal's capabilities, and messages updated in place (the first message shows the roles as they change)
    tb = await new TestBot({ caps: { ...NO_CAPABILITIES, update: true } }).start();
    await tb.command("anna", "verschluesselung Server zeigt Erpressernachricht");
    const first = screen(tb.adapter.visible()[0]!);
    const rows = first.split("\n").map((l) => l.replace(/^▌ /, ""));
    expect(rows.filter((l) => l.includes("noch niemand"))).toEqual(["Rollen: — noch niemand —"]);
    expect(first).not.toMatch(/Koordination:|Technik:|Kommunikation:/);
    // how to take one follows right after
    expect(rows[rows.indexOf("Rollen: — noch niemand —") + 1]).toMatch(/^Rolle übernehmen: rolle koordinator · rolle technik ·/);
    expect(lines(first.trimEnd()), first).toBe(13);
    expect(words(first), first).toBe(62); // 61 before "am betroffenen Gerät" (which device to unplug)
    await tb.say("ben", "rolle technik");
    const updated = screen(tb.adapter.visible()[0]!).replace(/^▌ /gm, "");
    expect(updated).toMatch(/^Koordination: — noch niemand —$/m);
    expect(updated).toMatch(/^Technik: ben$/m);
    expect(updated).toMatch(/^Kommunikation: — noch niemand —$/m);
    expect(updated).not.toMatch(/^Rollen:/m);
  });

  it("in English the same: one line for the roles nobody holds yet", async () => {
    tb = await new TestBot({ caps: { ...NO_CAPABILITIES }, locale: "en" }).start();
    await tb.command("anna", "ransomware server shows a ransom note");
    const rows = screen(tb.adapter.visible()[0]!)
      .split("\n")
      .map((l) => l.replace(/^▌ /, ""));
    expect(rows.filter((l) => l.includes("nobody yet"))).toEqual(["Roles: — nobody yet —"]);
  });

  it("taking a role brings that role's tasks of the current phase, short and numbered (no reasons)", async () => {
    const t = await declare("verschluesselung");
    const before = t.adapter.visible().length;
    await t.say("ben", "rolle technik");
    const added = t.adapter.visible().slice(before);
    expect(added.length).toBe(1);
    const card = screen(added[0]!);
    expect(card).toMatch(/ben ist jetzt Technischer Kontakt/);
    expect(card).toMatch(/Lage bestätigen/);
    // Erkennung and Sofortmaßnahmen are on screen together from the start: one card
    expect(card).toMatch(/Datensicherungen schützen/);
    expect(card).not.toMatch(/↳/);
    expect(card).not.toMatch(/Netzwerkkabel am Gerät ziehen \(Nase/); // the coordinator's task
    // the next phase's tasks arrive when the phase starts, for the roles that are held
    expect(t.adapter.visible().map(screen).join("\n")).not.toMatch(/Eindämmung & Analyse · Technischer/);
    await t.say("anna", "weiter Lage geklärt");
    await t.say("anna", "weiter Netz getrennt");
    const next = t.adapter
      .visible()
      .map(screen)
      .join("\n")
      .replace(/\s+(│\s+)?/g, " ");
    expect(next).toMatch(/Eindämmung & Analyse · Technischer Kontakt \(ben\)/);
  });

  it("a role's card is short: at most CARD_MAX tasks, every critical one, and how many more are on meine aufgaben", async () => {
    const t = await declare("verschluesselung");
    const before = t.adapter.visible().length;
    await t.say("anna", "rolle koordinator");
    const msg = t.adapter.visible()[before]!;
    const card = msg.blocks.find((b) => b.type === "tasks")!;
    const nrs = card.type === "tasks" ? card.items.map((i) => i.nr) : [];
    // the ransomware coordinator has 15 tasks in Erkennung and Sofortmaßnahmen with praxis.yaml: 52 lines at 60
    // columns when all were on the card, 35 now
    expect(nrs.length).toBeLessThanOrEqual(CARD_MAX);
    // every critical one is on it (with praxis.yaml all seven are switched on), in task order
    const critical = numberedTasks(playbooks.find((p) => p.id === "verschluesselung")!)
      .filter((x) => x.role === "koordinator" && (x.phase === "erkennung" || x.phase === "sofort") && x.critical)
      .map((x) => x.nr);
    expect(critical.length).toBe(7);
    expect(nrs).toEqual(critical);
    const text = screen(msg);
    expect(lines(text), text).toBeLessThanOrEqual(36);
    expect(text).toMatch(/Noch 8 weitere Aufgaben: meine aufgaben\./);
    // the rest is there on demand
    await t.say("anna", "meine aufgaben");
    expect(t.last()).toMatch(/Bildschirm und Erpresserschreiben/);
  });

  it("a task the short card does not show, marked done or skipped, is answered with a line (the card alone would not change)", async () => {
    // Slack, Teams, Matrix: cards are updated in place
    tb = await new TestBot({ config: praxis, caps: { ...NO_CAPABILITIES, update: true } }).start();
    const t = tb;
    await t.command("anna", "verschluesselung Server zeigt Erpressernachricht");
    await t.say("anna", "rolle koordinator");
    const card = t.adapter.visible().findLast((m) => m.key.endsWith("/tasks/sofort/koordinator"))!;
    const tasks = card.blocks.find((b) => b.type === "tasks")!;
    const shown = tasks.type === "tasks" ? tasks.items.map((i) => i.nr) : [];
    const all = numberedTasks(playbooks.find((p) => p.id === "verschluesselung")!).filter(
      (x) => x.role === "koordinator" && (x.phase === "erkennung" || x.phase === "sofort"),
    );
    const hidden = all.find((x) => !shown.includes(x.nr) && !x.when)!;
    const before = t.adapter.visible().length;
    await t.say("anna", `überspringen ${hidden.nr} machen wir später`);
    const said = t.adapter
      .visible()
      .slice(before)
      .map((m) => blocksToPlain(m.blocks))
      .join("\n");
    expect(said).toMatch(new RegExp(`Aufgabe ${hidden.nr} übersprungen`));
    // a task on the card: the card itself shows it, no extra line
    const next = t.adapter.visible().length;
    await t.say("anna", `erledigt ${shown[0]}`);
    expect(t.adapter.visible().length).toBe(next);
  });

  it("a ✅ on a card with several open tasks asks which one, naming the card's open numbers; with one left it completes it", async () => {
    // Matrix: reactions, messages updated in place, no buttons
    tb = await new TestBot({ config: praxis, caps: { ...NO_CAPABILITIES, reactions: true, update: true } }).start();
    const t = tb;
    await t.command("anna", "verschluesselung Server zeigt Erpressernachricht");
    await t.say("cem", "rolle kommunikation");
    const card = t.adapter.visible().findLast((m) => m.key.endsWith("/tasks/sofort/kommunikation"))!;
    const react = async (emoji: string) => {
      await t.adapter.handler!({
        platform: "memory",
        tenant: "t",
        channel: "memory:t:c1",
        actor: { id: "cem", displayName: "cem" },
        kind: "reaction",
        reaction: { emoji, messageRef: card.ref },
        receivedAt: t.clock.now(),
        deliveryId: `r${emoji}${t.adapter.visible().length}`,
      });
      await t.bot.idle();
    };
    // the hint says when a ✅ on the card works (not "react to a task": the tasks share one message)
    expect(blocksToPlain(card.blocks)).toMatch(/✅ auf diese Nachricht, wenn nur noch eine Aufgabe offen ist/);
    await react("✅");
    expect(t.last()).toMatch(
      /Welche Aufgabe\? Auf dieser Karte sind noch 19, 28, 29 und 30 offen\. Bitte mit Nummer, z\. B\. erledigt 19\./,
    );
    await t.say("cem", "erledigt 19, 28, 29");
    await react("✅");
    expect(t.texts().join("\n")).toMatch(/30\..*erledigt von cem/);
  });

  it("an answer does not reprint the list: it brings the next question only", async () => {
    const t = await declare("verschluesselung");
    await t.say("anna", "rolle koordinator");
    const before = t.adapter.visible().length;
    await t.say("anna", "antwort 6 ja");
    const added = t.adapter.visible().slice(before).map(screen).join("\n");
    expect(added).toMatch(/Antwort 6 notiert/);
    expect(added).toMatch(/Als Nächstes/);
    expect(added).not.toMatch(/Wann hat die erste Person davon erfahren/);
  });

  it("status, aufgaben and meine aufgaben show everything on demand", async () => {
    const t = await declare("verschluesselung");
    await t.say("anna", "rolle koordinator");
    await t.say("anna", "status");
    const status = t.last();
    expect(status).toMatch(/Stufe: Notfall/);
    expect(status).toMatch(/Medizingeräte/);
    await t.say("anna", "aufgaben");
    expect(t.last()).toMatch(/Lage bestätigen/);
    expect(t.last()).toMatch(/Mitarbeitende informieren/);
    await t.say("anna", "meine aufgaben");
    const mine = screen(t.adapter.visible().at(-1)!).replace(/\s+│?\s*/g, " ");
    expect(mine).toMatch(/Alle warnen/);
    expect(mine).toMatch(/Jede weitere Aktion kann die Verschlüsselung/);
    expect(mine).not.toMatch(/Lage bestätigen/);
    await t.say("cem", "meine aufgaben");
    expect(t.last()).toMatch(/noch keine Rolle.*rolle technik/s);
  });
});
