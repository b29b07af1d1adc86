import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * docs/traceability.md maps the source documents to playbook steps and code. Every reference in it must exist,
 * so the page cannot silently go stale when playbooks change.
 */
const doc = readFileSync("docs/traceability.md", "utf8");
const LISTS = ["tasks", "templates", "questions", "deadlines", "review"] as const;

/** Ids of one list in one YAML file as written (fragments are referenced by their own file). */
const parsed = new Map<string, Record<string, { id: string }[] | undefined>>();
function idsIn(file: string, list: (typeof LISTS)[number]): Set<string> {
  let data = parsed.get(file);
  if (!data) {
    data = parse(readFileSync(file, "utf8")) as Record<string, { id: string }[] | undefined>;
    parsed.set(file, data);
  }
  return new Set((data[list] ?? []).map((x) => x.id));
}

describe("docs/traceability.md", () => {
  const refs = [...doc.matchAll(/`(playbooks\/[^` ]+) (tasks|templates|questions|deadlines|review): ([^`]+)`/g)];

  it("every `playbooks/<file>.yaml <list>: <id>, …` reference names an existing item", () => {
    expect(refs.length).toBeGreaterThan(60);
    for (const [, file, list, ids] of refs) {
      expect(existsSync(file!), file).toBe(true);
      const known = idsIn(file!, list as (typeof LISTS)[number]);
      for (const id of ids!.split(",").map((s) => s.trim())) expect(known.has(id), `${file} ${list}: ${id}`).toBe(true);
    }
  });

  it("no list reference without its file (it could not be checked)", () => {
    expect(doc.match(/`(tasks|templates|questions|deadlines|review): [^`]*`/g) ?? []).toEqual([]);
  });

  it("every file path it names exists", () => {
    const paths = [...doc.matchAll(/`((?:src|playbooks|examples|tests)\/[A-Za-z0-9_./-]+\.(?:ts|yaml))`/g)].map((m) => m[1]!);
    const inRefs = refs.map((m) => m[1]!);
    for (const p of [...paths, ...inRefs]) expect(existsSync(p), p).toBe(true);
  });

  it("the count at the top is the count of the status column (one row per rule)", () => {
    const counts = { umgesetzt: 0, teilweise: 0, außerhalb: 0, fehlt: 0 };
    const sections = doc.split(/\n## /).filter((sec) => /^[123]\. /.test(sec));
    expect(sections).toHaveLength(3);
    for (const sec of sections) {
      const rows = sec
        .split("\n")
        .filter((l) => l.startsWith("| "))
        .slice(1); // without the header row
      expect(rows.length).toBeGreaterThan(10);
      for (const row of rows) {
        const status = row.split("|").at(-2)!.trim();
        const m = /^\*\*(umgesetzt|teilweise|außerhalb|fehlt)\*\*/.exec(status);
        expect(m, row).not.toBeNull();
        counts[m![1] as keyof typeof counts]++;
        // a rule that is not implemented says why
        if (m![1] !== "umgesetzt") expect(status.length, row).toBeGreaterThan(m![0].length + 10);
      }
    }
    const total = counts.umgesetzt + counts.teilweise + counts.außerhalb + counts.fehlt;
    expect(doc).toContain(
      `**${total} Regeln: ${counts.umgesetzt} umgesetzt, ${counts.teilweise} teilweise, ${counts.außerhalb} bewusst außerhalb, ${counts.fehlt} fehlen.**`,
    );
  });

  it("names the sources by a path that exists next to the repository", () => {
    expect(doc).not.toContain("/work/");
    expect(doc).toContain("`../shared/domain/sources/`");
  });

  it("every shipped playbook appears, and all 10 rules and 6 core elements are covered", () => {
    for (const f of readdirSync("playbooks").filter((f) => f.endsWith(".yaml"))) expect(doc, f).toContain(`playbooks/${f}`);
    for (let r = 1; r <= 10; r++) expect(doc).toContain(`**Regel ${r}**`);
    for (let k = 1; k <= 6; k++) expect(doc).toMatch(new RegExp(`\\| \\*\\*${k}\\*\\* `));
    for (const ch of ["Kap. 1", "Kap. 2", "3.1", "3.2", "3.3", "3.4", "3.5.1", "3.5.2", "3.5.3", "3.5.4", "3.5.5", "3.5.6"])
      expect(doc, ch).toContain(`**${ch}**`);
  });
});
