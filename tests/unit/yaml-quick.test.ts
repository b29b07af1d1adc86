/**
 * The quick reading of playbooks (js-yaml's event parser, src/machines/yaml-source.ts) must give exactly the data of
 * the `yaml` library's document model, or decline and leave the file to it. Checked on every shipped file and on
 * damaged copies of them: wherever the quick reading accepts a file, the full parse reports no error and builds the
 * same data.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DEFAULT_PLAYBOOK_DIR } from "../../src/machines/loader.ts";
import { lineAt, parseYamlSource, quickData } from "../../src/machines/yaml-source.ts";

const SHIPPED = readdirSync(DEFAULT_PLAYBOOK_DIR, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(DEFAULT_PLAYBOOK_DIR, f), "utf8") }));

/** What the loader read before the quick path: the data, or undefined with the codes of the errors. */
function full(text: string): { data?: unknown; errors: string[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) return { errors: doc.errors.map((e) => e.code) };
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }), errors: [] };
  } catch (err) {
    return { errors: [String(err)] };
  }
}

describe("quick YAML reading", () => {
  it("reads every shipped playbook and fragment, with the data of the full parse", () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(15);
    for (const { name, text } of SHIPPED) {
      const quick = quickData(text);
      expect(quick, name).toBeDefined();
      expect(quick!.data, name).toStrictEqual(full(text).data);
    }
  });

  it("accepts a damaged file only where the full parse accepts it and builds the same data", () => {
    // Damage as a hand at the keyboard does it: a character lost or added (YAML's indicators, tabs, spaces, line
    // breaks), a line doubled, two lines swapped, a line indented or outdented. On the first 80 lines of each file.
    const CHARS = [
      " ",
      "  ",
      "\t",
      ":",
      ": ",
      "-",
      "- ",
      "#",
      "'",
      '"',
      "&a ",
      "*a",
      "|",
      ">",
      "{",
      "}",
      "[",
      "]",
      ",",
      "\n",
      "\n  ",
      "? ",
      "!",
      "%",
      "@",
      "`",
      "\\",
      "\r\n",
      "\u00a0",
    ];
    const edit = fc.tuple(
      fc.integer({ min: 0, max: 6 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(...CHARS),
      fc.integer({ min: 1, max: 3 }),
    );
    const damage = (text: string, [op, at, ch, n]: [number, number, string, number]): string => {
      const lines = text.split("\n");
      const i = Math.min(lines.length - 1, Math.floor(at * lines.length));
      const p = Math.min(text.length, Math.floor(at * text.length));
      switch (op) {
        case 0:
          return text.slice(0, p) + text.slice(p + 1);
        case 1:
        case 2:
          return text.slice(0, p) + ch + text.slice(p);
        case 3:
          lines.splice(i, 0, lines[i]!);
          break;
        case 4:
          if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
          break;
        case 5:
          lines[i] = " ".repeat(n) + lines[i];
          break;
        default:
          lines[i] = lines[i]!.replace(/^ {1,3}/, "");
      }
      return lines.join("\n");
    };
    const heads = SHIPPED.map((f) => f.text.split("\n").slice(0, 80).join("\n"));
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: heads.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 2 }), (which, edits) => {
        const text = edits.reduce(damage, heads[which]!);
        const quick = quickData(text);
        if (!quick) return;
        accepted++;
        const f = full(text);
        expect(f.errors, text).toEqual([]);
        expect(quick.data).toStrictEqual(f.data);
      }),
      { seed: 17, numRuns: 3000 },
    );
    // The property says something only if the quick reading took a good share of the damaged files.
    expect(accepted).toBeGreaterThan(1000);
  });

  it.each([
    ["an anchor and an alias", "a: &x 1\nb: *x\n"],
    ["an alias without its anchor", "a: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["an empty key", "a:\n  : b\n"],
    ["a key that is a list", "? [a, b]\n: c\n"],
    ["two documents", "a: 1\n---\nb: 2\n"],
    ["an empty file", ""],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a syntax error", "a: [1, 2\n"],
    ["a tab as indentation", "a:\n\tb: 1\n"],
  ])("leaves %s to the full parse", (_what, text) => {
    expect(quickData(text)).toBeUndefined();
  });

  it("reports a duplicate key with its line, as before", () => {
    const src = parseYamlSource("id: x\ntitle: a\ntitle: b\n", "x.yaml");
    expect(src.data).toBeUndefined();
    expect(src.syntaxIssues).toHaveLength(1);
    expect(src.syntaxIssues[0]).toMatchObject({ file: "x.yaml", line: 3 });
  });

  it("finds a field's line in a quickly read file (the document model is built when asked)", () => {
    const src = parseYamlSource("id: x\ntasks:\n  - text: a\n    role: koordinator\n  - text: b\n    role: technik\n", "x.yaml");
    expect(src.syntaxIssues).toEqual([]);
    expect(src.data).toStrictEqual({
      id: "x",
      tasks: [
        { text: "a", role: "koordinator" },
        { text: "b", role: "technik" },
      ],
    });
    expect(lineAt(src, ["tasks", 1, "role"])).toBe(6);
    expect(lineAt(src, ["id"])).toBe(1);
  });
});
