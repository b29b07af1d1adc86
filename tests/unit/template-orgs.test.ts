import { describe, expect, it } from "vitest";
import { configGaps } from "../../src/config/gaps.ts";
import { loadOrgConfig } from "../../src/config/load.ts";
import { blocksToPlain } from "../../src/core/message.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { TestBot } from "../helpers/bot.ts";

const playbooks = loadPlaybooks().list();

/** Gaps an author wrote on purpose (`[[Anzahl Betroffener]]`): facts only a person can fill in. */
function literalGaps(body: string): Set<string> {
  return new Set([...body.matchAll(/\[\[([^\]]+)\]\]/g)].map((m) => m[1]!));
}

describe.each(["examples/praxis.yaml", "examples/kmu.yaml"])("every template with %s", (file) => {
  const config = loadOrgConfig(file);
  // values the example leaves out on purpose (check-config lists them) may show as gaps, nothing else
  const known = new Set(configGaps(config, playbooks).map((g) => g.label));

  it.each(playbooks.map((p) => [p.id, p] as const))("%s renders without an unintended gap", async (_id, pb) => {
    const tb = await new TestBot({ config }).start();
    try {
      await tb.command("anna", `${pb.id} Beschreibung des Vorfalls`);
      await tb.say("anna", "rolle koordinator");
      await tb.say("anna", "rolle technik <@ben>");
      await tb.say("anna", "rolle kommunikation <@cem>");
      // answer every question, so every conditional template is switched on and answers fill their placeholders
      for (const [i, q] of pb.questions.entries()) {
        const value = q.kind === "time" ? "vor 1 stunde" : q.kind === "yesno" ? "ja" : "Beispielantwort";
        await tb.say("anna", `antwort ${i + 1} ${value}`);
      }
      await tb.say("anna", "eskalieren krise");
      for (const tpl of pb.templates) {
        if (tpl.when?.config === "nis2" && !config.nis2) continue;
        if (tpl.when?.config === "insurer" && !config.insurer) continue;
        await tb.say("cem", `vorlage ${tpl.id}`);
        const msg = tb.adapter.visible().at(-1)!;
        const tplBlock = msg.blocks.find((b) => b.type === "template");
        expect(tplBlock, `${pb.id}/${tpl.id}: ${blocksToPlain(msg.blocks)}`).toBeDefined();
        const body = typeof tpl.body === "string" ? tpl.body : tpl.body.de;
        const intended = literalGaps(body);
        const shown = [...(tplBlock as { body: string }).body.matchAll(/\[\[([^\]]+)\]\]/g)].map((m) => m[1]!);
        const unintended = shown.filter((g) => !intended.has(g) && !known.has(g));
        expect(unintended, `${pb.id}/${tpl.id} with ${file}`).toEqual([]);
      }
    } finally {
      await tb.stop();
    }
  });
});
