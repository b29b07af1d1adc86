import type { Condition, Level, Playbook, Task } from "./schema.ts";
import { LEVELS, PHASES } from "./schema.ts";

/** What conditions in a playbook are evaluated against. */
export interface ConditionFacts {
  /** The answers that count: a person's answer, else one implied by another answer, else the playbook's default. */
  answers: Record<string, string>;
  level: Level;
  /** Switches of the organisation file; `praxis` is missing in incidents opened before it existed (counts as off). */
  flags: { nis2: boolean; insurer: boolean; praxis?: boolean };
}

/** Where an answer that counts comes from. */
export type AnswerOrigin = "person" | "implied" | "default";

/** The answers that count, each with its origin; `by` names the question whose answer implied it. */
export interface EffectiveAnswers {
  values: Record<string, string>;
  origin: Record<string, AnswerOrigin>;
  by: Record<string, string>;
}

/**
 * The answers conditions are evaluated against. A person's answer always wins. A yes/no answer given by a person (or
 * implied in turn) fills the questions its `implies:` names while nobody has answered them
 * (`daten-gestohlen: ja` ⇒ `personenbezogen: ja`). What is still open takes the playbook's `defaults:`
 * (`personenbezogen: unklar` where personal data are usually involved). An unanswered question without a default
 * has no value: a condition on it does not hold yet, and the clock it would start is shown as waiting for it.
 */
export function effectiveAnswers(pb: Pick<Playbook, "questions" | "defaults">, answers: Record<string, string>): EffectiveAnswers {
  // the machine replaces the answers object on every answer, so it keys a cache (conditions are read per task)
  let byPb = cache.get(answers);
  if (!byPb) {
    byPb = new WeakMap();
    cache.set(answers, byPb);
  }
  let hit = byPb.get(pb);
  if (!hit) {
    hit = compute(pb, answers);
    byPb.set(pb, hit);
  }
  return hit;
}

const cache = new WeakMap<Record<string, string>, WeakMap<object, EffectiveAnswers>>();

function compute(pb: Pick<Playbook, "questions" | "defaults">, answers: Record<string, string>): EffectiveAnswers {
  const values: Record<string, string> = {};
  const origin: Record<string, AnswerOrigin> = {};
  const by: Record<string, string> = {};
  for (const [id, v] of Object.entries(answers)) {
    values[id] = v;
    origin[id] = "person";
  }
  // implications may chain; each pass fills at least one question or stops, so this ends after |questions| passes
  for (let changed = true, pass = 0; changed && pass <= pb.questions.length; pass++) {
    changed = false;
    for (const q of pb.questions) {
      const given = values[q.id];
      if (!q.implies || given === undefined) continue;
      for (const [target, v] of Object.entries(q.implies[given as keyof typeof q.implies] ?? {})) {
        if (values[target] !== undefined) continue;
        values[target] = v;
        origin[target] = "implied";
        by[target] = q.id;
        changed = true;
      }
    }
  }
  for (const [id, v] of Object.entries(pb.defaults ?? {})) {
    if (values[id] !== undefined) continue;
    values[id] = v;
    origin[id] = "default";
  }
  return { values, origin, by };
}

export function holds(cond: Condition | undefined, facts: ConditionFacts): boolean {
  if (!cond) return true;
  if (cond.question !== undefined) {
    const given = facts.answers[cond.question];
    if (given === undefined) return false;
    if (cond.answer !== undefined) {
      const wanted = Array.isArray(cond.answer) ? cond.answer : [cond.answer];
      if (!wanted.includes(given)) return false;
    }
  }
  if (cond.min_level && LEVELS.indexOf(facts.level) < LEVELS.indexOf(cond.min_level)) return false;
  if (cond.config && !facts.flags[cond.config]) return false;
  return true;
}

/**
 * The question a condition still waits for: everything else holds and only this question is unanswered (no person,
 * no implication, no default). Such a condition is not "no": the bot shows what it waits for and reminds the question.
 */
export function waitsFor(cond: Condition | undefined, facts: ConditionFacts): string | undefined {
  if (!cond?.question || facts.answers[cond.question] !== undefined) return undefined;
  const rest: Condition = { ...cond };
  delete rest.question;
  delete rest.answer;
  return holds(rest, facts) ? cond.question : undefined;
}

/** Tasks in stable display order (phase order, then file order), numbered from 1. */
export function numberedTasks(pb: Playbook): (Task & { nr: number })[] {
  const order = (t: Task) => PHASES.indexOf(t.phase as (typeof PHASES)[number]);
  return pb.tasks
    .map((t, i) => ({ t, i }))
    .sort((a, b) => order(a.t) - order(b.t) || a.i - b.i)
    .map(({ t }, i) => ({ ...t, nr: i + 1 }));
}
