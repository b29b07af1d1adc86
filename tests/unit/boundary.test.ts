import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Architecture boundaries (DESIGN.md §1): `src/core` and `src/machines` import no platform SDK and no database
 * driver and nothing from `src/storage` or `src/adapters`; adapters import no storage.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

interface Import {
  file: string;
  spec: string;
  line: number;
}

/** Every module specifier a file names: static imports/exports (also `import type`), side-effect imports, `import()`, `require()`. */
function importsOf(source: string): { spec: string; index: number }[] {
  const out: { spec: string; index: number }[] = [];
  const patterns = [
    /^[ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
    /^[ \t]*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push({ spec: m[1]!, index: m.index ?? 0 });
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

function importsIn(dir: string): Import[] {
  return tsFiles(dir).flatMap((file) => {
    const source = readFileSync(file, "utf8");
    return importsOf(source).map(({ spec, index }) => ({ file, spec, line: source.slice(0, index).split("\n").length }));
  });
}

/** Absolute path of a relative import, or undefined for a package / builtin. */
function target(imp: Import): string | undefined {
  return imp.spec.startsWith(".") ? resolve(dirname(imp.file), imp.spec) : undefined;
}

const under = (p: string | undefined, folder: string) =>
  p !== undefined && (p === join(SRC, folder) || p.startsWith(join(SRC, folder) + "/"));
const show = (imp: Import) => `${relative(ROOT, imp.file)}:${imp.line} importiert "${imp.spec}"`;

/** Chat SDKs, database drivers and server frameworks: never in core or machines. */
const FORBIDDEN_PACKAGES = [
  /^@slack\//,
  /^@microsoft\//,
  /^botbuilder/,
  /^botframework/,
  /^matrix-js-sdk/,
  /^better-sqlite3/,
  /^drizzle-orm/,
  /^drizzle-kit/,
  /^express/,
  /^pdfkit/,
];
/** Builtins that would let core do I/O on its own. */
const FORBIDDEN_BUILTINS = /^(node:)?(http|https|http2|net|tls|dgram|fs|fs\/promises|child_process|worker_threads|cluster)$/;

/**
 * What core may import from outside the repo: hashing for the timeline chain, and the pure text libraries of the
 * playbook matcher (stemming, stop words, typo distance). Nothing else.
 */
const CORE_PACKAGES = new Set([
  "node:crypto",
  "@orama/stemmers/german",
  "@orama/stopwords/german",
  "@orama/stopwords/english",
  "fastest-levenshtein",
]);
/** What machines may import from outside the repo; node:fs/path/url only in the YAML loader. */
const MACHINES_PACKAGES = new Set(["xstate", "zod", "yaml", "js-yaml"]);
const LOADER_BUILTINS = new Set(["node:fs", "node:path", "node:url"]);
const LOADER_FILES = new Set(["loader.ts", "yaml-source.ts"]);

const isPackage = (spec: string) => !spec.startsWith(".");

function report(offending: string[]): void {
  if (offending.length) console.error(`Grenzverletzungen / boundary violations:\n  ${offending.join("\n  ")}`);
}

/**
 * Every file reachable from `entries` through relative imports (type-only imports included). `visit` sees each import
 * with its target (undefined for a package) and says whether to follow it (default: every existing file).
 */
function reachable(entries: string[], visit: (imp: Import, target: string | undefined) => boolean = () => true): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const { spec, index } of importsOf(source)) {
      const imp: Import = { file, spec, line: source.slice(0, index).split("\n").length };
      const t = target(imp);
      if (visit(imp, t) && t && existsSync(t) && statSync(t).isFile()) queue.push(t);
    }
  }
  return seen;
}

describe("import scanner", () => {
  it("finds multi-line, type-only, side-effect and dynamic imports", () => {
    const src = [
      'import { a } from "./a.ts";',
      "import type { B } from '@slack/bolt';",
      "import {",
      "  c,",
      "  type D,",
      '} from "better-sqlite3";',
      'export { e } from "../storage/index.ts";',
      'export * from "drizzle-orm";',
      'import "express";',
      'const m = await import("matrix-js-sdk");',
      '// import { x } from "commented-out";',
      'const s = "import nothing from here";',
    ].join("\n");
    expect(
      importsOf(src)
        .map((i) => i.spec)
        .sort(),
    ).toEqual(["./a.ts", "../storage/index.ts", "@slack/bolt", "better-sqlite3", "drizzle-orm", "express", "matrix-js-sdk"].sort());
  });

  it("sees the imports that really are there", () => {
    const core = importsIn(join(SRC, "core"));
    expect(core.some((i) => i.spec === "node:crypto" && i.file.endsWith("chain.ts"))).toBe(true);
    expect(core.length).toBeGreaterThan(20);
    const machines = importsIn(join(SRC, "machines"));
    expect(machines.some((i) => i.spec === "xstate")).toBe(true);
    const adapters = importsIn(join(SRC, "adapters"));
    expect(adapters.some((i) => i.spec.startsWith("@slack/"))).toBe(true);
  });
});

describe("boundaries", () => {
  it("src/core imports no SDK, no database driver, no I/O module, nothing from storage or adapters; only node:crypto and pure text libraries from outside", () => {
    const offending: string[] = [];
    for (const imp of importsIn(join(SRC, "core"))) {
      const t = target(imp);
      if (under(t, "storage") || under(t, "adapters")) offending.push(`${show(imp)} (storage/adapters)`);
      else if (isPackage(imp.spec) && !CORE_PACKAGES.has(imp.spec))
        offending.push(`${show(imp)} (nur node:crypto und die Textbibliotheken des Matchers erlaubt)`);
    }
    report(offending);
    expect(offending).toEqual([]);
  });

  it("src/machines imports no SDK, no database driver, nothing from storage or adapters; node:fs/path/url only in the YAML loader", () => {
    const offending: string[] = [];
    for (const imp of importsIn(join(SRC, "machines"))) {
      const t = target(imp);
      const base = imp.file.split("/").pop()!;
      if (under(t, "storage") || under(t, "adapters")) offending.push(`${show(imp)} (storage/adapters)`);
      else if (isPackage(imp.spec)) {
        if (MACHINES_PACKAGES.has(imp.spec)) continue;
        if (LOADER_BUILTINS.has(imp.spec) && LOADER_FILES.has(base)) continue;
        offending.push(
          `${show(imp)} (erlaubt: ${[...MACHINES_PACKAGES].join(", ")}; node:fs/path/url nur in ${[...LOADER_FILES].join(", ")})`,
        );
      }
    }
    report(offending);
    expect(offending).toEqual([]);
  });

  it("nothing core or machines reach through relative imports (e.g. src/templates) pulls in an SDK, a driver or storage", () => {
    const offending: string[] = [];
    const seen = reachable([...tsFiles(join(SRC, "core")), ...tsFiles(join(SRC, "machines"))], (imp, t) => {
      if (t) {
        if (!under(t, "storage") && !under(t, "adapters")) return true;
        offending.push(`${show(imp)} (storage/adapters)`);
        return false;
      }
      if (FORBIDDEN_PACKAGES.some((re) => re.test(imp.spec)) || FORBIDDEN_BUILTINS.test(imp.spec)) {
        const fromMachinesLoader =
          under(imp.file, "machines") && LOADER_FILES.has(imp.file.split("/").pop()!) && LOADER_BUILTINS.has(imp.spec);
        if (!fromMachinesLoader) offending.push(show(imp));
      }
      return false;
    });
    report(offending);
    expect(seen.size).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it("src/adapters import nothing from src/storage and no database driver", () => {
    const offending: string[] = [];
    const adapters = importsIn(join(SRC, "adapters"));
    for (const imp of adapters) {
      if (under(target(imp), "storage")) offending.push(`${show(imp)} (storage)`);
      else if (/^(better-sqlite3|drizzle-orm|drizzle-kit)/.test(imp.spec)) offending.push(`${show(imp)} (Datenbanktreiber)`);
    }
    report(offending);
    expect(adapters.length).toBeGreaterThan(0);
    expect(offending).toEqual([]);
  });
});

describe("decisions are pure (load → decide → commit)", () => {
  const CORE = join(SRC, "core");
  /** The asynchronous shell and what only it may use: storage, clock, ordering, the load step. */
  const SHELL = ["service.ts", "load.ts", "serial.ts", "dispatcher.ts", "scheduler.ts", "clock.ts"].map((f) => join(CORE, f));

  it("nothing decide.ts reaches imports the shell, the clock or the storage port, or reads the time", () => {
    const files = reachable([join(CORE, "decide.ts")]);
    expect(files.size).toBeGreaterThan(15);
    const offending: string[] = [];
    for (const file of files) {
      if (SHELL.includes(file)) offending.push(`${relative(ROOT, file)} (Hülle/shell)`);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/^[ \t]*import\b[^;]*?\bStoragePort\b[^;]*;/gm))
        offending.push(`${relative(ROOT, file)}:${source.slice(0, m.index).split("\n").length} importiert StoragePort`);
      for (const m of source.matchAll(/\bnew Date\(\)|\bDate\.now\(\)|\bperformance\.now\(\)|\bMath\.random\(\)/g))
        offending.push(`${relative(ROOT, file)}:${source.slice(0, m.index).split("\n").length} liest die Uhr/Zufall (${m[0]})`);
    }
    report(offending);
    expect(offending).toEqual([]);
  });

  it("the scan sees what it should: the shell reaches storage, clock and the load step", () => {
    const files = reachable([join(CORE, "service.ts")]);
    expect(files.has(join(CORE, "load.ts"))).toBe(true);
    expect(files.has(join(CORE, "clock.ts"))).toBe(true);
    expect(readFileSync(join(CORE, "service.ts"), "utf8")).toMatch(/\bStoragePort\b/);
  });
});
