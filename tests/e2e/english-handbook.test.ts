/**
 * "English complete, or not claimed" for paper (#14 item 4): `handbuch --lang en` through the real CLI writes an
 * English handbook. Its PDF (text read back with unpdf) and its Markdown contain no German (the detector of the
 * incident leak test), no chat syntax, and the parts a person needs are there in English. The organisation file is
 * English (tests/fixtures/english/org.yaml), so names and addresses are not German either.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHandbook } from "../../src/handbook/build.ts";
import { renderMarkdown } from "../../src/handbook/markdown.ts";
import { CHAT_SYNTAX } from "../../src/handbook/paper.ts";
import { pdfText } from "../../src/handbook/pdf-text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { type CliRun, ROOT, runCli } from "../helpers/cli.ts";
import { germanIn } from "../helpers/german.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = ROOT;
const orgFile = join(root, "tests", "fixtures", "english", "org.yaml");
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const ids = loadPlaybooks()
  .list()
  .map((p) => p.id);

function run(args: string[], input = ""): Promise<CliRun> {
  return runCli(args, { cwd: tmp.dir, input });
}

/** Lines of a text that contain German, with what was found; hyphenated compounds too ("IT-Dienstleister"). */
function leaks(where: string, text: string): string[] {
  return text
    .split("\n")
    .map((line) => ({ line: line.trim(), german: germanIn(line, ids) ?? germanIn(line.replace(/-/g, " "), ids) }))
    .filter((l) => l.german)
    .map((l) => `${where}: [${l.german}] ${l.line}`);
}

describe("handbuch --lang en: the printed handbook in English (#14 item 4)", () => {
  let pages: string[] = [];
  let md = "";
  let title: string | undefined;
  let err = "";

  beforeAll(async () => {
    const r = await run(["handbuch", "--lang", "en", "--config", orgFile, "--out", join(tmp.dir, "handbook.pdf")]);
    expect(r.code, r.err).toBe(0);
    err = r.err;
    expect(r.out.split("\n").filter(Boolean)).toEqual([join(tmp.dir, "handbook.pdf"), join(tmp.dir, "handbook.md")]);
    const doc = await getDocumentProxy(new Uint8Array(readFileSync(join(tmp.dir, "handbook.pdf"))));
    pages = (await extractText(doc, { mergePages: false })).text.map((p) => pdfText(p));
    title = ((await getMeta(doc)).info as { Title?: string }).Title;
    md = readFileSync(join(tmp.dir, "handbook.md"), "utf8");
  }, 120_000);

  it("says nothing about a German-only handbook and has no German in the PDF or the Markdown", () => {
    expect(err).not.toMatch(/German only/);
    const found = [...pages.flatMap((p, i) => leaks(`PDF page ${i + 1}`, p)), ...leaks("Markdown", md)];
    expect(found).toEqual([]);
  });

  it("is the whole handbook in English: cover, card, ransomware first, forms, sheets, deadlines", () => {
    expect(title).toBe("IT Emergency Handbook – Example Dental Practice");
    const all = pages.join("\n");
    for (const part of [
      "Contents",
      "IT Emergency Card",
      "Stay calm & report the IT emergency",
      "In every emergency",
      "Form:",
      "Log: who did or decided what, and when",
      "Call sheet: whom we reached and when",
      "Emergency contacts",
      "Recovery order",
      "Reporting deadlines",
      "72 hours",
    ])
      expect(all.replace(/\s+/g, " ")).toContain(part);
    expect(pages[0]).toMatch(/Page 1 of \d+/);
    // ransomware is the most likely case: the first type of emergency, right after the common tasks
    const firstType = md.indexOf("\n## ", md.indexOf("## In every emergency") + 1);
    expect(md.slice(firstType, firstType + 80)).toMatch(/Ransomware|encrypt/i);
    expect(md).toContain("- [ ] ");
  });

  it("has no chat syntax on paper: chat commands are said in words, templates named with their page", () => {
    for (const [i, p] of pages.entries()) expect(p, `PDF page ${i + 1}`).not.toMatch(CHAT_SYNTAX);
    expect(md).not.toMatch(CHAT_SYNTAX);
    expect(md).not.toMatch(/\(template [a-z-]+\)/);
    expect(pages.join("\n").replace(/\s+/g, " ")).toMatch(/\(form "[^"]+", p\. \d+\)/);
  });

  it("/notfall handbook in a bot running in English prints the English handbook and says so in English", async () => {
    const r = await run(["console", "--lang", "en", "--config", orgFile, "--db", join(tmp.dir, "chat", "n.db")], "/notfall handbook\n");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("Emergency handbook created");
    expect(r.out).not.toMatch(/German/);
    const chatMd = readFileSync(join(tmp.dir, "chat", "notfallhandbuch.md"), "utf8");
    expect(chatMd).toContain("# IT Emergency Card");
    expect(leaks("chat handbook", chatMd)).toEqual([]);
    expect(leaks("chat reply", r.out)).toEqual([]);
  }, 120_000);

  it("leaves the German handbook as it was: German by default, English only when asked", () => {
    const playbooks = loadPlaybooks().list();
    const de = buildHandbook({ playbooks, config: undefined, now: new Date("2026-03-02T08:00:00Z") });
    const en = buildHandbook({ playbooks, config: undefined, now: new Date("2026-03-02T08:00:00Z"), locale: "en" });
    expect(de.title).toBe("IT-Notfallhandbuch");
    expect(de.pages[1]!.title).toBe("IT-Notfallkarte");
    expect(en.pages[1]!.title).toBe("IT Emergency Card");
    expect(en.pages.map((p) => p.id)).toEqual(de.pages.map((p) => p.id));
    // the detector sees German where there is German: the German handbook is full of it, the English one has none
    expect(leaks("de", renderMarkdown(de)).length).toBeGreaterThan(500);
    expect(leaks("en", renderMarkdown(en))).toEqual([]);
  });
});
