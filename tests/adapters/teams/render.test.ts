import { describe, expect, it } from "vitest";
import { parseInline } from "../../../src/adapters/teams/inline.ts";
import { incidentIdOf, renderActivity, renderCard } from "../../../src/adapters/teams/render.ts";
import { escapeMd, type Outbound } from "../../../src/core/message.ts";
import { cardButtons, cardText, elements } from "./card-text.ts";

const CHANNEL = "teams:t1:19:abc@thread.tacv2";

function msg(over: Partial<Outbound>): Outbound {
  return { key: "NF-2026-0001/tasks/sofort", channel: CHANNEL, text: "Text", blocks: [], locale: "de", ...over };
}

const taskMsg = msg({
  text: "NF-2026-0001 Sofortmaßnahmen\n[ ] 1. Netzwerkkabel ziehen",
  blocks: [
    { type: "heading", text: "Sofortmaßnahmen" },
    { type: "paragraph", text: "Bitte **jetzt**:\nNichts _ausschalten_, `erledigt 1` tippen." },
    { type: "facts", facts: [{ label: "Stufe", value: "Notfall" }] },
    {
      type: "tasks",
      title: "Aufgaben",
      items: [
        {
          nr: 1,
          text: "Netzwerkkabel ziehen",
          why: "Damit sich nichts ausbreitet",
          critical: true,
          state: "offen",
          actions: [{ label: "Erledigt", command: "erledigt 1", style: "primary" }],
        },
        { nr: 2, text: "Fotos vom Bildschirm", critical: false, state: "erledigt", stateLabel: "erledigt von Ben", actions: [] },
      ],
    },
    { type: "divider" },
    { type: "buttons", buttons: [{ label: "Ich koordiniere", command: "rolle koordinator" }] },
    {
      type: "template",
      title: "Info an Mitarbeitende",
      body: "Liebe Kolleg:innen,\n**bitte** keine PCs einschalten.\n[[Anzahl Betroffener]]",
    },
    { type: "context", text: "Stand 09:05" },
  ],
});

describe("Teams render: Adaptive Card", () => {
  it("valid card shape: AdaptiveCard 1.5, full width, text fallback and summary", () => {
    const act = renderActivity(taskMsg);
    expect(act.type).toBe("message");
    expect(act.summary).toBe("NF-2026-0001 Sofortmaßnahmen");
    expect(act.attachments).toHaveLength(1);
    const att = act.attachments[0]!;
    expect(att.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const card = att.content;
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", msteams: { width: "Full" } });
    expect(Number(card.version)).toBeGreaterThanOrEqual(1.4);
    expect(card.fallbackText).toBe(taskMsg.text);
    // every element has a known type, every RichTextBlock only TextRuns
    const known = new Set(["RichTextBlock", "TextRun", "Container", "ActionSet", "Action.Execute", "CodeBlock", "ColumnSet", "Column"]);
    for (const e of elements(card)) expect(known.has(String(e.type)), String(e.type)).toBe(true);
    for (const e of elements(card).filter((x) => x.type === "RichTextBlock")) {
      expect((e.inlines as { type: string }[]).every((r) => r.type === "TextRun")).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it("buttons are Action.Execute (verb notfall, data {c, i}) with an Action.Submit fallback", () => {
    const card = renderCard(taskMsg);
    const exec = elements(card).filter((e) => e.type === "Action.Execute");
    expect(exec).toHaveLength(2);
    expect(exec[0]).toMatchObject({
      title: "Erledigt",
      verb: "notfall",
      data: { c: "erledigt 1", i: "NF-2026-0001" },
      style: "positive",
      fallback: { type: "Action.Submit", title: "Erledigt", data: { c: "erledigt 1", i: "NF-2026-0001" } },
    });
    expect(cardButtons(card)).toEqual(["erledigt 1", "rolle koordinator"]);
  });

  it("button rows fit a narrow client (320 px): short answers four to a row, long titles alone, order kept", () => {
    const answers = [6, 7, 8, 9].flatMap((n) => [
      { label: `${n}: ja`, command: `antwort ${n} ja` },
      { label: `${n}: nein`, command: `antwort ${n} nein` },
    ]);
    const templates = ["Information an alle Mitarbeitenden", "Alarmierung IT-Dienstleister", "Presse", "Polizei"].map((t, i) => ({
      label: t,
      command: `vorlage ${i}`,
    }));
    const card = renderCard(msg({ blocks: [{ type: "buttons", buttons: [...answers, ...templates] }] }));
    const sets = elements(card).filter((e) => e.type === "ActionSet");
    const rows = sets.map((set) => (set.actions as { title: string }[]).map((a) => a.title));
    expect(rows.slice(0, 2)).toEqual([
      ["6: ja", "6: nein", "7: ja", "7: nein"],
      ["8: ja", "8: nein", "9: ja", "9: nein"],
    ]);
    expect(rows.slice(2)).toEqual([["Information an alle Mitarbeitenden"], ["Alarmierung IT-Dienstleister"], ["Presse", "Polizei"]]);
    for (const row of rows) expect(row.length === 1 || row.reduce((n, t) => n + t.length + 4, 0) <= 40).toBe(true);
    expect(cardButtons(card)).toEqual([...answers, ...templates].map((b) => b.command));
  });

  it("tasks show number, critical mark, state; done tasks are struck through", () => {
    const text = cardText(renderCard(taskMsg));
    expect(text).toContain("⬜ 1. (!) Netzwerkkabel ziehen");
    expect(text).toContain("✅ 2. Fotos vom Bildschirm – erledigt von Ben");
    const runs = elements(renderCard(taskMsg)).filter((e) => e.type === "TextRun" && e.text === "Fotos vom Bildschirm");
    expect(runs[0]).toMatchObject({ strikethrough: true });
  });

  it("our Markdown subset becomes styled TextRuns; a divider separates the next element", () => {
    const card = renderCard(taskMsg);
    const runs = elements(card).filter((e) => e.type === "TextRun");
    expect(runs).toContainEqual({ type: "TextRun", text: "jetzt", weight: "Bolder" });
    expect(runs).toContainEqual({ type: "TextRun", text: "ausschalten", italic: true });
    expect(runs).toContainEqual({ type: "TextRun", text: "erledigt 1", fontType: "Monospace" });
    expect(elements(card).find((e) => e.type === "ActionSet" && e.separator === true)).toBeTruthy();
  });

  it("templates are a copyable CodeBlock with a monospace fallback, verbatim", () => {
    const card = renderCard(taskMsg);
    const code = elements(card).find((e) => e.type === "CodeBlock")!;
    expect(code.codeSnippet).toBe("Liebe Kolleg:innen,\n**bitte** keine PCs einschalten.\n[[Anzahl Betroffener]]");
    const fb = code.fallback as { type: string; items: { inlines: { text: string; fontType: string }[] }[] };
    expect(fb.type).toBe("Container");
    expect(fb.items.map((i) => i.inlines[0]!.text)).toEqual([
      "Liebe Kolleg:innen,",
      "**bitte** keine PCs einschalten.",
      "[[Anzahl Betroffener]]",
    ]);
    expect(fb.items.every((i) => i.inlines[0]!.fontType === "Monospace")).toBe(true);
  });

  it("hostile text cannot inject Adaptive Card markdown: links and ** stay literal TextRun text", () => {
    const hostile = "[klick](javascript:alert(1)) **fett** <at>Alle</at> _x_ \\ ` {{DATE(2017-02-14T06:00:00Z)}}";
    const m = msg({
      text: `Notiz: ${hostile}`,
      blocks: [
        { type: "heading", text: escapeMd(hostile) },
        { type: "paragraph", text: `Notiz von **Anna**: ${escapeMd(hostile)}` },
        { type: "facts", facts: [{ label: "Titel", value: escapeMd(hostile) }] },
      ],
    });
    const card = renderCard(m);
    // No TextBlock anywhere: TextBlock is the element Teams parses as Markdown.
    expect(elements(card).some((e) => e.type === "TextBlock")).toBe(false);
    const runs = elements(card).filter((e) => e.type === "TextRun") as { text: string; weight?: string }[];
    // escaped user text arrives unescaped and unstyled, exactly as typed
    expect(runs.filter((r) => r.text.includes(hostile))).toHaveLength(3);
    expect(runs.find((r) => r.text === "fett")).toBeUndefined();
    // the core's own formatting still works
    expect(runs).toContainEqual({ type: "TextRun", text: "Anna", weight: "Bolder" });
    expect(card.fallbackText).toBe(`Notiz: ${hostile}`);
  });

  it("parseInline: escapes, unbalanced markers and snake_case stay literal", () => {
    expect(parseInline("a \\*\\*b\\*\\* c")).toEqual([{ text: "a **b** c" }]);
    expect(parseInline("**offen")).toEqual([{ text: "**offen" }]);
    expect(parseInline("datei_name_neu")).toEqual([{ text: "datei_name_neu" }]);
    expect(parseInline("**fett _kursiv_**")).toEqual([
      { text: "fett ", bold: true },
      { text: "kursiv", bold: true, italic: true },
    ]);
  });

  it("drill messages are marked ÜBUNG (card and fallback)", () => {
    const card = renderCard(msg({ drill: true, text: "Übung gestartet", blocks: [{ type: "paragraph", text: "Übung gestartet" }] }));
    const first = card.body[0] as { style: string };
    expect(first.style).toBe("warning");
    expect(cardText(card)).toMatch(/^⚠️ ÜBUNG – kein echter Notfall/);
    expect(card.fallbackText.startsWith("ÜBUNG")).toBe(true);
    expect(renderActivity(msg({ drill: true, text: "x" })).summary).toMatch(/^ÜBUNG/);
  });

  it("ephemeral (visibleTo) is sent normally, addressed by the person's name", () => {
    const card = renderCard(msg({ visibleTo: "29:anna", text: "Nur für dich", blocks: [] }), { personName: "Anna Albers" });
    expect(cardText(card)).toBe("Für Anna Albers / for Anna Albers:\nNur für dich");
    expect(card.fallbackText).toContain("Für Anna Albers");
  });

  it("a message without blocks is a card from its text, line by line", () => {
    const card = renderCard(msg({ text: "Unbekannter Befehl „stauts“.\nMeinten Sie: notfall status", blocks: [] }));
    expect(cardText(card)).toBe("Unbekannter Befehl „stauts“.\nMeinten Sie: notfall status");
  });

  it("incident id for button data comes from the message key", () => {
    expect(incidentIdOf("NF-2026-0007/tasks/x")).toBe("NF-2026-0007");
    expect(incidentIdOf("NF-2026-0007")).toBe("NF-2026-0007");
    expect(incidentIdOf("help/anna")).toBeUndefined();
    expect(
      cardButtons(renderCard(msg({ key: "help/1", blocks: [{ type: "buttons", buttons: [{ label: "Hilfe", command: "hilfe" }] }] }))),
    ).toEqual(["hilfe"]);
  });
});

describe("mentions the core writes on purpose (#19)", () => {
  it("become Teams mention entities with <at>Name</at> in a TextBlock; inline the name is plain text; escaped user text never mentions", () => {
    const card = renderCard(
      msg({
        text: "Koordination: @Anna Arzt",
        blocks: [
          { type: "facts", facts: [{ label: "Koordination", value: "<@3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d> – angefragt" }] },
          { type: "paragraph", text: `Grund: ${escapeMd("<@evil> [x](https://x.test)")}` },
        ],
        mentions: [{ id: "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name: "Anna <b>Arzt</b>" }],
      }),
    );
    expect(card.msteams.entities).toEqual([
      { type: "mention", text: "<at>Anna bArzt/b</at>", mentioned: { id: "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name: "Anna bArzt/b" } },
    ]);
    const textBlocks = elements(card).filter((e) => e.type === "TextBlock");
    expect(textBlocks.map((e) => e.text)).toEqual(["🔔 <at>Anna bArzt/b</at>"]);
    const text = cardText(card);
    expect(text).toContain("Koordination: @Anna bArzt/b – angefragt");
    expect(text).toContain("Grund: <@evil> [x](https://x.test)");
  });
});
