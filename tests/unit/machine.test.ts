import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import {
  createIncidentMachine,
  currentPhase,
  type IncidentEvent,
  type IncidentMachine,
  type IncidentSnapshot,
  openCriticalTasks,
  persist,
  restoreIncident,
  startIncident,
  step,
} from "../../src/machines/machine.ts";
import { LEVELS, PHASES, type Phase, type Playbook, ROLES, WORK_PHASES } from "../../src/machines/schema.ts";

const playbooks = loadPlaybooks().list();
const AT = "2026-03-02T08:00:00.000Z";
const BY = "anna";

type Variant = "schlicht" | "alles-an";

/**
 * `schlicht`: nothing answered, no flags (conditional tasks off). `alles-an`: NIS2 and insurer flags on, every question
 * answered (yes where yes/no), highest level: every conditional task is switched on.
 */
function start(pb: Playbook, variant: Variant = "schlicht"): { machine: IncidentMachine; snap: IncidentSnapshot } {
  const machine = createIncidentMachine(pb);
  const on = variant === "alles-an";
  let snap = startIncident(machine, { playbookId: pb.id, level: pb.level, drill: false, flags: { nis2: on, insurer: on }, openedAt: AT });
  if (on) {
    for (const q of pb.questions)
      snap = step(machine, snap, {
        type: "ANSWER",
        questionId: q.id,
        value: q.kind === "time" ? AT : q.kind === "yesno" ? "ja" : "Test",
        at: AT,
      });
    snap = step(machine, snap, { type: "ESCALATE", level: "katastrophe", at: AT });
  }
  return { machine, snap };
}

/** Same test as the service uses: a refused event leaves value and context untouched. */
function changed(a: IncidentSnapshot, b: IncidentSnapshot): boolean {
  return !(a === b || (a.value === b.value && a.context === b.context));
}

/** The events the search tries in a state. */
function eventsFor(pb: Playbook, snap: IncidentSnapshot): { label: string; ev: IncidentEvent }[] {
  const phase = currentPhase(snap.context);
  const evs: { label: string; ev: IncidentEvent }[] = [
    { label: "ADVANCE", ev: { type: "ADVANCE", by: BY, at: AT } },
    { label: "ADVANCE+reason", ev: { type: "ADVANCE", by: BY, at: AT, reason: "Dienstleister vor Ort" } },
    { label: "CLOSE", ev: { type: "CLOSE", by: BY, at: AT } },
    { label: "CLOSE+reason", ev: { type: "CLOSE", by: BY, at: AT, reason: "Fehlalarm" } },
  ];
  for (const taskId of openCriticalTasks(pb, snap.context, phase))
    evs.push({ label: `TASK ${taskId}`, ev: { type: "TASK", taskId, to: "erledigt", by: BY, at: AT } });
  return evs;
}

/** Guards only look at the current phase's critical tasks, so these identify a state for the search. */
function keyOf(pb: Playbook, snap: IncidentSnapshot): string {
  const phase = String(snap.value);
  const done = pb.tasks
    .filter((t) => t.phase === phase && t.critical)
    .map((t) => `${t.id}=${snap.context.tasks[t.id]?.state ?? "offen"}`)
    .sort();
  return `${phase}|${done.join(",")}`;
}

interface Graph {
  nodes: Map<string, IncidentSnapshot>;
  edges: Map<string, Set<string>>;
}

function explore(pb: Playbook, machine: IncidentMachine, init: IncidentSnapshot): Graph {
  const nodes = new Map<string, IncidentSnapshot>();
  const edges = new Map<string, Set<string>>();
  const queue: IncidentSnapshot[] = [init];
  nodes.set(keyOf(pb, init), init);
  while (queue.length) {
    const snap = queue.shift()!;
    const from = keyOf(pb, snap);
    const out = new Set<string>();
    edges.set(from, out);
    if (snap.status === "done") continue;
    for (const { ev } of eventsFor(pb, snap)) {
      const next = step(machine, snap, ev);
      if (!changed(snap, next)) continue;
      const to = keyOf(pb, next);
      out.add(to);
      if (!nodes.has(to)) {
        nodes.set(to, next);
        queue.push(next);
      }
    }
    if (nodes.size > 50_000) throw new Error(`${pb.id}: Zustandsraum zu groß`);
  }
  return { nodes, edges };
}

function canReachFinal(g: Graph): Set<string> {
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of g.edges) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const good = new Set([...g.nodes.entries()].filter(([, s]) => String(s.value) === "abgeschlossen").map(([k]) => k));
  const queue = [...good];
  while (queue.length) {
    const k = queue.shift()!;
    for (const from of reverse.get(k) ?? [])
      if (!good.has(from)) {
        good.add(from);
        queue.push(from);
      }
  }
  return good;
}

/** Move forward with a reason until `phase` is the current phase. */
function reach(machine: IncidentMachine, snap: IncidentSnapshot, phase: Phase): IncidentSnapshot {
  let s = snap;
  while (String(s.value) !== phase) {
    const next = step(machine, s, { type: "ADVANCE", by: BY, at: AT, reason: "Test: weiter" });
    if (!changed(s, next)) throw new Error(`kann ${phase} nicht erreichen`);
    s = next;
  }
  return s;
}

function doneAll(machine: IncidentMachine, snap: IncidentSnapshot, ids: string[]): IncidentSnapshot {
  return ids.reduce((s, taskId) => step(machine, s, { type: "TASK", taskId, to: "erledigt", by: "ben", at: AT }), snap);
}

const roundTrip = (machine: IncidentMachine, snap: IncidentSnapshot) => restoreIncident(machine, JSON.parse(JSON.stringify(persist(snap))));

it("there are playbooks to test, among them the ransomware playbook", () => {
  expect(playbooks.length).toBeGreaterThan(0);
  expect(playbooks.map((p) => p.id)).toContain("verschluesselung");
});

describe.each(playbooks.map((pb) => [pb.id, pb] as const))("playbook %s", (_id, pb) => {
  it("compiles and starts in Erkennung with a flat context", () => {
    const { snap } = start(pb);
    expect(snap.value).toBe("erkennung");
    expect(snap.status).toBe("active");
    expect(snap.context.phases).toEqual([{ phase: "erkennung", enteredAt: AT }]);
    expect(snap.context.roles).toEqual({});
    expect(snap.context.tasks).toEqual({});
  });

  it.each<Variant>(["schlicht", "alles-an"])(
    "search (%s): every phase is reachable and the end is reachable from every reachable state",
    (variant) => {
      const { machine, snap } = start(pb, variant);
      const g = explore(pb, machine, snap);
      const phases = new Set([...g.nodes.values()].map((s) => String(s.value)));
      expect([...phases].sort()).toEqual([...PHASES].sort());
      const good = canReachFinal(g);
      const stuck = [...g.nodes.keys()].filter((k) => !good.has(k));
      expect(stuck).toEqual([]);
      for (const phase of PHASES)
        expect(
          [...good].some((k) => k.startsWith(`${phase}|`)),
          phase,
        ).toBe(true);
      // the final state is final, and nothing leaves it
      const finals = [...g.nodes.values()].filter((s) => String(s.value) === "abgeschlossen");
      expect(finals.length).toBeGreaterThan(0);
      for (const f of finals) {
        expect(f.status).toBe("done");
        expect(f.context.closedAt).toBe(AT);
      }
    },
  );

  it("no snapshot ever holds spawned children (persistable as flat JSON)", () => {
    const { machine, snap } = start(pb, "alles-an");
    const g = explore(pb, machine, snap);
    for (const s of g.nodes.values()) {
      expect(Object.keys(s.children)).toEqual([]);
      const json = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(s))) as { children?: Record<string, unknown> };
      expect(Object.keys(json.children ?? {})).toEqual([]);
    }
  });

  it.each<Variant>(["schlicht", "alles-an"])(
    "ADVANCE (%s) without a reason is refused while a critical task is open and allowed once it is done",
    (variant) => {
      const { machine, snap } = start(pb, variant);
      let s = snap;
      let checked = 0;
      for (const phase of WORK_PHASES) {
        s = reach(machine, s, phase);
        const open = openCriticalTasks(pb, s.context, phase);
        if (open.length === 0) continue;
        checked++;
        const refused = step(machine, s, { type: "ADVANCE", by: BY, at: AT });
        expect(changed(s, refused), `${phase}: ${open.join(", ")}`).toBe(false);
        expect(refused.value).toBe(phase);
        // an empty reason is no reason
        expect(changed(s, step(machine, s, { type: "ADVANCE", by: BY, at: AT, reason: "   " }))).toBe(false);
        // all but one done: still refused
        const almost = doneAll(machine, s, open.slice(0, -1));
        expect(changed(almost, step(machine, almost, { type: "ADVANCE", by: BY, at: AT }))).toBe(false);
        const ready = doneAll(machine, almost, open.slice(-1));
        expect(openCriticalTasks(pb, ready.context, phase)).toEqual([]);
        const next = step(machine, ready, { type: "ADVANCE", by: BY, at: AT });
        expect(next.value).toBe(PHASES[PHASES.indexOf(phase) + 1]);
        expect(next.context.phases.at(-2)).toEqual({ phase, enteredAt: expect.any(String), leftAt: AT });
      }
      // the ransomware playbook has critical tasks, so the refusal is exercised at least there
      if (pb.id === "verschluesselung") expect(checked).toBeGreaterThan(0);
      expect(s.status).toBe("active");
    },
  );

  it("ADVANCE with a reason leaves a phase with open critical tasks and records the override", () => {
    const { machine, snap } = start(pb);
    let s = snap;
    for (const phase of WORK_PHASES) {
      s = reach(machine, s, phase);
      const open = openCriticalTasks(pb, s.context, phase);
      const next = step(machine, s, { type: "ADVANCE", by: "cem", at: "2026-03-02T09:00:00.000Z", reason: "IT-Dienstleister übernimmt" });
      expect(next.value).toBe(PHASES[PHASES.indexOf(phase) + 1]);
      const left = next.context.phases.at(-2)!;
      expect(left.phase).toBe(phase);
      expect(left.leftAt).toBe("2026-03-02T09:00:00.000Z");
      if (open.length) expect(left.override).toEqual({ reason: "IT-Dienstleister übernimmt", by: "cem" });
      else expect(left.override).toBeUndefined();
      expect(next.context.phases.at(-1)).toEqual({ phase: next.value, enteredAt: "2026-03-02T09:00:00.000Z" });
    }
  });

  it("CLOSE without a reason is refused in Erkennung; with a reason it closes at once", () => {
    const { machine, snap } = start(pb);
    const refused = step(machine, snap, { type: "CLOSE", by: BY, at: AT });
    expect(changed(snap, refused)).toBe(false);
    expect(refused.value).toBe("erkennung");
    const closed = step(machine, snap, { type: "CLOSE", by: BY, at: "2026-03-02T08:05:00.000Z", reason: "Fehlalarm" });
    expect(closed.value).toBe("abgeschlossen");
    expect(closed.status).toBe("done");
    expect(closed.context.closedAt).toBe("2026-03-02T08:05:00.000Z");
    expect(closed.context.closeReason).toBe("Fehlalarm");
    expect(closed.context.phases.map((p) => p.phase)).toEqual(["erkennung", "abgeschlossen"]);
  });

  it("steps through the machine's shared scope exactly as xstate's transition() does (any events, any order)", () => {
    // startIncident/step use one actor scope per machine instead of xstate's throwaway actor per call (issue #17)
    const machine = createIncidentMachine(pb);
    const ids = (xs: { id: string }[]) => [...xs.map((x) => x.id), "gibt-es-nicht"];
    const event: fc.Arbitrary<IncidentEvent> = fc.oneof(
      fc.record({
        type: fc.constant("ROLE" as const),
        role: fc.constantFrom(...ROLES),
        actorId: fc.constantFrom("anna", "ben", null),
        at: fc.constant(AT),
      }),
      fc.record({
        type: fc.constant("TASK" as const),
        taskId: fc.constantFrom(...ids(pb.tasks)),
        to: fc.constantFrom("bestätigt" as const, "erledigt" as const, "übersprungen" as const),
        by: fc.constant("ben"),
        at: fc.constant(AT),
      }),
      fc.record({
        type: fc.constant("ANSWER" as const),
        questionId: fc.constantFrom(...ids(pb.questions)),
        value: fc.constantFrom("ja", "nein", AT),
        at: fc.constant(AT),
      }),
      fc.record({ type: fc.constant("ESCALATE" as const), level: fc.constantFrom(...LEVELS), at: fc.constant(AT) }),
      fc.record(
        { type: fc.constant("ADVANCE" as const), by: fc.constant(BY), at: fc.constant(AT) },
        { requiredKeys: ["type", "by", "at"] },
      ),
      fc.record({ type: fc.constant("ADVANCE" as const), by: fc.constant(BY), at: fc.constant(AT), reason: fc.constant("weiter") }),
      fc.record({ type: fc.constant("CLOSE" as const), by: fc.constant(BY), at: fc.constant(AT), reason: fc.constant("fertig") }),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(event, { maxLength: 40 }), (flags, events) => {
        const input = { playbookId: pb.id, level: pb.level, drill: false, flags: { nis2: flags, insurer: flags }, openedAt: AT };
        let ours = startIncident(machine, input);
        let theirs = initialTransition(machine, input)[0];
        expect(persist(ours)).toEqual(persist(theirs));
        for (const ev of events) {
          ours = step(machine, ours, ev);
          theirs = transition(machine, theirs, ev)[0];
          expect(persist(ours), ev.type).toEqual(persist(theirs));
          expect(ours.status).toBe(theirs.status);
        }
      }),
      { seed: 17, numRuns: 60 },
    );
  });

  it("the persisted snapshot, round-tripped through JSON, continues identically", () => {
    const { machine, snap } = start(pb);
    const q = pb.questions[0];
    const crit = pb.tasks.filter((t) => t.critical && !t.when);
    const events: IncidentEvent[] = [
      { type: "ROLE", role: "koordinator", actorId: "anna", at: AT },
      { type: "ROLE", role: "technik", actorId: "ben", at: AT },
      ...(q ? [{ type: "ANSWER" as const, questionId: q.id, value: q.kind === "time" ? AT : "ja", at: AT }] : []),
      ...(pb.tasks[0] ? [{ type: "TASK" as const, taskId: pb.tasks[0].id, to: "bestätigt" as const, by: "ben", at: AT }] : []),
      ...crit.slice(0, 2).map((t) => ({ type: "TASK" as const, taskId: t.id, to: "erledigt" as const, by: "ben", at: AT })),
      { type: "ESCALATE", level: "krise", at: AT },
      { type: "ADVANCE", by: BY, at: AT },
      { type: "ADVANCE", by: BY, at: AT, reason: "weiter trotz offener Aufgaben" },
      { type: "ROLE", role: "technik", actorId: null, at: AT },
      { type: "ADVANCE", by: BY, at: AT, reason: "weiter" },
      { type: "TASK", taskId: "gibt-es-nicht", to: "erledigt", by: "ben", at: AT },
      { type: "ADVANCE", by: BY, at: AT, reason: "weiter" },
      { type: "ADVANCE", by: BY, at: AT, reason: "weiter" },
      { type: "CLOSE", by: BY, at: AT, reason: "fertig" },
    ];
    let a = snap;
    let b = roundTrip(machine, snap);
    expect(persist(b)).toEqual(persist(a));
    for (const ev of events) {
      a = step(machine, a, ev);
      b = step(machine, b, ev);
      expect(persist(b), ev.type).toEqual(persist(a));
      expect(b.status).toBe(a.status);
      // restoring at every step gives the same state again
      const c = roundTrip(machine, a);
      expect(persist(c)).toEqual(persist(a));
      expect(c.status).toBe(a.status);
      b = roundTrip(machine, b);
    }
    expect(a.value).toBe("abgeschlossen");
    expect(a.status).toBe("done");
  });
});
