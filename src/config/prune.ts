import type { z } from "zod";
import type { OrgConfig } from "../core/org.ts";
import { type FieldPath, valueAt } from "../machines/yaml-source.ts";
import { fieldName, scalarPath } from "./messages.ts";
import { LIST_ITEMS, OrgConfigSchema } from "./schema.ts";

type ZodIssue = z.core.$ZodIssue;

/**
 * For a number or yes/no where a text belongs, the message tips to put the value in quotes. Where the quoted value
 * would still be wrong (`rto: 4` → `rto: "4"` has no unit; `email: 5`), following the tip would only lead to a second
 * error, so the issue is replaced by the one the quoted value gets.
 */
export function followTips(data: unknown, issues: readonly ZodIssue[]): ZodIssue[] {
  const quotable = issues.filter(
    (i) => i.code === "invalid_type" && i.expected === "string" && ["number", "boolean"].includes(typeof valueAt(data, i.path)),
  );
  if (quotable.length === 0) return [...issues];
  const quoted = structuredClone(data);
  for (const i of quotable) setAt(quoted, i.path, String(valueAt(data, i.path)));
  const again = OrgConfigSchema.safeParse(quoted);
  const after = new Map((again.success ? [] : again.error.issues).map((i) => [fieldName(i.path), i]));
  return issues.map((i) => (quotable.includes(i) ? (after.get(fieldName(i.path)) ?? i) : i));
}

/**
 * The usable rest of a file whose values do not all fit: unknown fields and wrong values are left out, a list item
 * without a usable required field (a system without name or priority, a contact without name) is left out whole,
 * a section of the wrong shape is left out. Returns what was left out, with the field paths of the file; no config
 * when nothing is usable (the file is a list or a single text).
 */
export function validParts(data: unknown, issues: readonly ZodIssue[]): { config: OrgConfig | undefined; dropped: FieldPath[] } {
  const work = structuredClone(data);
  const dropped: FieldPath[] = [];
  // Original index of each remaining list item, so what is left out is named as in the file after items were removed.
  const original = new Map<string, number[]>();
  const orig = (section: string, i: number) => original.get(section)?.[i] ?? i;
  let pending: readonly ZodIssue[] = issues;
  // A second round finds what the schema only checks once the rest is valid (two systems with the same name).
  for (let round = 0; round < 3 && pending.length; round++) {
    const items = new Map<string, Set<number>>();
    for (const issue of pending) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) dropped.push(named(removeAt(work, [...issue.path, key])));
        continue;
      }
      const p = scalarPath(work, issue.path);
      if (p.length === 0) return { config: undefined, dropped: [] };
      const [section, index, field] = p;
      const item = typeof section === "string" && Object.hasOwn(LIST_ITEMS, section) ? LIST_ITEMS[section] : undefined;
      if (item && typeof index === "number" && (field === undefined || isRequired(item, field))) {
        items.set(section as string, (items.get(section as string) ?? new Set<number>()).add(index));
      } else if (valueAt(work, p) !== undefined) dropped.push(named(removeAt(work, p)));
      // a required field missing in a section (roles.technik without primary): the section is unusable
      else if (p.length > 1 && valueAt(work, p.slice(0, -1)) !== undefined) dropped.push(named(removeAt(work, p.slice(0, -1))));
    }
    compact(work);
    for (const [section, set] of items) {
      const list = valueAt(work, [section]) as unknown[];
      const left = list.map((_, i) => orig(section, i));
      for (const i of set) dropped.push([section, orig(section, i)]);
      for (const i of [...set].sort((x, y) => y - x)) {
        list.splice(i, 1);
        left.splice(i, 1);
      }
      original.set(section, left);
    }
    const parsed = OrgConfigSchema.safeParse(work);
    if (parsed.success) return { config: parsed.data, dropped: outermost(dropped) };
    pending = parsed.error.issues;
  }
  return { config: undefined, dropped: [] };

  /** A path with list indices as in the file. */
  function named(path: FieldPath): FieldPath {
    const [section, index] = path;
    return typeof section === "string" && typeof index === "number" ? [section, orig(section, index), ...path.slice(2)] : path;
  }
}

/** Without paths inside another dropped path (a field of an item left out whole), without repeats. */
function outermost(paths: readonly FieldPath[]): FieldPath[] {
  const names = paths.map(fieldName);
  const within = (n: string, o: string) => n.startsWith(`${o}.`) || n.startsWith(`${o}[`);
  return paths.filter((_, i) => names.indexOf(names[i]!) === i && !names.some((o) => within(names[i]!, o)));
}

function isRequired(item: z.ZodObject, field: PropertyKey): boolean {
  const shape = item.shape as Record<string, z.ZodType>;
  return typeof field === "string" && Object.hasOwn(shape, field) && !shape[field]!.safeParse(undefined).success;
}

/** Stands for a list item left out until the round ends (indices of the other issues stay valid until then). */
const GONE = Symbol("left out");

function removeAt(data: unknown, path: FieldPath): FieldPath {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === "number") parent[key] = GONE;
  else if (parent && typeof parent === "object") delete (parent as Record<PropertyKey, unknown>)[key];
  return path;
}

/** Removes the list items marked {@link GONE}, at any depth (`deputies`, `chat.slack`). */
function compact(data: unknown): void {
  if (Array.isArray(data)) {
    for (let i = data.length - 1; i >= 0; i--) if (data[i] === GONE) data.splice(i, 1);
    for (const v of data) compact(v);
  } else if (data && typeof data === "object") for (const v of Object.values(data)) compact(v);
}

function setAt(data: unknown, path: FieldPath, value: unknown): void {
  const parent = valueAt(data, path.slice(0, -1));
  if (parent && typeof parent === "object") (parent as Record<PropertyKey, unknown>)[path[path.length - 1]!] = value;
}
