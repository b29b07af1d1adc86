import { afterEach, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { type Condition, LEVELS, type Level, type Playbook } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Every conditional task, template and deadline of every playbook is reachable in a running incident (issue #12:
 * content must not only exist in YAML). For each playbook the conditions are grouped into as few answer profiles as
 * do not contradict each other; each profile is one incident on an organisation file with every switch on
 * (practice, cyber insurer, NIS2), answered by a role holder and escalated to the level the profile needs. Then the
 * task must be among the incident's active task rows, the template in the `vorlage` list, the deadline running on
 * `status`.
 */
const playbooks = loadPlaybooks().list();
const everything: OrgConfig = { ...loadOrgConfig("examples/praxis.yaml"), nis2: true };

interface Item {
  kind: "task" | "template" | "deadline";
  id: string;
  when: Condition;
}

interface Profile {
  answers: Record<string, string>;
  level: Level;
  items: Item[];
}

function wanted(c: Condition): Record<string, string> {
  if (c.question === undefined) return {};
  return { [c.question]: c.answer === undefined ? "ja" : [c.answer].flat()[0]! };
}

/** Conditional items grouped greedily into profiles whose answers agree. */
function profiles(pb: Playbook): Profile[] {
  const items: Item[] = [
    ...pb.tasks.filter((x) => x.when).map((x) => ({ kind: "task" as const, id: x.id, when: x.when! })),
    ...pb.templates.filter((x) => x.when).map((x) => ({ kind: "template" as const, id: x.id, when: x.when! })),
    // a deadline that follows another one's fulfilment is covered in legal-clocks.test.ts (NIS2 final report)
    ...pb.deadlines.filter((x) => x.when && x.from !== "deadline").map((x) => ({ kind: "deadline" as const, id: x.id, when: x.when! })),
  ];
  const out: Profile[] = [];
  for (const item of items) {
    const need = wanted(item.when);
    let p = out.find((x) => Object.entries(need).every(([q, a]) => x.answers[q] === undefined || x.answers[q] === a));
    if (!p) {
      p = { answers: {}, level: pb.level, items: [] };
      out.push(p);
    }
    Object.assign(p.answers, need);
    if (item.when.min_level && LEVELS.indexOf(item.when.min_level) > LEVELS.indexOf(p.level)) p.level = item.when.min_level;
    p.items.push(item);
  }
  return out;
}

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

describe("every conditional task, template and deadline is reachable in a running incident", () => {
  for (const pb of playbooks) {
    profiles(pb).forEach((profile, i) => {
      const label = Object.entries(profile.answers)
        .map(([q, a]) => `${q}=${a}`)
        .join(", ");
      it(`${pb.id} #${i + 1}: ${label || "(no answers)"} at ${profile.level}`, async () => {
        tb = await new TestBot({ config: everything }).start();
        const t = tb;
        await t.command("anna", `${pb.id} Beschreibung`);
        await t.say("anna", "rolle koordinator");
        for (const [q, a] of Object.entries(profile.answers)) {
          const nr = pb.questions.findIndex((x) => x.id === q) + 1;
          expect(nr, `${pb.id}: Frage ${q}`).toBeGreaterThan(0);
          await t.say("anna", `antwort ${nr} ${a}`);
        }
        const id = (await t.storage.listIncidents())[0]!.id;
        const level = (await t.storage.listIncidents())[0]!.level as Level;
        if (LEVELS.indexOf(profile.level) > LEVELS.indexOf(level)) await t.say("anna", `eskalieren ${profile.level}`);
        const tasks = new Set((await t.storage.tasks(id)).map((x) => x.taskId));
        await t.say("anna", "vorlage");
        const offered = t.last();
        await t.say("anna", "status");
        const status = t.last().replace(/\n\s+/g, " ");
        for (const item of profile.items) {
          if (item.kind === "task") expect(tasks.has(item.id), `Aufgabe ${item.id}`).toBe(true);
          if (item.kind === "template") expect(offered, `Vorlage ${item.id}`).toContain(`${item.id}`);
          if (item.kind === "deadline") {
            const title = pb.deadlines.find((d) => d.id === item.id)!.title;
            const de = typeof title === "string" ? title : title.de;
            expect(status, `Frist ${item.id}`).toContain(`${de}:`);
            expect(status.split(`${de}:`)[1]!.split("\n")[0], `Frist ${item.id}`).not.toMatch(/wartet auf Antwort|noch zu klären/);
          }
        }
      });
    });
  }
});
