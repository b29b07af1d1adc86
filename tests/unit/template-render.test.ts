import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import type { TemplateContext } from "../../src/templates/context.ts";
import { PLACEHOLDER_LABELS, scanTemplate } from "../../src/templates/placeholders.ts";
import { answerLabelsFor, renderPlaybookTemplate, renderTemplate } from "../../src/templates/render.ts";

const full: TemplateContext = {
  org: {
    name: "Praxis Dr. Muster",
    kind: "Praxis",
    address: "Hauptstraße 1, 12345 Musterstadt",
    phone: "0123 4567",
    email: "info@praxis-muster.de",
    emergency_phone: "0170 1111111",
    dpo: { name: "Erika Daten", phone: "0123 9999", email: "dsb@example.org" },
    it: { name: "IT-Service Nord", hotline: "0800 123123", hours: "Mo–Fr 8–18 Uhr", email: "hilfe@it-nord.example" },
    authority: { name: "LDI NRW", url: "https://www.ldi.nrw.de", phone: "0211 38424-0" },
    police: { name: "ZAC im LKA NRW", phone: "0211 939-4040" },
    insurer: { name: "Cyber AG", hotline: "0800 999", policy: "CY-123" },
    property_insurer: { name: "Sach AG", hotline: "0800 888", policy: "SV-1" },
    bank: { name: "Musterbank", hotline: "0123 5555" },
    software: { name: "PVS GmbH", hotline: "0800 777" },
    kv: { name: "KV Nordrhein", phone: "0211 5970-0" },
  },
  incident: {
    id: "NF-2026-0007",
    title: "Praxisrechner verschlüsselt",
    type: "Verschlüsselung durch Erpressersoftware (Ransomware)",
    level: "Notfall",
    opened: "03.02.2026, 08:15",
    aware: "03.02.2026, 07:50",
    description: "Am Empfang erscheint ein Erpresserschreiben.",
    now: "03.02.2026, 09:00",
  },
  role: { koordinator: "Anna Koch", technik: "Tom Tech", kommunikation: "Kim Kom" },
};

describe("renderTemplate", () => {
  it("fills placeholders, also with spaces inside the braces", () => {
    const r = renderTemplate("Fall {{incident.id}} bei {{ org.name }}, DSB {{org.dpo.phone}}.", full);
    expect(r).toEqual({ text: "Fall NF-2026-0007 bei Praxis Dr. Muster, DSB 0123 9999.", gaps: [] });
  });

  it("missing and blank values become labelled gaps, listed once in order", () => {
    const ctx: TemplateContext = { org: { name: "Firma X", dpo: { phone: "   " } } };
    const r = renderTemplate("{{org.dpo.phone}} / {{org.name}} / {{incident.id}} / {{org.dpo.phone}}", ctx);
    expect(r.text).toBe("[[Telefon Datenschutzbeauftragte:r]] / Firma X / [[Fallnummer]] / [[Telefon Datenschutzbeauftragte:r]]");
    expect(r.gaps).toEqual(["Telefon Datenschutzbeauftragte:r", "Fallnummer"]);
  });

  it("works without any organisation at all", () => {
    const r = renderTemplate("An {{org.it.name}} ({{org.it.hotline}})", {});
    expect(r.text).toBe("An [[Name IT-Dienstleister]] ([[Notfall-Hotline IT-Dienstleister]])");
    expect(r.gaps).toHaveLength(2);
    expect(renderTemplate("{{org.name}}").gaps).toEqual([PLACEHOLDER_LABELS["org.name"]]);
  });

  it("an unknown placeholder is a visible gap and reported", () => {
    const r = renderTemplate("Hallo {{org.chef}}!", full);
    expect(r.text).toBe("Hallo [[unbekannter Platzhalter org.chef]]!");
    expect(r.gaps).toEqual(["unbekannter Platzhalter org.chef"]);
  });

  it("literal [[gaps]] written by the author stay and are listed", () => {
    const r = renderTemplate("Betroffen: [[Anzahl Betroffener]] Personen bei {{org.name}}; [[Anzahl Betroffener]].", full);
    expect(r.text).toBe("Betroffen: [[Anzahl Betroffener]] Personen bei Praxis Dr. Muster; [[Anzahl Betroffener]].");
    expect(r.gaps).toEqual(["Anzahl Betroffener"]);
  });

  it("inserts values verbatim: no second expansion, no gaps from values", () => {
    const ctx: TemplateContext = { org: { name: "{{org.dpo.phone}} [[Kein Feld]] $& $1", dpo: { phone: "GEHEIM" } } };
    const r = renderTemplate("Name: {{org.name}}", ctx);
    expect(r.text).toBe("Name: {{org.dpo.phone}} [[Kein Feld]] $& $1");
    expect(r.gaps).toEqual([]);
  });

  it("answers come from the answer map, with labels for unanswered questions", () => {
    const ctx: TemplateContext = { answer: { personenbezogen: "ja" }, answerLabels: { wann: "Wann ist es passiert?" } };
    const r = renderTemplate("{{answer.personenbezogen}} {{answer.wann}} {{answer.wo}}", ctx);
    expect(r.text).toBe('ja [[Wann ist es passiert?]] [[Antwort auf Frage "wo"]]');
    expect(r.gaps).toEqual(["Wann ist es passiert?", 'Antwort auf Frage "wo"']);
  });

  it("does not reach into object internals", () => {
    const r = renderTemplate("{{org.constructor}} {{answer.constructor}} {{answer.__proto__}} {{org.name.length}} {{toString}}", full);
    expect(r.text).not.toMatch(/function|Object|\d/);
    expect(r.gaps).toHaveLength(5);
  });

  it("never throws and never expands a value twice (random input)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, value) => {
        const r = renderTemplate(body, { org: { name: value } });
        expect(typeof r.text).toBe("string");
        const once = renderTemplate("{{org.name}}", { org: { name: value } });
        if (value.trim() !== "") expect(once).toEqual({ text: value, gaps: [] });
        else expect(once.gaps).toEqual([PLACEHOLDER_LABELS["org.name"]]);
      }),
    );
  });
});

describe("templates of the shipped playbooks", () => {
  const lib = loadPlaybooks();
  const all = lib.list().flatMap((p) => p.templates.map((t) => ({ p, t })));

  it("there are templates to check", () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it("render with an empty context: only gaps, every gap listed, nothing left unexpanded", () => {
    for (const { p, t } of all) {
      for (const locale of ["de", "en"] as const) {
        const r = renderPlaybookTemplate(t, {}, locale);
        const where = `${p.id}/${t.id}/${locale}`;
        expect(r.text, where).not.toContain("{{");
        expect(r.text.trim().length, where).toBeGreaterThan(50);
        expect(r.gaps.length, where).toBeGreaterThan(0);
        const inText = new Set([...r.text.matchAll(/\[\[([^[\]\n]+)\]\]/g)].map((m) => m[1]!.trim()));
        for (const gap of r.gaps) expect(inText.has(gap) || r.title.includes(`[[${gap}]]`), `${where}: ${gap}`).toBe(true);
        for (const gap of inText) expect(r.gaps, where).toContain(gap);
        expect(
          r.gaps.some((g) => g.startsWith("unbekannter Platzhalter")),
          where,
        ).toBe(false);
      }
    }
  });

  it("render with a full context: only the facts a human must add remain as gaps", () => {
    for (const { p, t } of all) {
      const answers = Object.fromEntries(p.questions.map((q) => [q.id, q.kind === "yesno" ? "ja" : "Antwort"]));
      const r = renderPlaybookTemplate(t, { ...full, answer: answers, answerLabels: answerLabelsFor(p.questions) });
      const literal = new Set(
        scanTemplate(loc(t.body))
          .filter((x) => x.kind === "gap")
          .map((x) => x.name),
      );
      for (const gap of r.gaps) expect(literal.has(gap), `${p.id}/${t.id}: ${gap}`).toBe(true);
      expect(r.external).toBe(t.external);
    }
  });

  it("external templates are the ones that leave the organisation", () => {
    for (const { p, t } of all) {
      if (["datenschutzbehoerde", "patienten", "kunden", "presse", "polizei"].includes(t.audience))
        expect(t.external, `${p.id}/${t.id}`).toBe(true);
      if (["mitarbeitende", "intern"].includes(t.audience)) expect(t.external, `${p.id}/${t.id}`).toBe(false);
    }
  });

  it("the Art. 33 notice asks for the fields a–d and shows the 72-hour reason", () => {
    const t = lib.get("verschluesselung")!.templates.find((x) => x.id === "datenschutzbehoerde")!;
    const r = renderPlaybookTemplate(t, full);
    for (const heading of ["a) Art der Verletzung", "b) Kontakt", "c) Wahrscheinliche Folgen", "d) Ergriffene und geplante Maßnahmen"]) {
      expect(r.text).toContain(heading);
    }
    expect(r.text).toContain("Erika Daten, 0123 9999, dsb@example.org");
    expect(r.text).toContain("Kenntnis erlangt am: 03.02.2026, 07:50");
    expect(r.gaps).toEqual(expect.arrayContaining(["Anzahl Betroffener", "Grund oder „entfällt“"]));
  });
});
