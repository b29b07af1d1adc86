import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/core/clock.ts";
import { consoleHarness } from "./harness.ts";

const norm = (s: string) => s.replace(/\s+/g, " ");

/**
 * At the terminal one keyboard speaks for everyone: whoever types `ok rolle` without being asked is told who is asked
 * for which role and how to confirm as that person (`@anna: ok rolle`); the first message says so too.
 */
describe("terminal: confirming a role as the person asked", () => {
  const h = consoleHarness();
  beforeAll(async () => {
    h.configure((id, chat) => ({
      name: "Praxis Test",
      contacts: [
        { name: "Anna Arzt", phone: "+49 170 1111111", chat: { [chat]: [id("anna")] } },
        { name: "Ben Berg", phone: "+49 171 2222222", chat: { [chat]: [id("ben")] } },
      ],
      roles: { koordinator: { primary: "Anna Arzt" }, technik: { primary: "Ben Berg" } },
    }));
    await h.start(new FakeClock("2026-03-02T08:00:00Z"));
  });
  afterAll(async () => {
    await h.stop();
  });

  it("the first message and the answer to `ok rolle` show `@anna: ok rolle`; Anna confirms that way", async () => {
    await h.command("dieter", "verschlüsselung Server zeigt Erpressernachricht");
    await h.settle();
    const header = (await h.messages()).find((m) => /NF-2026-0001/.test(m.text))!;
    expect(norm(header.text)).toMatch(
      /Rolle bestätigen: ok rolle schreiben\. Am Terminal für die Person schreiben, z\. B\. @anna: ok rolle\./,
    );
    await h.reply("dieter", "ok rolle");
    await h.settle();
    const answer = norm((await h.messages()).at(-1)!.text);
    expect(answer).toContain("Angefragt: Anna Arzt (Koordination), Ben Berg (Technik).");
    expect(answer).toContain("Am Terminal als Anna Arzt bestätigen: @anna: ok rolle.");
    expect(answer).toContain("Telefonisch erreicht? Dann tragen Sie die Person ein: ok rolle technik.");
    // only the role nobody is asked for is called free
    expect(answer).toContain("Freie Rolle übernehmen: rolle kommunikation. Wer was hat: status.");
    await h.reply("anna", "ok rolle");
    await h.settle();
    expect((await h.messages()).some((m) => /Anna Arzt bestätigt: IT-Notfall-Koordination/.test(norm(m.text)))).toBe(true);
  });
});
