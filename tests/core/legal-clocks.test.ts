import { afterEach, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/core/org.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Which legal clocks run after which answer, read from `status` as a person sees it: running, running as a
 * precaution (a playbook default stands in for an unanswered question), or waiting for an answer (an unanswered
 * question is not "no").
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
const DSGVO = [DSGVO_33, DSGVO_33_5, DSGVO_34];

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

/** Running, running as a precaution, or not running because an answer is missing or „unklar“ where „ja“ is needed. */
type Clock = "läuft" | "vorsorglich" | "wartet";

/** The clocks `status` lists under „Fristen“, by title: running, running as a precaution, or waiting for an answer. */
async function clocks(t: TestBot): Promise<Record<string, Clock>> {
  await t.say("anna", "status");
  const part = (t.last().split("Fristen")[1] ?? "").split("Nächster Schritt")[0]!.replace(/\n\s+/g, " ");
  const out: Record<string, Clock> = {};
  for (const d of [...DSGVO, ...NIS2, INSURER]) {
    const at = part.indexOf(`${d}:`);
    if (at < 0) continue;
    const value = part.slice(at + d.length + 1).split("\n")[0]!;
    out[d] = /wartet auf Antwort|noch zu klären/.test(value) ? "wartet" : /vorsorglich/.test(value) ? "vorsorglich" : "läuft";
  }
  return out;
}

/** Titles of the deadlines `status` lists as running (also as a precaution). */
async function runningClocks(t: TestBot): Promise<string[]> {
  const c = await clocks(t);
  return Object.keys(c).filter((d) => c[d] !== "wartet");
}

/** Only the DSGVO clocks of a status. */
function dsgvo(c: Record<string, Clock>): Record<string, Clock> {
  return Object.fromEntries(Object.entries(c).filter(([d]) => DSGVO.includes(d)));
}

/** Where personal data are usually involved (issue #12): the playbooks whose default for question 6 is „unklar“. */
const USUALLY_PERSONAL = ["datenabfluss", "email-konto", "fernwartung", "geraeteverlust", "schadsoftware", "verschluesselung"];

describe("personal data: unanswered, ja, nein, unklar → which DSGVO clocks run (every playbook, on status)", () => {
  it("the default „unklar“ stands in exactly the playbooks where personal data are usually involved", () => {
    expect(playbooks.filter((p) => p.defaults?.personenbezogen === "unklar").map((p) => p.id)).toEqual(USUALLY_PERSONAL);
  });

  for (const pb of playbooks) {
    const usually = USUALLY_PERSONAL.includes(pb.id);
    const table: [string, Record<string, Clock>][] = [
      [
        "unanswered",
        usually
          ? { [DSGVO_33]: "vorsorglich", [DSGVO_34]: "wartet", [DSGVO_33_5]: "vorsorglich" }
          : { [DSGVO_33]: "wartet", [DSGVO_33_5]: "wartet" },
      ],
      ["ja", { [DSGVO_33]: "läuft", [DSGVO_34]: "wartet", [DSGVO_33_5]: "läuft" }],
      ["unklar", { [DSGVO_33]: "läuft", [DSGVO_34]: "wartet", [DSGVO_33_5]: "läuft" }],
      ["nein", {}],
    ];
    it.each(table)(`${pb.id}: personenbezogen %s`, async (answer, expected) => {
      const t = await open(praxis, pb.id);
      if (answer !== "unanswered") await t.say("anna", `antwort ${nrOf(t, /personenbezogene Daten/)} ${answer}`);
      expect(dsgvo(await clocks(t))).toEqual(expected);
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

/** Only the NIS2 clocks of a status. */
function nis2(c: Record<string, Clock>): Record<string, Clock> {
  return Object.fromEntries(Object.entries(c).filter(([d]) => NIS2.includes(d)));
}

describe("NIS2 (nis2: true): erheblich unanswered, ja, nein, unklar → which BSI reports run (every playbook, on status)", () => {
  for (const pb of playbooks) {
    const table: [string, Record<string, Clock>][] = [
      // not „no“: the 24 h and 72 h reports wait for the answer; the final report runs from the 72 h one
      ["unanswered", { [NIS2[0]!]: "wartet", [NIS2[1]!]: "wartet" }],
      ["ja", { [NIS2[0]!]: "läuft", [NIS2[1]!]: "läuft" }],
      ["unklar", { [NIS2[0]!]: "läuft", [NIS2[1]!]: "läuft" }],
      ["nein", {}],
    ];
    it.each(table)(`${pb.id}: erheblich %s`, async (answer, expected) => {
      const t = await open(kmu, pb.id);
      if (answer !== "unanswered") await t.say("anna", `antwort ${questionIndex(pb.id, /Erheblicher Sicherheitsvorfall/)} ${answer}`);
      expect(nis2(await clocks(t))).toEqual(expected);
    });
  }
});

describe("NIS2 follows „erheblicher Sicherheitsvorfall“, not the level", () => {
  it("a power outage escalated to Notfall without that answer: no BSI report, no report task", async () => {
    const t = await open(kmu, "stromausfall");
    await t.say("anna", "eskalieren notfall");
    // not running: the 24 h and 72 h reports wait for the answer on „erheblich“, the final report for the 72 h one
    const c = await clocks(t);
    expect([c[NIS2[0]!], c[NIS2[1]!], c[NIS2[2]!]]).toEqual(["wartet", "wartet", undefined]);
    const id = (await t.storage.listIncidents())[0]!.id;
    expect((await t.storage.tasks(id)).filter((x) => x.taskId.startsWith("nis2"))).toEqual([]);
  });

  it("a data leak at Störung with „erheblich: ja“: all three reports", async () => {
    const t = await open(kmu, "datenpanne");
    expect((await t.storage.listIncidents())[0]!.level).toBe("stoerung");
    // not asked without nis2 (its `when`), but a role holder may still answer it by its number
    const nr = questionIndex("datenabfluss", /Erheblicher Sicherheitsvorfall/);
    await t.say("anna", `antwort ${nr} ja`);
    expect((await runningClocks(t)).filter((d) => NIS2.includes(d))).toEqual(NIS2.slice(0, 2));
    expect(t.last()).toMatch(/NIS2-Erstmeldung im Meldeportal/);
    // the final report runs from the 72-hour report
    const id = (await t.storage.listIncidents())[0]!.id;
    const report = (await t.storage.tasks(id)).find((x) => x.taskId === "nis2-meldung")!;
    await t.say("anna", `erledigt ${report.nr}`);
    expect((await runningClocks(t)).filter((d) => NIS2.includes(d))).toEqual(NIS2);
    expect((await t.storage.tasks(id)).filter((x) => x.taskId.startsWith("nis2")).map((x) => x.taskId)).toEqual([
      "nis2-erstmeldung",
      "nis2-meldung",
      "nis2-abschlussmeldung",
    ]);
  });

  it("without nis2: true the question does not switch anything on", async () => {
    const t = await open(praxis, "datenpanne");
    // not asked without nis2 (its `when`), but a role holder may still answer it by its number
    const nr = questionIndex("datenabfluss", /Erheblicher Sicherheitsvorfall/);
    await t.say("anna", `antwort ${nr} ja`);
    expect((await runningClocks(t)).filter((d) => NIS2.includes(d))).toEqual([]);
  });
});
