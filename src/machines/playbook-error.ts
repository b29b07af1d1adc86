import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";

/** One problem in a playbook file, located by file, line and field path. */
export interface PlaybookIssue {
  /** File as shown to the user: relative to the working directory when inside it, else absolute. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Field path such as `tasks[3].role`; empty when the problem concerns the whole file. */
  field: string;
  /** German explanation, ideally with what to write instead. */
  message: string;
  /** The same in English (`--lang en`), where there is one; without, English shows the German. */
  messageEn?: string;
}

/** The texts of a playbook's mistakes (src/core/i18n, `playbook`). */
export type PlaybookTexts = typeof de.playbook;

/** A playbook mistake from the catalogue, in German (`message`) and English (`messageEn`). */
export function sayPb(f: (t: PlaybookTexts, locale: "de" | "en") => string): { message: string; messageEn: string } {
  return { message: f(de.playbook, "de"), messageEn: f(en.playbook, "en") };
}

/** `playbooks/x.yaml:42 tasks[3].role: "technick" ist keine Rolle. …`; in English with `locale` en. */
export function formatIssue(issue: PlaybookIssue, locale: "de" | "en" = "de"): string {
  const where = `${issue.file}:${issue.line}`;
  const message = locale === "en" ? (issue.messageEn ?? issue.message) : issue.message;
  return issue.field ? `${where} ${issue.field}: ${message}` : `${where} ${message}`;
}

/** Every issue, one line each, with a count above when there are several. */
function report(issues: PlaybookIssue[], locale: "de" | "en"): string {
  const head = issues.length > 1 ? `${(locale === "en" ? en : de).playbook.errors(issues.length)}\n` : "";
  return head + issues.map((i) => formatIssue(i, locale)).join("\n");
}

/**
 * Thrown when playbooks cannot be loaded. Carries every problem found (not just the first):
 * `issues` lists them all, `file`, `line` and `field` repeat the first one, and the message has one line per issue.
 */
export class PlaybookError extends Error {
  override name = "PlaybookError";
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly issues: PlaybookIssue[];
  /** The same report in English (`--lang en`). */
  readonly messageEn: string;

  constructor(issues: PlaybookIssue[]) {
    const first = issues[0] ?? { file: "", line: 0, field: "", ...sayPb((t) => t.unknownError) };
    super(report(issues, "de"));
    this.messageEn = report(issues, "en");
    this.file = first.file;
    this.line = first.line;
    this.field = first.field;
    this.issues = issues;
  }
}

/** Drops exact repeats (a shared fragment is checked once per playbook that includes it) and sorts by file and line. */
export function uniqueIssues(issues: PlaybookIssue[]): PlaybookIssue[] {
  const seen = new Set<string>();
  const out: PlaybookIssue[] = [];
  for (const issue of issues) {
    const key = formatIssue(issue);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
