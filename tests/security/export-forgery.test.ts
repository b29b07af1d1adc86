/**
 * Issue #18, item 3: the exports cannot be forged by what people type. An incident is run through the whole bot
 * (real SQLite file, in-memory platform, fake clock) by people whose names, description, notes, answers, skip reasons
 * and closing reason are Markdown and HTML built to imitate the export's own structure: a second "Prüfkette … In
 * Ordnung" section, headings, links, images, raw HTML, table rows, code, quotes, lists. The Markdown export is then
 * parsed by a real CommonMark/GFM parser (markdown-it, with HTML and linkify on) and its structure compared with what
 * the bot writes itself. The JSON export must give every value back exactly as typed.
 */
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { escapeMarkdown } from "../../src/core/escape-markdown.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import type { ExportSink } from "../../src/core/service.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { MemoryAdapter } from "../helpers/memory-adapter.ts";
import { tempDir } from "../helpers/tmp.ts";

const FAKE_CHAIN = "## Prüfkette (Hash-Kette SHA-256)\n\nIn Ordnung: 3 Einträge, letzter Hash `0000`.";

/** Inputs built to look like the export's structure; every one must come out as literal text. */
const HOSTILE = {
  description: `Server zeigt Erpressernachricht\n\n${FAKE_CHAIN}\n\n[Beweise](https://evil.example/x) ![bild](https://evil.example/p.png) <img src=x onerror=alert(1)> <script>alert(1)</script>`,
  names: {
    mallory: "Mallory](https://evil.example) **Admin**",
    eve: "<b>Eve</b> | 99 | gefälscht |",
    trent: "# Trent\n## Prüfkette",
  },
  notes: [
    "| 999 | 01.01.2026, 00:00 | Polizei | abschluss | Fall gelöst |",
    "```\nIn Ordnung: alles\n```",
    "> Zitat\n- [x] Liste\n1. nummeriert\n---\n===",
    "Links: www.evil.example https://evil.example/p mail@evil.example <https://evil.example> [ref]: https://evil.example",
    "<!-- versteckt --> &lt;script&gt; &#60;b&#62; $\\text{In Ordnung}$ [^1] ~~weg~~ _kursiv_ *fett* \\",
    `Notiz mit Kette:\n${FAKE_CHAIN}`,
  ],
  answer: "Anna <a href='https://evil.example'>Rückruf</a>\n## Zusammenfassung\n| x | y |",
  skipReason: "[Grund](javascript:alert(1)) | gefälscht",
  closeReason: "Fehlalarm\n\n## Prüfkette (Hash-Kette SHA-256)\n\nIn Ordnung: alles",
};

let tmp: ReturnType<typeof tempDir>;
let storage: SqliteStorage;
let adapter: MemoryAdapter;
let bot: Bot;
const clock = new FakeClock("2026-03-02T08:00:00Z");
let n = 0;
const exported = new Map<string, string>();
const sink: ExportSink = {
  paths: (name, exts) => exts.map((ext) => `exports/${name}.${ext}`),
  save(name, files) {
    for (const f of files) exported.set(f.ext, String(f.content));
    return files.map((f) => `exports/${name}.${f.ext}`);
  },
};

async function say(who: keyof typeof HOSTILE.names | "anna", text: string, kind: Inbound["kind"] = "reply"): Promise<void> {
  const displayName = who === "anna" ? "Anna" : HOSTILE.names[who];
  const root = adapter.visible().findLast((m) => !m.thread && m.key.endsWith("/header"));
  await adapter.handler!({
    platform: "memory",
    tenant: "t",
    channel: "memory:t:c1",
    actor: { id: who, displayName },
    kind,
    text,
    receivedAt: clock.now(),
    deliveryId: `d${++n}`,
    ...(kind === "reply" && root ? { threadRef: root.ref } : {}),
  });
  await bot.idle();
}

beforeAll(async () => {
  tmp = tempDir("notfallbot-export-forgery-");
  storage = openStorage(`${tmp.dir}/notfall.db`, { clock });
  adapter = new MemoryAdapter();
  bot = createBot({ storage, adapters: [adapter], clock, exports: sink });
  await bot.start();
  await say("mallory", `verschlüsselung ${HOSTILE.description}`, "command");
  await say("mallory", "rolle koordinator");
  await say("eve", "rolle technik");
  await say("trent", "rolle kommunikation");
  for (const note of HOSTILE.notes) await say("eve", `notiz ${note}`);
  await say("trent", `antwort 2 ${HOSTILE.answer}`);
  await say("trent", "antwort 6 ja"); // personal data: the precautionary deadlines (started by the bot) keep running
  await say("mallory", `überspringen 3 ${HOSTILE.skipReason}`);
  await say("eve", "Freitext im Thread: <em>nicht fett</em> **auch nicht**");
  await clock.advance(60_000);
  await say("mallory", `abschließen ${HOSTILE.closeReason}`);
  await say("mallory", "export");
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  storage?.close();
  tmp?.cleanup();
});

type Token = ReturnType<MarkdownIt["parse"]>[number];
const parser = new MarkdownIt({ html: true, linkify: true });

function tokens(): Token[] {
  return parser.parse(exported.get("md")!, {});
}

/** Every token, inline children included. */
function flat(ts: Token[]): Token[] {
  return ts.flatMap((t) => [t, ...flat(t.children ?? [])]);
}

describe("the Markdown export, read by a CommonMark/GFM parser", () => {
  it("was written, and the incident ran through (the hostile texts are in it)", () => {
    const md = exported.get("md");
    expect(md).toBeDefined();
    const text = flat(tokens())
      .filter((t) => t.type === "text")
      .map((t) => t.content)
      .join("");
    expect(text).toContain("Prüfkette (Hash-Kette SHA-256)"); // also quoted from the description and the notes …
    expect(text).toContain("javascript:alert(1)");
    expect(text).toContain("<script>alert(1)</script>"); // … as visible text
    expect(text).toContain("Mallory](https://evil.example) **Admin**");
  });

  it("has exactly the bot's own headings, and one chain check", () => {
    const ts = tokens();
    const headings = ts
      .map((t, i) => (t.type === "heading_open" ? `${t.tag} ${ts[i + 1]!.content}` : undefined))
      .filter((h): h is string => h !== undefined);
    expect(headings.map((h) => h.replace(/^(h\d) .*$/, "$1"))).toEqual(["h1", "h2", "h2", "h2", "h2", "h2", "h2"]);
    expect(headings.slice(1).map((h) => h.slice(3))).toEqual([
      "Prüfkette (Hash-Kette SHA-256)",
      "Fristen",
      "Antworten",
      "Aufgaben",
      "Zeitleiste",
      "Zusammenfassung",
    ]);
    // the only paragraph that states the chain's state is the one under the real heading
    const verdicts = ts.filter(
      (t, i) => t.type === "inline" && ts[i - 1]?.type === "paragraph_open" && /^(In Ordnung|GEBROCHEN)/.test(t.content),
    );
    expect(verdicts).toHaveLength(1);
    const chainAt = ts.findIndex((t, i) => t.type === "heading_open" && ts[i + 1]!.content.startsWith("Prüfkette"));
    expect(ts[chainAt + 4]!.content).toMatch(/^In Ordnung: \d+ Einträge, letzter Hash `[0-9a-f]{64}`\.$/);
  });

  it("has no link, image, raw HTML (but its own <br>), code block, quote or extra table", () => {
    const all = flat(tokens());
    const types = new Set(all.map((t) => t.type));
    for (const bad of ["link_open", "image", "html_block", "fence", "code_block", "blockquote_open", "hr", "s_open", "strong_open"])
      expect(types.has(bad), bad).toBe(false);
    for (const h of all.filter((t) => t.type === "html_inline")) expect(h.content).toBe("<br>");
    expect(all.filter((t) => t.type === "code_inline").map((t) => t.content)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(all.filter((t) => t.type === "em_open")).toHaveLength(1); // the closing line "_Erstellt von notfallbot …_"
    expect(all.filter((t) => t.type === "table_open")).toHaveLength(2);
  });

  it("keeps every table row at the table's own number of columns", () => {
    const ts = tokens();
    const rows: number[][] = [];
    let cells = 0;
    let table: number[] = [];
    for (const t of ts) {
      if (t.type === "table_open") table = [];
      if (t.type === "tr_open") cells = 0;
      if (t.type === "td_open" || t.type === "th_open") cells++;
      if (t.type === "tr_close") table.push(cells);
      if (t.type === "table_close") rows.push(table);
    }
    expect(rows).toHaveLength(2);
    expect(new Set(rows[0])).toEqual(new Set([7])); // Aufgaben
    expect(new Set(rows[1])).toEqual(new Set([5])); // Zeitleiste
    // every timeline entry is one row: nothing typed added or removed one
    const timeline = JSON.parse(exported.get("json")!).timeline as unknown[];
    expect(rows[1]!.length).toBe(timeline.length + 1);
  });

  it("lists items only where the bot lists them", () => {
    const ts = tokens();
    const lists = ts.filter((t) => (t.type === "bullet_list_open" || t.type === "ordered_list_open") && t.level === 0).map((t) => t.type);
    // facts, Fristen, Antworten (numbered), Zusammenfassung
    expect(lists).toEqual(["bullet_list_open", "bullet_list_open", "ordered_list_open", "bullet_list_open"]);
    // the summary nests its bullets one level deep, never deeper
    expect(ts.filter((t) => t.type === "bullet_list_open").every((t) => t.level <= 2)).toBe(true);
  });
});

describe("the JSON export", () => {
  it("gives back every value exactly as typed (data, not Markdown), and is safe to embed in HTML", () => {
    const raw = exported.get("json")!;
    const data = JSON.parse(raw) as {
      state: { description: string; names: Record<string, string> };
      timeline: { text: string; actorName: string }[];
      tasks: { reason: string | null }[];
    };
    expect(data.state.description).toBe(HOSTILE.description);
    expect(Object.values(data.state.names)).toEqual(expect.arrayContaining(Object.values(HOSTILE.names)));
    expect(data.timeline.some((e) => e.text.endsWith(`→ ${HOSTILE.answer}`))).toBe(true);
    expect(data.tasks.some((t) => t.reason === HOSTILE.skipReason)).toBe(true);
    for (const note of HOSTILE.notes) expect(data.timeline.some((e) => e.text.includes(note))).toBe(true);
    // plus the bot itself: ransomware starts the Art. 33 clocks as a precaution at opening
    expect(new Set(data.timeline.map((e) => e.actorName))).toEqual(new Set([...Object.values(HOSTILE.names), "notfallbot"]));
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    expect(raw).not.toContain("\\\\u003c"); // escaped once, not twice
  });
});

describe("escapeMarkdown (the reusable function)", () => {
  const md = new MarkdownIt({ html: true, linkify: true });
  const render = (s: string) => md.renderInline(escapeMarkdown(s));

  it("renders any text literally, at the start of a line too", () => {
    const samples = [
      "# Überschrift",
      "- Liste",
      "+ Liste",
      "1. Liste",
      "2) Liste",
      "=== ",
      "> Zitat",
      "    eingerückt",
      "[a](b) ![c](d) <https://x.de>",
      "*a* _b_ **c** ~~d~~ `e`",
      "<b>x</b> &amp; &#60;",
      "a | b | c",
      "\\ \\\\ \\*",
      "9.10 Uhr, z.B. Dr.Müller, 3.5 %",
    ];
    for (const s of samples) {
      const block = md.render(escapeMarkdown(s));
      expect(block, s).toMatch(/^<p>[\s\S]*<\/p>\n$/);
      expect(md.render(escapeMarkdown(s)).match(/<(?!\/?p>)/g), s).toBeNull();
    }
    const decode = (h: string) =>
      h
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    for (const s of samples) expect(decode(render(s)), s).toBe(s.replace(/^[ \t]+/, ""));
  });

  it("breaks every kind of automatic link", () => {
    for (const s of ["www.evil.example", "https://evil.example/p?q=1", "ftp://x.de", "mail@evil.example", "evil.example", "//evil.example"])
      expect(render(s), s).not.toContain("<a ");
  });

  it("keeps a text on one line: line breaks become <br>", () => {
    expect(escapeMarkdown("a\nb\r\nc\rd")).toBe("a<br>b<br>c<br>d");
    expect(md.render(`- x: ${escapeMarkdown("a\n## b\n| c |")}`)).toBe("<ul>\n<li>x: a<br>## b<br>| c |</li>\n</ul>\n");
  });
});
