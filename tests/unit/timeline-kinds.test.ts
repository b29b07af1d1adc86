/**
 * Every kind of timeline entry the core writes has a word for the report's and the export's kind column in both
 * languages (before: `role-plan`, `role-deputy`, `role-handover`, `answer-implied`, `deadline-dropped` printed as
 * internal ids), and the entries of the emergency plan, implied answers, dropped deadlines and outages are told in
 * English in an English export (before: their stored German text).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TIMELINE_KIND, timelineText } from "../../src/core/timeline-text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

const CORE = join(import.meta.dirname, "../../src/core");

/** The kinds of every `log(cx, actor, "<kind>", …)` in the core, also where the call spans several lines. */
function kindsWritten(): string[] {
  const kinds = new Set<string>();
  for (const f of readdirSync(CORE).filter((x) => x.endsWith(".ts"))) {
    const src = readFileSync(join(CORE, f), "utf8");
    for (const m of src.matchAll(/\blog\(\s*cx,\s*[\w.]+,\s*"([a-z-]+)"/g)) kinds.add(m[1]!);
  }
  return [...kinds].sort();
}

const GERMAN =
  /[äöüßÄÖÜ]|\b(Rolle|Rollen|Frage|Frist|gilt|als|nicht|weiter|Vertretung|Übergabe|Grund|niemand|Ausgefallen|Wieder|Betrieb)\b/;

describe("timeline kinds and texts", () => {
  it("every kind the core writes has a word in German and English", () => {
    const kinds = kindsWritten();
    expect(kinds).toEqual(expect.arrayContaining(["role-plan", "role-deputy", "role-handover", "outage", "task"]));
    for (const k of kinds) {
      expect(TIMELINE_KIND.de[k], `de: ${k}`).toBeTruthy();
      expect(TIMELINE_KIND.en[k], `en: ${k}`).toBeTruthy();
    }
  });

  it("the emergency plan, implied answers, dropped deadlines and outages read in English", () => {
    const pb = loadPlaybooks().get("verschluesselung")!;
    const [q1, q2] = pb.questions;
    const dl = pb.deadlines[0]!;
    const names = { erika: "Erika Musterfrau", petra: "Petra Beispiel" };
    const entries = [
      {
        kind: "role-plan",
        text: "Rollen laut Notfallplan angefragt: Koordination Erika",
        data: { roles: { koordinator: { asked: "Erika", within: "5m" } } },
      },
      {
        kind: "role-deputy",
        text: "Rolle Technischer Kontakt: Jonas hat nicht binnen 5 min bestätigt – weiter an Tobias (Vertretung)",
        data: { role: "technik", missed: "Jonas", missedPhone: "+49 172 1", next: "Tobias", step: 1 },
      },
      {
        kind: "role-deputy",
        text: "Rolle Technischer Kontakt: niemand aus dem Notfallplan hat bestätigt (zuletzt Tobias)",
        data: { role: "technik", missed: "Tobias", next: null },
      },
      {
        kind: "role-handover",
        text: "Übergabe IT-Notfall-Koordination: Erika → Petra. Grund: Polizei",
        data: { role: "koordinator", actorId: "petra", previous: "erika", reason: "police" },
      },
      {
        kind: "takeover",
        text: "Petra übernimmt die Rolle IT-Notfall-Koordination von Erika. Grund: nicht erreichbar",
        data: { role: "koordinator", actorId: "petra", previous: "erika", reason: "unreachable" },
      },
      { kind: "answer-implied", text: "Frage 2 gilt als ja (folgt aus Frage 1)", data: { question: q2!.id, answer: "ja", by: q1!.id } },
      { kind: "deadline-dropped", text: "Frist entfällt: …", data: { deadline: dl.id } },
      { kind: "outage", text: "Ausgefallen: PVS (RTO 4h)", data: { system: "PVS", rto: "4h" } },
      { kind: "outage", text: "Wieder in Betrieb: PVS", data: { system: "PVS", up: true } },
    ];
    const out = entries.map((e) => timelineText(e, pb, "en", names));
    for (const [i, line] of out.entries()) {
      expect(line, entries[i]!.text).not.toBe(entries[i]!.text);
      expect(line).not.toMatch(GERMAN);
    }
    expect(out[0]).toBe("Roles asked according to the emergency plan: Coordination Erika");
    expect(out[1]).toBe(
      "Role Technical contact: Jonas did not confirm in time – passed to Tobias (deputy); Jonas not reached, phone +49 172 1",
    );
    expect(out[3]).toBe("Handover IT emergency coordinator: Erika Musterfrau → Petra Beispiel. Reason: police");
    expect(out[4]).toBe("Petra Beispiel takes over the role IT emergency coordinator from Erika Musterfrau. Reason: unreachable");
    expect(out[5]).toBe("Question 2 counts as yes (follows from question 1)");
    expect(out[7]).toBe("Down: PVS (RTO 4h)");
    expect(out[8]).toBe("Back in operation: PVS");
  });
});
