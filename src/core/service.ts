/**
 * The incident service: the thin asynchronous shell around the pure decisions. One handled event is
 * dedup check → load (load.ts) → decide (decide.ts, pure) → write files the decision asked for → commit ONE
 * transaction (snapshot + timeline + tasks + timers + outbox + inbound delivery id); a conflict (another process
 * wrote the incident) reloads and decides again, three attempts. Inbound events, timers and delivery failures
 * are handled one at a time in arrival order ({@link Serial}).
 */
import { createIncidentMachine, type IncidentMachine } from "../machines/machine.ts";
import type { Playbook } from "../machines/schema.ts";
import type { IncidentReport } from "../report/model.ts";
import { type Capabilities, NO_CAPABILITIES } from "./adapter.ts";
import type { Clock } from "./clock.ts";
import type { Deps, PlaybookSource } from "./context.ts";
import { type Decision, decideDeliveryFailed, decideEvent, decideInternalError, decideTimer } from "./decide.ts";
import { exportFiles } from "./export-command.ts";
import { type Catalog, de } from "./i18n/de.ts";
import { en } from "./i18n/en.ts";
import type { Inbound } from "./inbound.ts";
import { Loader } from "./load.ts";
import type { Outbound } from "./message.ts";
import type { OrgConfig } from "./org.ts";
import type { StoragePort, TimerRow } from "./ports.ts";
import { Serial } from "./serial.ts";
import type { Loaded } from "./state.ts";
import { type Effect, type ExportFile, Work } from "./work.ts";

export type { PlaybookSource } from "./context.ts";

/** Where exports are written (files on the server). Injected: the core does no I/O itself. */
export interface ExportSink {
  /** The names `save` will return for these files, without writing anything (a decision puts them in its message). */
  paths(name: string, exts: readonly string[]): string[];
  /** Writes the files (overwriting earlier ones of the same name); returns their names. */
  save(name: string, files: { ext: string; content: string | Uint8Array }[]): string[] | Promise<string[]>;
  /** Renders the incident report (insurer, police, authority) to PDF, at the edge; without it an export has no PDF. */
  report?(report: IncidentReport): Promise<Uint8Array>;
}

/** The printable handbook (PDF + Markdown) for `/notfall handbuch`, where a deployment can write one. */
export interface HandbookSink {
  /** The files `write` produces. */
  readonly paths: string[];
  /** Writes the handbook (overwriting the previous one), in the bot's language. */
  write(locale?: "de" | "en"): unknown;
}

export interface ServiceOptions {
  storage: StoragePort;
  clock: Clock;
  playbooks: PlaybookSource;
  capabilities: (platform: string) => Capabilities;
  config?: OrgConfig;
  locale?: "de" | "en";
  exports?: ExportSink;
  handbook?: HandbookSink;
  /** Called after every successful commit with the timers it added and cancelled. */
  onCommitted?: (added: TimerRow[], cancelled: string[]) => void;
  log?: (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;
}

export type HandleResult = "handled" | "duplicate" | "ignored";

const ATTEMPTS = 3;
const EXPORT_EXTS = ["md", "json"] as const;

/** Export files as the sink writes them: the incident report rendered by the sink, or left out when it cannot. */
async function ready(sink: ExportSink, files: readonly ExportFile[]): Promise<{ ext: string; content: string | Uint8Array }[]> {
  const out: { ext: string; content: string | Uint8Array }[] = [];
  for (const f of files) {
    if (!("report" in f)) out.push(f);
    else if (sink.report) out.push({ ext: f.ext, content: await sink.report(f.report) });
  }
  return out;
}

/**
 * The log line of a refused button or id naming an incident that does not run where the event happened (ids only,
 * quoted; the named id only in its own format, since a payload may carry anything).
 */
function elsewhereLine(ops: Catalog["ops"], ev: Inbound, what: "action" | "id", id: string): string {
  const named = /^NF-\d{4}-\d{4,}$/.test(id) ? id : undefined;
  return ops.refusedElsewhere(what === "action", named, `${JSON.stringify(ev.actor.id)} in ${JSON.stringify(ev.channel)}`);
}

/**
 * Compiled machines by playbook object, shared by the services of all tenants of a process (a machine depends on its
 * playbook only; 300 tenants need not compile the same playbook 300 times). A reloaded playbook is a new object.
 */
const MACHINES = new WeakMap<Playbook, IncidentMachine>();

/** The incident service (see the file comment). */
export class IncidentService {
  readonly t: Catalog;
  readonly locale: "de" | "en";
  private readonly o: ServiceOptions;
  private readonly deps: Deps;
  private readonly loader: Loader;
  private readonly serial = new Serial();

  constructor(o: ServiceOptions) {
    this.o = o;
    this.locale = o.locale ?? o.config?.locale ?? "de";
    this.t = this.locale === "en" ? en : de;
    this.deps = {
      t: this.t,
      locale: this.locale,
      config: o.config,
      playbooks: o.playbooks,
      caps: (platform) => o.capabilities(platform) ?? NO_CAPABILITIES,
      machineFor: (pb: Playbook) => {
        let m = MACHINES.get(pb);
        if (!m) {
          m = createIncidentMachine(pb);
          MACHINES.set(pb, m);
        }
        return m;
      },
      exportPaths: (id) => (o.exports ? o.exports.paths(id, o.exports.report ? [...EXPORT_EXTS, "pdf"] : EXPORT_EXTS) : []),
      handbookPaths: o.handbook?.paths,
    };
    this.loader = new Loader(o.storage, this.deps);
  }

  get config(): OrgConfig | undefined {
    return this.o.config;
  }

  /** Handle one inbound event. Redeliveries (same deliveryId) have no second effect. */
  handle(ev: Inbound): Promise<HandleResult> {
    return this.serial.run(() => this.handleNow(ev));
  }

  /** A timer from the database fell due. Fires exactly once (marked in the same transaction). */
  fireTimer(timer: TimerRow): Promise<void> {
    return this.serial.run(() => this.guard(this.t.ops.timerFailed, timer.id, () => this.fireNow(timer)));
  }

  /** A message could not be delivered for good: record it and tell the coordinator (once). */
  deliveryFailed(row: { key: string; incidentId: string | null; message: Outbound }, code: string): Promise<void> {
    const id = row.incidentId;
    if (!id || row.key.includes("/delivery-failed/")) return Promise.resolve();
    return this.serial.run(() =>
      this.guard(this.t.ops.deliveryFailureNotRecorded, row.key, () =>
        this.retry(async (now) => {
          const L = await this.loader.incident(id);
          return L ? decideDeliveryFailed(this.deps, L, row, code, now) : undefined;
        }),
      ),
    );
  }

  /** Resolves when no event, timer or delivery failure is queued or being handled. */
  idle(): Promise<void> {
    return this.serial.idle();
  }

  /** Events, timers and delivery failures queued or being handled. */
  get pending(): number {
    return this.serial.pending;
  }

  /** For tests, the CLI and the export command: a loaded incident by id (a private copy). */
  incident(id: string): Promise<Loaded | undefined> {
    return this.loader.incident(id);
  }

  /** Writes Markdown + JSON of an incident (`notfallbot export`); returns the files written. */
  async exportFiles(L: Loaded): Promise<string[]> {
    const history = await this.loader.history(L.rec.id);
    const now = this.o.clock.now();
    const w = new Work();
    exportFiles({ ...this.deps, now, iso: now.toISOString(), fetched: { history }, w }, L, history.timeline, history.tasks);
    return (await this.perform(w.effects)).flat();
  }

  private async handleNow(ev: Inbound): Promise<HandleResult> {
    if (await this.o.storage.hasDelivery(ev.platform, ev.deliveryId)) return "duplicate";
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.o.clock.now();
      let d: Decision;
      try {
        const { input, fetched } = await this.loader.event(ev, now);
        if (input.kind === "elsewhere" && attempt === 0)
          this.o.log?.(input.known || input.what === "action" ? "warn" : "info", elsewhereLine(this.t.ops, ev, input.what, input.id));
        d = decideEvent(this.deps, input, ev, now, fetched);
        await this.perform(d.effects);
      } catch (err) {
        this.o.log?.("error", this.t.ops.handlingFailed, err);
        await this.commit(decideInternalError(this.deps, ev, now));
        return "handled";
      }
      const res = await this.commit(d);
      if (res === "ok") return "handled";
      if (res === "duplicate") return "duplicate";
      // conflict: another process wrote; reload and decide again
    }
    this.o.log?.("error", this.t.ops.saveConflict, { deliveryId: ev.deliveryId });
    return "ignored";
  }

  private fireNow(timer: TimerRow): Promise<void> {
    return this.retry(async (now) => decideTimer(this.deps, await this.loader.incident(timer.incidentId), timer, now));
  }

  /** Load + decide + commit, again on a conflict (another process wrote the incident meanwhile). */
  private async retry(decide: (now: Date) => Promise<Decision | undefined>): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const d = await decide(this.o.clock.now());
      if (!d) return;
      await this.perform(d.effects);
      if ((await this.commit(d)) !== "conflict") return;
    }
    this.o.log?.("error", this.t.ops.saveConflict);
  }

  private async guard(msg: string, what: string, job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (err) {
      this.o.log?.("error", `${msg} (${what})`, err);
    }
  }

  /**
   * Writes the files a decision asked for, BEFORE its commit: a message naming them is only committed once they
   * exist, and a failed write is answered like any other error (nothing committed but the apology). Writing twice
   * (a retry, a redelivery racing another process) overwrites the same names.
   */
  private async perform(effects: readonly Effect[]): Promise<string[][]> {
    const out: string[][] = [];
    for (const e of effects) {
      if (e.kind === "export" && this.o.exports) out.push(await this.o.exports.save(e.incidentId, await ready(this.o.exports, e.files)));
      else if (e.kind === "handbook" && this.o.handbook) await this.o.handbook.write(this.locale);
    }
    return out;
  }

  private async commit(d: Decision): Promise<"ok" | "duplicate" | "conflict"> {
    const res = await this.o.storage.commit(d.commit);
    if (!res.ok) {
      if (d.incident) this.loader.forget(d.incident.rec.id);
      if (res.reason === "duplicate") return "duplicate";
      if (res.reason === "timer-already-fired") return "ok";
      return "conflict";
    }
    if (d.incident) this.loader.committed(d.incident);
    this.o.onCommitted?.(d.commit.timers ?? [], d.commit.cancelTimers ?? []);
    return "ok";
  }
}
