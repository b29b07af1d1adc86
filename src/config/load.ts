import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OrgConfig } from "../core/org.ts";
import { displayPath, type FieldPath, lineAt, parseYamlSource, UNKNOWN_ANCHOR } from "../machines/yaml-source.ts";
import { type ConfigIssue, configIssues, fieldName, type Said, say } from "./messages.ts";
import { followTips, validParts } from "./prune.ts";
import { OrgConfigSchema } from "./schema.ts";
import { firstPerSection, oneTabIssue, type Section, sectionsOf, tabbedSections, withoutSections } from "./sections.ts";
import { type ConfigWarning, configWarnings } from "./warnings.ts";

export type { ConfigIssue } from "./messages.ts";

/** Where to look for the full list of fields; appended to every error report. */
export const CONFIG_HELP = say((t) => t.help);

/** `notfall.config.yaml:12 it.hotlin: Unbekanntes Feld …` plus the line as written; in English with `locale` en. */
export function formatConfigIssue(issue: ConfigIssue, locale: "de" | "en" = "de"): string {
  const where = `${issue.file}:${issue.line}`;
  const message = locale === "en" ? issue.messageEn : issue.message;
  const head = issue.field ? `${where} ${issue.field}: ${message}` : `${where} ${message}`;
  // A tab is invisible in a terminal; shown as → so the reader sees where it is.
  return issue.source !== undefined ? `${head}\n    ${String(issue.line).padStart(4)} | ${issue.source.replace(/\t/g, "→")}` : head;
}

/**
 * Thrown when the organisation file cannot be used. Carries every problem (not just the first); the message
 * explains each one with file, line, field and what to write instead, and ends with where to read more.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], locale: "de" | "en" = "de") {
    super(
      `${issues.map((i) => formatConfigIssue(i, locale)).join("\n")}\n${locale === "en" ? CONFIG_HELP.messageEn : CONFIG_HELP.message}`,
    );
    this.issues = issues;
  }
}

/** `--config PATH`, else `NOTFALL_CONFIG`, else `./notfall.config.yaml` (only if it exists). */
export function findConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag) return resolve(flag);
  if (env.NOTFALL_CONFIG) return resolve(env.NOTFALL_CONFIG);
  const dflt = resolve("notfall.config.yaml");
  return existsSync(dflt) ? dflt : undefined;
}

/**
 * An organisation file as the bot can use it. A broken file never keeps the bot from helping: `config` holds the
 * valid parts (sections with a syntax error and values that do not fit are left out), `issues` says what is wrong,
 * one issue per real mistake.
 */
export interface ConfigReading {
  /** File as shown to the user. */
  file: string;
  /** What the bot can use; undefined when nothing in the file is usable (missing, empty, or not a YAML mapping). */
  config: OrgConfig | undefined;
  /** Every problem, sorted by line; empty when the file is valid. */
  issues: ConfigIssue[];
  /** Parts left out because of the issues, as field paths (`it`, `systems[2]`, `dpo.phone`), in file order. */
  dropped: string[];
  /** Valid but misleading in an emergency: example data still in the file, no IT hotline (see config/warnings.ts). */
  warnings: ConfigWarning[];
}

/** Read an organisation file; never throws for what is in the file (see {@link ConfigReading}). */
export function readOrgConfig(path: string): ConfigReading {
  const abs = resolve(path);
  const file = displayPath(abs);
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const said = say((t) =>
      code === "ENOENT" ? t.fileMissing : code === "EISDIR" ? t.fileIsFolder : t.fileUnreadable(code ?? String(err)),
    );
    return { file, config: undefined, issues: [{ file, line: 1, field: "", ...said }], dropped: [], warnings: [] };
  }
  return readOrgConfigText(text, file);
}

/** Read and validate an organisation file. Throws {@link ConfigError} listing every problem with its line. */
export function loadOrgConfig(path: string): OrgConfig {
  return strict(readOrgConfig(path));
}

/** Validate the text of an organisation file; `file` is only used in messages. Throws {@link ConfigError}. */
export function parseOrgConfig(text: string, file = "notfall.config.yaml"): OrgConfig {
  return strict(readOrgConfigText(text, file));
}

function strict(r: ConfigReading): OrgConfig {
  if (r.issues.length > 0) throw new ConfigError(r.issues);
  return r.config ?? {};
}

/**
 * The file parsed without the sections that have a YAML syntax error (or a tab): one issue per damaged section, and
 * the other sections read again on their own (same line numbers), until what is left parses (each round leaves out
 * at least one more section). `src` still has syntax issues only when nothing could be narrowed down.
 */
function readableSections(text: string, lines: readonly string[], file: string) {
  const sections = sectionsOf(lines);
  const tabbed = tabbedSections(lines, sections, file);
  let src = parseYamlSource(tabbed.damaged.length ? withoutSections(lines, tabbed.damaged) : text, file, true);
  if (src.syntaxIssues.length === 0 && tabbed.damaged.length === 0) return { src, issues: [], dropped: [] };
  const damaged = new Set<Section>(tabbed.damaged);
  const found: Omit<ConfigIssue, "source">[] = [...tabbed.issues];
  while (src.syntaxIssues.length) {
    const round = firstPerSection(src.syntaxIssues, lines, sections, damaged);
    if (round.damaged.length === 0) break;
    // An alias whose anchor was in a section left out is a consequence, not a mistake of its own.
    found.push(...(found.length ? round.issues.filter((i) => !i.message.startsWith(UNKNOWN_ANCHOR)) : round.issues));
    for (const s of round.damaged) damaged.add(s);
    src = parseYamlSource(withoutSections(lines, [...damaged]), file, true);
  }
  const issues = oneTabIssue(found);
  const dropped = [...damaged].sort((a, b) => a.start - b.start).map((s) => s.key || FILE_START);
  return { src, issues, dropped };
}

const EMPTY: Said = say((t) => t.fileEmpty);
/** The name of what is left out when the lines before the first section are broken (German, as the other names are fields). */
const FILE_START = say((t) => t.fileStart).message;

/** {@link readOrgConfig} for a text already read; `file` is only used in messages. */
export function readOrgConfigText(rawText: string, file = "notfall.config.yaml"): ConfigReading {
  const text = rawText.replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  const withSource = <T extends ConfigIssue>(i: Omit<T, "source">): T => {
    const source = lines[i.line - 1];
    return (source !== undefined && source.trim() !== "" ? { ...i, source: source.trimEnd() } : i) as T;
  };
  const readable = readableSections(text, lines, file);
  const src = readable.src;
  const issues: Omit<ConfigIssue, "source">[] = [...readable.issues];
  const dropped = [...readable.dropped];
  if (src.syntaxIssues.length) return done(undefined, dropped);
  if (src.data === null || src.data === undefined) {
    if (issues.length === 0) issues.push({ file, line: 1, field: "", ...EMPTY });
    return done(undefined, dropped);
  }
  const parsed = OrgConfigSchema.safeParse(src.data);
  if (parsed.success) return done(parsed.data, dropped);

  const rawAt = (p: FieldPath): string | undefined => {
    const node = src.doc.getIn(p as unknown[], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
  };
  const site = { data: src.data, lineOf: (p: FieldPath) => lineAt(src, p), rawAt };
  issues.push(...configIssues(file, site, followTips(src.data, parsed.error.issues)));
  const kept = validParts(src.data, parsed.error.issues);
  const byLine = kept.dropped.map((p) => ({ line: site.lineOf(p), name: fieldName(p) })).sort((a, b) => a.line - b.line);
  dropped.push(...byLine.map((d) => d.name));
  return done(kept.config, dropped);

  function done(config: OrgConfig | undefined, left: string[]): ConfigReading {
    const warnings = configWarnings(config, file, (p) => lineAt(src, p)).map(withSource);
    return { file, config, issues: issues.sort((a, b) => a.line - b.line).map(withSource), dropped: left, warnings };
  }
}
