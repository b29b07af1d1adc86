import { afterEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/core/chain.ts";
import { CoreBot, GERMAN, type Person, person, seen } from "./_bot.ts";

/**
 * Who may do what in an incident, through the whole bot (real SQLite, memory platform with ephemerals).
 * anna declares every incident; ben, cem and dora are colleagues; dora never holds a role unless a row says so.
 */

const anna = person("anna", "Anna");
const ben = person("ben", "Ben");
const cem = person("cem", "Cem");
const dora = person("dora", "Dora");
const PEOPLE: Record<string, Person> = { anna, ben, cem, dora };

/** `{T}`: a task of the Technischer Kontakt; `{K}`: a task of Kommunikation; `{Q}`: a yes/no triage question. */
type Step = [who: keyof typeof PEOPLE, line: string];

interface Row {
  name: string;
  setup: Step[];
  act: Step;
  /** Allowed: the timeline gets an entry of this kind. Refused: nothing is recorded. */
  allowed: boolean;
  kind: string;
}

const COORD: Step = ["anna", "rolle koordinator"];
const BEN_TECH: Step = ["anna", "rolle technik <@ben>"];
const CEM_KOMM: Step = ["anna", "rolle kommunikation <@cem>"];
const TEAM = [COORD, BEN_TECH, CEM_KOMM];

const ROWS: Row[] = [
  // assigning roles to others
  {
    name: "declarer assigns a role while nobody coordinates",
    setup: [],
    act: ["anna", "rolle technik <@ben>"],
    allowed: true,
    kind: "role",
  },
  {
    name: "someone else assigns a role while nobody coordinates",
    setup: [],
    act: ["ben", "rolle technik <@cem>"],
    allowed: false,
    kind: "role",
  },
  { name: "coordinator assigns a role", setup: [COORD], act: ["anna", "rolle technik <@ben>"], allowed: true, kind: "role" },
  {
    name: "coordinator reassigns a held role",
    setup: [COORD, BEN_TECH],
    act: ["anna", "rolle technik <@cem>"],
    allowed: true,
    kind: "role",
  },
  {
    name: "role holder assigns someone else",
    setup: [COORD, BEN_TECH],
    act: ["ben", "rolle kommunikation <@cem>"],
    allowed: false,
    kind: "role",
  },
  { name: "outsider assigns someone else", setup: [COORD], act: ["dora", "rolle kommunikation <@cem>"], allowed: false, kind: "role" },
  {
    name: "declarer who handed coordination over assigns a role",
    setup: [["anna", "rolle koordinator <@cem>"]],
    act: ["anna", "rolle technik <@ben>"],
    allowed: false,
    kind: "role",
  },
  {
    name: "new coordinator assigns a role",
    setup: [["anna", "rolle koordinator <@cem>"]],
    act: ["cem", "rolle technik <@ben>"],
    allowed: true,
    kind: "role",
  },
  // claiming and releasing
  { name: "outsider claims a free role", setup: [COORD], act: ["dora", "rolle kommunikation"], allowed: true, kind: "role" },
  {
    name: "role holder claims a second free role",
    setup: [COORD, BEN_TECH],
    act: ["ben", "rolle kommunikation"],
    allowed: true,
    kind: "role",
  },
  { name: "anyone claims coordination while it is free", setup: [], act: ["ben", "rolle koordinator"], allowed: true, kind: "role" },
  { name: "outsider takes a held role", setup: [COORD, BEN_TECH], act: ["dora", "rolle technik"], allowed: false, kind: "role" },
  {
    name: "role holder takes the held coordination",
    setup: [COORD, BEN_TECH],
    act: ["ben", "rolle koordinator"],
    allowed: false,
    kind: "role",
  },
  { name: "holder releases their own role", setup: [COORD, BEN_TECH], act: ["ben", "rolle technik abgeben"], allowed: true, kind: "role" },
  {
    name: "outsider releases someone's role",
    setup: [COORD, BEN_TECH],
    act: ["dora", "rolle technik abgeben"],
    allowed: false,
    kind: "role",
  },
  // acknowledging tasks
  { name: "holder acknowledges a task of their role", setup: TEAM, act: ["ben", "ok {T}"], allowed: true, kind: "task" },
  { name: "holder finishes a task of their role", setup: TEAM, act: ["ben", "erledigt {T}"], allowed: true, kind: "task" },
  { name: "coordinator finishes a task of another role", setup: TEAM, act: ["anna", "erledigt {T}"], allowed: true, kind: "task" },
  { name: "holder of another role acknowledges the task", setup: TEAM, act: ["cem", "ok {T}"], allowed: false, kind: "task" },
  { name: "holder of another role skips the task", setup: TEAM, act: ["cem", "überspringen {T} geht nicht"], allowed: false, kind: "task" },
  { name: "outsider finishes a task", setup: TEAM, act: ["dora", "erledigt {T}"], allowed: false, kind: "task" },
  {
    name: "somebody acknowledges a task whose role is free",
    setup: [COORD, BEN_TECH],
    act: ["ben", "ok {K}"],
    allowed: false,
    kind: "task",
  },
  { name: "outsider acknowledges a task whose role is free", setup: [COORD], act: ["dora", "ok {K}"], allowed: false, kind: "task" },
  {
    name: "coordinator acknowledges a task whose role is free",
    setup: [COORD, BEN_TECH],
    act: ["anna", "ok {K}"],
    allowed: true,
    kind: "task",
  },
  {
    name: "declarer (acting coordinator) acknowledges a task whose role is free",
    setup: [],
    act: ["anna", "ok {K}"],
    allowed: true,
    kind: "task",
  },
  // phase, level, closure: coordination only
  { name: "coordinator advances", setup: TEAM, act: ["anna", "weiter Dienstleister übernimmt"], allowed: true, kind: "phase" },
  { name: "role holder advances", setup: TEAM, act: ["ben", "weiter Dienstleister übernimmt"], allowed: false, kind: "phase" },
  { name: "outsider advances", setup: TEAM, act: ["dora", "weiter"], allowed: false, kind: "phase" },
  {
    name: "declarer who handed coordination over advances",
    setup: [["anna", "rolle koordinator <@cem>"]],
    act: ["anna", "weiter Grund"],
    allowed: false,
    kind: "phase",
  },
  { name: "coordinator escalates", setup: TEAM, act: ["anna", "eskalieren krise"], allowed: true, kind: "level" },
  { name: "role holder escalates", setup: TEAM, act: ["cem", "eskalieren krise"], allowed: false, kind: "level" },
  { name: "outsider escalates", setup: TEAM, act: ["dora", "eskalieren katastrophe"], allowed: false, kind: "level" },
  { name: "coordinator closes with a reason", setup: TEAM, act: ["anna", "abschließen Fehlalarm"], allowed: true, kind: "closed" },
  { name: "role holder closes", setup: TEAM, act: ["ben", "abschließen Fehlalarm"], allowed: false, kind: "closed" },
  { name: "outsider closes", setup: TEAM, act: ["dora", "abschließen Fehlalarm"], allowed: false, kind: "closed" },
  // export: role holders
  { name: "coordinator exports", setup: TEAM, act: ["anna", "export"], allowed: true, kind: "export" },
  { name: "role holder exports", setup: TEAM, act: ["cem", "export"], allowed: true, kind: "export" },
  { name: "outsider exports", setup: TEAM, act: ["dora", "export"], allowed: false, kind: "export" },
  // triage answers: role holders
  { name: "role holder answers a triage question", setup: TEAM, act: ["ben", "antwort {Q} ja"], allowed: true, kind: "answer" },
  { name: "declarer (acting coordinator) answers", setup: [], act: ["anna", "antwort {Q} nein"], allowed: true, kind: "answer" },
  { name: "outsider answers a triage question", setup: TEAM, act: ["dora", "antwort {Q} ja"], allowed: false, kind: "answer" },
  { name: "outsider answers a review question", setup: TEAM, act: ["dora", "antwort L1 Phishing"], allowed: false, kind: "review" },
];

let b: CoreBot | undefined;
afterEach(async () => {
  await b?.stop();
  b = undefined;
});

async function fill(line: string, bot: CoreBot): Promise<string> {
  const rows = await bot.tasks();
  const nrOf = (role: string) => rows.find((t) => t.role === role && t.phase === "erkennung")?.nr ?? rows.find((t) => t.role === role)!.nr;
  const pb = (await bot.bot.service.incident(bot.incidentId!))!.pb;
  const q = pb.questions.findIndex((x) => x.kind === "yesno");
  return line
    .replace("{T}", String(nrOf("technik")))
    .replace("{K}", String(nrOf("kommunikation")))
    .replace("{Q}", String(q + 1));
}

async function run([who, line]: Step, bot: CoreBot) {
  const text = await fill(line, bot);
  const mentions = [...text.matchAll(/<@([^>]+)>/g)].map((m) => PEOPLE[m[1]!]!);
  return bot.send(PEOPLE[who]!, text, { mentions });
}

describe("authorization", () => {
  it("the table covers refusals and permissions of every command that needs them", () => {
    for (const kind of ["role", "task", "phase", "level", "closed", "export", "answer"]) {
      expect(ROWS.some((r) => r.kind === kind && r.allowed)).toBe(true);
      expect(ROWS.some((r) => r.kind === kind && !r.allowed)).toBe(true);
    }
  });

  it.each(ROWS.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    b = await CoreBot.start();
    await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
    for (const step of row.setup) {
      const before = (await b.timeline()).length;
      await run(step, b);
      expect((await b.timeline()).length, `setup ${step.join(": ")}`).toBeGreaterThan(before);
    }
    const before = await b.timeline();
    const actor = PEOPLE[row.act[0]]!;
    const out = await run(row.act, b);
    const after = await b.timeline();
    const added = after.slice(before.length);
    const refusals = out.filter((m) => m.visibleTo === actor.id);
    expect(b.errors).toEqual([]);
    expect(verifyChain(after).ok).toBe(true);
    if (row.allowed) {
      expect(
        added.map((e) => e.kind),
        refusals.map((m) => m.text).join("\n"),
      ).toContain(row.kind);
      expect(added.every((e) => e.actorId === actor.id || e.actorId === "notfallbot")).toBe(true);
      expect(refusals.filter((m) => /darf nur|gehört zur Rolle|ist schon|kann, wer eine Rolle hat|Erst übernehmen/.test(m.text))).toEqual(
        [],
      );
    } else {
      expect(added, `${row.act.join(": ")} wurde ausgeführt`).toEqual([]);
      expect(refusals, out.map((m) => m.text).join("\n---\n")).toHaveLength(1);
      const text = seen(refusals[0]!);
      // German, and it says what to type instead
      expect(text).toMatch(GERMAN);
      expect(text, text).toMatch(/`[^`\n]+`/);
      expect(text).not.toMatch(/\b(only|cannot|please|error)\b/i);
      // nobody else sees it, and nothing else was posted to the thread
      expect(out.filter((m) => m.visibleTo === undefined && !m.replace)).toEqual([]);
    }
  });
});
