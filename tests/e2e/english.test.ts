/**
 * "English complete, or not claimed" (#14 item 4): a full incident of every playbook with `--lang en`, through the
 * real CLI (banner, chat, templates, escalation, close, export with Markdown and the report PDF), fails on German
 * in anything a person reads. The detector is deliberately simple: umlauts and ß, and a list of frequent German
 * words; a leak shows file, line and the German it found.
 *
 * `ENGLISH_LEAK_REPORT=1` prints the share of German lines per playbook instead of only failing.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, describe, expect, it } from "vitest";
import { numberedTasks } from "../../src/machines/conditions.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc, type Playbook, type RoleId } from "../../src/machines/schema.ts";
import { type CliRun, ROOT, runCli } from "../helpers/cli.ts";
import { germanIn } from "../helpers/german.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = ROOT;
const orgFile = join(root, "tests", "fixtures", "english", "org.yaml");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function run(args: string[], input: string, cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, input, env: { COLUMNS: "100" } });
}

const ROLE_PERSON: Record<RoleId, string> = { koordinator: "anna", technik: "ben", kommunikation: "cem" };

/** A full incident of one playbook, typed as an English-speaking team would. */
function englishScript(pb: Playbook, drill = false): string {
  const lines = [
    `/notfall ${drill ? "drill " : ""}${pb.id} Something is wrong, we noticed it at 8:15`,
    "@anna: role coordinator",
    "@anna: role technical @ben",
    "@cem: role communication",
    "@anna: status",
  ];
  pb.questions.forEach((q, i) => {
    const value =
      q.kind === "time" ? "today 8:15" : q.kind === "yesno" ? (q.id === "personenbezogen" ? "unclear" : "yes") : "Front desk PC, Anna";
    lines.push(`@anna: answer ${i + 1} ${value}`);
  });
  const tasks = numberedTasks(pb);
  const first = tasks.find((t) => t.role === "technik");
  if (first) lines.push(`@ben: ok ${first.nr}`);
  lines.push("@anna: note Server disconnected at 9:10", "The police called back.");
  // asked for by English and German names; every template of the playbook by its English name
  lines.push("@cem: template staff", "@cem: vorlage mitarbeitende");
  if (pb.templates.some((t) => t.audience === "polizei")) lines.push("@cem: template police", "@cem: vorlage polizei");
  for (const t of pb.templates) lines.push(`@cem: template ${t.name_en ?? t.id}`);
  lines.push("@anna: escalate crisis");
  const phases = ["erkennung", "sofort", "eindaemmung", "wiederherstellung", "nachbereitung"];
  for (const phase of phases) {
    for (const role of ["koordinator", "technik", "kommunikation"] as const) {
      const nrs = tasks.filter((t) => t.phase === phase && t.role === role).map((t) => t.nr);
      // one skipped with a reason, the rest done; tasks not active in this incident are refused in English
      if (nrs.length > 1) lines.push(`@${ROLE_PERSON[role]}: skip ${nrs[0]} not needed here, the provider does it`);
      if (nrs.length) lines.push(`@${ROLE_PERSON[role]}: done ${nrs.slice(nrs.length > 1 ? 1 : 0).join(" ")}`);
    }
    if (phase !== "nachbereitung") lines.push("@anna: status", `@anna: next moving on after ${phase}`);
  }
  pb.review.forEach((_, i) => {
    lines.push(`@anna: answer L${i + 1} A forged job application by e-mail`);
  });
  lines.push("@anna: help", "@anna: close review on Friday", "@anna: export NF-2026-0001");
  return `${lines.join("\n")}\n`;
}

interface Leak {
  where: string;
  line: string;
  german: string;
}

/** Every line a person reads in one English incident of `pb`: chat output, export Markdown, report PDF. */
async function incidentLines(pb: Playbook, drill = false): Promise<{ where: string; line: string }[]> {
  const dir = join(tmp.dir, `${pb.id}${drill ? "-drill" : ""}`);
  mkdirSync(dir, { recursive: true });
  const { code, out, err } = await run(
    ["console", "--lang", "en", "--config", orgFile, "--db", join(dir, "n.db")],
    englishScript(pb, drill),
    dir,
  );
  expect(code).toBe(0);
  // the English commands did what they say: no command misunderstood, every template shown by its English name,
  // the escalation, the close and the export happened (an English refusal would not be a German leak)
  expect(out).not.toMatch(/I don't know “|There is no template|is not a role|is not a level|Which task\?/);
  for (const t of pb.templates) expect(out, `template ${t.name_en}`).toContain(`┌─ ${loc(t.title, "en")}`);
  expect(out).toMatch(/Level changed: .* → Crisis/);
  expect(out).toMatch(/NF-2026-0001 closed – summary/);
  expect(out).toMatch(/Export created: .*NF-2026-0001\.md/);
  expect(readdirSync(join(dir, "exports")).sort()).toEqual(["NF-2026-0001.json", "NF-2026-0001.md", "NF-2026-0001.pdf"]);
  const lines = [
    ...err.split("\n").map((line) => ({ where: `${pb.id} stderr`, line })),
    ...out.split("\n").map((line) => ({ where: `${pb.id} chat`, line })),
  ];
  const exportDir = join(dir, "exports");
  for (const f of readdirSync(exportDir)) {
    if (f.endsWith(".md")) {
      for (const line of readFileSync(join(exportDir, f), "utf8").split("\n")) lines.push({ where: `${pb.id} ${f}`, line });
    }
    if (f.endsWith(".pdf")) {
      const doc = await getDocumentProxy(new Uint8Array(readFileSync(join(exportDir, f))));
      const { text } = await extractText(doc, { mergePages: true });
      for (const line of text.split("\n")) lines.push({ where: `${pb.id} ${f}`, line });
    }
  }
  return lines.filter((l) => l.line.trim() !== "");
}

const playbooks = loadPlaybooks().list();
const ids = playbooks.map((p) => p.id);

describe("an incident in English has no German in it (#14 item 4)", () => {
  const totals = { lines: 0, german: 0 };
  afterAll(() => {
    if (process.env.ENGLISH_LEAK_REPORT)
      console.log(`ALL: ${totals.german} of ${totals.lines} lines contain German (${Math.round((100 * totals.german) / totals.lines)} %)`);
  });

  for (const pb of playbooks) {
    it(`${pb.id}: declare, questions, roles, tasks, templates, escalate, close, export`, { timeout: 120_000 }, async () => {
      const lines = await incidentLines(pb);
      const leaks: Leak[] = [];
      for (const { where, line } of lines) {
        const german = germanIn(line, ids);
        if (german) leaks.push({ where, line: line.trim(), german });
      }
      totals.lines += lines.length;
      totals.german += leaks.length;
      if (process.env.ENGLISH_LEAK_REPORT) {
        console.log(`${pb.id}: ${leaks.length} of ${lines.length} lines contain German`);
        if (process.env.ENGLISH_LEAK_REPORT === "2") for (const l of leaks) console.log(`  ${l.where}: [${l.german}] ${l.line}`);
        return;
      }
      expect(lines.length).toBeGreaterThan(100);
      expect(leaks.map((l) => `${l.where}: [${l.german}] ${l.line}`)).toEqual([]);
    });
  }
});

describe("a drill in English", () => {
  it("the drill's banner, markings and evaluation (chat, export, report) have no German in them", { timeout: 120_000 }, async () => {
    const pb = playbooks.find((p) => p.id === "verschluesselung")!;
    const lines = await incidentLines(pb, true);
    expect(lines.some((l) => /Drill evaluation NF-2026-0001/.test(l.line))).toBe(true);
    const leaks = lines.flatMap(({ where, line }) => {
      const german = germanIn(line, ids);
      return german ? [`${where}: [${german}] ${line.trim()}`] : [];
    });
    expect(leaks).toEqual([]);
  });
});

describe("the terminal's own notices in English", () => {
  it("an organisation file with example data is announced in English with --lang en", { timeout: 60_000 }, async () => {
    const dir = join(tmp.dir, "examples");
    mkdirSync(dir, { recursive: true });
    const example = join(root, "examples", "praxis.yaml");
    const { code, err } = await run(["console", "--lang", "en", "--config", example, "--db", join(dir, "n.db")], "", dir);
    expect(code).toBe(0);
    expect(err.replace(/\s+/g, " ")).toMatch(/still holds example data from the template/);
    const german = err
      .split("\n")
      .map((l) => l.replaceAll(example, ""))
      .filter((l) => germanIn(l, ids));
    expect(german).toEqual([]);
  });
});
