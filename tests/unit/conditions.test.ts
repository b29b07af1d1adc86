import { describe, expect, it } from "vitest";
import { flagsOf } from "../../src/core/org.ts";
import { type ConditionFacts, holds } from "../../src/machines/conditions.ts";
import type { Condition } from "../../src/machines/schema.ts";

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
