import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/core/chain.ts";
import { de } from "../../src/core/i18n/de.ts";
import { escapeMd } from "../../src/core/message.ts";
import { type Command, parseCommand } from "../../src/core/parser.ts";
import { sanitize } from "../../src/core/text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { CoreBot, GERMAN, markdownTexts, type Person, person, seen } from "./_bot.ts";

/**
 * Random and hostile input never crashes the bot. Replay a failure with the printed seed:
 * `FC_SEED=<seed> npx vitest run tests/core/hostile-input.test.ts`.
 */
const SEED = Number(process.env.FC_SEED ?? 20260302);
console.log(`hostile-input: FC_SEED=${SEED}`);

const PARSER_RUNS = 8000;
const BOT_RUNS = 2500;

const playbooks = loadPlaybooks().list();

/** Markup that must never reach a Markdown block unescaped when a person typed it. Distinctive enough that no system text contains it. */
const MARKUP = [
  "**fett**",
  "_kursiv_",
  "`code`",
  "<script>alert(1)</script>",
  "</pre>",
  "<@channel>",
  "<!here>",
  "<!channel>",
  "[klick](http://x.invalid)",
  "~~weg~~",
  "|a|b|",
];

const ATOMS = [
  ...MARKUP,
  "**",
  "__",
  "```",
  "\\",
  "<@nobody>",
  "<@U999>",
  "<@__proto__>",
  "<@constructor>",
  "@x",
  "@__proto__",
  "@",
  "<@>",
  "{{org.name}}",
  "{{incident.id}}",
  "{{ __proto__ }}",
  "[[x]]",
  "[[Anzahl Betroffener]]",
  "'; DROP TABLE incidents;--",
  '" OR 1=1 --',
  "%s%n",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: hostile input on purpose
  "${process.exit()}",
  "\u202E",
  "\u202D",
  "\u200F",
  "\u2066",
  "\u2069",
  "\u061C",
  "\uFEFF",
  "\u200B",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\r",
  "\r\n",
  "\t",
  "\uD800",
  "\uDFFF",
  "\uDBFF\uDFFF",
  "ä",
  "Ö",
  "ß",
  "ẞ",
  "İ",
  "ǅ",
  "ﬀ",
  "é",
  "🚨",
  "✅",
  "👍",
  "👀",
  "👨‍👩‍👧",
  "٣",
  "١٢",
  "99999",
  "0",
  "-1",
  "3.5",
  "1e9",
  "NaN",
  "L0",
  "L1",
  "L999",
  "__proto__",
  "constructor",
  "toString",
  "ja",
  "nein",
  "krise",
  "Krise",
  "katastrophe",
  "verschlüsselung",
];

const HEADS = [
  "",
  "erledigt",
  "erledigt 99999",
  "erledigt 3,",
  "ok",
  "✅",
  "✅3",
  "👍",
  "überspringen",
  "ueberspringen 4",
  "antwort",
  "antwort 999 ja",
  "antwort 1",
  "antwort 2",
  "antwort L1",
  "a",
  "rolle",
  "rolle technik",
  "rolle koordinator",
  "rolle kommunikation",
  "rolle technik abgeben",
  "eskalieren",
  "eskalieren krise",
  "weiter",
  "abschließen",
  "notiz",
  "vorlage",
  "vorlage mitarbeitende",
  "status",
  "export",
  "handbuch",
  "hilfe",
  "übung",
  "verschlüsselung",
  "erldigt",
  "stauts",
];

const SEPARATORS = [" ", "  ", "\t", "\n", ",", "", " und ", "\r\n", "\u00A0", "\u3000", ";"];

const word = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ATOMS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: 100_000 }).map(String) },
);

/** One command line: a (possibly real) command head followed by hostile words. */
const commandLine = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...HEADS), fc.array(fc.tuple(fc.constantFrom(...SEPARATORS), word), { maxLength: 8 }))
      .map(([h, parts]) => h + parts.map(([s, w]) => s + w).join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
);

/** A few lines of about 100 kB. */
function bigLines(): string[] {
  const chunk = ATOMS.join(" ");
  const fill = (head: string, unit: string) => head + " " + unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
  return [
    fill("", chunk),
    fill("erledigt 3", chunk),
    fill("überspringen 4", "**fett** "),
    fill("notiz", "ä\u202Eö\uD800 "),
    fill("verschlüsselung", "verschlüselung "),
    fill("antwort 1", "1".repeat(50) + " "),
    fill("rolle technik", "@x "),
    fill("weiter", "<script>alert(1)</script> "),
    "9".repeat(100_000),
    "✅".repeat(50_000),
  ];
}

const KINDS = new Set<Command["kind"]>([
  "help",
  "open",
  "choose-type",
  "role",
  "status",
  "task",
  "template",
  "note",
  "escalate",
  "advance",
  "close",
  "export",
  "handbook",
  "answer",
  "text",
  "error",
]);
const ERROR_CODES = new Set([
  "role-missing",
  "role-unknown",
  "task-nr-missing",
  "skip-reason-missing",
  "note-empty",
  "answer-missing",
  "type-missing",
  "unknown",
]);

function assertKnown(c: Command, mode: "command" | "reply"): void {
  expect(KINDS.has(c.kind), JSON.stringify(c).slice(0, 200)).toBe(true);
  if (c.kind === "error") expect(ERROR_CODES.has(c.error.code)).toBe(true);
  if (c.kind === "task") {
    expect(c.nrs.length).toBeGreaterThan(0);
    for (const n of c.nrs) expect(Number.isInteger(n) && n >= 0 && n <= 9999).toBe(true);
  }
  if (c.kind === "open") expect(playbooks.some((p) => p.id === c.playbookId)).toBe(true);
  if (mode === "reply") expect(["open", "choose-type"]).not.toContain(c.kind);
}

describe("parseCommand under hostile input", () => {
  it(`never throws and always returns a known command (${PARSER_RUNS} lines × 2 modes)`, () => {
    fc.assert(
      fc.property(commandLine, (line) => {
        for (const mode of ["command", "reply"] as const) {
          const c = parseCommand(line, playbooks, { mode });
          assertKnown(c, mode);
          expect(parseCommand(line, playbooks, { mode })).toEqual(c); // pure
        }
      }),
      { seed: SEED, numRuns: PARSER_RUNS },
    );
  });

  it("handles lines of 100 kB quickly", () => {
    for (const line of bigLines()) {
      const t0 = performance.now();
      for (const mode of ["command", "reply"] as const) assertKnown(parseCommand(line, playbooks, { mode }), mode);
      expect(performance.now() - t0, line.slice(0, 30)).toBeLessThan(2000);
    }
  });
});

describe("the bot under hostile input (real SQLite, memory platform)", () => {
  let b: CoreBot;
  const anna = person("anna");
  const ben = person("ben");
  const people: Person[] = [
    anna,
    ben,
    person("dora"),
    person("nobody-known", "Unbekannt"),
    person("U<script>", "**Boss** <!here>"),
    person("mallory", "_mal_ `lory` [[x]] {{org.name}}"),
    person("__proto__", "__proto__"),
    person("constructor", "constructor"),
  ];
  let inputs = 0;
  /** How often typed markup came back (escaped) in a Markdown block: proves the check above is not vacuous. */
  let echoedEscaped = 0;
  let sinceOpen = 0;

  async function fresh(): Promise<void> {
    // the earlier incident may still be open: `neu` opens another of the same type anyway (#10 item 4)
    await b.open(anna, "neu verschlüsselung Test unter Beschuss");
    await b.send(anna, "rolle koordinator");
    await b.send(anna, "rolle technik <@ben>", { mentions: [ben] });
    sinceOpen = 0;
  }

  beforeAll(async () => {
    b = await CoreBot.start();
    await fresh();
  });
  afterAll(async () => {
    console.log(
      `hostile-input: ${inputs} Eingaben an den Bot, ${(await b.storage.listIncidents()).length} Notfälle, ${echoedEscaped}× Markup maskiert zurückgegeben`,
    );
    await b?.stop();
  });

  /** Feed one line and check every property. */
  async function feed(who: Person, line: string, kind: "command" | "reply"): Promise<void> {
    inputs++;
    sinceOpen++;
    const id = b.incidentId!;
    const mentions = [...line.matchAll(/<@([^>]*)>/g)].map((m) => person(m[1]!, `**${m[1]}**`));
    const out = await b.send(who, line, { kind, inThread: true, mentions });
    expect(b.errors, line.slice(0, 200)).toEqual([]);
    // every message caused by the input is German (or at least names a command to type)
    for (const m of out) {
      expect(seen(m), `${JSON.stringify(line.slice(0, 200))} → ${m.text.slice(0, 300)}`).toMatch(GERMAN);
      expect(m.text).not.toContain(de.err.internal.slice(0, 30));
      expect(m.blocks.length).toBeGreaterThan(0);
    }
    // markup the person typed never reaches a Markdown block unescaped
    const typed = `${sanitize(line, 100_000)}\n${who.displayName}\n${mentions.map((x) => x.displayName).join("\n")}`;
    const present = MARKUP.filter((x) => typed.includes(x));
    if (present.length)
      for (const m of out)
        for (const text of markdownTexts(m.blocks))
          for (const x of present) {
            expect(text.includes(x), `${JSON.stringify(x)} unescaped in: ${text.slice(0, 300)}`).toBe(false);
            if (text.includes(escapeMd(x))) echoedEscaped++;
          }
    // every escaped user text round-trips: escapeMd is lossless
    expect(escapeMd(line).replace(/\\([\\`*_[\]<>|~])/g, "$1")).toBe(line);
    // the chain of the incident stays valid
    const verdict = verifyChain(await b.storage.timeline(id));
    expect(verdict, JSON.stringify(line.slice(0, 200))).toMatchObject({ ok: true });
    // the bot stays usable
    const status = await b.send(anna, "status");
    expect(
      status.some((m) => m.text.includes(`Lage ${id}`)),
      `status nach ${JSON.stringify(line.slice(0, 200))}: ${status.map((m) => m.text.slice(0, 200)).join(" | ")}`,
    ).toBe(true);
    expect(b.errors).toEqual([]);
    // keep the timeline short and start over when the input closed the incident
    if ((await b.storage.getIncident(id))!.closedAt || sinceOpen >= 80) await fresh();
    if (inputs % 25 === 0) {
      await b.clock.advance(7 * 60_000);
      await b.bot.idle();
    }
  }

  it(`stays correct and usable for ${BOT_RUNS} hostile lines inside an open incident`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...people),
        commandLine,
        fc.constantFrom("reply" as const, "command" as const),
        async (who, line, kind) => {
          await feed(who, line, kind);
        },
      ),
      // the bot is stateful: shrinking would replay on a changed bot, so report the first failure as it happened
      { seed: SEED + 1, numRuns: BOT_RUNS, endOnFailure: true },
    );
    expect(inputs).toBeGreaterThanOrEqual(BOT_RUNS);
    expect(echoedEscaped).toBeGreaterThan(10);
    // 2,500 full events through the real service and SQLite: ~15 s on a quiet 2-core machine, 38 s at load 15–20
  }, 120_000);

  it("survives lines of 100 kB from the coordinator and from an outsider", async () => {
    for (const line of bigLines()) {
      await feed(anna, line, "reply");
      await feed(people[5]!, line, "command");
    }
    // text and notes are stored, but bounded
    const longest = Math.max(...(await b.storage.timeline(b.incidentId!)).map((e) => e.text.length));
    expect(longest).toBeLessThanOrEqual(4100);
  });

  it("numbers out of range get a German answer that says what to type", async () => {
    await fresh();
    for (const line of ["erledigt 99999", "erledigt 9999", "antwort 999 ja", "antwort L999 x", "ok 0", "überspringen 5000 weil"]) {
      const out = await b.send(anna, line);
      const reply = out.find((m) => m.visibleTo === "anna");
      expect(reply, line).toBeDefined();
      expect(seen(reply!), line).toMatch(GERMAN);
      expect(seen(reply!), line).toMatch(/`[^`]+`/);
    }
    expect(verifyChain(await b.timeline()).ok).toBe(true);
  });
});
