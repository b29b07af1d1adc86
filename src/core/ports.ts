import type { PendingMenu } from "./menu.ts";
import type { Outbound } from "./message.ts";

/** An incident as stored. `snapshot` is the persisted XState snapshot (JSON), the source of truth for rules. */
export interface IncidentRecord {
  id: string; // NF-2026-0007
  /**
   * The platform's workspace the incident was declared in (Slack team, Teams tenant, Matrix server; `Inbound.tenant`).
   * The organisation it belongs to (the deployment's tenant, docs/storage.md) is the store's, not a field.
   */
  workspace: string;
  platform: string;
  channel: string;
  /** Thread root: a platform ref (declared by a message) or a core message key (the bot's root message). */
  threadRef: string | null;
  threadKey: string | null;
  playbookId: string;
  title: string;
  level: string;
  phase: string;
  drill: boolean;
  openedAt: string; // ISO UTC
  awareAt: string;
  closedAt: string | null;
  declaredBy: string;
  snapshot: unknown;
  /** Hash of the last timeline entry and its sequence number (for chaining the next one). */
  lastHash: string;
  lastSeq: number;
  /** Optimistic concurrency: incremented on each commit. */
  version: number;
}

export interface TimelineEntry {
  incidentId: string;
  seq: number;
  at: string; // ISO UTC
  actorId: string;
  actorName: string;
  platform: string;
  /** e.g. opened, role, task, answer, note, phase, override, level, deadline, reminder, message, delivery-failed, closed, export, text */
  kind: string;
  text: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface TaskRow {
  incidentId: string;
  taskId: string;
  nr: number;
  phase: string;
  role: string;
  critical: boolean;
  state: string;
  by: string | null;
  at: string | null;
  reason: string | null;
}

/** Where a timer stands in due order. */
export type TimerKey = Pick<TimerRow, "dueAt" | "id">;

/** Before every timer: `pendingTimersAfter(FIRST_TIMER, n)` reads the first `n` (every due time and id sorts after ""). */
export const FIRST_TIMER: TimerKey = { dueAt: "", id: "" };

export interface TimerRow {
  /** Stable id: `${incidentId}:${kind}:${key}`, so scheduling the same timer twice is a no-op. */
  id: string;
  incidentId: string;
  kind: string; // reminder | deadline | role-reminder | task-due …
  dueAt: string; // ISO UTC
  payload: unknown;
}

export interface OutboxRow {
  id: number;
  key: string;
  incidentId: string | null;
  /** Delivery lane: messages in one lane are delivered strictly in order (channel + thread). */
  lane: string;
  platform: string;
  message: Outbound;
  status: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  ref: string | null;
}

/** Filters of {@link StoragePort.listIncidents}; absent ones do not filter. */
export interface ListIncidents {
  open?: boolean;
  /** Only drills (true) or only real incidents (false). */
  drill?: boolean;
  playbookId?: string;
  limit?: number;
}

/** Everything one handled event changes, written in one transaction. */
export interface Commit {
  /** Inbound delivery id to remember (deduplication); the commit is refused if already seen. */
  deliveryId?: { platform: string; id: string };
  incident?: { record: IncidentRecord /** version the change was based on; undefined for a new incident */; expectedVersion?: number };
  timeline?: TimelineEntry[];
  tasks?: TaskRow[];
  timers?: TimerRow[];
  cancelTimers?: string[];
  /** Timer ids fired by this commit (marked, never fire again). */
  firedTimers?: string[];
  outbox?: Omit<OutboxRow, "id" | "status" | "attempts" | "lastError" | "ref">[];
  /**
   * The "which kind of emergency?" menu now waiting for one person's typed answer in one channel (`pending`), or
   * none any more (`null`: answered). Kept with the event that showed it, so any process reads it for the answer.
   */
  menu?: MenuChange;
}

/** A waiting menu by its key (src/core/menu.ts `menuKey`: platform workspace, channel, person), or its removal. */
export interface MenuChange {
  key: string;
  pending: PendingMenu | null;
}

export type CommitResult = { ok: true } | { ok: false; reason: "duplicate" | "conflict" | "timer-already-fired" };

/**
 * What the core needs from storage. Implemented by src/storage (drizzle-orm on better-sqlite3 today; PostgreSQL next).
 *
 * Every method is asynchronous so that a driver with network round trips can implement it; the SQLite
 * implementation does its work synchronously inside the call and returns a settled promise.
 *
 * The core uses it in two places only: the load step of one handled event (reads) and its commit (one
 * transaction), plus the dispatcher's and scheduler's own bookkeeping. Decisions never call it.
 */
export interface StoragePort {
  /**
   * Writes everything in ONE transaction (all or nothing). Refusals (`duplicate` delivery id, `conflict` on the
   * incident's version or an already used incident id, `timer-already-fired`) write nothing.
   */
  commit(c: Commit): Promise<CommitResult>;
  hasDelivery(platform: string, id: string): Promise<boolean>;
  /** Forget inbound delivery ids received before `before` (platforms redeliver within hours, not weeks). Resolves to the count. */
  pruneDeliveries(before: string): Promise<number>;
  /** Highest number used in this year's incident ids, plus one (a guess: a commit with a taken id is a `conflict`). */
  nextIncidentNumber(year: number): Promise<number>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  /** Incident whose thread root is this platform ref, or which has a delivered message with this ref. */
  findIncidentByRef(channel: string, ref: string): Promise<IncidentRecord | undefined>;
  /** Open (not closed) incidents in a channel, newest first. */
  openIncidentsInChannel(channel: string): Promise<IncidentRecord[]>;
  /** Incidents of the tenant, newest first; only open/closed ones, only drills/real ones, only one playbook's, at most `limit`. */
  listIncidents(opts?: ListIncidents): Promise<IncidentRecord[]>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  tasks(incidentId: string): Promise<TaskRow[]>;
  /** Timers not yet fired or cancelled, ordered by due time; only those of one incident when given. */
  pendingTimers(incidentId?: string): Promise<TimerRow[]>;
  /**
   * At most `limit` pending timers in due order (due time, then id), from the first or after the timer `after`: the
   * scheduler keeps only a window of the earliest in memory.
   */
  pendingTimersAfter(after: TimerKey | undefined, limit: number): Promise<TimerRow[]>;
  /** Message key of a delivered message by its platform ref (reactions on task messages). */
  keyForRef(channel: string, ref: string): Promise<{ key: string; incidentId: string | null } | undefined>;
  /** Platform ref of a delivered message key. */
  refForKey(key: string): Promise<string | undefined>;
  /**
   * The menu waiting for a typed answer under this key (written by {@link Commit.menu}), however old: whether it
   * still counts is the core's business (src/core/menu.ts `menuFresh`).
   */
  pendingMenu(key: string): Promise<PendingMenu | undefined>;
  /** Pending outbox rows due at `now`, at most one (the oldest) per lane, skipping lanes in `busyLanes`. */
  dueOutbox(now: string, limit: number, busyLanes: ReadonlySet<string>): Promise<OutboxRow[]>;
  /** Earliest next attempt among pending rows, for arming the dispatcher. */
  nextOutboxAttempt(): Promise<string | undefined>;
  markSent(id: number, ref: string, at: string): Promise<void>;
  markRetry(id: number, nextAttemptAt: string, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  close(): Promise<void>;
}

/** An outbox row or timer of some tenant, read deployment-wide. */
export type OfTenant<T> = T & { tenant: string };

/**
 * Deployment-wide work of several processes sharing one database (PostgreSQL): due outbox rows and timers of every
 * tenant, each claimed by one process for a lease. A claim that is not finished before its lease runs out (the
 * process died) goes to another process. Implemented by `PgStorage`.
 */
export interface SharedWorkPort {
  /**
   * Due lane heads of any tenant, claimed for `leaseMs`; a lane has at most one row claimed at a time. `platforms`:
   * only rows for these platforms (the ones this process can deliver to now); absent: all.
   */
  claimOutbox(now: string, limit: number, leaseMs: number, platforms?: readonly string[]): Promise<OfTenant<OutboxRow>[]>;
  /** When the next outbox row becomes claimable (due, lease run out); undefined: nothing pending. */
  nextOutboxClaimable(): Promise<string | undefined>;
  /** Due timers of any tenant, claimed for `leaseMs`, in due order; a firing commit ends the claim. */
  claimTimers(now: string, limit: number, leaseMs: number): Promise<OfTenant<TimerRow>[]>;
  /** When the next timer becomes claimable; undefined: none pending. */
  nextTimerClaimable(): Promise<string | undefined>;
  /** Hands this process's open claims back (at shutdown). */
  releaseClaims(): Promise<unknown>;
  /** Forgets inbound delivery ids of every tenant received before `before`. */
  pruneAllDeliveries(before: string): Promise<number>;
}

/**
 * Small state an adapter keeps beyond one process (Teams: conversation references for proactive messages, display
 * names, conversations already welcomed), by platform, kind and key. In the database, so that every process on it
 * can deliver into a conversation another process heard of. Not per tenant: the keys carry the platform's own
 * tenant (a Teams channel id names its Teams tenant). Values are the adapter's JSON text.
 */
export interface AdapterStatePort {
  getAdapterState(platform: string, kind: string, key: string): Promise<string | undefined>;
  /** Insert or replace. */
  putAdapterState(platform: string, kind: string, key: string, value: string): Promise<void>;
}

/**
 * One installation of the bot into a chat workspace through the platform's OAuth flow (Slack: "Add to Slack"),
 * kept by the deployment, not by a tenant: which tenant a workspace belongs to is the tenants' `covers:` business.
 * The token is stored as Slack hands it out (the database is the place for it; logs never see it).
 */
export interface ChatInstallation {
  /** `slack`. */
  platform: string;
  /** The workspace (Slack team id); absent for an organisation-wide install. */
  workspace?: string;
  /** The organisation (Slack Enterprise Grid id), for org-wide installs and workspaces that belong to one. */
  organisation?: string;
  /** Installed for the whole organisation (every workspace of it), not one workspace. */
  orgWide: boolean;
  botToken: string;
  botUserId: string;
  botId?: string;
  appId?: string;
  /** Who installed it (platform user id). */
  installedBy: string;
  scopes: string[];
  /** The platform SDK's whole record, given back as stored. */
  raw: unknown;
  /** First installed (kept when the same workspace installs again); ISO-8601 UTC. */
  installedAt: string;
  /** Last (re)installed; ISO-8601 UTC. */
  updatedAt: string;
}

/** Which installation: a workspace's own, or the organisation's for an org-wide install. */
export interface InstallationQuery {
  workspace?: string;
  organisation?: string;
  orgWide: boolean;
}

/** The installations of a deployment (both backends implement it; the Slack adapter gets it from the wiring). */
export interface InstallationsPort {
  /** Adds or replaces the installation of its workspace (or organisation, when org-wide). */
  save(i: Omit<ChatInstallation, "installedAt" | "updatedAt">): Promise<void>;
  /**
   * The installation for a query: org-wide ones by organisation, others by workspace. A workspace without its own
   * installation that belongs to an organisation installed org-wide gets that one, when `organisation` is given.
   */
  find(platform: string, q: InstallationQuery): Promise<ChatInstallation | undefined>;
  /** The installation a workspace's messages go out with: its own, else the org-wide one of its organisation. */
  forWorkspace(platform: string, workspace: string): Promise<ChatInstallation | undefined>;
  /** Notes that `workspace` belongs to `organisation` (seen in an event), so {@link forWorkspace} finds org-wide installs. */
  noteWorkspace(platform: string, workspace: string, organisation: string): Promise<void>;
  /** Removes the installation the query names (uninstall, revoked token); returns how many rows went. */
  remove(platform: string, q: InstallationQuery): Promise<number>;
  /** All installations of a platform, oldest first (operations, health). */
  list(platform: string): Promise<ChatInstallation[]>;
}
