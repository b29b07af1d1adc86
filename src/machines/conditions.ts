import type { Condition, Level, Playbook, Task } from "./schema.ts";
import { LEVELS, PHASES } from "./schema.ts";

/** What conditions in a playbook are evaluated against. */
export interface ConditionFacts {
  answers: Record<string, string>;
  level: Level;
  /** Switches of the organisation file; `praxis` is missing in incidents opened before it existed (counts as off). */
  flags: { nis2: boolean; insurer: boolean; praxis?: boolean };
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

/** Tasks in stable display order (phase order, then file order), numbered from 1. */
export function numberedTasks(pb: Playbook): (Task & { nr: number })[] {
  const order = (t: Task) => PHASES.indexOf(t.phase as (typeof PHASES)[number]);
  return pb.tasks
    .map((t, i) => ({ t, i }))
    .sort((a, b) => order(a.t) - order(b.t) || a.i - b.i)
    .map(({ t }, i) => ({ ...t, nr: i + 1 }));
}
