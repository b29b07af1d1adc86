import { holds } from "../machines/conditions.ts";
import { currentPhase, factsOf } from "../machines/machine.ts";
import { loc, type Phase, ROLES } from "../machines/schema.ts";
import { de } from "./i18n/de.ts";
import type { ActorRef } from "./inbound.ts";
import { IncidentCore, SYSTEM, visiblePhases } from "./incident-core.ts";
import { type Block, escapeMd } from "./message.ts";
import type { TimerRow } from "./ports.ts";
import type { Loaded } from "./state.ts";
import { addDuration, showDuration, showTime } from "./time.ts";
import { coordinatorId, ctxOf, deadlineTitle, nameOf, taskActive, tasksOf, templatesListBlocks } from "./views.ts";
import type { Work } from "./work.ts";

const ROLE_REMINDER_MIN = [10, 30, 60];

/** Timers and legal clocks: reminders, task due times, deadlines (DSGVO, NIS2, insurer) and their escalation. */
export class IncidentTimers extends IncidentCore {
  // ───────────────────────────── timers & deadlines ─────────────────────────────

  protected onTimer(w: Work, L: Loaded, timer: TimerRow): void {
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

  protected startDeadlines(w: Work, L: Loaded, actor: ActorRef): void {
    const facts = factsOf(ctxOf(L));
    for (const d of L.pb.deadlines) {
      if (L.st.deadlines[d.id]) continue;
      if (d.from === "deadline") continue; // started when `after` is met
      if (!holds(d.when, facts)) continue;
      const start = d.from === "aware" ? new Date(L.rec.awareAt) : this.now();
      this.startDeadline(w, L, d.id, start, actor);
    }
  }

  protected startDeadline(w: Work, L: Loaded, id: string, start: Date, actor: ActorRef): void {
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

  protected scheduleDeadline(w: Work, L: Loaded, id: string): void {
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

  protected rescheduleAwareDeadlines(w: Work, L: Loaded): void {
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

  protected meetDeadline(w: Work, L: Loaded, id: string, actor: ActorRef): void {
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

  protected scheduleRoleReminder(w: Work, L: Loaded): void {
    const n = L.st.rolesReminded;
    const mins = ROLE_REMINDER_MIN[n];
    if (mins === undefined) return;
    this.addTimer(w, L, `roles:${n}`, "roles", new Date(this.now().getTime() + mins * 60000), {});
  }

  protected scheduleTaskDue(w: Work, L: Loaded, phase: Phase): void {
    for (const task of tasksOf(L)) {
      if (task.phase !== phase || !task.due || !taskActive(L, task)) continue;
      this.addTimer(w, L, `task-due:${task.id}`, "task-due", addDuration(this.now(), task.due), { task: task.id });
    }
  }

  protected addTimer(w: Work, L: Loaded, key: string, kind: string, at: Date, payload: Record<string, unknown>): void {
    w.timers.push({ id: `${L.rec.id}:${key}`, incidentId: L.rec.id, kind, dueAt: at.toISOString(), payload });
  }

  protected pendingTimerIds(L: Loaded): string[] {
    return this.o.storage.pendingTimers(L.rec.id).map((x) => x.id);
  }

  /** Tasks and templates switched on by an answer or a level: show the new tasks. */
  protected activateConditional(w: Work, L: Loaded): void {
    const phase = currentPhase(ctxOf(L));
    for (const p of visiblePhases(phase)) for (const r of ROLES) this.refreshTasks(w, L, p, r);
    if (L.pb.templates.some((x) => x.when))
      this.post(w, L, `${L.rec.id}/templates`, templatesListBlocks(L, this.env(L)), { replace: true });
    this.syncTasks(w, L);
  }
}
