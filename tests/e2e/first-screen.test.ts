/**
 * The first screen without an organisation file: the actions come first, and a missing phone number never sends a
 * frightened person to edit configuration; it says where the number is found now (the gap is check-config's).
 */
import { afterAll, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

it("without an organisation file, the call action says where to look the number up", async () => {
  const r = await runCli(["console"], {
    cwd: tmp.dir,
    input: "/notfall verschlüsselung Server zeigt Erpresserbrief\n",
    env: { COLUMNS: "60" },
  });
  const first = r.out.split("\n").filter((l) => l.startsWith("▌"));
  const text = first.join("\n");
  expect(first.findIndex((l) => l.includes("Jetzt sofort"))).toBeLessThan(5);
  expect(text).toMatch(/IT-Dienstleister sofort anrufen – Nummer auf der\n▌ +Notfallkarte oder im Vertrag nachsehen/);
  expect(text).not.toMatch(/Organisationsdatei|it\.hotline/);
  // which device: the one showing the note, not any device; every action ends as a sentence
  expect(text).toMatch(/1\. Netzwerkkabel am betroffenen Gerät ziehen/);
  expect(text).toMatch(/im Vertrag nachsehen\./);
});
