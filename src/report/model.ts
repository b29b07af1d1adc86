/**
 * The incident report as plain data: what the insurer, the police and the data-protection authority need after an
 * incident. Built by a pure function from the same inputs as the Markdown/JSON export (build.ts), rendered to PDF
 * (pdf.ts) with a time bar drawn by Vega-Lite (chart.ts). Times are ISO UTC strings; renderers show them in
 * Europe/Berlin.
 *
 * Fields marked "as typed" hold text a person wrote (titles, descriptions, answers, notes, names, reasons). The
 * PDF prints them as quoted data in their own style, so no such text can pass for a heading or the verification.
 */

/** A time on the bar and in the tables. */
export type Iso = string;

export interface ReportPhase {
  /** Phase id (erkennung, sofort, …) and its name. */
  id: string;
  name: string;
  from: Iso;
  /** Undefined: still running at `until`. */
  to?: Iso;
  /** Left with open critical tasks: the reason given, as typed. */
  override?: string;
}

export interface ReportRole {
  id: string;
  name: string;
  /** Short name (Koordination, Technik, Kommunikation). */
  short: string;
  /** Who holds it at the end, as typed (display name). */
  holder?: string;
  /** When it was first taken. */
  takenAt?: Iso;
  /** When a task of this role was first acknowledged. */
  firstAckAt?: Iso;
}

export interface ReportDeadline {
  id: string;
  title: string;
  /** What the law or contract asks. */
  basis: string;
  startedAt?: Iso;
  /** Undefined: "unverzüglich". */
  dueAt?: Iso;
  metAt?: Iso;
  state: "met" | "missed" | "open";
}

export interface ReportEntry {
  seq: number;
  at: Iso;
  /** As typed (display name). */
  who: string;
  kind: string;
  /** As typed or as logged. */
  text: string;
}

export type ReportVerification =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; firstBad: number; problem: string };

export interface IncidentReport {
  locale: "de" | "en";
  id: string;
  /** As typed. */
  title: string;
  drill: boolean;
  /** Organisation name from the organisation file, if any. */
  org?: string;
  /** Incident type (playbook title) and level name. */
  type: string;
  level: string;
  openedAt: Iso;
  awareAt: Iso;
  closedAt?: Iso;
  /** End of the picture: closure, else the export time. */
  until: Iso;
  exportedAt: Iso;
  /** As typed. */
  declaredBy?: string;
  /** As typed. */
  description?: string;
  /** As typed. */
  closeReason?: string;
  roles: ReportRole[];
  phases: ReportPhase[];
  deadlines: ReportDeadline[];
  /** Triage questions and their answers (answers as typed; times already shown in Europe/Berlin). */
  answers: { question: string; answer?: string }[];
  tasks: { done: number; skipped: number; open: number; skippedWhy: { task: string; reason: string }[] };
  /** Lessons learned: the playbook's review questions and the answers given (as typed). */
  lessons: { question: string; answer?: string }[];
  /** Tasks still open at the end, with their role name. */
  followUps: { task: string; role: string }[];
  timeline: ReportEntry[];
  verification: ReportVerification;
}
