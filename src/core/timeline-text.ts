/**
 * A timeline entry as a person reads it in an export or report. The stored `text` is German and part of the hash
 * chain, so it never changes; in English the entry is told again from its kind and data (which the chain covers
 * too). Entries whose text is what a person typed (notes, free text) are shown as typed; an entry this module does
 * not know, or whose data is incomplete, keeps its stored text.
 */
import { numberedTasks } from "../machines/conditions.ts";
import { type Level, loc, type Phase, type Playbook, type RoleId } from "../machines/schema.ts";
import { en } from "./i18n/en.ts";
import type { TimelineEntry } from "./ports.ts";
import { showTime } from "./time.ts";

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const TASK_VERB_EN: Record<string, string> = { bestätigt: "taken on", erledigt: "done", übersprungen: "skipped" };
const ANSWER_EN: Record<string, string> = { ja: "yes", nein: "no", unklar: "unclear" };

/** The entry's text in `locale`; German is the stored text. `names` maps actor ids to display names. */
export function timelineText(
  e: Pick<TimelineEntry, "kind" | "text" | "data">,
  pb: Playbook,
  locale: "de" | "en",
  names: Readonly<Record<string, string>> = {},
): string {
  if (locale === "de") return e.text;
  const d = (e.data && typeof e.data === "object" ? e.data : {}) as Data;
  const name = (id: unknown) => (typeof id === "string" ? (names[id] ?? id) : undefined);
  switch (e.kind) {
    case "opened": {
      const desc = str(d.description);
      return `${d.drill ? "DRILL: " : ""}Emergency reported: ${loc(pb.title, "en")}${desc ? ` – ${desc}` : ""}`;
    }
    case "role": {
      const role = en.roleName[d.role as RoleId];
      if (!role) return e.text;
      const prev = name(d.previous);
      return d.actorId
        ? `${name(d.actorId)} takes on the role ${role}${prev ? ` (before: ${prev})` : ""}`
        : `Role ${role} free again${prev ? ` (before: ${prev})` : ""}`;
    }
    case "task": {
      const task = pb.tasks.find((x) => x.id === d.task);
      const verb = TASK_VERB_EN[str(d.state) ?? ""];
      if (!task || !verb) return e.text;
      const reason = str(d.reason);
      return `Task ${d.nr} ${verb}: ${loc(task.text, "en")}${reason ? ` – ${reason}` : ""}`;
    }
    case "answer": {
      const i = pb.questions.findIndex((x) => x.id === d.question);
      const q = pb.questions[i];
      const a = str(d.answer);
      if (!q || a === undefined) return e.text;
      const shown = q.kind === "time" ? showTime(a, "en") : q.kind === "yesno" ? (ANSWER_EN[a] ?? a) : a;
      return `Question ${i + 1}: ${loc(q.text, "en")} → ${shown}`;
    }
    case "review": {
      const i = pb.review.findIndex((x) => x.id === d.question);
      const q = pb.review[i];
      if (!q || str(d.answer) === undefined) return e.text;
      return `Review L${i + 1}: ${loc(q.text, "en")} → ${d.answer}`;
    }
    case "aware":
      return str(d.awareAt) ? `Awareness set: ${showTime(d.awareAt as string, "en")}` : e.text;
    case "level": {
      const from = en.levelName[d.from as Level];
      const to = en.levelName[d.to as Level];
      return from && to ? `Level ${from} → ${to}` : e.text;
    }
    case "phase": {
      const to = en.phaseName[d.to as Phase];
      return to ? `Phase: ${to}` : e.text;
    }
    case "override": {
      if (Array.isArray(d.dutiesEn))
        return `Closed with reporting duties still open (${d.dutiesEn.map(String).join("; ")}). Reason: ${str(d.reason) ?? ""}`;
      const phase = en.phaseName[d.phase as Phase];
      const open = Array.isArray(d.open) ? d.open : [];
      const nrs = open.map((id) => numberedTasks(pb).find((x) => x.id === id)?.nr).filter((n) => n !== undefined);
      return phase ? `Left the phase ${phase} with important tasks still open (${nrs.join(", ")}). Reason: ${str(d.reason) ?? ""}` : e.text;
    }
    case "deadline": {
      const dl = pb.deadlines.find((x) => x.id === d.deadline);
      if (!dl) return e.text;
      const due = str(d.dueAt);
      if (d.startedAt === undefined) return due ? `Deadline recalculated: ${loc(dl.title, "en")} – due ${showTime(due, "en")}` : e.text;
      return `Deadline started: ${loc(dl.title, "en")} – ${due ? `due ${showTime(due, "en")}` : en.withoutDelay}`;
    }
    case "deadline-met": {
      const dl = pb.deadlines.find((x) => x.id === d.deadline);
      return dl ? `Deadline met${d.late ? " late" : ""}: ${loc(dl.title, "en")}` : e.text;
    }
    case "deadline-missed": {
      const dl = pb.deadlines.find((x) => x.id === d.deadline);
      return dl ? `Deadline missed: ${loc(dl.title, "en")}` : e.text;
    }
    case "reminder": {
      if (Array.isArray(d.roles)) return `Reminder: roles not taken (${d.roles.map((r) => en.roleName[r as RoleId] ?? r).join(", ")})`;
      if (d.task !== undefined) {
        const nr = numberedTasks(pb).find((x) => x.id === d.task)?.nr;
        return nr !== undefined ? `Reminder: task ${nr} due` : e.text;
      }
      const dl = pb.deadlines.find((x) => x.id === d.deadline);
      if (!dl) return e.text;
      return str(d.dueAt)
        ? `Reminder: ${loc(dl.title, "en")}, due ${showTime(d.dueAt as string, "en")}`
        : `Reminder: ${loc(dl.title, "en")} (${en.withoutDelay})`;
    }
    case "template": {
      const tpl = pb.templates.find((x) => x.id === d.template);
      return tpl ? `Template shown: ${loc(tpl.title, "en")}` : e.text;
    }
    case "closed": {
      const reason = str(d.reason);
      return `Emergency closed${reason ? `. Reason: ${reason}` : ""}`;
    }
    case "export":
      return "Export created";
    case "role-plan": {
      const roles = d.roles && typeof d.roles === "object" ? Object.entries(d.roles as Record<string, { asked?: unknown }>) : [];
      const asked = roles.map(([r, v]) => `${en.roleShort[r as RoleId] ?? r} ${str(v?.asked) ?? ""}`.trim());
      return asked.length ? `Roles asked according to the emergency plan: ${asked.join(", ")}` : e.text;
    }
    case "role-deputy": {
      const role = en.roleName[d.role as RoleId];
      const missed = str(d.missed);
      if (!role || !missed) return e.text;
      const next = str(d.next);
      if (!next) return `Role ${role}: nobody from the emergency plan confirmed (last asked: ${missed})`;
      const phone = str(d.missedPhone);
      return `Role ${role}: ${missed} did not confirm in time – passed to ${next} (deputy)${phone ? `; ${missed} not reached, phone ${phone}` : ""}`;
    }
    case "role-handover": {
      const role = en.roleName[d.role as RoleId];
      if (!role || !str(d.actorId)) return e.text;
      return `Handover ${role}: ${name(d.previous) ?? "nobody"} → ${name(d.actorId)}. Reason: ${str(d.reason) ?? ""}`;
    }
    case "takeover": {
      const role = en.roleName[d.role as RoleId];
      if (!role || !str(d.actorId)) return e.text;
      return `${name(d.actorId)} takes over the role ${role} from ${name(d.previous) ?? "nobody"}. Reason: ${str(d.reason) ?? ""}`;
    }
    case "answer-implied": {
      const i = pb.questions.findIndex((x) => x.id === d.question);
      const j = pb.questions.findIndex((x) => x.id === d.by);
      const a = str(d.answer);
      if (i < 0 || j < 0 || a === undefined) return e.text;
      return `Question ${i + 1} counts as ${ANSWER_EN[a] ?? a} (follows from question ${j + 1})`;
    }
    case "deadline-dropped": {
      const dl = pb.deadlines.find((x) => x.id === d.deadline);
      return dl ? `Deadline no longer applies: ${loc(dl.title, "en")}` : e.text;
    }
    case "outage": {
      const system = str(d.system);
      if (!system) return e.text;
      const rto = str(d.rto);
      return d.up ? `Back in operation: ${system}` : `Down: ${system}${rto ? ` (RTO ${rto})` : ""}`;
    }
    case "delivery-failed":
      return str(d.code) ? `Message could not be delivered (${d.code}): ${str(d.key) ?? ""}` : e.text;
    default:
      return e.text;
  }
}

/** The kind of an entry as a word for a table column. */
export const TIMELINE_KIND: Record<"de" | "en", Record<string, string>> = {
  de: {
    opened: "Eröffnet",
    role: "Rolle",
    task: "Aufgabe",
    answer: "Antwort",
    aware: "Kenntnisnahme",
    note: "Notiz",
    outage: "Ausfall",
    "role-plan": "Rollenplan",
    "role-deputy": "Vertretung",
    "role-handover": "Übergabe",
    takeover: "Übernahme",
    "answer-implied": "Antwort abgeleitet",
    "deadline-dropped": "Frist entfällt",
    phase: "Phase",
    override: "Weiter trotz",
    level: "Stufe",
    escalate: "Stufe",
    deadline: "Frist",
    "deadline-met": "Frist erfüllt",
    "deadline-missed": "Frist verpasst",
    reminder: "Erinnerung",
    message: "Nachricht",
    text: "Nachricht",
    template: "Vorlage",
    closed: "Abschluss",
    close: "Abschluss",
    export: "Export",
    review: "Nachbereitung",
    "delivery-failed": "Zustellung",
  },
  en: {
    opened: "Opened",
    role: "Role",
    task: "Task",
    answer: "Answer",
    aware: "Awareness",
    note: "Note",
    outage: "Outage",
    "role-plan": "Role plan",
    "role-deputy": "Deputy",
    "role-handover": "Handover",
    takeover: "Takeover",
    "answer-implied": "Implied answer",
    "deadline-dropped": "Deadline dropped",
    phase: "Phase",
    override: "Moved on despite",
    level: "Level",
    escalate: "Level",
    deadline: "Deadline",
    "deadline-met": "Deadline met",
    "deadline-missed": "Deadline missed",
    reminder: "Reminder",
    message: "Message",
    text: "Message",
    template: "Template",
    closed: "Closed",
    close: "Closed",
    export: "Export",
    review: "Review",
    "delivery-failed": "Delivery",
  },
};
