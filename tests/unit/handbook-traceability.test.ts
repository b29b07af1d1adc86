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

  it("every shipped playbook appears, and all 10 rules and 6 core elements are covered", () => {
    for (const f of readdirSync("playbooks").filter((f) => f.endsWith(".yaml"))) expect(doc, f).toContain(`playbooks/${f}`);
    for (let r = 1; r <= 10; r++) expect(doc).toContain(`**Regel ${r}**`);
    for (let k = 1; k <= 6; k++) expect(doc).toMatch(new RegExp(`\\| \\*\\*${k}\\*\\* `));
    for (const ch of ["Kap. 1", "Kap. 2", "3.1", "3.2", "3.3", "3.4", "3.5.1", "3.5.2", "3.5.3", "3.5.4", "3.5.5", "3.5.6"])
      expect(doc, ch).toContain(`**${ch}**`);
  });
});
