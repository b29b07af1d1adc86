/**
 * The crash harness's view into the bot's database, opened with the storage module next to the running bot
 * (SQLite WAL: readers never block the writer). Writes only while the bot is down (moving timers).
 */
import type { TimelineEntry } from "../../src/core/ports.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { prepareStatements } from "../../src/storage/statements.ts";
import type { Step } from "./_script.ts";

export interface TimerState {
  id: string;
  incidentId: string;
  kind: string;
  dueAt: string;
  firedAt: string | null;
  cancelledAt: string | null;
}

export interface OutboxState {
  id: number;
  key: string;
  incidentId: string | null;
  status: "pending" | "sent" | "failed";
}

/** Everything the checks look at, read once. */
export interface DbView {
  /** Incident ids in the order they were opened. */
  incidents: string[];
  closed: Set<string>;
  timelines: Map<string, TimelineEntry[]>;
  outbox: OutboxState[];
  timers: TimerState[];
  deliveries: number;
}

export class DbProbe {
  readonly storage: SqliteStorage;
  private readonly q;
  /** The storage module's own statements, read synchronously (the port is asynchronous; the checks are not). */
  private readonly st;

  constructor(file: string) {
    this.storage = openStorage(file);
    this.st = prepareStatements(this.storage.db, this.storage.tenant);
    const c = this.storage.db.$client;
    this.q = {
      deliveries: c.prepare("SELECT count(*) FROM deliveries").pluck(),
      pending: c.prepare("SELECT count(*) FROM outbox WHERE status = 'pending'").pluck(),
      sent: c.prepare("SELECT count(*) FROM outbox WHERE status = 'sent'").pluck(),
      incidents: c.prepare("SELECT id, closed_at AS closedAt FROM incidents ORDER BY opened_at, id"),
      outbox: c.prepare("SELECT id, key, incident_id AS incidentId, status FROM outbox ORDER BY id"),
      outboxOf: c.prepare("SELECT key FROM outbox WHERE incident_id = ?").pluck(),
      timers: c.prepare(
        "SELECT id, incident_id AS incidentId, kind, due_at AS dueAt, fired_at AS firedAt, cancelled_at AS cancelledAt FROM timers ORDER BY id",
      ),
      unfired: c.prepare("SELECT count(*) FROM timers WHERE fired_at IS NULL AND id IN (SELECT value FROM json_each(?))").pluck(),
      pull: c.prepare(
        "UPDATE timers SET due_at = ? WHERE fired_at IS NULL AND cancelled_at IS NULL AND id IN (SELECT value FROM json_each(?))",
      ),
    };
  }

  deliveries(): number {
    return this.q.deliveries.get() as number;
  }
  pending(): number {
    return this.q.pending.get() as number;
  }
  sent(): number {
    return this.q.sent.get() as number;
  }
  incidentIds(): string[] {
    return (this.q.incidents.all() as { id: string }[]).map((r) => r.id);
  }
  timers(): TimerState[] {
    return this.q.timers.all() as TimerState[];
  }
  /** How many of these timers have not fired yet. */
  unfired(ids: readonly string[]): number {
    return ids.length ? (this.q.unfired.get(JSON.stringify(ids)) as number) : 0;
  }
  /** Time passed while the bot was down: these pending timers are now due. */
  pullTimers(ids: readonly string[], to: Date): void {
    if (ids.length) this.q.pull.run(to.toISOString(), JSON.stringify(ids));
  }

  view(): DbView {
    const inc = this.q.incidents.all() as { id: string; closedAt: string | null }[];
    return {
      incidents: inc.map((r) => r.id),
      closed: new Set(inc.filter((r) => r.closedAt).map((r) => r.id)),
      timelines: new Map(inc.map((r) => [r.id, this.timeline(r.id)])),
      outbox: this.q.outbox.all() as OutboxState[],
      timers: this.timers(),
      deliveries: this.deliveries(),
    };
  }

  /** How many database effects match the step's effect signature (applied ⇔ ≥ step.ordinal). */
  effectCount(step: Step, view?: DbView): number {
    const ids = view?.incidents ?? this.incidentIds();
    if (step.effect.on === "incident") return ids.length;
    const id = ids[step.incident - 1];
    if (!id) return 0;
    const e = step.effect;
    if (e.on === "timeline") return (view?.timelines.get(id) ?? this.timeline(id)).filter(e.test).length;
    const keys = view ? view.outbox.filter((r) => r.incidentId === id).map((r) => r.key) : (this.q.outboxOf.all(id) as string[]);
    return keys.filter((k) => e.key.test(k)).length;
  }

  private timeline(id: string): TimelineEntry[] {
    return this.st.timeline.all({ id });
  }

  close(): void {
    void this.storage.close();
  }
}
