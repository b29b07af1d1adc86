import { describe, expect, it } from "vitest";
import { chunk, escapeSlack, LIMITS, mdToMrkdwn, parseButtonValue, renderSlack } from "../../../src/adapters/slack/render.ts";
import { type Block, escapeMd, type Outbound, type TaskItem } from "../../../src/core/message.ts";
import { blockKitProblems } from "./block-kit-rules.ts";

const HOSTILE = "<!channel> <!here|here> <@U0BEN> <https://evil.example|Klick mich> & **fett** `x` \\ <#C0GENERAL>";

function msg(blocks: Block[], extra: Partial<Outbound> = {}): Outbound {
  return { key: "NF-2026-0001/tasks/sofort/technik", channel: "slack:T0TEAM:C0NOTFALL", text: "Aufgaben", blocks, locale: "de", ...extra };
}

function task(nr: number, state: TaskItem["state"] = "offen"): TaskItem {
  return {
    nr,
    text: `Aufgabe ${nr}: Netzwerkkabel ziehen`,
    why: "Damit sich die Verschlüsselung nicht ausbreitet.",
    critical: nr % 2 === 0,
    state,
    actions: [
      { label: "Bestätigen", command: `ok ${nr}` },
      { label: "Erledigt", command: `erledigt ${nr}`, style: "primary" },
    ],
  };
}

/** Every mrkdwn / plain text string in rendered blocks. */
function texts(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if ((o.type === "mrkdwn" || o.type === "plain_text" || o.type === "text") && typeof o.text === "string") out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

function actionIds(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "button" && typeof o.action_id === "string") out.push(o.action_id);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

describe("Slack render: Block Kit", () => {
  it("renders every block type as valid Block Kit with a fallback text", () => {
    const r = renderSlack(
      msg([
        { type: "heading", text: "Ransomware – Praxis Dr. Muster" },
        { type: "paragraph", text: "**Ruhe bewahren.** Bitte _nicht_ neu starten. Befehl: `/notfall status`" },
        {
          type: "facts",
          facts: [
            { label: "Stufe", value: "Notfall" },
            { label: "Phase", value: "Sofortmaßnahmen" },
          ],
        },
        { type: "tasks", title: "Sofortmaßnahmen", items: [task(1), task(2, "bestätigt"), { ...task(3, "erledigt"), actions: [] }] },
        { type: "buttons", buttons: [{ label: "Rolle übernehmen", command: "rolle koordinator" }] },
        {
          type: "template",
          title: "Info an Mitarbeitende",
          body: "Liebe Kolleginnen und Kollegen,\nbitte keine PCs einschalten.\n[[Anzahl Betroffener]]",
        },
        { type: "context", text: "NF-2026-0001 · 09:14 Uhr" },
        { type: "divider" },
      ]),
    );
    expect(blockKitProblems(r.blocks)).toEqual([]);
    expect(r.text).toBe("Aufgaben");
    const types = r.blocks.map((b) => b.type);
    expect(types).toEqual(expect.arrayContaining(["header", "section", "actions", "rich_text", "context", "divider"]));
    const all = texts(r.blocks).join("\n");
    expect(all).toContain("*Ruhe bewahren.*"); // **bold** → Slack *bold*
    expect(all).toContain("`/notfall status`");
    expect(all).toContain("*Stufe:*\nNotfall"); // facts as fields
    const rich = r.blocks.find((b) => b.type === "rich_text") as { elements: { type: string; elements: { text: string }[] }[] };
    expect(rich.elements[0]!.type).toBe("rich_text_preformatted");
    expect(rich.elements[0]!.elements[0]!.text).toContain("[[Anzahl Betroffener]]");
  });

  it("puts command and incident id into each button value and keeps action_ids unique", () => {
    const r = renderSlack(
      msg([
        { type: "tasks", items: [task(1), task(2)] },
        { type: "buttons", buttons: [{ label: "Weiter", command: "weiter" }] },
      ]),
    );
    const ids = actionIds(r.blocks);
    expect(ids.length).toBe(5);
    expect(new Set(ids).size).toBe(ids.length);
    const values = JSON.stringify(r.blocks)
      .match(/"value":"((?:[^"\\]|\\.)*)"/g)!
      .map((v) => parseButtonValue(JSON.parse(v.slice(8))));
    expect(values).toContainEqual({ c: "erledigt 2", i: "NF-2026-0001" });
    expect(values).toContainEqual({ c: "weiter", i: "NF-2026-0001" });
    expect(blockKitProblems(r.blocks)).toEqual([]);
  });

  it("drops a button whose value would exceed 2000 characters instead of breaking the message", () => {
    const r = renderSlack(
      msg([
        {
          type: "buttons",
          buttons: [
            { label: "Lang", command: "x".repeat(2100) },
            { label: "Kurz", command: "status" },
          ],
        },
      ]),
    );
    expect(blockKitProblems(r.blocks)).toEqual([]);
    expect(actionIds(r.blocks)).toHaveLength(1);
  });

  it("splits long text into sections of at most 3000 characters", () => {
    const long = Array.from({ length: 400 }, (_, i) => `Zeile ${i}: Bitte alle Geräte vom Netz trennen & melden.`).join("\n");
    const r = renderSlack(msg([{ type: "paragraph", text: long }]));
    expect(blockKitProblems(r.blocks)).toEqual([]);
    expect(r.blocks.length).toBeGreaterThan(5);
    for (const t of texts(r.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(texts(r.blocks).join("\n")).toContain("Zeile 399");
  });

  it("never cuts through an entity or a mention when splitting", () => {
    const s = `${"a".repeat(2995)}&amp;<@U0ANNA> und weiter`;
    const parts = chunk(s, 3000);
    expect(parts[0]!.endsWith("&")).toBe(false);
    expect(parts.join("")).toContain("&amp;<@U0ANNA>");
  });

  it("keeps a message with many tasks within 50 blocks (compact list, then cut with a hint)", () => {
    const items = Array.from({ length: 30 }, (_, i) => task(i + 1));
    const r = renderSlack(
      msg([
        { type: "heading", text: "Viele Aufgaben" },
        { type: "tasks", items },
      ]),
    );
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(blockKitProblems(r.blocks)).toEqual([]);
    expect(actionIds(r.blocks)).toHaveLength(60); // every task keeps its buttons in compact form
    const huge = Array.from({ length: 400 }, (_, i) => ({ type: "paragraph" as const, text: `Absatz ${i}` }));
    const h = renderSlack(msg(huge));
    expect(h.blocks).toHaveLength(50);
    expect(blockKitProblems(h.blocks)).toEqual([]);
    expect(texts(h.blocks.at(-1)).join("")).toContain("gekürzt");
  });

  it("truncates headers to 150 and button labels to 75 characters", () => {
    const r = renderSlack(
      msg([
        { type: "heading", text: "H".repeat(400) },
        { type: "buttons", buttons: [{ label: "L".repeat(200), command: "status" }] },
      ]),
    );
    expect(blockKitProblems(r.blocks)).toEqual([]);
  });

  it("marks drill messages in blocks and fallback text", () => {
    const r = renderSlack(msg([{ type: "paragraph", text: "Übung läuft" }], { drill: true, text: "Übung läuft" }));
    expect(r.blocks[0]!.type).toBe("context");
    expect(texts(r.blocks[0]).join("")).toContain(":rotating_light: *ÜBUNG*");
    expect(r.text.startsWith("🚨 ÜBUNG")).toBe(true);
  });
});

describe("Slack render: hostile user text", () => {
  it("cannot inject broadcasts, mentions or links through escaped user text", () => {
    const user = escapeMd(HOSTILE);
    const r = renderSlack(
      msg(
        [
          { type: "heading", text: user },
          { type: "paragraph", text: `Notiz von Ben: ${user}` },
          { type: "facts", facts: [{ label: HOSTILE, value: user }] },
          { type: "tasks", items: [{ ...task(1), text: user, stateLabel: `erledigt von ${user}` }] },
          { type: "context", text: user },
          { type: "template", title: HOSTILE, body: HOSTILE },
        ],
        { text: `Notiz: ${HOSTILE}` },
      ),
    );
    expect(blockKitProblems(r.blocks)).toEqual([]);
    const mrkdwn: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o.type === "mrkdwn" && typeof o.text === "string") mrkdwn.push(o.text);
        Object.values(o).forEach(walk);
      }
    };
    walk(r.blocks);
    for (const t of [...mrkdwn, r.text]) {
      expect(t).not.toMatch(/<!/);
      expect(t).not.toMatch(/<https?:/);
      expect(t).not.toMatch(/<#C/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/); // every & is an entity
    }
    for (const t of mrkdwn) expect(t).not.toContain("<@U0BEN>"); // escaped user text never becomes a mention
    expect(mrkdwn.join("\n")).toContain("&lt;!channel&gt;");
    // the copyable template is rich text: literal characters, no parsing at all
    expect(JSON.stringify(r.blocks)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
  });

  it("keeps mentions the core writes on purpose", () => {
    expect(mdToMrkdwn("Koordinator: <@U0ANNA>")).toBe("Koordinator: <@U0ANNA>");
    expect(mdToMrkdwn(`Koordinator: ${escapeMd("<@U0ANNA>")}`)).toBe("Koordinator: &lt;@U0ANNA&gt;");
    expect(mdToMrkdwn("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(escapeSlack("<&>")).toBe("&lt;&amp;&gt;");
  });
});

describe("Slack render: drill marker not doubled", () => {
  it("adds no second banner when the core's first block already says ÜBUNG", () => {
    const r = renderSlack(
      msg([{ type: "heading", text: "🧪 ÜBUNG NF-2026-0001: Ransomware" }], { drill: true, text: "🧪 ÜBUNG NF-2026-0001: Ransomware" }),
    );
    expect(r.blocks[0]!.type).toBe("header");
    expect(r.text).toBe("🧪 ÜBUNG NF-2026-0001: Ransomware");
  });
});
