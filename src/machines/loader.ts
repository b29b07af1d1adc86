import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkAnzeichenAcross,
  checkPlaybook,
  checkTriggersAcross,
  type Located,
  type MergedPlaybook,
  type Origin,
} from "./playbook-checks.ts";
import { PlaybookError, type PlaybookIssue, sayPb, uniqueIssues } from "./playbook-error.ts";
import { Fragment, PHASES, type Phase, Playbook } from "./schema.ts";
import { schemaIssues } from "./schema-messages.ts";
import { displayPath, readYamlSource, type YamlSource } from "./yaml-source.ts";

export { PlaybookError, type PlaybookIssue } from "./playbook-error.ts";

/** `<repo>/playbooks`. */
export const DEFAULT_PLAYBOOK_DIR = fileURLToPath(new URL("../../playbooks", import.meta.url));

/** All playbooks, fragments already merged in. */
export interface PlaybookLibrary {
  /** By playbook id, in file-name order. */
  playbooks: Map<string, Playbook>;
  get(id: string): Playbook | undefined;
  list(): Playbook[];
  /**
   * Problems that do not stop loading, e.g. a symptom phrase (`anzeichen:`) in two playbooks. Shown by
   * `notfallbot playbooks`; file, line and field as for errors.
   */
  warnings: PlaybookIssue[];
}

const PLAYBOOK_KEYS = Object.keys(Playbook.shape);
const FRAGMENT_KEYS = Object.keys(Fragment.shape);
const LISTS = ["questions", "tasks", "templates", "deadlines", "review"] as const;

interface LoadedFragment {
  fragment: Fragment;
  src: YamlSource;
}

/** Fragment id → fragment, or `null` when the file exists but has errors (reported on their own). */
type FragmentIndex = Map<string, LoadedFragment | null>;

/**
 * Loads every `*.yaml` in `dir` as a playbook, with the fragments in `dir/shared/` merged in via `include:`.
 * Collects all problems of all files and throws one {@link PlaybookError} listing them.
 */
export function loadPlaybooks(dir: string = DEFAULT_PLAYBOOK_DIR): PlaybookLibrary {
  const absDir = resolve(dir);
  if (!existsSync(absDir) || !statSync(absDir).isDirectory()) {
    throw new PlaybookError([{ file: displayPath(absDir), line: 1, field: "", ...sayPb((t) => t.folderMissing) }]);
  }
  const issues: PlaybookIssue[] = [];
  const fragments = readFragments(join(absDir, "shared"), issues);
  const files = yamlFiles(absDir);
  if (files.length === 0) issues.push({ file: displayPath(absDir), line: 1, field: "", ...sayPb((t) => t.noPlaybooks) });

  const merged: MergedPlaybook[] = [];
  for (const file of files) {
    const m = readPlaybook(file, fragments, issues);
    if (m) merged.push(m);
  }
  issues.push(...checkTriggersAcross(merged));
  if (issues.length > 0) throw new PlaybookError(uniqueIssues(issues));

  return library(
    merged.map((m) => m.playbook),
    uniqueIssues(checkAnzeichenAcross(merged)),
  );
}

/** Loads one playbook file; its `include:` fragments come from `shared/` next to it. Throws {@link PlaybookError}. */
export function loadPlaybookFile(path: string): Playbook {
  const abs = resolve(path);
  const issues: PlaybookIssue[] = [];
  const fragmentIssues: PlaybookIssue[] = [];
  const fragments = readFragments(join(dirname(abs), "shared"), fragmentIssues);
  const includes: string[] = [];
  const m = readPlaybook(abs, fragments, issues, includes);
  // Only report problems of fragments this playbook actually includes.
  const included = new Set(includes.map((id) => displayPath(join(dirname(abs), "shared", `${id}.yaml`))));
  issues.push(...fragmentIssues.filter((i) => included.has(i.file)));
  if (issues.length > 0 || !m) throw new PlaybookError(uniqueIssues(issues));
  return m.playbook;
}

function library(list: Playbook[], warnings: PlaybookIssue[]): PlaybookLibrary {
  const playbooks = new Map(list.map((p) => [p.id, p]));
  return {
    playbooks,
    get: (id) => playbooks.get(id),
    list: () => [...playbooks.values()],
    warnings,
  };
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

function fileId(path: string): string {
  return basename(path).replace(/\.ya?ml$/, "");
}

function readFragments(dir: string, issues: PlaybookIssue[]): FragmentIndex {
  const index: FragmentIndex = new Map();
  for (const file of yamlFiles(dir)) {
    const src = readYamlSource(file);
    const id = fileId(file);
    if (src.syntaxIssues.length > 0) {
      issues.push(...src.syntaxIssues);
      index.set(id, null);
      continue;
    }
    const parsed = Fragment.safeParse(src.data ?? {});
    if (!parsed.success) {
      issues.push(...schemaIssues(src, parsed.error.issues, FRAGMENT_KEYS));
      index.set(id, null);
      continue;
    }
    if (parsed.data.id !== id) {
      issues.push({
        file: src.file,
        line: 1,
        field: "id",
        ...sayPb((t) => t.idNotFileName(parsed.data.id, id)),
      });
    }
    index.set(id, { fragment: parsed.data, src });
  }
  return index;
}

/** Reads, validates, merges and checks one playbook. Problems go to `issues`; its include list to `includes`. */
function readPlaybook(
  file: string,
  fragments: FragmentIndex,
  issues: PlaybookIssue[],
  includes: string[] = [],
): MergedPlaybook | undefined {
  const src = readYamlSource(file);
  if (src.syntaxIssues.length > 0) {
    issues.push(...src.syntaxIssues);
    return undefined;
  }
  const parsed = Playbook.safeParse(src.data ?? {});
  if (!parsed.success) {
    issues.push(...schemaIssues(src, parsed.error.issues, PLAYBOOK_KEYS));
    return undefined;
  }
  const own = parsed.data as Playbook;
  includes.push(...own.include);
  const used: LoadedFragment[] = [];
  let complete = true;
  own.include.forEach((id, i) => {
    const frag = fragments.get(id);
    if (frag === undefined) {
      const known = [...fragments.keys()];
      const line = lineOfInclude(src, i);
      issues.push({
        file: src.file,
        line,
        field: `include[${i}]`,
        ...sayPb((t) => t.unknownFragment(id, known)),
      });
      complete = false;
    } else if (frag === null) complete = false;
    else used.push(frag);
  });
  if (!complete) return undefined;

  const merged = merge(own, src, used);
  issues.push(...checkPlaybook(merged, fileId(file)));
  return merged;
}

function lineOfInclude(src: YamlSource, i: number): number {
  const node = src.doc.getIn(["include", i], true) as { range?: [number, number, number] } | undefined;
  return Math.max(1, src.lines.linePos(node?.range?.[0] ?? 0).line);
}

/**
 * Fragment lists first (in include order), then the playbook's own; each item remembers its file and path.
 * Tasks are then ordered by phase, so the first task of a playbook is the first thing to do.
 */
function merge(own: Playbook, src: YamlSource, fragments: LoadedFragment[]): MergedPlaybook {
  const located = <K extends (typeof LISTS)[number]>(key: K): Located<Playbook[K][number]>[] => {
    const out: Located<Playbook[K][number]>[] = [];
    for (const f of fragments) {
      (f.fragment[key] as Playbook[K][number][]).forEach((item, i) => {
        out.push({ item, at: { src: f.src, path: [key, i] } satisfies Origin });
      });
    }
    (own[key] as Playbook[K][number][]).forEach((item, i) => {
      out.push({ item, at: { src, path: [key, i] } });
    });
    return out;
  };
  const questions = located("questions");
  const tasks = located("tasks");
  const templates = located("templates");
  const deadlines = located("deadlines");
  const review = located("review");
  const playbook: Playbook = {
    ...own,
    questions: questions.map((l) => l.item),
    // Tasks in phase order (stable): within a phase the fragment's come first, then the playbook's own.
    tasks: tasks.map((l) => l.item).sort((a, b) => PHASES.indexOf(a.phase as Phase) - PHASES.indexOf(b.phase as Phase)),
    templates: templates.map((l) => l.item),
    deadlines: deadlines.map((l) => l.item),
    review: review.map((l) => l.item),
    recovery: [...fragments.flatMap((f) => f.fragment.recovery), ...own.recovery],
  };
  return { playbook, src, questions, tasks, templates, deadlines, review };
}
