/**
 * The facts an incident's conditions are evaluated against, and which answers count: a person's, one implied by
 * another answer, or the playbook's default (`defaults: { personenbezogen: unklar }`).
 */
import { type ConditionFacts, type EffectiveAnswers, effectiveAnswers, holds } from "../machines/conditions.ts";
import { factsOf } from "../machines/machine.ts";
import type { Question } from "../machines/schema.ts";
import type { Loaded } from "./state.ts";

export function incidentFacts(L: Loaded): ConditionFacts {
  return factsOf(L.snap.context, L.pb);
}

export function answersOf(L: Loaded): EffectiveAnswers {
  return effectiveAnswers(L.pb, L.snap.context.answers);
}

/** A question is asked (shown, reminded) while its `when` holds; an answer given earlier keeps counting. */
export function isAsked(L: Loaded, q: Question, facts: ConditionFacts = incidentFacts(L)): boolean {
  return holds(q.when, facts);
}

/** The question's number as people type it (`antwort 6 ja`), from 1. */
export function questionNr(L: Loaded, id: string): string {
  return String(L.pb.questions.findIndex((q) => q.id === id) + 1);
}
