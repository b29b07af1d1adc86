import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { OrgConfig } from "../core/org.ts";
import { fieldPath, lineAt, readYamlSource } from "../machines/yaml-source.ts";
import { OrgConfigSchema } from "./schema.ts";

export interface ConfigIssue {
  file: string;
  line: number;
  field: string;
  message: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}${i.field ? ` ${i.field}` : ""}: ${i.message}`).join("\n"));
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

/** Read and validate an organisation file; every problem is reported with its line. */
export function loadOrgConfig(path: string): OrgConfig {
  const src = readYamlSource(path);
  if (src.syntaxIssues.length) throw new ConfigError(src.syntaxIssues);
  const parsed = OrgConfigSchema.safeParse(src.data ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        file: src.file,
        line: lineAt(src, i.path as PropertyKey[]),
        field: fieldPath(i.path as PropertyKey[]),
        message: germanIssue(i),
      })),
    );
  }
  return parsed.data as OrgConfig;
}

function germanIssue(i: { code: string; message: string; path: PropertyKey[]; keys?: string[]; values?: unknown[]; expected?: string }): string {
  switch (i.code) {
    case "unrecognized_keys":
      return `Unbekanntes Feld ${(i.keys ?? []).map((k) => `"${k}"`).join(", ")}. Bitte Schreibweise prüfen (siehe examples/praxis.yaml).`;
    case "invalid_value":
      return `Erlaubt sind: ${(i.values ?? []).map(String).join(", ")}.`;
    case "invalid_type":
      return i.message.includes("undefined") ? "Pflichtfeld fehlt." : `Falscher Typ (erwartet: ${i.expected ?? "anderer Wert"}).`;
    case "too_small":
      return "Darf nicht leer sein.";
    default:
      return i.message;
  }
}
