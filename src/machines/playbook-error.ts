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
  /** The same in English, where there is one (YAML syntax problems; the organisation file's issues always have it). */
  messageEn?: string;
}

/** `playbooks/x.yaml:42 tasks[3].role: "technick" ist keine Rolle. …` */
export function formatIssue(issue: PlaybookIssue): string {
  const where = `${issue.file}:${issue.line}`;
  return issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where} ${issue.message}`;
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

  constructor(issues: PlaybookIssue[]) {
    const first = issues[0] ?? { file: "", line: 0, field: "", message: "Unbekannter Fehler" };
    const head = issues.length > 1 ? `${issues.length} Fehler in den Playbooks:\n` : "";
    super(head + issues.map(formatIssue).join("\n"));
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
