import { holds } from "../machines/conditions.ts";
import {
  createIncidentMachine,
  currentPhase,
  factsOf,
  type IncidentEvent,
  type IncidentMachine,
  openCriticalTasks,
  persist,
  restoreIncident,
  startIncident,
  step,
} from "../machines/machine.ts";
import { LEVELS, type Level, loc, PHASES, type Phase, type Playbook, ROLES, type RoleId, WORK_PHASES } from "../machines/schema.ts";
import { renderTemplate } from "../templates/render.ts";
import { type Capabilities, NO_CAPABILITIES } from "./adapter.ts";
import { GENESIS, hashEntry, verifyChain } from "./chain.ts";
import type { Clock } from "./clock.ts";
import { buildExport } from "./export.ts";
import { type Catalog, de } from "./i18n/de.ts";
import { en } from "./i18n/en.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { type Block, blocksToPlain, escapeMd, type Outbound } from "./message.ts";
import { flagsOf, type OrgConfig } from "./org.ts";
import { type Command, parseCommand, parseLevel } from "./parser.ts";
import type { IncidentRecord, StoragePort, TimerRow } from "./ports.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { sanitize } from "./text.ts";
import { addDuration, parseWhen, showDuration, showTime } from "./time.ts";
import {
  coordinatorId,
  ctxOf,
  deadlineTitle,
  headerBlocks,
  nameOf,
  questionLabel,
  questionsBlocks,
  reviewBlocks,
  roleTaskList,
  statusBlocks,
  taskActive,
  tasksBlocks,
  tasksOf,
  templatesListBlocks,
  type ViewEnv,
} from "./views.ts";
import { Work } from "./work.ts";

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

const ROLE_REMINDER_MIN = [10, 30, 60];
const SYSTEM: ActorRef = { id: "notfallbot", displayName: "notfallbot" };

export type HandleResult = "handled" | "duplicate" | "ignored";

/**
 * The incident service: parses what people say, applies it to the incident's machine and writes the
 * new snapshot, timeline entries, task rows, timers and outgoing messages in ONE transaction.
 * Synchronous by design (better-sqlite3), so two events never interleave inside one process.
 */
export class IncidentService {
  private readonly machines = new Map<string, IncidentMachine>();
  /** Recently used incidents (least recently used first); the database stays the source of truth. */
  private readonly cache = new Map<string, { rec: IncidentRecord; st: IncidentState }>();
  private static readonly CACHE_MAX = 256;
  /** Incident id by `channel + thread ref`: a thread never moves to another incident, so a hit is kept. */
  private readonly threads = new Map<string, string>();
  readonly t: Catalog;
  readonly locale: "de" | "en";

  private readonly o: ServiceOptions;

  constructor(o: ServiceOptions) {
    this.o = o;
    this.locale = o.locale ?? o.config?.locale ?? "de";
    this.t = this.locale === "en" ? en : de;
  }

  get config(): OrgConfig | undefined {
    return this.o.config;
  }

  // ───────────────────────────── entry points ─────────────────────────────

  /** Handle one inbound event. Redeliveries (same deliveryId) have no second effect. */
  handle(ev: Inbound): HandleResult {
    if (this.o.storage.hasDelivery(ev.platform, ev.deliveryId)) return "duplicate";
    for (let attempt = 0; attempt < 3; attempt++) {
      const w = new Work();
      let touched: Loaded | undefined;
      try {
        touched = this.route(ev, w);
      } catch (err) {
        this.o.log?.("error", "Fehler bei der Verarbeitung", err);
        const fresh = new Work();
        this.reply(fresh, ev, undefined, [{ type: "paragraph", text: this.t.err.internal }], true);
        this.commitWork(fresh, undefined, ev);
        return "handled";
      }
      const res = this.commitWork(w, touched, ev);
      if (res === "ok") return "handled";
      if (res === "duplicate") return "duplicate";
      if (touched) this.cache.delete(touched.rec.id); // conflict: another process wrote; reload and retry
    }
    this.o.log?.("error", "Konflikt beim Speichern nach drei Versuchen", { deliveryId: ev.deliveryId });
    return "ignored";
  }

  /** A timer from the database fell due. Fires exactly once (marked in the same transaction). */
  fireTimer(timer: TimerRow): void {
    for (let attempt = 0; attempt < 3; attempt++) {
      const w = new Work();
      w.fired.push(timer.id);
      const L = this.load(timer.incidentId);
      if (L && !ctxOf(L).closedAt) this.onTimer(w, L, timer);
      const res = this.commitWork(w, L && !ctxOf(L).closedAt ? L : undefined);
      if (res !== "conflict") return;
      this.cache.delete(timer.incidentId);
    }
  }

  /** A message could not be delivered for good: record it and tell the coordinator (once). */
  deliveryFailed(row: { key: string; incidentId: string | null; message: Outbound }, code: string): void {
    if (!row.incidentId || row.key.includes("/delivery-failed/")) return;
    const L = this.load(row.incidentId);
    if (!L) return;
    const w = new Work();
    this.log(w, L, SYSTEM, "delivery-failed", `Nachricht nicht zustellbar (${code}): ${row.key}`, { key: row.key, code });
    const coord = nameOf(L, coordinatorId(L))!;
    const preview = row.message.text.split("\n")[0]!.slice(0, 80);
    this.post(w, L, `${L.rec.id}/delivery-failed/${row.key}`, [
      { type: "paragraph", text: `${escapeMd(coord)}: ${this.t.err.deliveryFailed(escapeMd(preview), code)}` },
    ]);
    this.commitWork(w, L);
  }

  /** For tests, the CLI and the export command: a loaded incident by id. */
  incident(id: string): Loaded | undefined {
    return this.load(id);
  }

  // ───────────────────────────── routing ─────────────────────────────

  private route(ev: Inbound, w: Work): Loaded | undefined {
    if (ev.kind === "reaction") return this.onReaction(ev, w);
    const raw = ev.kind === "action" ? (ev.action?.command ?? "") : (ev.text ?? "");
    const text = sanitize(raw, 100_000);
    const L = this.findIncident(ev);
    if (L === "many") {
      // declaring another incident, help and parse errors need no incident: only commands about one are ambiguous
      const cmd = parseCommand(text, this.o.playbooks.list(), { mode: ev.kind === "reply" ? "reply" : "command" });
      if (cmd.kind === "open" || cmd.kind === "choose-type" || cmd.kind === "help" || cmd.kind === "handbook" || cmd.kind === "error")
        return this.execute(cmd, ev, w, undefined);
      const ids = this.o.storage
        .openIncidentsInChannel(ev.channel)
        .map((r) => r.id)
        .join(", ");
      this.reply(w, ev, undefined, [{ type: "paragraph", text: this.t.err.manyIncidents(ids) }], true);
      return undefined;
    }
    // In a terminal (no threads) a plain line without an open incident is read as a command.
    const threadless = !this.caps(ev.platform).threads;
    if (ev.kind === "reply" && !L && !threadless) return undefined; // ordinary chat in some other thread
    const mode = ev.kind === "reply" && L ? "reply" : "command";
    const cmd = parseCommand(text, this.o.playbooks.list(), { mode });
    if ((cmd.kind === "export" || cmd.kind === "status") && cmd.id) {
      const named = this.load(cmd.id);
      if (named && named.rec.tenant === ev.tenant && named.rec.platform === ev.platform) return this.execute(cmd, ev, w, named);
    }
    return this.execute(cmd, ev, w, L);
  }

  private findIncident(ev: Inbound): Loaded | "many" | undefined {
    if (ev.action?.incidentId) return this.load(ev.action.incidentId);
    if (ev.threadRef) {
      const thread = `${ev.channel}\n${ev.threadRef}`;
      const known = this.threads.get(thread);
      if (known) return this.load(known);
      const rec = this.o.storage.findIncidentByRef(ev.channel, ev.threadRef);
      if (rec) this.threads.set(thread, rec.id);
      return rec ? this.load(rec.id) : undefined;
    }
    if (ev.kind === "reply" && this.caps(ev.platform).threads) return undefined;
    const open = this.o.storage.openIncidentsInChannel(ev.channel);
    if (open.length === 1) return this.load(open[0]!.id);
    if (open.length > 1) return "many";
    return undefined;
  }

  private execute(cmd: Command, ev: Inbound, w: Work, L: Loaded | undefined): Loaded | undefined {
    const t = this.t;
    switch (cmd.kind) {
      case "help":
        this.reply(w, ev, L, [{ type: "paragraph", text: t.help(this.typesList()) }], false);
        return undefined;
      case "open":
        if (L && ev.threadRef) {
          this.reply(w, ev, L, [{ type: "paragraph", text: t.err.alreadyOpen(L.rec.id) }], true);
          return undefined;
        }
        return this.open(w, ev, cmd.playbookId, cmd.description, cmd.drill);
      case "choose-type": {
        const cands = cmd.candidates.length ? cmd.candidates : this.o.playbooks.list().map((p) => p.id);
        const pre = cmd.drill ? "übung " : "";
        const options = cands.map((id) => `\`${pre}${id}\``).join(" · ");
        const blocks: Block[] = [
          {
            type: "paragraph",
            text:
              cmd.candidates.length > 1
                ? t.chooseType(escapeMd(cmd.text.slice(0, 200)), options)
                : t.chooseTypeNone(escapeMd(cmd.text.slice(0, 200)), options),
          },
        ];
        if (this.caps(ev.platform).buttons)
          blocks.push({
            type: "buttons",
            buttons: cands.slice(0, 5).map((id) => ({
              label: loc(this.o.playbooks.get(id)!.title, this.locale).slice(0, 60),
              command: `${pre}${id} ${cmd.text}`.slice(0, 1500),
            })),
          });
        this.reply(w, ev, L, blocks, true);
        return undefined;
      }
      case "error":
        this.reply(w, ev, L, [{ type: "paragraph", text: this.errorText(cmd.error) }], true);
        return undefined;
      case "handbook":
        this.handbook(w, ev, L);
        return undefined;
      case "text":
        if (L && !ctxOf(L).closedAt) {
          this.remember(L, ev.actor);
          this.log(w, L, ev.actor, "text", cmd.text.slice(0, 4000), ev.messageRef ? { ref: ev.messageRef } : null);
          return L;
        }
        return undefined;
    }
    if (!L) {
      this.reply(w, ev, undefined, [{ type: "paragraph", text: t.err.noIncident }], true);
      return undefined;
    }
    if (ctxOf(L).closedAt && cmd.kind !== "export" && cmd.kind !== "status") {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.closed(L.rec.id) }], true);
      return undefined;
    }
    this.remember(L, ev.actor);
    for (const m of ev.mentions ?? []) if (!L.st.names[m.id]) L.st.names[m.id] = m.displayName;
    switch (cmd.kind) {
      case "role":
        return this.role(w, ev, L, cmd.role, cmd.target, cmd.release === true);
      case "status":
        this.post(w, L, `${L.rec.id}/status/${w.timeline.length}-${this.now().getTime()}`, statusBlocks(L, this.env(L)));
        return undefined;
      case "task":
        return this.task(w, ev, L, cmd.verb, cmd.nrs, cmd.reason);
      case "template":
        return this.template(w, ev, L, cmd.name);
      case "note":
        this.log(w, L, ev.actor, "note", sanitize(cmd.text));
        this.reply(w, ev, L, [{ type: "context", text: t.noteSaved }], true);
        return L;
      case "escalate":
        return this.escalate(w, ev, L, cmd.level, cmd.raw);
      case "advance":
        return this.advance(w, ev, L, cmd.reason);
      case "close":
        return this.close(w, ev, L, cmd.reason);
      case "export":
        return this.export(w, ev, L);
      case "answer":
        return this.answer(w, ev, L, cmd.ref, cmd.value);
    }
    return undefined;
  }

  // ───────────────────────────── commands ─────────────────────────────

  private open(w: Work, ev: Inbound, playbookId: string, description: string, drill: boolean): Loaded {
    const pb = this.o.playbooks.get(playbookId)!;
    const now = this.now();
    const iso = now.toISOString();
    const year = Number(showTime(now).match(/\d{4}/)?.[0] ?? now.getUTCFullYear());
    const nr = this.o.storage.nextIncidentNumber(year);
    const id = `NF-${year}-${String(nr).padStart(4, "0")}`;
    const machine = this.machineFor(pb);
    const snap = startIncident(machine, { playbookId: pb.id, level: pb.level, drill, flags: flagsOf(this.o.config), openedAt: iso });
    const caps = this.caps(ev.platform);
    const threadRef = caps.threadRoot === "message" && ev.messageRef ? ev.messageRef : (ev.threadRef ?? null);
    const rec: IncidentRecord = {
      id,
      tenant: ev.tenant,
      platform: ev.platform,
      channel: ev.channel,
      threadRef,
      threadKey: threadRef ? null : `${id}/header`,
      playbookId: pb.id,
      title: loc(pb.title, this.locale),
      level: pb.level,
      phase: "erkennung",
      drill,
      openedAt: iso,
      awareAt: iso,
      closedAt: null,
      declaredBy: ev.actor.id,
      snapshot: null,
      lastHash: GENESIS,
      lastSeq: 0,
      version: 0,
    };
    const st: IncidentState = {
      machine: persist(snap),
      names: { [ev.actor.id]: ev.actor.displayName },
      description: sanitize(description, 2000),
      deadlines: {},
      review: {},
      rolesReminded: 0,
    };
    const L: Loaded = { rec, pb, machine, snap, st };
    this.log(
      w,
      L,
      ev.actor,
      "opened",
      `${drill ? "ÜBUNG: " : ""}Notfall gemeldet: ${rec.title}${st.description ? ` – ${st.description}` : ""}`,
      {
        playbook: pb.id,
        level: pb.level,
        drill,
        description: st.description,
      },
    );
    const env = this.env(L);
    // header: at channel level (becomes the thread root) or in the thread of the declaring message
    this.post(w, L, `${id}/header`, headerBlocks(L, env), { root: !threadRef });
    if (pb.questions.length) this.post(w, L, `${id}/questions`, questionsBlocks(L, env));
    this.postPhaseTasks(w, L, "erkennung");
    this.postPhaseTasks(w, L, "sofort");
    if (pb.templates.length) this.post(w, L, `${id}/templates`, templatesListBlocks(L, env));
    this.scheduleRoleReminder(w, L);
    this.scheduleTaskDue(w, L, "erkennung");
    this.scheduleTaskDue(w, L, "sofort");
    this.startDeadlines(w, L, SYSTEM);
    this.syncTasks(w, L);
    return L;
  }

  private role(w: Work, ev: Inbound, L: Loaded, role: RoleId, target: string | undefined, release: boolean): Loaded | undefined {
    const t = this.t;
    const ctx = ctxOf(L);
    const isCoord = this.isCoordinator(L, ev.actor.id);
    let who: string | null = ev.actor.id;
    if (release) who = null;
    else if (target) {
      const resolved = this.resolveMention(target, ev);
      if (!resolved) {
        this.reply(w, ev, L, [{ type: "paragraph", text: t.err.mentionUnknown(escapeMd(target.slice(0, 80))) }], true);
        return undefined;
      }
      L.st.names[resolved.id] = resolved.displayName;
      who = resolved.id;
    }
    const holder = ctx.roles[role];
    const self = who === ev.actor.id || (release && holder === ev.actor.id);
    if (!isCoord && !self) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.roleAssignOthers(escapeMd(nameOf(L, coordinatorId(L))!)) }], true);
      return undefined;
    }
    if (!isCoord && holder && holder !== ev.actor.id) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.roleTaken(t.roleName[role], escapeMd(nameOf(L, holder)!)) }], true);
      return undefined;
    }
    if (holder === (who ?? undefined)) {
      this.reply(
        w,
        ev,
        L,
        [{ type: "paragraph", text: t.roleAssigned(escapeMd(nameOf(L, holder)!), t.roleName[role], t.roleWhat[role]) }],
        true,
      );
      return undefined;
    }
    this.apply(L, { type: "ROLE", role, actorId: who, at: this.iso() });
    const roleName = t.roleName[role];
    if (who) {
      const shown = visiblePhases(currentPhase(ctxOf(L)));
      const n = tasksOf(L).filter(
        (x) =>
          x.role === role && shown.includes(x.phase as Phase) && taskActive(L, x) && (ctxOf(L).tasks[x.id]?.state ?? "offen") === "offen",
      ).length;
      this.log(
        w,
        L,
        ev.actor,
        "role",
        `${nameOf(L, who)} übernimmt die Rolle ${roleName}${holder ? ` (vorher ${nameOf(L, holder)})` : ""}`,
        {
          role,
          actorId: who,
          previous: holder ?? null,
        },
      );
      this.post(w, L, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [
        { type: "paragraph", text: `${t.roleAssigned(escapeMd(nameOf(L, who)!), roleName, t.roleWhat[role])} ${t.roleOpenTasks(n)}` },
      ]);
    } else {
      this.log(w, L, ev.actor, "role", `Rolle ${roleName} wieder frei (vorher ${nameOf(L, holder)})`, {
        role,
        actorId: null,
        previous: holder ?? null,
      });
      this.post(w, L, `${L.rec.id}/role/${role}/${L.rec.lastSeq}`, [{ type: "paragraph", text: t.roleReleased(roleName) }]);
    }
    this.refreshHeader(w, L);
    // task lists show the holder's name
    const phase = currentPhase(ctxOf(L));
    for (const p of visiblePhases(phase)) this.refreshTasks(w, L, p, role);
    return L;
  }

  private task(
    w: Work,
    ev: Inbound,
    L: Loaded,
    verb: "bestätigt" | "erledigt" | "übersprungen",
    nrs: number[],
    reason?: string,
  ): Loaded | undefined {
    const t = this.t;
    // bounded like every other stored text: the reason lives in the snapshot and in the task list
    if (reason !== undefined) reason = sanitize(reason, 500);
    const all = tasksOf(L);
    let changed = false;
    const problems: string[] = [];
    for (const nr of [...new Set(nrs)]) {
      const task = all.find((x) => x.nr === nr);
      if (!task) {
        problems.push(t.err.taskUnknown(nr, all.length));
        continue;
      }
      if (!taskActive(L, task)) {
        problems.push(t.err.taskInactive(nr));
        continue;
      }
      const holder = ctxOf(L).roles[task.role];
      const allowed = holder === ev.actor.id || this.isCoordinator(L, ev.actor.id);
      if (!allowed) {
        problems.push(
          holder
            ? t.err.taskNotYours(nr, t.roleName[task.role], escapeMd(nameOf(L, holder)!))
            : t.err.taskRoleFree(nr, t.roleName[task.role], `rolle ${task.role}`),
        );
        continue;
      }
      const cur = ctxOf(L).tasks[task.id]?.state ?? "offen";
      if (cur === "erledigt" || cur === "übersprungen" || (cur === "bestätigt" && verb === "bestätigt")) {
        problems.push(t.err.taskAlready(nr, t.taskState[cur]));
        continue;
      }
      this.apply(L, { type: "TASK", taskId: task.id, to: verb, by: ev.actor.id, at: this.iso(), ...(reason ? { reason } : {}) });
      changed = true;
      const text = loc(task.text, "de");
      this.log(w, L, ev.actor, "task", `Aufgabe ${nr} ${verb}: ${text}${reason ? ` – ${sanitize(reason, 500)}` : ""}`, {
        task: task.id,
        nr,
        state: verb,
        reason: reason ?? null,
      });
      if (verb !== "bestätigt") w.cancel.push(`${L.rec.id}:task-due:${task.id}`);
      if (verb === "erledigt" && task.fulfils) this.meetDeadline(w, L, task.fulfils, ev.actor);
      if (this.caps(L.rec.platform).update) this.refreshTasks(w, L, task.phase as Phase, task.role, nr);
      else
        this.post(w, L, `${L.rec.id}/task-change/${L.rec.lastSeq}`, [
          { type: "paragraph", text: t.taskChanged(nr, loc(task.text, this.locale), t.taskState[verb], escapeMd(nameOf(L, ev.actor.id)!)) },
        ]);
    }
    if (problems.length) this.reply(w, ev, L, [{ type: "paragraph", text: problems.join("\n") }], true);
    return changed ? L : undefined;
  }

  private answer(w: Work, ev: Inbound, L: Loaded, ref: string, value: string): Loaded | undefined {
    const t = this.t;
    if (!this.holdsAnyRole(L, ev.actor.id)) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.answerNotAllowed }], true);
      return undefined;
    }
    const review = /^l(\d+)$/i.exec(ref);
    if (review) {
      const q = L.pb.review[Number(review[1]) - 1];
      if (!q) {
        this.reply(w, ev, L, [{ type: "paragraph", text: t.err.answerUnknown(escapeMd(ref)) }], true);
        return undefined;
      }
      L.st.review[q.id] = sanitize(value, 2000);
      this.log(w, L, ev.actor, "review", `Nachbereitung ${ref.toUpperCase()}: ${loc(q.text, "de")} → ${L.st.review[q.id]}`, {
        question: q.id,
        answer: L.st.review[q.id],
      });
      this.post(w, L, `${L.rec.id}/review`, reviewBlocks(L, this.env(L)), { replace: true });
      return L;
    }
    const idx = Number(ref) - 1;
    const q = Number.isInteger(idx) ? L.pb.questions[idx] : L.pb.questions.find((x) => x.id === ref);
    if (!q) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.answerUnknown(escapeMd(ref.slice(0, 40))) }], true);
      return undefined;
    }
    const nr = questionLabel(L.pb.questions.indexOf(q));
    let stored: string;
    let shown: string;
    if (q.kind === "yesno") {
      const v = value.trim().toLowerCase();
      const yes = /^(ja|j|yes|y|jep|jawohl|ja\b.*)$/.test(v);
      const no = /^(nein|n|no|nö|noe|nee)\b/.test(v);
      const unclear = /^(unklar|unbekannt|weiss nicht|weiß nicht|unknown|unclear|not sure|\?)/.test(v);
      if (!yes && !no && !unclear) {
        this.reply(w, ev, L, [{ type: "paragraph", text: t.err.answerYesNo(nr) }], true);
        return undefined;
      }
      stored = yes ? "ja" : no ? "nein" : "unklar";
      shown = stored === "ja" ? t.answerYes : stored === "nein" ? t.answerNo : t.answerUnclear;
    } else if (q.kind === "time") {
      const at = parseWhen(value, this.now());
      if (!at) {
        this.reply(w, ev, L, [{ type: "paragraph", text: t.err.answerTime(nr) }], true);
        return undefined;
      }
      stored = at.toISOString();
      shown = showTime(at, this.locale);
    } else {
      stored = sanitize(value, 2000);
      shown = escapeMd(stored);
    }
    const before = ctxOf(L).level;
    this.apply(L, { type: "ANSWER", questionId: q.id, value: stored, at: this.iso() });
    this.log(w, L, ev.actor, "answer", `Frage ${nr}: ${loc(q.text, "de")} → ${q.kind === "time" ? showTime(stored) : stored}`, {
      question: q.id,
      answer: stored,
    });
    const blocks: Block[] = [{ type: "paragraph", text: t.answerRecorded(nr, loc(q.text, this.locale), shown) }];
    if (q.kind === "time" && q.sets_awareness) {
      L.rec.awareAt = stored;
      blocks.push({ type: "context", text: t.awarenessSet(shown) });
      this.log(w, L, ev.actor, "aware", `Kenntnisnahme festgelegt: ${showTime(stored)}`, { awareAt: stored });
      this.rescheduleAwareDeadlines(w, L);
    }
    if (q.kind === "yesno" && stored === "ja" && q.raise_to && LEVELS.indexOf(q.raise_to) > LEVELS.indexOf(before)) {
      this.changeLevel(w, L, SYSTEM, q.raise_to);
    }
    this.post(w, L, `${L.rec.id}/answer/${L.rec.lastSeq}`, blocks);
    this.post(w, L, `${L.rec.id}/questions`, questionsBlocks(L, this.env(L)), { replace: true });
    this.startDeadlines(w, L, ev.actor);
    this.activateConditional(w, L);
    return L;
  }

  private escalate(w: Work, ev: Inbound, L: Loaded, level: Level | undefined, raw: string): Loaded | undefined {
    const t = this.t;
    if (!this.isCoordinator(L, ev.actor.id)) {
      this.reply(
        w,
        ev,
        L,
        [{ type: "paragraph", text: t.err.onlyCoordinator(t.whatEscalate, escapeMd(nameOf(L, coordinatorId(L))!)) }],
        true,
      );
      return undefined;
    }
    const lvl = level ?? parseLevel(raw.split(/\s+/)[0] ?? "");
    if (!lvl) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.levelUnknown(escapeMd(raw.slice(0, 40))) }], true);
      return undefined;
    }
    if (lvl === ctxOf(L).level) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.levelUnchanged(t.levelName[lvl]) }], true);
      return undefined;
    }
    this.changeLevel(w, L, ev.actor, lvl);
    this.startDeadlines(w, L, ev.actor);
    this.activateConditional(w, L);
    return L;
  }

  private changeLevel(w: Work, L: Loaded, actor: ActorRef, lvl: Level): void {
    const t = this.t;
    const from = ctxOf(L).level as Level;
    this.apply(L, { type: "ESCALATE", level: lvl, at: this.iso() });
    L.rec.level = lvl;
    this.log(w, L, actor, "level", `Stufe ${de.levelName[from]} → ${de.levelName[lvl]}`, { from, to: lvl });
    const blocks: Block[] = [{ type: "paragraph", text: t.levelChanged(t.levelName[from], t.levelName[lvl], t.levelMeaning[lvl]) }];
    const raise = L.pb.levels?.[lvl]?.raise_when;
    if (raise) blocks.push({ type: "context", text: loc(raise, this.locale) });
    this.post(w, L, `${L.rec.id}/level/${L.rec.lastSeq}`, blocks);
    this.refreshHeader(w, L);
  }

  private advance(w: Work, ev: Inbound, L: Loaded, reason?: string): Loaded | undefined {
    const t = this.t;
    if (!this.isCoordinator(L, ev.actor.id)) {
      this.reply(
        w,
        ev,
        L,
        [{ type: "paragraph", text: t.err.onlyCoordinator(t.whatAdvance, escapeMd(nameOf(L, coordinatorId(L))!)) }],
        true,
      );
      return undefined;
    }
    if (reason !== undefined) reason = sanitize(reason, 1000);
    const phase = currentPhase(ctxOf(L));
    if (phase === "nachbereitung") return this.close(w, ev, L, reason);
    const open = openCriticalTasks(L.pb, ctxOf(L), phase);
    const next = this.apply(L, { type: "ADVANCE", by: ev.actor.id, at: this.iso(), ...(reason ? { reason: sanitize(reason, 1000) } : {}) });
    if (!next) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.advanceBlocked(this.taskRefs(L, open)) }], true);
      return undefined;
    }
    const entered = currentPhase(ctxOf(L));
    L.rec.phase = entered;
    if (open.length && reason)
      this.log(
        w,
        L,
        ev.actor,
        "override",
        `Phase ${de.phaseName[phase]} verlassen trotz offener wichtiger Aufgaben (${this.taskRefs(L, open)}). Begründung: ${reason}`,
        {
          phase,
          open,
          reason,
        },
      );
    this.log(w, L, ev.actor, "phase", `Phase: ${de.phaseName[entered]}`, { from: phase, to: entered });
    const blocks: Block[] = [{ type: "heading", text: t.phaseEntered(t.phaseName[entered]) }];
    if (open.length && reason) blocks.push({ type: "context", text: t.phaseOverride(escapeMd(reason)) });
    if (entered === "wiederherstellung" && L.pb.recovery.length)
      blocks.push({ type: "paragraph", text: L.pb.recovery.map((r, i) => `${i + 1}. ${loc(r, this.locale)}`).join("\n") });
    this.post(w, L, `${L.rec.id}/phase/${entered}`, blocks);
    if (entered !== "sofort") this.postPhaseTasks(w, L, entered);
    if (entered === "nachbereitung" && L.pb.review.length) this.post(w, L, `${L.rec.id}/review`, reviewBlocks(L, this.env(L)));
    this.scheduleTaskDue(w, L, entered);
    this.refreshHeader(w, L);
    return L;
  }

  private close(w: Work, ev: Inbound, L: Loaded, reason?: string): Loaded | undefined {
    const t = this.t;
    if (!this.isCoordinator(L, ev.actor.id)) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.onlyCoordinator(t.whatClose, escapeMd(nameOf(L, coordinatorId(L))!)) }], true);
      return undefined;
    }
    if (reason !== undefined) reason = sanitize(reason, 1000);
    const phase = currentPhase(ctxOf(L));
    const open = openCriticalTasks(L.pb, ctxOf(L), phase);
    const next = this.apply(L, { type: "CLOSE", by: ev.actor.id, at: this.iso(), ...(reason ? { reason: sanitize(reason, 1000) } : {}) });
    if (!next) {
      const text = phase === "nachbereitung" ? t.err.closeBlocked(this.taskRefs(L, open)) : t.err.closeNotYet(t.phaseName[phase]);
      this.reply(w, ev, L, [{ type: "paragraph", text }], true);
      return undefined;
    }
    const iso = this.iso();
    L.rec.closedAt = iso;
    L.rec.phase = "abgeschlossen";
    for (const [id, d] of Object.entries(L.st.deadlines)) {
      if (!d.metAt && !d.missedAt && d.dueAt && d.dueAt < iso) d.missedAt = d.dueAt;
      void id;
    }
    this.log(w, L, ev.actor, "closed", `Notfall abgeschlossen${reason ? `. Grund: ${reason}` : ""}`, { reason: reason ?? null, phase });
    w.cancel.push(...this.pendingTimerIds(L));
    this.post(w, L, `${L.rec.id}/summary`, buildSummary(L, this.env(L)));
    this.refreshHeader(w, L);
    return L;
  }

  private template(w: Work, ev: Inbound, L: Loaded, name?: string): Loaded | undefined {
    const t = this.t;
    if (!name) {
      this.post(w, L, `${L.rec.id}/templates/${this.now().getTime()}`, templatesListBlocks(L, this.env(L)));
      return undefined;
    }
    const f = name.trim().toLowerCase();
    const tpl =
      L.pb.templates.find((x) => x.id === f) ??
      L.pb.templates.find((x) => x.audience === f) ??
      L.pb.templates.find((x) => x.id.startsWith(f) || loc(x.title, "de").toLowerCase().includes(f) || x.audience.startsWith(f));
    if (!tpl) {
      this.reply(
        w,
        ev,
        L,
        [
          {
            type: "paragraph",
            text: t.err.templateUnknown(escapeMd(name.slice(0, 60)), L.pb.templates.map((x) => `\`${x.id}\``).join(", ")),
          },
        ],
        true,
      );
      return undefined;
    }
    if (!holds(tpl.when, factsOf(ctxOf(L)))) {
      const q = tpl.when?.question;
      const idx = q ? L.pb.questions.findIndex((x) => x.id === q) : -1;
      const answer = tpl.when?.answer === undefined ? "ja" : [tpl.when.answer].flat()[0]!;
      const how = idx >= 0 ? `antwort ${questionLabel(idx)} ${answer}` : undefined;
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.templateInactive(loc(tpl.title, this.locale), how) }], true);
      return undefined;
    }
    const rendered = renderTemplate(loc(tpl.body, this.locale), this.templateContext(L));
    const blocks: Block[] = [];
    if (L.rec.drill && tpl.external) blocks.push({ type: "context", text: `🧪 ${t.templateExternalDrill}` });
    blocks.push({ type: "template", title: loc(tpl.title, this.locale), body: rendered.text });
    blocks.push({
      type: "context",
      text: rendered.gaps.length ? `${t.templateFooter} ${t.templateGaps(rendered.gaps.map((g) => `[[${g}]]`))}` : t.templateFooter,
    });
    this.log(w, L, ev.actor, "template", `Vorlage angezeigt: ${loc(tpl.title, "de")}`, { template: tpl.id, gaps: rendered.gaps });
    this.post(w, L, `${L.rec.id}/template/${tpl.id}/${L.rec.lastSeq}`, blocks);
    return L;
  }

  private export(w: Work, ev: Inbound, L: Loaded): Loaded | undefined {
    const t = this.t;
    if (!this.holdsAnyRole(L, ev.actor.id)) {
      // role holders may export, not only the coordinator
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.exportNotAllowed }], true);
      return undefined;
    }
    this.log(w, L, ev.actor, "export", "Export erstellt", null);
    const entries = [...this.o.storage.timeline(L.rec.id), ...w.timeline];
    const verdict = verifyChain(entries);
    const files = this.exportFiles(L, entries);
    this.post(w, L, `${L.rec.id}/export/${L.rec.lastSeq}`, [
      { type: "paragraph", text: t.exportDone(files.map((f) => `\`${f}\``).join(", "), verdict.ok) },
    ]);
    return L;
  }

  /** Write Markdown + JSON of an incident (used by `/notfall export` and `notfallbot export`). */
  exportFiles(L: Loaded, entries = this.o.storage.timeline(L.rec.id)): string[] {
    const out = buildExport(L, entries, this.env(L), this.o.storage.tasks(L.rec.id));
    return this.o.exports
      ? this.o.exports.save(L.rec.id, [
          { ext: "md", content: out.markdown },
          { ext: "json", content: out.json },
        ])
      : [];
  }

  private handbook(w: Work, ev: Inbound, L: Loaded | undefined): void {
    const t = this.t;
    if (!this.o.handbook) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.handbookUnavailable }], true);
      return;
    }
    const files = this.o.handbook();
    this.reply(w, ev, L, [{ type: "paragraph", text: t.handbookDone(files.map((f) => `\`${f}\``).join(", ")) }], false);
  }

  private onReaction(ev: Inbound, w: Work): Loaded | undefined {
    const r = ev.reaction;
    if (!r) return undefined;
    const verb = r.emoji === "✅" ? "erledigt" : r.emoji === "👍" || r.emoji === "👀" ? "bestätigt" : undefined;
    if (!verb) return undefined;
    const hit = this.o.storage.keyForRef(ev.channel, r.messageRef);
    if (!hit?.incidentId) return undefined;
    const L = this.load(hit.incidentId);
    if (!L || ctxOf(L).closedAt) return undefined;
    this.remember(L, ev.actor);
    const single = /\/task\/(\d+)$/.exec(hit.key);
    if (single) return this.task(w, ev, L, verb, [Number(single[1])]);
    const list = /\/tasks\/([a-z]+)\/([a-z]+)$/.exec(hit.key);
    if (list) {
      const open = roleTaskList(L, this.env(L), list[1] as Phase, list[2] as RoleId).filter((x) => {
        const s = ctxOf(L).tasks[x.id]?.state ?? "offen";
        return verb === "erledigt" ? s === "offen" || s === "bestätigt" : s === "offen";
      });
      if (open.length === 1) return this.task(w, ev, L, verb, [open[0]!.nr]);
      if (open.length > 1)
        this.reply(w, ev, L, [{ type: "paragraph", text: this.t.err.taskNrMissing(verb === "erledigt" ? "erledigt" : "ok") }], true);
    }
    return undefined;
  }

  // ───────────────────────────── timers & deadlines ─────────────────────────────

  private onTimer(w: Work, L: Loaded, timer: TimerRow): void {
    const t = this.t;
    const p = (timer.payload ?? {}) as Record<string, unknown>;
    switch (timer.kind) {
      case "roles": {
        const free = ROLES.filter((r) => !ctxOf(L).roles[r]);
        if (!free.length) return;
        L.st.rolesReminded += 1;
        this.log(w, L, SYSTEM, "reminder", `Erinnerung: Rollen nicht besetzt (${free.map((r) => de.roleName[r]).join(", ")})`, {
          roles: free,
        });
        this.post(w, L, `${L.rec.id}/roles-reminder/${L.st.rolesReminded}`, [
          { type: "paragraph", text: t.rolesReminder(free.map((r) => t.roleName[r])) },
        ]);
        this.scheduleRoleReminder(w, L);
        return;
      }
      case "task-due": {
        const task = tasksOf(L).find((x) => x.id === p.task);
        if (!task || !taskActive(L, task)) return;
        const s = ctxOf(L).tasks[task.id]?.state ?? "offen";
        if (s === "erledigt" || s === "übersprungen") return;
        const holder = nameOf(L, ctxOf(L).roles[task.role]) ?? t.roleName[task.role];
        this.log(w, L, SYSTEM, "reminder", `Erinnerung: Aufgabe ${task.nr} fällig`, { task: task.id });
        this.post(w, L, `${L.rec.id}/task-due/${task.id}`, [
          { type: "paragraph", text: t.taskOverdue(task.nr, loc(task.text, this.locale), escapeMd(holder)) },
        ]);
        return;
      }
      case "deadline-reminder":
      case "deadline-due": {
        const id = String(p.deadline);
        const d = L.st.deadlines[id];
        if (!d || d.metAt || d.missedAt) return;
        const title = deadlineTitle(L, this.env(L), id);
        const holder = escapeMd(nameOf(L, ctxOf(L).roles.kommunikation) ?? nameOf(L, coordinatorId(L))!);
        if (timer.kind === "deadline-reminder") {
          if (!d.dueAt) {
            this.log(w, L, SYSTEM, "reminder", `Erinnerung: ${deadlineTitle(L, { ...this.env(L), locale: "de" }, id)} (unverzüglich)`, {
              deadline: id,
            });
            this.post(w, L, `${L.rec.id}/deadline/${id}/urgent/${timer.id}`, [
              { type: "paragraph", text: t.deadlineUrgent(title, holder) },
            ]);
            return;
          }
          const left = new Date(d.dueAt).getTime() - this.now().getTime();
          this.log(
            w,
            L,
            SYSTEM,
            "reminder",
            `Erinnerung: ${deadlineTitle(L, { ...this.env(L), locale: "de" }, id)}, noch ${showDuration(left)}`,
            { deadline: id, dueAt: d.dueAt },
          );
          this.post(w, L, `${L.rec.id}/deadline/${id}/reminder/${timer.id}`, [
            { type: "paragraph", text: t.deadlineReminder(title, showDuration(left, this.locale), showTime(d.dueAt, this.locale), holder) },
          ]);
          return;
        }
        d.missedAt = this.iso();
        const coord = escapeMd(nameOf(L, coordinatorId(L))!);
        this.log(w, L, SYSTEM, "deadline-missed", `Frist verpasst: ${deadlineTitle(L, { ...this.env(L), locale: "de" }, id)}`, {
          deadline: id,
          dueAt: d.dueAt ?? null,
        });
        this.post(w, L, `${L.rec.id}/deadline/${id}/missed`, [{ type: "paragraph", text: t.deadlineMissed(title, coord) }]);
        return;
      }
    }
  }

  private startDeadlines(w: Work, L: Loaded, actor: ActorRef): void {
    const facts = factsOf(ctxOf(L));
    for (const d of L.pb.deadlines) {
      if (L.st.deadlines[d.id]) continue;
      if (d.from === "deadline") continue; // started when `after` is met
      if (!holds(d.when, facts)) continue;
      const start = d.from === "aware" ? new Date(L.rec.awareAt) : this.now();
      this.startDeadline(w, L, d.id, start, actor);
    }
  }

  private startDeadline(w: Work, L: Loaded, id: string, start: Date, actor: ActorRef): void {
    const d = L.pb.deadlines.find((x) => x.id === id)!;
    const due = d.within ? addDuration(start, d.within) : undefined;
    L.st.deadlines[id] = { startedAt: start.toISOString(), ...(due ? { dueAt: due.toISOString() } : {}) };
    const title = loc(d.title, this.locale);
    this.log(w, L, actor, "deadline", `Frist gestartet: ${loc(d.title, "de")}${due ? ` – fällig ${showTime(due)}` : " – unverzüglich"}`, {
      deadline: id,
      startedAt: start.toISOString(),
      dueAt: due?.toISOString() ?? null,
    });
    const blocks: Block[] = [
      { type: "paragraph", text: this.t.deadlineStarted(title, due ? showTime(due, this.locale) : undefined, loc(d.basis, this.locale)) },
    ];
    const task = tasksOf(L).find((x) => x.fulfils === id && taskActive(L, x));
    if (task) blocks.push({ type: "context", text: this.t.deadlineHowto(task.nr) });
    if (L.rec.drill) blocks.push({ type: "context", text: this.t.drillBanner });
    this.post(w, L, `${L.rec.id}/deadline/${id}/started`, blocks);
    this.scheduleDeadline(w, L, id);
  }

  private scheduleDeadline(w: Work, L: Loaded, id: string): void {
    const d = L.pb.deadlines.find((x) => x.id === id)!;
    const s = L.st.deadlines[id]!;
    const now = this.now().getTime();
    if (s.dueAt) {
      const due = new Date(s.dueAt);
      for (const before of d.remind_before) {
        const at = addDuration(due, before, -1);
        if (at.getTime() > now)
          this.addTimer(w, L, `deadline-reminder:${id}:${s.dueAt}:${before}`, "deadline-reminder", at, { deadline: id });
      }
      this.addTimer(w, L, `deadline-due:${id}:${s.dueAt}`, "deadline-due", due.getTime() > now ? due : new Date(now), { deadline: id });
    } else {
      const start = new Date(s.startedAt);
      for (const after of ["PT1H", "PT4H", "PT24H"])
        this.addTimer(w, L, `deadline-reminder:${id}:urgent:${after}`, "deadline-reminder", addDuration(start, after), { deadline: id });
    }
  }

  private rescheduleAwareDeadlines(w: Work, L: Loaded): void {
    for (const d of L.pb.deadlines) {
      const s = L.st.deadlines[d.id];
      if (!s || s.metAt || s.missedAt || d.from !== "aware") continue;
      w.cancel.push(...this.pendingTimerIds(L).filter((id) => id.includes(`:${d.id}:`)));
      const start = new Date(L.rec.awareAt);
      const due = d.within ? addDuration(start, d.within) : undefined;
      L.st.deadlines[d.id] = { startedAt: start.toISOString(), ...(due ? { dueAt: due.toISOString() } : {}) };
      if (due)
        this.log(w, L, SYSTEM, "deadline", `Frist neu berechnet: ${loc(d.title, "de")} – fällig ${showTime(due)}`, {
          deadline: d.id,
          dueAt: due.toISOString(),
        });
      this.scheduleDeadline(w, L, d.id);
    }
  }

  private meetDeadline(w: Work, L: Loaded, id: string, actor: ActorRef): void {
    const s = L.st.deadlines[id];
    if (!s || s.metAt) return;
    s.metAt = this.iso();
    s.metBy = actor.id;
    const late = s.missedAt !== undefined;
    this.log(
      w,
      L,
      actor,
      "deadline-met",
      `Frist ${late ? "verspätet " : ""}erfüllt: ${deadlineTitle(L, { ...this.env(L), locale: "de" }, id)}`,
      { deadline: id, late },
    );
    w.cancel.push(...this.pendingTimerIds(L).filter((x) => x.includes(`:${id}:`)));
    this.post(w, L, `${L.rec.id}/deadline/${id}/met`, [{ type: "context", text: this.t.deadlineMet(deadlineTitle(L, this.env(L), id)) }]);
    for (const d of L.pb.deadlines)
      if (d.from === "deadline" && d.after === id && !L.st.deadlines[d.id] && holds(d.when, factsOf(ctxOf(L))))
        this.startDeadline(w, L, d.id, this.now(), actor);
  }

  private scheduleRoleReminder(w: Work, L: Loaded): void {
    const n = L.st.rolesReminded;
    const mins = ROLE_REMINDER_MIN[n];
    if (mins === undefined) return;
    this.addTimer(w, L, `roles:${n}`, "roles", new Date(this.now().getTime() + mins * 60000), {});
  }

  private scheduleTaskDue(w: Work, L: Loaded, phase: Phase): void {
    for (const task of tasksOf(L)) {
      if (task.phase !== phase || !task.due || !taskActive(L, task)) continue;
      this.addTimer(w, L, `task-due:${task.id}`, "task-due", addDuration(this.now(), task.due), { task: task.id });
    }
  }

  private addTimer(w: Work, L: Loaded, key: string, kind: string, at: Date, payload: Record<string, unknown>): void {
    w.timers.push({ id: `${L.rec.id}:${key}`, incidentId: L.rec.id, kind, dueAt: at.toISOString(), payload });
  }

  private pendingTimerIds(L: Loaded): string[] {
    return this.o.storage.pendingTimers(L.rec.id).map((x) => x.id);
  }

  /** Tasks and templates switched on by an answer or a level: show the new tasks. */
  private activateConditional(w: Work, L: Loaded): void {
    const phase = currentPhase(ctxOf(L));
    for (const p of visiblePhases(phase)) for (const r of ROLES) this.refreshTasks(w, L, p, r);
    if (L.pb.templates.some((x) => x.when))
      this.post(w, L, `${L.rec.id}/templates`, templatesListBlocks(L, this.env(L)), { replace: true });
    this.syncTasks(w, L);
  }

  // ───────────────────────────── helpers ─────────────────────────────

  private postPhaseTasks(w: Work, L: Loaded, phase: Phase): void {
    const env = this.env(L);
    for (const role of ROLES) {
      const list = roleTaskList(L, env, phase, role);
      if (!list.length) continue;
      if (env.caps.buttons || !env.caps.reactions) this.post(w, L, `${L.rec.id}/tasks/${phase}/${role}`, tasksBlocks(L, env, phase, role));
      else for (const task of list) this.post(w, L, `${L.rec.id}/task/${task.nr}`, tasksBlocks(L, env, phase, role, task.nr));
    }
  }

  /** Re-render a role's task message(s) of a phase in place (only where the platform can update). */
  private refreshTasks(w: Work, L: Loaded, phase: Phase, role: RoleId, onlyNr?: number): void {
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

  private refreshHeader(w: Work, L: Loaded): void {
    if (!this.caps(L.rec.platform).update) return;
    this.post(w, L, `${L.rec.id}/header`, headerBlocks(L, this.env(L)), { replace: true, root: !L.rec.threadRef });
  }

  private taskRefs(L: Loaded, ids: string[]): string {
    const all = tasksOf(L);
    return ids
      .map((id) => all.find((x) => x.id === id)!)
      .map((x) => `${x.nr} (${loc(x.text, this.locale).slice(0, 60)})`)
      .join(", ");
  }

  /** Task rows to write: every active task, or (`only`) just those an event changed. */
  private syncTasks(w: Work, L: Loaded, only?: ReadonlySet<string>): void {
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

  private apply(L: Loaded, ev: IncidentEvent): boolean {
    const next = step(L.machine, L.snap, ev);
    if (next === L.snap || (next.value === L.snap.value && next.context === L.snap.context)) return false;
    L.snap = next;
    L.st.machine = persist(next);
    L.rec.phase = String(next.value);
    return true;
  }

  private log(w: Work, L: Loaded, actor: ActorRef, kind: string, text: string, data: unknown = null): void {
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

  private post(w: Work, L: Loaded, key: string, blocks: Block[], opts: { replace?: boolean; root?: boolean } = {}): void {
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
  private reply(w: Work, ev: Inbound, L: Loaded | undefined, blocks: Block[], privately: boolean): void {
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

  private commitWork(w: Work, L: Loaded | undefined, ev?: Inbound): "ok" | "duplicate" | "conflict" {
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

  private cacheSet(id: string, entry: { rec: IncidentRecord; st: IncidentState }): void {
    this.cache.delete(id);
    this.cache.set(id, entry);
    if (this.cache.size > IncidentService.CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
  }

  private load(id: string): Loaded | undefined {
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

  private machineFor(pb: Playbook): IncidentMachine {
    let m = this.machines.get(pb.id);
    if (!m) {
      m = createIncidentMachine(pb);
      this.machines.set(pb.id, m);
    }
    return m;
  }

  private remember(L: Loaded, a: ActorRef): void {
    if (a.displayName && L.st.names[a.id] !== a.displayName) L.st.names[a.id] = a.displayName;
  }

  private resolveMention(token: string, ev: Inbound): ActorRef | undefined {
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

  private isCoordinator(L: Loaded, actorId: string): boolean {
    return coordinatorId(L) === actorId;
  }

  private holdsAnyRole(L: Loaded, actorId: string): boolean {
    return this.isCoordinator(L, actorId) || Object.values(ctxOf(L).roles).includes(actorId);
  }

  private errorText(e: Extract<Command, { kind: "error" }>["error"]): string {
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

  private typesList(): string {
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

  private caps(platform: string): Capabilities {
    return this.o.capabilities(platform) ?? NO_CAPABILITIES;
  }

  private now(): Date {
    return this.o.clock.now();
  }

  private iso(): string {
    return this.o.clock.now().toISOString();
  }
}

/** Phases whose task messages are on screen while in `phase` (Sofortmaßnahmen are shown from the start). */
function visiblePhases(phase: Phase): Phase[] {
  const idx = PHASES.indexOf(phase);
  return WORK_PHASES.filter((_p, i) => i <= Math.max(1, idx));
}
