import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_CAPABILITIES } from "../../src/core/adapter.ts";
import { blocksToPlain } from "../../src/core/message.ts";
import { TestBot } from "../helpers/bot.ts";
import { NEVER_SILENT_TABLE } from "../helpers/never-silent-table.ts";

/**
 * Issue #10 item 3: never silent inside an incident. Every line typed in a running incident gets the kind of answer
 * it needs: a mistyped command a suggestion ("Meinten Sie `erledigt 3`?"), a task word without number the question
 * which one, a question or cry for help the asker's next step naming the incident, anything else a light
 * acknowledgement (a 📝 reaction where the platform has reactions, one short line in the terminal), never a chatty
 * reply. Run on a platform with every capability and on one with none (the terminal's); the same table runs through
 * every adapter in the conformance suite (neverSilentSuite in tests/adapters/conformance.ts).
 */

const TABLE = NEVER_SILENT_TABLE;

for (const [name, caps] of [
  ["every capability (reactions, ephemeral)", {}],
  ["the terminal's (no reactions)", { ...NO_CAPABILITIES }],
] as const) {
  describe(`never silent inside an incident: ${name}`, () => {
    let tb: TestBot;
    /** The platform with every capability (the other one is the terminal's: nothing optional). */
    const rich = !("reactions" in caps);
    beforeAll(async () => {
      tb = await new TestBot({ caps }).start();
      await tb.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
      await tb.say("anna", "rolle koordinator");
      await tb.say("cem", "rolle kommunikation");
    });
    afterAll(async () => {
      await tb.stop();
    });

    it(`has a table of at least 30 lines`, () => {
      expect(TABLE.length).toBeGreaterThanOrEqual(30);
    });

    for (const [line, kind, suggestion] of TABLE) {
      it(`${JSON.stringify(line)} → ${kind}`, async () => {
        const msgs = tb.adapter.visible().length;
        const reactions = tb.adapter.reactions.length;
        const timeline = (await tb.storage.timeline("NF-2026-0001")).length;
        await tb.say("cem", line);
        const added = tb.adapter.visible().slice(msgs);
        const text = added.map((m) => blocksToPlain(m.blocks)).join("\n");
        switch (kind) {
          case "suggest":
            expect(added.length).toBe(1);
            expect(text).toContain(`Meinten Sie ${suggestion}?`);
            break;
          case "which":
            expect(added.length).toBe(1);
            expect(text).toMatch(/Welche Aufgabe\? Bitte mit Nummer/);
            break;
          case "next":
            expect(added.length).toBe(1);
            expect(text).toMatch(/NF-2026-0001 läuft/);
            expect(text).toMatch(/Ihre nächsten Schritte \(Kommunikation\)/);
            if (rich) expect(added[0]!.visibleTo).toBe("cem");
            break;
          case "ack":
            if (rich) {
              expect(added.length).toBe(0);
              expect(tb.adapter.reactions.slice(reactions).map((r) => r.emoji)).toEqual(["📝"]);
            } else {
              // the terminal: one short line
              expect(added.length).toBe(1);
              expect(text.split(/\s+/).length).toBeLessThanOrEqual(3);
              expect(text).toMatch(/📝/);
            }
            break;
        }
        // whatever it was, the line is documented as typed
        const entries = await tb.storage.timeline("NF-2026-0001");
        if (line.trim().toLowerCase() !== "hilfe") {
          expect(entries.length).toBeGreaterThan(timeline);
          expect(entries.at(-1)!.text).toBe(line);
        }
      });
    }

    it("someone without a role is told how to take one, naming the incident", async () => {
      await tb.say("dora", "was soll ich tun?");
      const text = blocksToPlain(tb.adapter.visible().at(-1)!.blocks);
      expect(text).toMatch(/NF-2026-0001 läuft/);
      expect(text).toMatch(/Jetzt sofort/);
      expect(text).toMatch(/noch keine Rolle.*rolle technik/s);
    });
  });
}
