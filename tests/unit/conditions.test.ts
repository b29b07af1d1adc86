import { describe, expect, it } from "vitest";
import { flagsOf } from "../../src/core/org.ts";
import { type ConditionFacts, effectiveAnswers, holds, waitsFor } from "../../src/machines/conditions.ts";
import type { Condition, Question } from "../../src/machines/schema.ts";

const facts = (flags: Partial<ConditionFacts["flags"]>, answers: Record<string, string> = {}): ConditionFacts => ({
  answers,
  level: "stoerung",
  flags: { nis2: false, insurer: false, ...flags },
});

describe("config switches in conditions", () => {
  it("praxis: on for kind praxis and without kind, off for kmu", () => {
    expect(flagsOf({ kind: "praxis" }).praxis).toBe(true);
    expect(flagsOf({}).praxis).toBe(true);
    expect(flagsOf(undefined).praxis).toBe(true);
    expect(flagsOf({ kind: "kmu" }).praxis).toBe(false);
  });

  it("a practice-only condition holds only with the switch; incidents opened before it existed count it as off", () => {
    expect(holds({ config: "praxis" }, facts({ praxis: true }))).toBe(true);
    expect(holds({ config: "praxis" }, facts({ praxis: false }))).toBe(false);
    expect(holds({ config: "praxis" }, facts({}))).toBe(false);
  });

  it("a NIS2 condition on the „erheblich“ answer needs both the switch and the answer; no answer counts as no", () => {
    const when: Condition = { config: "nis2", question: "nis2-erheblich", answer: ["ja", "unklar"] };
    expect(holds(when, facts({ nis2: true }, { "nis2-erheblich": "ja" }))).toBe(true);
    expect(holds(when, facts({ nis2: true }, { "nis2-erheblich": "unklar" }))).toBe(true);
    expect(holds(when, facts({ nis2: true }, { "nis2-erheblich": "nein" }))).toBe(false);
    expect(holds(when, facts({ nis2: true }))).toBe(false);
    expect(holds(when, facts({ nis2: false }, { "nis2-erheblich": "ja" }))).toBe(false);
  });
});

describe("the answers that count: person, implied, default", () => {
  const yesno = (id: string, implies?: Question["implies"]): Question => ({
    id,
    kind: "yesno",
    text: id,
    ...(implies ? { implies } : {}),
  });
  const pb = {
    questions: [
      yesno("personenbezogen"),
      yesno("hohes-risiko"),
      yesno("daten-gestohlen", { ja: { personenbezogen: "ja" } }),
      yesno("kette", { ja: { "daten-gestohlen": "ja" } }),
    ],
    defaults: { personenbezogen: "unklar" as const },
  };

  it("unanswered takes the playbook default; without a default there is no value", () => {
    const e = effectiveAnswers(pb, {});
    expect(e.values).toEqual({ personenbezogen: "unklar" });
    expect(e.origin).toEqual({ personenbezogen: "default" });
    expect(effectiveAnswers({ questions: pb.questions }, {}).values).toEqual({});
  });

  it("an answer implies others (also in a chain) and replaces a default, never a person's answer", () => {
    expect(effectiveAnswers(pb, { "daten-gestohlen": "ja" })).toEqual({
      values: { "daten-gestohlen": "ja", personenbezogen: "ja" },
      origin: { "daten-gestohlen": "person", personenbezogen: "implied" },
      by: { personenbezogen: "daten-gestohlen" },
    });
    expect(effectiveAnswers(pb, { kette: "ja" }).values).toEqual({ kette: "ja", "daten-gestohlen": "ja", personenbezogen: "ja" });
    expect(effectiveAnswers(pb, { "daten-gestohlen": "ja", personenbezogen: "nein" }).values.personenbezogen).toBe("nein");
    // only the answer named in implies: „nein“ implies nothing, the default stays
    expect(effectiveAnswers(pb, { "daten-gestohlen": "nein" }).origin.personenbezogen).toBe("default");
  });

  it("a condition on an unanswered question waits for it (not „no“), unless another part fails anyway", () => {
    const art33: Condition = { question: "personenbezogen", answer: ["ja", "unklar"] };
    expect(waitsFor(art33, facts({}))).toBe("personenbezogen");
    expect(waitsFor(art33, facts({}, { personenbezogen: "nein" }))).toBeUndefined();
    const nis2: Condition = { config: "nis2", question: "nis2-erheblich", answer: ["ja", "unklar"] };
    expect(waitsFor(nis2, facts({ nis2: false }))).toBeUndefined();
    expect(waitsFor(nis2, facts({ nis2: true }))).toBe("nis2-erheblich");
    expect(waitsFor(undefined, facts({}))).toBeUndefined();
  });
});
