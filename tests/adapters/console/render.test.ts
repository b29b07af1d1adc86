import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConsoleAdapter, terminalColumns } from "../../../src/adapters/console/adapter.ts";
import { renderConsole } from "../../../src/adapters/console/render.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import { type Block, escapeMd, type Outbound } from "../../../src/core/message.ts";

/**
 * Issue #10 item 6: the terminal reads like a conversation. Text is wrapped at word boundaries to the terminal's
 * width (never "Anleg/en"), keeping the thread bar and the indentation of tasks and list items; a word longer than
 * the line runs over; without a width nothing is wrapped.
 */

const msg = (blocks: Block[], o: Partial<Outbound> = {}): Outbound => ({
  channel: "console:local:main",
  key: "NF-2026-0001/x",
  text: "",
  blocks,
  locale: "de",
  thread: { key: "NF-2026-0001/root" },
  ...o,
});

/** Columns a row takes in a terminal: emoji two, everything else here one. */
function columns(row: string): number {
  return [...row.replace(/\uFE0F/g, "")].reduce((n, ch) => n + (/\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0);
}
const words = (text: string) =>
  text
    .replace(/^(\s*│ |▌ )/gm, "")
    .split(/\s+/)
    .filter(Boolean);

const TASK =
  "Betroffene Geräte sofort vom Netz trennen: Netzwerkkabel ziehen, WLAN aus. Nicht ausschalten, bis der Technische Kontakt entscheidet.";
const blocks: Block[] = [
  { type: "heading", text: "🚨 NF-2026-0001: Verschlüsselung durch Erpressersoftware (Ransomware)" },
  {
    type: "paragraph",
    text: "**1.** Wann hat die erste Person davon erfahren? → _noch offen_\n**10.** Gibt es Hinweise, dass Daten kopiert wurden? → _noch offen_",
  },
  {
    type: "facts",
    facts: [
      {
        label: "Stufe",
        value: "Notfall – Wichtige Abläufe stehen still und lassen sich im normalen Betrieb nicht rechtzeitig wiederherstellen.",
      },
    ],
  },
  {
    type: "tasks",
    title: "Sofortmaßnahmen · Technischer Kontakt",
    items: [
      {
        nr: 2,
        text: TASK,
        why: "So breitet sich die Schadsoftware nicht weiter aus, und Spuren bleiben erhalten.",
        critical: true,
        state: "offen",
        actions: [],
      },
    ],
  },
  { type: "context", text: "Antworten mit `antwort <Nr> <Antwort>`, z. B. `antwort 1 heute 8:30` oder `antwort 2 ja`." },
];

describe("wrapping at word boundaries", () => {
  const out = renderConsole(msg(blocks), { color: false, width: 60 });
  const rows = out.trimEnd().split("\n");

  it("every row fits 60 columns and the words are exactly those without wrapping", () => {
    for (const r of rows) expect(columns(r), r).toBeLessThanOrEqual(60);
    expect(words(out)).toEqual(words(renderConsole(msg(blocks), { color: false })));
    expect(rows.length).toBeGreaterThan(blocks.length + 4);
  });

  it("keeps the thread bar on every row, and hangs tasks, reasons and numbered items under their text", () => {
    for (const r of rows) expect(r.startsWith("  │ ")).toBe(true);
    const task = rows.findIndex((r) => r.includes("[ ]  2. ! Betroffene"));
    expect(rows[task + 1]).toMatch(/^ {2}│ {9}\S/); // under the text, after "[ ]  2. "
    const why = rows.findIndex((r) => r.includes("↳ So breitet"));
    expect(rows[why + 1]).toMatch(/^ {2}│ {11}\S/); // under the text, after "↳ "
    const q10 = rows.findIndex((r) => r.includes("10. Gibt es"));
    expect(rows[q10 + 1]).toMatch(/^ {2}│ {5}\S/); // under the text, after "10. "
    const fact = rows.findIndex((r) => r.includes("Stufe: Notfall"));
    expect(rows[fact + 1]).toMatch(/^ {2}│ {3}\S/);
  });

  it("does not split a command, 'z. B.' or '→ noch offen' over two rows", () => {
    for (const r of rows) {
      expect(r, r).not.toMatch(/(antwort|antwort \d)$/);
      expect(r, r).not.toMatch(/ z\.$/);
      expect(r, r).not.toMatch(/→$/);
    }
    expect(out).toContain("antwort 1 heute 8:30");
    expect(out).not.toContain("\u00A0");
  });

  it("never breaks inside a word; a word longer than the row runs over", () => {
    const url = "https://www.bsi.bund.de/DE/Themen/Unternehmen-und-Organisationen/Cyber-Sicherheitslage/Reaktion/reaktion_node.html";
    const text = renderConsole(msg([{ type: "paragraph", text: `Meldeformular: ${url} (Anlegen/Erstellen)` }], { thread: undefined }), {
      color: false,
      width: 40,
    });
    expect(text).toContain(`▌ ${url}`);
    expect(text).toContain("Anlegen/Erstellen");
    for (const r of text.trimEnd().split("\n")) expect(r.startsWith("▌ ")).toBe(true);
  });

  it("colours do not count as columns", () => {
    const coloured = renderConsole(msg(blocks), { color: true, width: 60 });
    const plain = coloured.replace(/\x1b\[[0-9;]*m/g, "");
    expect(plain).toBe(out);
  });

  it("a template keeps its frame on every row", () => {
    const t = renderConsole(msg([{ type: "template", title: "Information an alle", body: `Liebes Team,\n\n${TASK} ${TASK}` }]), {
      color: false,
      width: 50,
    });
    const body = t.trimEnd().split("\n").slice(1, -1);
    for (const r of body) expect(r).toMatch(/^ {2}│ │/);
  });

  it("without a width (a program reads the output) nothing is wrapped", () => {
    const text = renderConsole(msg(blocks), { color: false });
    expect(text).toContain(`[ ]  2. ! ${TASK}\n`);
  });
});

describe("terminal width", () => {
  it("COLUMNS wins, then the terminal's own width; a pipe without COLUMNS is not wrapped", () => {
    expect(terminalColumns({ COLUMNS: "60" }, { isTTY: true, columns: 120 })).toBe(60);
    expect(terminalColumns({}, { isTTY: true, columns: 120 })).toBe(120);
    expect(terminalColumns({ COLUMNS: "abc" }, { isTTY: true, columns: 80 })).toBe(80);
    expect(terminalColumns({}, { isTTY: false })).toBeUndefined();
    expect(terminalColumns({ COLUMNS: "0" }, {})).toBeUndefined();
  });

  it("the adapter reads the width anew for every message (the window may be resized)", async () => {
    let width = 80;
    let written = "";
    const output = new Writable({
      write(chunk, _e, cb) {
        written += String(chunk);
        cb();
      },
    });
    const adapter = new ConsoleAdapter({ input: new PassThrough(), output, clock: new FakeClock(), columns: () => width });
    const long = msg([{ type: "paragraph", text: TASK }]);
    await adapter.deliver(long);
    const wide = written.split("\n").length;
    written = "";
    width = 40;
    await adapter.deliver(long);
    expect(written.split("\n").length).toBeGreaterThan(wide);
  });
});

describe("start and end of a terminal session", () => {
  const open = [
    { id: "NF-2026-0001", title: "Verschlüsselung durch Erpressersoftware (Ransomware)", phase: "Sofortmaßnahmen", drill: false },
  ];

  function adapterWithOutput() {
    let out = "";
    const output = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    const adapter = new ConsoleAdapter({ input: new PassThrough(), output, clock: new FakeClock(), columns: 60 });
    return { adapter, out: () => out };
  }

  it("at start, each open incident with its phase and what to type", async () => {
    const { adapter, out } = adapterWithOutput();
    await adapter.greet({ open });
    expect(out()).toBe(
      "» NF-2026-0001 läuft noch: Verschlüsselung durch\n  Erpressersoftware (Ransomware), Phase Sofortmaßnahmen.\n» Weiter wie bisher. Die Lage zeigt status.\n\n",
    );
  });

  it("several open incidents: named (at most three), and how to see one of them", async () => {
    const { adapter, out } = adapterWithOutput();
    const many = [1, 2, 3, 4].map((n) => ({ ...open[0]!, id: `NF-2026-000${n}`, drill: n === 2 }));
    await adapter.greet({ open: many });
    expect(out()).toContain("» 🧪 ÜBUNG NF-2026-0002 läuft noch");
    expect(out()).not.toContain("NF-2026-0004 läuft");
    expect(out()).toContain("» … und 1 weitere offene Notfälle.");
    expect(out()).toContain("status NF-…");
  });

  it("at the end of input, that the incident continues, that reminders pause, and how to come back", async () => {
    const { adapter, out } = adapterWithOutput();
    await adapter.farewell(open, "npm start");
    expect(out()).toBe(
      [
        "",
        "» Eingabe beendet. NF-2026-0001 läuft weiter – alles ist",
        "  gespeichert.",
        "» Solange der Bot nicht läuft, kommen keine Erinnerungen.",
        "  Die Fristen laufen trotzdem weiter.",
        "» Weitermachen: npm start",
        "",
      ].join("\n"),
    );
  });

  it("nothing open: nothing to say", async () => {
    const { adapter, out } = adapterWithOutput();
    await adapter.greet({ open: [] });
    await adapter.farewell([], "npm start");
    expect(out()).toBe("");
  });

  it("in English when the bot speaks English", async () => {
    let out = "";
    const output = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    const adapter = new ConsoleAdapter({ input: new PassThrough(), output, clock: new FakeClock(), locale: "en" });
    await adapter.farewell(open, "npm start");
    expect(out).toContain("» Input ended. NF-2026-0001 stays open – everything is saved.");
  });
});

describe("mentions (#19)", () => {
  it("a terminal notifies nobody: a mention is the person's name; escaped user text stays as typed", () => {
    const out = renderConsole(
      {
        key: "NF-2026-0001/header",
        channel: "console:local:main",
        text: "",
        locale: "de",
        blocks: [
          { type: "facts", facts: [{ label: "Technik", value: "<@jonas> – angefragt" }] },
          { type: "paragraph", text: `Notiz: ${escapeMd("<@jonas>")}` },
        ],
        mentions: [{ id: "jonas", name: "Jonas Muster" }],
      },
      { color: false, width: 60 },
    );
    expect(out).toContain("Technik: @Jonas Muster – angefragt");
    expect(out).toContain("Notiz: <@jonas>");
  });
});
