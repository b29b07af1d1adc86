import { createIncidentMachine, type IncidentEvent, type IncidentMachine, persist, restoreIncident, step } from "../machines/machine.ts";
import { type Level, loc, PHASES, type Phase, type Playbook, ROLES, type RoleId, WORK_PHASES } from "../machines/schema.ts";
import { type Capabilities, NO_CAPABILITIES } from "./adapter.ts";
import { hashEntry } from "./chain.ts";
import type { Clock } from "./clock.ts";
import { type Catalog, de } from "./i18n/de.ts";
import { en } from "./i18n/en.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { type Block, blocksToPlain, escapeMd, type Outbound } from "./message.ts";
import type { OrgConfig } from "./org.ts";
import type { Command } from "./parser.ts";
import type { IncidentRecord, StoragePort, TimerRow } from "./ports.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { showTime } from "./time.ts";
import { coordinatorId, ctxOf, headerBlocks, nameOf, roleTaskList, taskActive, tasksBlocks, tasksOf, type ViewEnv } from "./views.ts";
import type { Work } from "./work.ts";

export interface PlaybookSource {
  get(id: string): Playbook | undefined;
  list(): Playbook[];
}

/** Where exports and handbooks are written (files on the server). Injected: the core does no I/O itself. */
export interface ExportSink {
  save(name: string, files: { ext: string; content: string | Uint8Array }[]): string[];
}

export interface ServiceOptions {
  storage: StoragePort;
  clock: Clock;
  playbooks: PlaybookSource;
  capabilities: (platform: string) => Capabilities;
  config?: OrgConfig;
  locale?: "de" | "en";
  exports?: ExportSink;
  /** Produces the printable handbook (PDF + Markdown) when asked in chat; optional. */
  handbook?: () => string[];
  /** Called after every successful commit with the timers it added and cancelled. */
  onCommitted?: (added: TimerRow[], cancelled: string[]) => void;
  log?: (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;
}

export const SYSTEM: ActorRef = { id: "notfallbot", displayName: "notfallbot" };

/**
 * The lowest layer of the incident service: options, caches, and the primitives every command uses
 * (apply an event to the machine, append to the hash-chained timeline, queue a message, commit one event's work).
 * The layers above: deadlines.ts (timers and legal clocks), commands.ts (what people ask for), service.ts (routing).
 */
export class IncidentCore {
  protected readonly machines = new Map<string, IncidentMachine>();
  /** Recently used incidents (least recently used first); the database stays the source of truth. */
  protected readonly cache = new Map<string, { rec: IncidentRecord; st: IncidentState }>();
  protected static readonly CACHE_MAX = 256;
  /** Incident id by `channel + thread ref`: a thread never moves to another incident, so a hit is kept. */
  protected readonly threads = new Map<string, string>();
  readonly t: Catalog;
  readonly locale: "de" | "en";

  protected readonly o: ServiceOptions;

  constructor(o: ServiceOptions) {
    this.o = o;
    this.locale = o.locale ?? o.config?.locale ?? "de";
    this.t = this.locale === "en" ? en : de;
  }

  get config(): OrgConfig | undefined {
    return this.o.config;
  }

  // ───────────────────────────── helpers ─────────────────────────────

  protected postPhaseTasks(w: Work, L: Loaded, phase: Phase): void {
    const env = this.env(L);
    for (const role of ROLES) {
      const list = roleTaskList(L, env, phase, role);
      if (!list.length) continue;
      if (env.caps.buttons || !env.caps.reactions) this.post(w, L, `${L.rec.id}/tasks/${phase}/${role}`, tasksBlocks(L, env, phase, role));
      else for (const task of list) this.post(w, L, `${L.rec.id}/task/${task.nr}`, tasksBlocks(L, env, phase, role, task.nr));
    }
  }

  /** Re-render a role's task message(s) of a phase in place (only where the platform can update). */
  protected refreshTasks(w: Work, L: Loaded, phase: Phase, role: RoleId, onlyNr?: number): void {
    const env = this.env(L);
    if (!env.caps.update) return;
    const list = roleTaskList(L, env, phase, role);
    if (!list.length) return;
    if (env.caps.buttons || !env.caps.reactions) {
      this.post(w, L, `${L.rec.id}/tasks/${phase}/${role}`, tasksBlocks(L, env, phase, role), { replace: true });
      return;
    }
    for (const task of list) {
      if (onlyNr !== undefined && task.nr !== onlyNr) continue;
      const key = `${L.rec.id}/task/${task.nr}`;
      const delivered = this.o.storage.refForKey(key) !== undefined || w.outbox.some((o) => o.key === key);
      this.post(w, L, key, tasksBlocks(L, env, phase, role, task.nr), { replace: delivered });
    }
  }

  protected refreshHeader(w: Work, L: Loaded): void {
    if (!this.caps(L.rec.platform).update) return;
    this.post(w, L, `${L.rec.id}/header`, headerBlocks(L, this.env(L)), { replace: true, root: !L.rec.threadRef });
  }

  protected taskRefs(L: Loaded, ids: string[]): string {
    const all = tasksOf(L);
    return ids
      .map((id) => all.find((x) => x.id === id)!)
      .map((x) => `${x.nr} (${loc(x.text, this.locale).slice(0, 60)})`)
      .join(", ");
  }

  /** Task rows to write: every active task, or (`only`) just those an event changed. */
  protected syncTasks(w: Work, L: Loaded, only?: ReadonlySet<string>): void {
    const ctx = ctxOf(L);
    w.tasks = tasksOf(L)
      .filter((x) => (only ? only.has(x.id) : true) && taskActive(L, x))
      .map((x) => {
        const p = ctx.tasks[x.id];
        return {
          incidentId: L.rec.id,
          taskId: x.id,
          nr: x.nr,
          phase: x.phase,
          role: x.role,
          critical: x.critical,
          state: p?.state ?? "offen",
          by: p?.doneBy ?? p?.ackBy ?? null,
          at: p?.doneAt ?? p?.ackAt ?? null,
          reason: p?.reason ?? null,
        };
      });
  }

  protected apply(L: Loaded, ev: IncidentEvent): boolean {
    const next = step(L.machine, L.snap, ev);
    if (next === L.snap || (next.value === L.snap.value && next.context === L.snap.context)) return false;
    L.snap = next;
    L.st.machine = persist(next);
    L.rec.phase = String(next.value);
    return true;
  }

  protected log(w: Work, L: Loaded, actor: ActorRef, kind: string, text: string, data: unknown = null): void {
    const e = {
      incidentId: L.rec.id,
      seq: L.rec.lastSeq + 1,
      at: this.iso(),
      // well-formed strings only: SQLite stores a lone surrogate as U+FFFD, which would break the hash on reading
      actorId: actor.id.toWellFormed(),
      actorName: actor.displayName.toWellFormed(),
      platform: L.rec.platform,
      kind,
      text: text.toWellFormed(),
      data,
      prevHash: L.rec.lastHash,
    };
    const hash = hashEntry(e);
    w.timeline.push({ ...e, hash });
    L.rec.lastSeq = e.seq;
    L.rec.lastHash = hash;
  }

  protected post(w: Work, L: Loaded, key: string, blocks: Block[], opts: { replace?: boolean; root?: boolean } = {}): void {
    const drillBlocks: Block[] =
      L.rec.drill && !opts.root && !blocks.some((b) => b.type === "context" && b.text.includes("ÜBUNG"))
        ? [{ type: "context", text: `🧪 ${this.t.drill}` }]
        : [];
    const all = [...blocks, ...drillBlocks];
    const msg: Outbound = {
      key,
      incidentId: L.rec.id,
      channel: L.rec.channel,
      ...(opts.root ? {} : { thread: L.rec.threadRef ? { ref: L.rec.threadRef } : { key: L.rec.threadKey! } }),
      ...(opts.replace ? { replace: true } : {}),
      text: blocksToPlain(all),
      blocks: all,
      ...(L.rec.drill ? { drill: true } : {}),
      locale: this.locale,
    };
    // several updates of the same message within one event: keep only the last
    if (opts.replace) w.outbox = w.outbox.filter((o) => !(o.key === key && o.message.replace));
    w.outbox.push({
      key,
      incidentId: L.rec.id,
      lane: `inc:${L.rec.id}`,
      platform: L.rec.platform,
      message: msg,
      nextAttemptAt: this.iso(),
    });
  }

  /** Answer the person where they wrote; `privately` uses an ephemeral message where the platform has one. */
  protected reply(w: Work, ev: Inbound, L: Loaded | undefined, blocks: Block[], privately: boolean): void {
    const caps = this.caps(ev.platform);
    const thread = ev.threadRef
      ? { ref: ev.threadRef }
      : L
        ? L.rec.threadRef
          ? { ref: L.rec.threadRef }
          : { key: L.rec.threadKey! }
        : undefined;
    const eph = privately && caps.ephemeral;
    const all: Block[] =
      privately && !caps.ephemeral && L ? [{ type: "context", text: `@${escapeMd(ev.actor.displayName)}:` }, ...blocks] : blocks;
    const key = `${L?.rec.id ?? ev.channel}/reply/${ev.platform}:${ev.deliveryId}`;
    const msg: Outbound = {
      key,
      ...(L ? { incidentId: L.rec.id } : {}),
      channel: ev.channel,
      ...(thread ? { thread } : {}),
      ...(eph ? { visibleTo: ev.actor.id } : {}),
      text: blocksToPlain(all),
      blocks: all,
      locale: this.locale,
    };
    w.outbox.push({
      key,
      incidentId: L?.rec.id ?? null,
      lane: L ? `inc:${L.rec.id}` : `ch:${ev.channel}`,
      platform: ev.platform,
      message: msg,
      nextAttemptAt: this.iso(),
    });
  }

  protected commitWork(w: Work, L: Loaded | undefined, ev?: Inbound): "ok" | "duplicate" | "conflict" {
    let incident: { record: IncidentRecord; expectedVersion?: number } | undefined;
    if (L && (w.timeline.length || w.outbox.some((o) => o.incidentId === L.rec.id) || w.timers.length)) {
      const expected = L.rec.version;
      L.rec.snapshot = L.st;
      L.rec.version = expected + 1;
      incident = expected === 0 ? { record: L.rec } : { record: L.rec, expectedVersion: expected };
      // an acknowledgement changes only its own tasks' rows (the rest were written when they became active)
      if (!w.tasks.length && w.timeline.some((e) => e.kind === "task"))
        this.syncTasks(w, L, new Set(w.timeline.filter((e) => e.kind === "task").map((e) => (e.data as { task: string }).task)));
    }
    const res = this.o.storage.commit({
      ...(ev ? { deliveryId: { platform: ev.platform, id: ev.deliveryId } } : {}),
      ...(incident ? { incident } : {}),
      timeline: w.timeline,
      tasks: w.tasks,
      timers: w.timers,
      cancelTimers: w.cancel,
      firedTimers: w.fired,
      outbox: w.outbox,
    });
    if (!res.ok) {
      if (L) this.cache.delete(L.rec.id);
      if (res.reason === "duplicate") return "duplicate";
      if (res.reason === "timer-already-fired") return "ok";
      return "conflict";
    }
    // L is this event's private copy (load() hands out clones) and is not touched after its commit: the cache takes it over
    if (L && incident) this.cacheSet(L.rec.id, { rec: { ...L.rec, snapshot: L.st }, st: L.st });
    this.o.onCommitted?.(w.timers, w.cancel);
    return "ok";
  }

  protected cacheSet(id: string, entry: { rec: IncidentRecord; st: IncidentState }): void {
    this.cache.delete(id);
    this.cache.set(id, entry);
    if (this.cache.size > IncidentCore.CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
  }

  protected load(id: string): Loaded | undefined {
    let c = this.cache.get(id);
    if (!c) {
      const rec = this.o.storage.getIncident(id);
      if (!rec) return undefined;
      c = { rec, st: rec.snapshot as IncidentState };
      this.cacheSet(id, c); // freshly read: nobody else holds it
    }
    const pb = this.o.playbooks.get(c.rec.playbookId);
    if (!pb) return undefined;
    const machine = this.machineFor(pb);
    // a private copy for this event (the record's other fields are primitives; its snapshot is the state)
    const st = structuredClone(c.st);
    const rec = { ...c.rec, snapshot: st };
    return { rec, pb, machine, st, snap: restoreIncident(machine, st.machine) };
  }

  protected machineFor(pb: Playbook): IncidentMachine {
    let m = this.machines.get(pb.id);
    if (!m) {
      m = createIncidentMachine(pb);
      this.machines.set(pb.id, m);
    }
    return m;
  }

  protected remember(L: Loaded, a: ActorRef): void {
    if (a.displayName && L.st.names[a.id] !== a.displayName) L.st.names[a.id] = a.displayName;
  }

  protected resolveMention(token: string, ev: Inbound): ActorRef | undefined {
    const m = /^<@([^>]+)>$/.exec(token.trim());
    const mentions = ev.mentions ?? [];
    if (m) return mentions.find((x) => x.id === m[1]) ?? { id: m[1]!, displayName: m[1]! };
    const at = /^@?([\p{L}\p{N}._:@-]{1,64})$/u.exec(token.trim());
    if (!at) return undefined;
    const name = at[1]!;
    const byName = mentions.find((x) => x.id === name || x.id === `@${name}` || x.displayName.toLowerCase() === name.toLowerCase());
    if (byName) return byName;
    // platforms without mention markup (terminal): a plain @name is the person's id
    if (token.trim().startsWith("@") && ev.platform === "console") return { id: name, displayName: name };
    return undefined;
  }

  protected isCoordinator(L: Loaded, actorId: string): boolean {
    return coordinatorId(L) === actorId;
  }

  protected holdsAnyRole(L: Loaded, actorId: string): boolean {
    return this.isCoordinator(L, actorId) || Object.values(ctxOf(L).roles).includes(actorId);
  }

  protected errorText(e: Extract<Command, { kind: "error" }>["error"]): string {
    const t = this.t;
    switch (e.code) {
      case "role-missing":
        return t.err.roleMissing;
      case "role-unknown":
        return t.err.roleUnknown(escapeMd(e.given.slice(0, 40)), e.suggestion);
      case "task-nr-missing":
        return t.err.taskNrMissing(e.verb === "bestätigt" ? "ok" : e.verb === "erledigt" ? "erledigt" : "überspringen");
      case "skip-reason-missing":
        return t.err.skipReason(e.nr);
      case "note-empty":
        return t.err.noteEmpty;
      case "answer-missing":
        return t.err.answerMissing;
      case "type-missing":
        return t.err.typeMissing;
      case "unknown":
        return e.suggestion ? t.didYouMean(escapeMd(e.given.slice(0, 40)), e.suggestion) : t.help(this.typesList());
    }
  }

  protected typesList(): string {
    return this.o.playbooks
      .list()
      .map((p) => this.t.typesLine(p.id, loc(p.title, this.locale)))
      .join(" · ");
  }

  templateContext(L: Loaded) {
    const c = this.o.config;
    const ctx = ctxOf(L);
    const answer: Record<string, string> = {};
    const answerLabels: Record<string, string> = {};
    for (const q of L.pb.questions) {
      answerLabels[q.id] = loc(q.text, this.locale);
      const a = ctx.answers[q.id];
      if (a !== undefined) answer[q.id] = q.kind === "time" ? showTime(a, this.locale) : a;
    }
    return {
      org: {
        ...(c ?? {}),
        kind: c?.kind === "praxis" ? "Praxis" : c?.kind === "kmu" ? "Firma" : undefined,
      },
      incident: {
        id: L.rec.id,
        title: L.rec.title,
        type: loc(L.pb.title, this.locale),
        level: this.t.levelName[ctx.level as Level],
        opened: showTime(L.rec.openedAt, this.locale),
        aware: showTime(L.rec.awareAt, this.locale),
        description: L.st.description || undefined,
        now: showTime(this.now(), this.locale),
      },
      role: {
        koordinator: nameOf(L, ctx.roles.koordinator),
        technik: nameOf(L, ctx.roles.technik),
        kommunikation: nameOf(L, ctx.roles.kommunikation),
      },
      answer,
      answerLabels,
    };
  }

  env(L: Loaded | undefined): ViewEnv {
    return { t: this.t, locale: this.locale, caps: this.caps(L?.rec.platform ?? "console"), config: this.o.config, now: this.now() };
  }

  protected caps(platform: string): Capabilities {
    return this.o.capabilities(platform) ?? NO_CAPABILITIES;
  }

  protected now(): Date {
    return this.o.clock.now();
  }

  protected iso(): string {
    return this.o.clock.now().toISOString();
  }
}

/** Phases whose task messages are on screen while in `phase` (Sofortmaßnahmen are shown from the start). */
export function visiblePhases(phase: Phase): Phase[] {
  const idx = PHASES.indexOf(phase);
  return WORK_PHASES.filter((_p, i) => i <= Math.max(1, idx));
}
