import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import { NEVER_SILENT_TABLE } from "../helpers/never-silent-table.ts";
import type { AdapterHarness, SeenMessage } from "./harness.ts";

const norm = (s: string) => s.replace(/\s+/g, " ");

/** Messages matching `re` (on whitespace-normalised text). */
function find(msgs: SeenMessage[], re: RegExp): SeenMessage[] {
  return msgs.filter((m) => re.test(norm(m.text)));
}

/** Number of the question whose text matches `re`, read from the questions message as the platform shows it. */
function questionNr(msgs: SeenMessage[], re: RegExp): string {
  for (const m of msgs) {
    for (const line of m.text.split("\n")) {
      const hit = /(\d+)\.\s+(.*)$/.exec(line.replace(/\*/g, ""));
      if (hit && re.test(hit[2]!)) return hit[1]!;
    }
  }
  throw new Error(`Frage ${re} nicht gefunden in:\n${msgs.map((m) => m.text).join("\n---\n")}`);
}

/** Number of the task whose text matches `re`. */
function taskNr(msgs: SeenMessage[], re: RegExp): number {
  for (const m of msgs) {
    for (const line of m.text.split("\n")) {
      const hit = /(\d+)\.\s+(?:\(!\)\s*|!\s*)?(.*)$/.exec(line.replace(/[*_]/g, ""));
      if (hit && re.test(hit[2]!)) return Number(hit[1]);
    }
  }
  throw new Error(`Aufgabe ${re} nicht gefunden`);
}

/**
 * The shared adapter conformance suite: one ransomware incident from declaration to the closing summary,
 * driven through the platform's real SDK or wire format by the harness. Every adapter must pass it.
 */
export function conformanceSuite(makeHarness: () => AdapterHarness): void {
  const h = makeHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");
  let before = 0;

  describe(`conformance: ${h.name}`, () => {
    beforeAll(async () => {
      await h.start(clock);
    });
    afterAll(async () => {
      await h.stop();
    });

    it("answers help in German", async () => {
      await h.command("anna", "hilfe");
      await h.settle();
      expect(find(await h.messages(), /Notfall melden/).length).toBeGreaterThan(0);
    });

    it("declares an incident in at most three messages: the first one says what to do now and how to take a role", async () => {
      const earlier = (await h.messages()).length;
      await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
      await h.settle();
      const msgs = await h.messages();
      // NOTFALLBOT_TRAFFIC=1: the count on stderr (for the closing note's figures per platform)
      if (process.env.NOTFALLBOT_TRAFFIC) process.stderr.write(`declaration ${h.name}: ${msgs.length - earlier} messages\n`);
      // issue #10: the whole declaration is at most three messages on every platform (header, questions, clocks)
      expect(msgs.length - earlier).toBeGreaterThanOrEqual(2);
      expect(msgs.length - earlier).toBeLessThanOrEqual(3);
      const header = msgs[earlier]!;
      expect(norm(header.text)).toMatch(/NF-2026-0001/);
      expect(norm(header.text)).toMatch(/Server zeigt Erpressernachricht/);
      expect(norm(header.text)).toMatch(/Jetzt sofort.*Netzwerkkabel/);
      expect(norm(header.text)).toMatch(/IT-Dienstleister sofort anrufen/);
      if (h.has.buttons) expect(header.buttons).toContain("rolle koordinator");
      else expect(norm(header.text)).toMatch(/rolle koordinator/);
      // the questions come a few at a time, those that start legal clocks first; no task list yet
      expect(find(msgs, /Bitte kurz beantworten/).some((m) => m.inThread)).toBe(true);
      expect(find(msgs, /personenbezogene Daten/).length).toBe(1);
      expect(find(msgs, /Medizingeräte/).length).toBe(0);
    });

    it("lets people claim roles and the coordinator assign one by mention", async () => {
      if (h.has.buttons) await h.press("anna", "rolle koordinator");
      else await h.reply("anna", "rolle koordinator");
      await h.settle();
      await h.reply("anna", `rolle technik ${h.mention("ben")}`);
      await h.settle();
      await h.reply("cem", "rolle kommunikation");
      await h.settle();
      const msgs = await h.messages();
      expect(find(msgs, /ist jetzt IT-Notfall-Koordination/).length).toBe(1);
      expect(find(msgs, /ben\S* ist jetzt Technischer Kontakt/i).length).toBe(1);
      expect(find(msgs, /cem\S* ist jetzt Kommunikation nach außen/i).length).toBe(1);
    });

    it("refuses to let someone else take a held role, in German with what to type instead", async () => {
      await h.reply("cem", "rolle koordinator");
      await h.settle();
      const refusal = find(await h.messages(), /ist schon .*umbesetzen/);
      expect(refusal.length).toBe(1);
      if (h.has.ephemeral) expect(refusal[0]!.visibleTo).toBe("cem");
    });

    it("acknowledges tasks in the thread by reply (and button / reaction where the platform has them)", async () => {
      const msgs = await h.messages();
      const check = taskNr(msgs, /Lage bestätigen/);
      await h.reply("ben", `ok ${check}`);
      await h.settle();
      await h.reply("ben", `erledigt ${check}`);
      await h.settle();
      let after = await h.messages();
      expect(
        find(after, new RegExp(`${check}\\..*Lage bestätigen.*erledigt von ben|Aufgabe ${check} erledigt \\(ben`, "i")).length,
      ).toBeGreaterThan(0);
      const running = taskNr(after, /Verschlüsselung noch läuft/);
      if (h.has.buttons) {
        await h.press("ben", `erledigt ${running}`);
        await h.settle();
        after = await h.messages();
        expect(find(after, new RegExp(`${running}\\..*noch läuft.*erledigt von ben`, "i")).length).toBeGreaterThan(0);
      } else if (h.has.reactions) {
        // a ✅ on a task card marks its only open task: the others are done by reply first
        const card = after.find((m) => m.inThread && new RegExp(`${running}\\.\\s.*noch läuft`).test(norm(m.text)))!;
        const others = [...norm(card.text).matchAll(/(\d+)\.\s/g)].map((m) => Number(m[1])).filter((n) => n !== running && n !== check);
        if (others.length) {
          await h.reply("ben", `erledigt ${others.join(", ")}`);
          await h.settle();
        }
        const target = (await h.messages()).find((m) => m.ref === card.ref)!;
        await h.react("ben", "✅", target);
        await h.settle();
        after = await h.messages();
        expect(find(after, new RegExp(`${running}\\..*noch läuft.*erledigt von ben`, "i")).length).toBeGreaterThan(0);
      }
    });

    it("refuses a task of another role and says who may", async () => {
      const nr = taskNr(await h.messages(), /Nicht mit einem Administratorkonto/);
      await h.reply("cem", `erledigt ${nr}`);
      await h.settle();
      const refusal = find(await h.messages(), new RegExp(`Aufgabe ${nr} gehört zur Rolle Technischer Kontakt`));
      expect(refusal.length).toBe(1);
      if (h.has.ephemeral) expect(refusal[0]!.visibleTo).toBe("cem");
    });

    it("is never silent inside the incident: a typo gets a suggestion, a cry for help the asker's next step, chatter a light acknowledgement", async () => {
      await h.reply("cem", "erldigt 3");
      await h.settle();
      expect(find(await h.messages(), /Meinten Sie `?erledigt 3`?\?/).length).toBe(1);
      await h.reply("cem", "Hilfe!!! der server geht nicht");
      await h.settle();
      const help = find(await h.messages(), /NF-2026-0001 läuft/);
      expect(help.length).toBe(1);
      expect(norm(help[0]!.text)).toMatch(/Ihre nächsten Schritte \(Kommunikation\)/);
      if (h.has.ephemeral) expect(help[0]!.visibleTo).toBe("cem");
      const n = (await h.messages()).length;
      await h.reply("cem", "Telefonanlage geht noch, Ansage läuft");
      await h.settle();
      const after = await h.messages();
      if (h.has.reactions && h.botReactions) {
        // a 📝 on the person's message, no message of its own
        expect(after.length).toBe(n);
        expect((await h.botReactions()).length).toBe(1);
      } else {
        // one short line, never a chatty reply
        expect(after.length).toBe(n + 1);
        expect(norm(after.at(-1)!.text).trim().split(" ").length).toBeLessThanOrEqual(3);
      }
    });

    it("posts a filled communication template", async () => {
      await h.reply("cem", "vorlage mitarbeitende");
      await h.settle();
      const tpl = find(await h.messages(), /Information an alle Mitarbeitenden/).filter(
        (m) => /Was ist los\?/.test(m.text) && /ausfüllen/.test(m.text),
      );
      expect(tpl.length).toBeGreaterThan(0);
    });

    it("starts the DSGVO 72 h clock on a triage answer and a reminder arrives after simulated time", async () => {
      const nr = questionNr(await h.messages(), /personenbezogene Daten/);
      await h.reply("anna", `antwort ${nr} ja`);
      await h.settle();
      expect(find(await h.messages(), /Frist läuft: .*Datenschutz/).length).toBe(1);
      await clock.advance(49 * 3600_000);
      await h.settle();
      expect(find(await h.messages(), /⏰ Noch .*Datenschutz/).length).toBeGreaterThan(0);
    });

    it("enforces who may advance, escalate and assign others (authorization through the platform)", async () => {
      await h.reply("ben", "weiter");
      await h.settle();
      await h.reply("ben", "eskalieren krise");
      await h.settle();
      await h.reply("cem", `rolle technik ${h.mention("anna")}`);
      await h.settle();
      const msgs = await h.messages();
      expect(find(msgs, /Die Phase wechseln darf nur die Koordination/).length).toBe(1);
      expect(find(msgs, /Die Stufe ändern darf nur die Koordination/).length).toBe(1);
      expect(find(msgs, /Andere einteilen darf nur die Koordination/).length).toBe(1);
      expect(find(msgs, /Stufe geändert/).length).toBe(0);
    });

    it("refuses an unauthorised close", async () => {
      await h.reply("ben", "abschließen");
      await h.settle();
      expect(find(await h.messages(), /Abschließen darf nur die Koordination/).length).toBe(1);
    });

    it("redelivery of the same platform event has no second effect", async () => {
      const nr = taskNr(await h.messages(), /Alle warnen/);
      await h.reply("anna", `erledigt ${nr}`);
      await h.settle();
      before = (await h.messages()).length;
      await h.redeliverLast();
      await h.redeliverLast();
      await h.settle();
      const msgs = await h.messages();
      expect(msgs.length).toBe(before);
      expect(find(msgs, /bereits erledigt/).length).toBe(0);
    });

    it("survives a restart of the bot mid-incident", async () => {
      await h.restartBot();
      await h.reply("anna", "status");
      await h.settle();
      const status = find(await h.messages(), /Lage NF-2026-0001/);
      expect(status.length).toBe(1);
      expect(norm(status[0]!.text)).toMatch(/Technik: ben/i);
    });

    it("advances with a recorded reason, takes review answers and closes with the lessons-learned summary", async () => {
      await h.reply("anna", "weiter Sofortmaßnahmen laufen, IT-Dienstleister vor Ort");
      await h.settle();
      expect(find(await h.messages(), /Neue Phase: .*Sofortmaßnahmen/).length).toBe(1);
      for (const reason of ["Lage im Griff", "Eindämmung abgeschlossen", "System läuft wieder"]) {
        await h.reply("anna", `weiter ${reason}`);
        await h.settle();
      }
      expect(find(await h.messages(), /Was lernen wir daraus/).length).toBeGreaterThan(0);
      await h.reply("anna", "antwort L1 Über eine gefälschte Rechnung per E-Mail");
      await h.settle();
      await h.reply("anna", "abschließen Nachbereitung in der Teamsitzung besprochen");
      await h.settle();
      const summary = find(await h.messages(), /abgeschlossen – Zusammenfassung/);
      expect(summary.length).toBe(1);
      const text = norm(summary[0]!.text);
      expect(text).toMatch(/Dauer gesamt/);
      expect(text).toMatch(/Erste Reaktion je Rolle/);
      expect(text).toMatch(/gefälschte Rechnung/);
      expect(text).toMatch(/Fristen/);
    });

    const traffic = h.traffic;
    // platforms that update messages in place (Slack, Teams, Matrix)
    if (traffic)
      it("never edits a message into what it already showed (phase changes do not touch the header)", async () => {
        const t = await traffic();
        // NOTFALLBOT_TRAFFIC=1: the counts on stderr (what the bot sends per full incident, for comparing changes)
        if (process.env.NOTFALLBOT_TRAFFIC) process.stderr.write(`traffic ${h.name}: ${JSON.stringify(t)}\n`);
        expect(t.posts).toBeGreaterThan(0);
        expect(t.edits).toBeGreaterThan(0);
        expect(t.unchanged).toBe(0);
      });
  });
}

/** The newest message matching `re`. */
function newest(msgs: SeenMessage[], re: RegExp): SeenMessage {
  const all = find(msgs, re);
  if (!all.length) throw new Error(`keine Nachricht ${re} in:\n${msgs.map((m) => m.text).join("\n---\n")}`);
  return all[all.length - 1]!;
}

/** The text a person reads, without the commands buttons carry (some harnesses list them beside the label). */
function visible(m: SeenMessage): string {
  return norm(m.buttons.reduce((t, b) => t.split(b).join(""), m.text));
}

/** Playbook ids a menu must never show as such (the buttons may carry them; the visible text may not). */
const BARE_ID =
  /(?<![\w-])(serverausfall|geraeteverlust|verschluesselung|brand-wasser|ceo-fraud|datenabfluss|email-konto|fernwartung|internet-ti|schadsoftware|sicherheitsluecke|stromausfall)(?![\w-])/;

/**
 * The shared suite for the "which kind of emergency?" menu (issue #11 item 2, #10 item 4), on a fresh bot: an
 * unsure declaration asks with a short ranked menu (title and one line each, numbered, buttons where the platform
 * has them), "etwas anderes" lists every type, the answer (number, name or button) opens the chosen type with the
 * description as typed; declaring the same type again points to the running incident, `neu` opens another anyway.
 */
export function menuSuite(makeHarness: () => AdapterHarness): void {
  const h = makeHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");
  const typed = "Daten verloren nach Serverabsturz";

  describe(`menu: ${h.name}`, () => {
    beforeAll(async () => {
      await h.start(clock);
    });
    afterAll(async () => {
      await h.stop();
    });

    it("asks with at most three options, each with its title and one line, plus 'etwas anderes'; no bare id", async () => {
      await h.command("anna", typed);
      await h.settle();
      const msgs = await h.messages();
      expect(find(msgs, /NF-2026-/)).toEqual([]);
      const menu = norm(newest(msgs, /Welche Art von Notfall ist „Daten verloren nach Serverabsturz“\?/).text);
      expect(menu).toMatch(/1 · Ausfall von Server oder Hardware – Server, Praxissoftware oder ein wichtiges Gerät geht nicht mehr/);
      expect(menu).toMatch(/2 · Verlust oder Diebstahl eines Geräts – Laptop, Handy/);
      expect(menu).toMatch(/3 · etwas anderes/);
      expect(menu).not.toMatch(/4 · /);
      expect(menu).toMatch(/Antworten Sie mit der Nummer/);
      expect(visible(newest(msgs, /Welche Art von Notfall/))).not.toMatch(BARE_ID);
      if (h.has.buttons) {
        const buttons = newest(msgs, /Welche Art von Notfall/).buttons;
        expect(buttons).toContain(`serverausfall ${typed}`);
        expect(buttons).toContain(`anderes ${typed}`);
      }
    });

    it("`1` answers the menu: the first option opens, with the description as typed", async () => {
      await h.command("anna", "1");
      await h.settle();
      const header = norm(newest(await h.messages(), /NF-2026-0001/).text);
      expect(header).toMatch(/Ausfall von Server oder Hardware/);
      expect(header).toMatch(/Daten verloren nach Serverabsturz/);
    });

    it("declaring the same type again points to the running incident; `neu` opens another one anyway", async () => {
      await clock.advance(2 * 60_000);
      await h.command("ben", "serverausfall Server ist abgestürzt");
      await h.settle();
      let msgs = await h.messages();
      expect(find(msgs, /NF-2026-0002/)).toEqual([]);
      if (h.has.single) {
        // one conversation, one incident: refused with the running one named
        expect(find(msgs, /läuft schon NF-2026-0001/).length).toBeGreaterThan(0);
        return;
      }
      const pointer = newest(msgs, /NF-2026-0001 läuft seit/);
      expect(norm(pointer.text)).toMatch(/NF-2026-0001 läuft seit 2 min – dort weiter\. Wirklich einen neuen Notfall\?/);
      expect(norm(pointer.text)).toMatch(/notfall neu serverausfall Server ist abgestürzt/);
      if (h.has.buttons) await h.press("ben", "neu serverausfall Server ist abgestürzt");
      else await h.command("ben", "neu serverausfall Server ist abgestürzt");
      await h.settle();
      msgs = await h.messages();
      const header = norm(newest(msgs, /NF-2026-0002/).text);
      expect(header).toMatch(/Ausfall von Server oder Hardware/);
      expect(header).toMatch(/Server ist abgestürzt/);
    });

    it("a drill asks the same way; 'etwas anderes' lists every type with one line each, never a bare id; a name or button from it opens the drill", async () => {
      await h.command("cem", `übung ${typed}`);
      await h.settle();
      const menu = newest(await h.messages(), /Welche Art von Notfall ist „Daten verloren nach Serverabsturz“/);
      expect(norm(menu.text)).toMatch(/ÜBUNG/);
      expect(visible(menu)).not.toMatch(BARE_ID);
      if (h.has.buttons) expect(menu.buttons).toContain(`übung anderes ${typed}`);
      await h.command("cem", "etwas anderes");
      await h.settle();
      const list = newest(await h.messages(), /Alle Notfallarten – welche passt zu „Daten verloren nach Serverabsturz“/);
      const options = list.text
        .replace(/[*_]/g, "")
        .split("\n")
        .filter((l) => /^\s*\d+\s*·\s*\S.* – \S/.test(l));
      expect(options.length).toBe(12);
      expect(norm(list.text)).toMatch(/ÜBUNG/);
      expect(visible(list)).not.toMatch(BARE_ID);
      // the answer by name (or button) from the full list opens the drill with the description
      if (h.has.single) return;
      if (h.has.buttons) await h.press("cem", `übung serverausfall ${typed}`);
      else await h.command("cem", "Hardware");
      await h.settle();
      const header = norm(newest(await h.messages(), /NF-2026-0003/).text);
      expect(header).toMatch(/ÜBUNG/);
      expect(header).toMatch(/Ausfall von Server oder Hardware/);
      expect(header).toMatch(/Daten verloren nach Serverabsturz/);
    });
  });
}

/**
 * Issue #10 item 3 through the platform: every line of the table (tests/helpers/never-silent-table.ts) typed into a
 * running incident's thread gets the kind of answer it needs, as the platform shows it: a suggestion, the question
 * which task, the asker's next steps naming the incident (only to the asker where the platform can), or a light
 * acknowledgement (a 📝 reaction and no message where the platform has reactions, else one short line).
 */
export function neverSilentSuite(makeHarness: () => AdapterHarness): void {
  const h = makeHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");

  describe(`never silent: ${h.name}`, () => {
    beforeAll(async () => {
      await h.start(clock);
      await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
      await h.settle();
      await h.reply("anna", "rolle koordinator");
      await h.settle();
      await h.reply("cem", "rolle kommunikation");
      await h.settle();
    });
    afterAll(async () => {
      await h.stop();
    });

    for (const [line, kind, suggestion] of NEVER_SILENT_TABLE) {
      it(`${JSON.stringify(line)} → ${kind}`, async () => {
        const before = (await h.messages()).length;
        const reactions = (await h.botReactions?.())?.length ?? 0;
        await h.reply("cem", line);
        await h.settle();
        const added = (await h.messages()).slice(before);
        const text = added.map((m) => norm(m.text)).join("\n");
        switch (kind) {
          case "suggest":
            expect(added.length, text).toBe(1);
            expect(text).toContain("Meinten Sie");
            expect(text.replace(/`/g, "")).toContain(`Meinten Sie ${suggestion}?`);
            break;
          case "which":
            expect(added.length, text).toBe(1);
            expect(text).toMatch(/Welche Aufgabe\? Bitte mit Nummer/);
            break;
          case "next":
            expect(added.length, text).toBe(1);
            expect(text).toMatch(/NF-2026-0001 läuft/);
            expect(text).toMatch(/Ihre nächsten Schritte \(Kommunikation\)/);
            if (h.has.ephemeral) expect(added[0]!.visibleTo).toBe("cem");
            break;
          case "ack":
            if (h.has.reactions && h.botReactions) {
              expect(added.length, text).toBe(0);
              expect((await h.botReactions()).length).toBe(reactions + 1);
            } else {
              expect(added.length, text).toBe(1);
              expect(text).toMatch(/📝/);
              expect(text.trim().split(" ").length).toBeLessThanOrEqual(3);
            }
            break;
        }
      });
    }
  });
}
