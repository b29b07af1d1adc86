import { afterEach, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Which legal clocks run after which answer, read from `status` as a person sees it. Answered cases only: what an
 * unanswered question means (defaults, reminders) belongs to the answer logic of the core.
 */
const playbooks = loadPlaybooks().list();
const praxis = loadOrgConfig("examples/praxis.yaml");
const kmu = loadOrgConfig("examples/kmu.yaml");
const title = (id: string) => loc(playbooks[0]!.deadlines.find((d) => d.id === id)!.title);
const DSGVO_33 = title("dsgvo-33");
const DSGVO_33_5 = title("dsgvo-33-5");
const DSGVO_34 = title("dsgvo-34");
const NIS2 = ["nis2-erstmeldung", "nis2-meldung", "nis2-abschluss"].map(title);
const INSURER = loc(playbooks.find((p) => p.id === "verschluesselung")!.deadlines.find((d) => d.id === "versicherung")!.title);

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

async function open(config: OrgConfig, words: string): Promise<TestBot> {
  tb = await new TestBot({ config }).start();
  await tb.command("anna", `${words} Beschreibung`);
  await tb.say("anna", "rolle koordinator");
  return tb;
}

/** The number in front of a question (or task) whose text matches. */
function nrOf(t: TestBot, re: RegExp): string {
  for (const text of t.texts())
    for (const line of text.split("\n")) {
      const m = /(\d+)\.\s+(?:\(!\)\s*)?(.*)$/.exec(line);
      if (m && re.test(m[2]!)) return m[1]!;
    }
  throw new Error(`nicht gefunden: ${re}`);
}

/** The number of a playbook's question (its place in the playbook), whether asked or not. */
function questionIndex(playbook: string, re: RegExp): string {
  const pb = loadPlaybooks().get(playbook)!;
  return String(pb.questions.findIndex((q) => re.test(loc(q.text, "de"))) + 1);
}

/** Titles of the deadlines `status` lists as running. */
async function runningClocks(t: TestBot): Promise<string[]> {
  await t.say("anna", "status");
  const status = t.last();
  const part = status.split("Fristen")[1] ?? "";
  return [DSGVO_33, DSGVO_33_5, DSGVO_34, ...NIS2, INSURER].filter((d) => part.includes(d));
}

describe("personal data: the answer decides which DSGVO clocks run (every playbook)", () => {
  const table = { ja: [DSGVO_33, DSGVO_33_5], unklar: [DSGVO_33, DSGVO_33_5], nein: [] as string[] };
  for (const pb of playbooks) {
    it.each(Object.entries(table))(`${pb.id}: personenbezogen %s`, async (answer, expected) => {
      const t = await open(praxis, pb.id);
      await t.say("anna", `antwort ${nrOf(t, /personenbezogene Daten/)} ${answer}`);
      const running = (await runningClocks(t)).filter((d) => d !== INSURER);
      expect(running).toEqual(expected);
    });
  }
});

describe("Art. 34: only a high risk starts the notice to the people affected", () => {
  it.each([
    ["ja", true],
    ["unklar", false],
    ["nein", false],
  ] as const)("verschluesselung: hohes Risiko %s", async (answer, runs) => {
    const t = await open(praxis, "verschlüsselung");
    await t.say("anna", `antwort ${nrOf(t, /personenbezogene Daten/)} ja`);
    await t.say("anna", `antwort ${nrOf(t, /hohes Risiko/)} ${answer}`);
    expect((await runningClocks(t)).includes(DSGVO_34)).toBe(runs);
  });
});

describe("NIS2 follows „erheblicher Sicherheitsvorfall“, not the level", () => {
  it("a power outage escalated to Notfall without that answer: no BSI report, no report task", async () => {
    const t = await open(kmu, "stromausfall");
    await t.say("anna", "eskalieren notfall");
    expect(await runningClocks(t)).toEqual([]);
    expect(t.last()).not.toMatch(/NIS2/);
  });

  it("a data leak at Störung with „erheblich: ja“: all three reports", async () => {
    const t = await open(kmu, "datenpanne");
    // not asked without nis2 (its `when`), but a role holder may still answer it by its number
    const nr = questionIndex("datenabfluss", /Erheblicher Sicherheitsvorfall/);
    await t.say("anna", `antwort ${nr} ja`);
    expect(await runningClocks(t)).toEqual(NIS2.slice(0, 2));
    expect(t.last()).toMatch(/NIS2-Erstmeldung im Meldeportal/);
    // the final report runs from the 72-hour report
    const id = (await t.storage.listIncidents())[0]!.id;
    const report = (await t.storage.tasks(id)).find((x) => x.taskId === "nis2-meldung")!;
    await t.say("anna", `erledigt ${report.nr}`);
    expect(await runningClocks(t)).toContain(NIS2[2]);
  });

  it("without nis2: true the question does not switch anything on", async () => {
    const t = await open(praxis, "datenpanne");
    // not asked without nis2 (its `when`), but a role holder may still answer it by its number
    const nr = questionIndex("datenabfluss", /Erheblicher Sicherheitsvorfall/);
    await t.say("anna", `antwort ${nr} ja`);
    expect(await runningClocks(t)).toEqual([]);
  });
});
