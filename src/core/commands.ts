import { holds } from "../machines/conditions.ts";
import { currentPhase, factsOf, openCriticalTasks, persist, startIncident } from "../machines/machine.ts";
import { LEVELS, type Level, loc, type Phase, type RoleId } from "../machines/schema.ts";
import { renderTemplate } from "../templates/render.ts";
import { GENESIS, verifyChain } from "./chain.ts";
import { IncidentTimers } from "./deadlines.ts";
import { buildExport } from "./export.ts";
import { de } from "./i18n/de.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { SYSTEM, visiblePhases } from "./incident-core.ts";
import { type Block, escapeMd } from "./message.ts";
import { flagsOf } from "./org.ts";
import { parseLevel } from "./parser.ts";
import type { IncidentRecord } from "./ports.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { sanitize } from "./text.ts";
import { parseWhen, showTime } from "./time.ts";
import {
  coordinatorId,
  ctxOf,
  headerBlocks,
  nameOf,
  questionLabel,
  questionsBlocks,
  reviewBlocks,
  roleTaskList,
  taskActive,
  tasksOf,
  templatesListBlocks,
} from "./views.ts";
import type { Work } from "./work.ts";

/** What people ask for: declare, roles, tasks, answers, levels, phases, templates, export, reactions. */
export class IncidentCommands extends IncidentTimers {
  // ───────────────────────────── commands ─────────────────────────────

  protected open(w: Work, ev: Inbound, playbookId: string, description: string, drill: boolean): Loaded {
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

  protected role(w: Work, ev: Inbound, L: Loaded, role: RoleId, target: string | undefined, release: boolean): Loaded | undefined {
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

  protected task(
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

  protected answer(w: Work, ev: Inbound, L: Loaded, ref: string, value: string): Loaded | undefined {
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

  protected escalate(w: Work, ev: Inbound, L: Loaded, level: Level | undefined, raw: string): Loaded | undefined {
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

  protected changeLevel(w: Work, L: Loaded, actor: ActorRef, lvl: Level): void {
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

  protected advance(w: Work, ev: Inbound, L: Loaded, reason?: string): Loaded | undefined {
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

  protected close(w: Work, ev: Inbound, L: Loaded, reason?: string): Loaded | undefined {
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

  protected template(w: Work, ev: Inbound, L: Loaded, name?: string): Loaded | undefined {
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

  protected export(w: Work, ev: Inbound, L: Loaded): Loaded | undefined {
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

  protected handbook(w: Work, ev: Inbound, L: Loaded | undefined): void {
    const t = this.t;
    if (!this.o.handbook) {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.handbookUnavailable }], true);
      return;
    }
    const files = this.o.handbook();
    this.reply(w, ev, L, [{ type: "paragraph", text: t.handbookDone(files.map((f) => `\`${f}\``).join(", ")) }], false);
  }

  protected onReaction(ev: Inbound, w: Work): Loaded | undefined {
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
}
