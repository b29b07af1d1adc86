import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OrgConfig } from "../core/org.ts";
import { displayPath, type FieldPath, lineAt, parseYamlSource } from "../machines/yaml-source.ts";
import { type ConfigIssue, configIssues } from "./messages.ts";
import { OrgConfigSchema } from "./schema.ts";

export type { ConfigIssue } from "./messages.ts";

/** Where to look for the full list of fields; appended to every error report. */
export const CONFIG_HELP = "Alle Felder mit Beispielen: docs/configuration.md · Vorlagen: examples/praxis.yaml, examples/kmu.yaml";

/** `notfall.config.yaml:12 it.hotlin: Unbekanntes Feld …` plus the line as written. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}`;
  const head = issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where} ${issue.message}`;
  return issue.source !== undefined ? `${head}\n    ${String(issue.line).padStart(4)} | ${issue.source}` : head;
}

/**
 * Thrown when the organisation file cannot be used. Carries every problem (not just the first); the message
 * explains each one with file, line, field and what to write instead, and ends with where to read more.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`${issues.map(formatConfigIssue).join("\n")}\n${CONFIG_HELP}`);
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

/** Read and validate an organisation file. Throws {@link ConfigError} listing every problem with its line. */
export function loadOrgConfig(path: string): OrgConfig {
  const abs = resolve(path);
  const file = displayPath(abs);
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? "Datei nicht gefunden. Eine Vorlage anlegen: cp examples/praxis.yaml notfall.config.yaml"
        : code === "EISDIR"
          ? "Das ist ein Ordner, keine Datei. Bitte den Pfad zur YAML-Datei angeben."
          : `Datei nicht lesbar (${code ?? String(err)}).`;
    throw new ConfigError([{ file, line: 1, field: "", message }]);
  }
  return parseOrgConfig(text, file);
}

/** Validate the text of an organisation file; `file` is only used in messages. Throws {@link ConfigError}. */
export function parseOrgConfig(text: string, file = "notfall.config.yaml"): OrgConfig {
  const src = parseYamlSource(text.replace(/^\uFEFF/, ""), file);
  const lines = text.split(/\r?\n/);
  const withSource = (i: Omit<ConfigIssue, "source">): ConfigIssue => {
    const source = lines[i.line - 1];
    return source !== undefined && source.trim() !== "" ? { ...i, source: source.trimEnd() } : i;
  };
  if (src.syntaxIssues.length) {
    throw new ConfigError(
      src.syntaxIssues.map((i) => withSource({ ...i, message: i.message.replace("genau ein Playbook", "genau eine Organisation") })),
    );
  }
  if (src.data === null || src.data === undefined) {
    throw new ConfigError([
      { file, line: 1, field: "", message: "Die Datei ist leer. Eine Vorlage anlegen: cp examples/praxis.yaml notfall.config.yaml" },
    ]);
  }
  const parsed = OrgConfigSchema.safeParse(src.data);
  if (!parsed.success) {
    const rawAt = (p: FieldPath): string | undefined => {
      const node = src.doc.getIn(p as unknown[], true) as { range?: [number, number, number] } | undefined;
      return node?.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
    };
    const issues = configIssues(file, { data: src.data, lineOf: (p: FieldPath) => lineAt(src, p), rawAt }, parsed.error.issues);
    throw new ConfigError(issues.sort((a, b) => a.line - b.line).map(withSource));
  }
  return parsed.data;
}
