/**
 * The context object every decision function receives (`declare.ts`, `roles.ts`, `tasks.ts` … `decide.ts`):
 * what is fixed per service (texts, organisation file, playbooks, platform capabilities), the instant of the
 * event, what the load step fetched, the {@link Work} being built and, for commands about an incident, the
 * loaded incident. Plain data and pure functions only: a decision never reads storage, a clock or a file.
 */
import type { IncidentMachine } from "../machines/machine.ts";
import type { Playbook } from "../machines/schema.ts";
import type { Capabilities } from "./adapter.ts";
import type { Catalog } from "./i18n/de.ts";
import type { OrgConfig } from "./org.ts";
import type { IncidentRecord, TaskRow, TimelineEntry } from "./ports.ts";
import type { Loaded } from "./state.ts";
import type { Work } from "./work.ts";

/** The playbooks the service knows (loaded and validated YAML). */
export interface PlaybookSource {
  get(id: string): Playbook | undefined;
  list(): Playbook[];
}

/** What is fixed for the life of the service. */
export interface Deps {
  t: Catalog;
  locale: "de" | "en";
  config: OrgConfig | undefined;
  playbooks: PlaybookSource;
  /** Declared capabilities of a platform (missing platform: none). */
  caps(platform: string): Capabilities;
  /** The compiled machine of a playbook (memoised; compiling is pure). */
  machineFor(pb: Playbook): IncidentMachine;
  /** Files an export of this incident is written to (empty without an export sink). Pure: names only. */
  exportPaths(incidentId: string): string[];
  /** Files the handbook is written to, or undefined when this deployment cannot print one. */
  handbookPaths: string[] | undefined;
}

/**
 * What the load step fetched beyond the incident, because the command declared it needs it (decide.ts
 * `needsOf`). A decision that reads a field its command did not declare is a bug and throws (see `fetched`).
 */
export interface Fetched {
  /** Ids of the incident's pending timers (to cancel a family of them). */
  pendingTimers?: readonly string[];
  /** The stored timeline and task rows (for an export). */
  history?: { timeline: TimelineEntry[]; tasks: TaskRow[] };
  /** The team's earlier closed drills of the incident's type, newest first (closing a drill compares with them). */
  previousDrills?: readonly IncidentRecord[];
  /** The next free incident number of the year (a guess: a taken id conflicts at commit and the event is retried). */
  nextNumber?: number;
  /** The open incidents of the event's channel, newest first (declaring again points to one of the same type). */
  openHere?: readonly OpenHere[];
}

/** An open incident of a channel, as far as declaring again needs it. */
export interface OpenHere {
  id: string;
  playbookId: string;
  drill: boolean;
  openedAt: string;
}

/** One decision in progress. */
export interface Cx extends Deps {
  /** The instant of the event: the only time a decision knows. */
  readonly now: Date;
  readonly iso: string;
  readonly fetched: Fetched;
  /** Everything the event will write, collected before the single commit. */
  readonly w: Work;
  /** The incident the command is about, if any (a private copy: decisions change it in place). */
  readonly L?: Loaded;
}

/** A decision about one loaded incident. */
export interface IncidentCx extends Cx {
  readonly L: Loaded;
}

/** The same decision, now about `L`. */
export function about(cx: Cx, L: Loaded): IncidentCx {
  return cx.L === L ? (cx as IncidentCx) : { ...cx, L };
}

/** A field the load step fetched; throws when the command did not declare it (a bug in decide.ts `needsOf`). */
export function fetched<K extends keyof Fetched>(cx: Cx, key: K): NonNullable<Fetched[K]> {
  const v = cx.fetched[key];
  if (v === undefined) throw new Error(`decide: "${key}" was not loaded for this command (declare it in needsOf)`);
  return v as NonNullable<Fetched[K]>;
}
