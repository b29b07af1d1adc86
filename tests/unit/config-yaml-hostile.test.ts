import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseOrgConfig } from "../../src/config/load.ts";
import { DEFAULT_PLAYBOOK_DIR, loadPlaybooks, PlaybookError } from "../../src/machines/loader.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * Hostile YAML (issue #18 item 5): keys named like Object's own properties and aliases repeated until they explode
 * must give the usual line-exact error, in the organisation file and in playbooks alike, never a stack trace.
 */

function configError(text: string): ConfigError {
  try {
    parseOrgConfig(text, "notfall.config.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

/** An alias chain that expands to 1,000 values: three lines, far over the limit of 100. */
const ALIAS_BOMB = [
  "x: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
  `y: &b [${Array(10).fill("*a").join(", ")}]`,
  `z: [${Array(10).fill("*b").join(", ")}]`,
];

describe("organisation file", () => {
  it.each([
    ["__proto__ at the top", "name: X\n__proto__:\n  name: Y\n", 2, "__proto__"],
    ["constructor at the top", "name: X\nconstructor: 1\n", 2, "constructor"],
    ["__proto__ in a section", "name: X\ndpo:\n  __proto__: 1\n", 3, "dpo.__proto__"],
    ["constructor in a section", "it:\n  name: Y\n  constructor: Y\n", 3, "it.constructor"],
    ["toString in a list item", "contacts:\n  - name: A\n    toString: 1\n", 3, "contacts[0].toString"],
    ["hasOwnProperty at the top", "hasOwnProperty: 1\n", 1, "hasOwnProperty"],
  ])("%s: unknown field with its line", (_name, text, line, field) => {
    const err = configError(text);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line, field });
    expect(err.issues[0]?.message).toMatch(/^Unbekanntes Feld ".+"\. Erlaubt sind hier: /);
  });

  it("a repeated alias that explodes is a line-exact error, not a crash", () => {
    const err = configError(["name: Praxis", ...ALIAS_BOMB].join("\n"));
    const alias = err.issues.filter((i) => i.message.includes("Verweis"));
    expect(alias).toHaveLength(1);
    expect(alias[0]?.line).toBe(3);
    expect(alias[0]?.message).toContain("Zu viele Verweise (*name)");
  });

  it("one anchor used 150 times is the same error", () => {
    const err = configError(`name: &n Praxis\naddress: X\nnotes: [${Array(150).fill("*n").join(", ")}]\n`);
    expect(err.issues[0]).toMatchObject({ line: 3 });
    expect(err.issues[0]?.message).toContain("Zu viele Verweise");
  });

  it("an alias without its anchor is a line-exact error, not a crash", () => {
    const err = configError("name: X\nit:\n  name: *anbieter\n");
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 3, field: "it" });
    expect(err.issues[0]?.message).toContain("Verweis (*name) auf einen Anker, den es nicht gibt");
  });

  it("a few aliases are fine", () => {
    expect(parseOrgConfig("name: &n Praxis\nit:\n  name: *n\n").it?.name).toBe("Praxis");
  });
});

describe("playbooks", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const base = readFileSync(join(DEFAULT_PLAYBOOK_DIR, "stromausfall.yaml"), "utf8");

  /** A playbook directory with the shipped fragments and one edited copy of stromausfall.yaml. */
  function dirWith(name: string, text: string): string {
    const dir = join(tmp.dir, name);
    cpSync(join(DEFAULT_PLAYBOOK_DIR, "shared"), join(dir, "shared"), { recursive: true });
    writeFileSync(join(dir, "stromausfall.yaml"), text);
    return dir;
  }

  function playbookError(dir: string): PlaybookError {
    try {
      loadPlaybooks(dir);
    } catch (err) {
      if (err instanceof PlaybookError) return err;
      throw err;
    }
    throw new Error("expected a PlaybookError");
  }

  it("a repeated alias that explodes is a line-exact error, not a crash", () => {
    const err = playbookError(dirWith("bomb", `${base.replace(/\n$/, "")}\n${ALIAS_BOMB.join("\n")}\n`));
    const line = base.replace(/\n$/, "").split("\n").length + 2;
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: expect.stringMatching(/stromausfall\.yaml$/), line });
    expect(err.issues[0]?.message).toContain("Zu viele Verweise (*name)");
  });

  it("an alias without its anchor is a line-exact error, not a crash", () => {
    const text = base.replace("    phase: erkennung\n", "    phase: *gibt-es-nicht\n");
    const line = text.split("\n").indexOf("    phase: *gibt-es-nicht") + 1;
    const err = playbookError(dirWith("unresolved", text));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line, field: "tasks[0].phase" });
    expect(err.issues[0]?.message).toContain("Anker, den es nicht gibt");
  });

  it.each(["__proto__", "constructor"])("a task field named %s is an unknown field with its line", (key) => {
    const text = base.replace("    phase: erkennung\n", `    phase: erkennung\n    ${key}: 1\n`);
    const line = text.split("\n").indexOf(`    ${key}: 1`) + 1;
    const err = playbookError(dirWith(key, text));
    expect(err.issues[0]).toMatchObject({ line, field: `tasks[0].${key}` });
    expect(err.issues[0]?.message).toContain(`Unbekanntes Feld "${key}"`);
  });
});
