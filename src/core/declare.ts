/**
 * Declaring an incident (`/notfall <art> [beschreibung]`, `/notfall übung <art>`): the record, the machine's first
 * snapshot, the header that becomes the thread, the questions, the first tasks, role reminders and the deadlines
 * that hold from the start.
 */
import { persist, startIncident } from "../machines/machine.ts";
import { loc } from "../machines/schema.ts";
import { GENESIS } from "./chain.ts";
import { about, type Cx, fetched, type IncidentCx, type OpenHere } from "./context.ts";
import { scheduleRoleReminder, scheduleTaskDue, startDeadlines } from "./deadlines.ts";
import type { Inbound } from "./inbound.ts";
import { answerWhereAsked } from "./menu.ts";
import type { Block } from "./message.ts";
import { flagsOf } from "./org.ts";
import type { Command } from "./parser.ts";
import type { IncidentRecord } from "./ports.ts";
import { env, log, post, SYSTEM } from "./primitives.ts";
import { startPlan } from "./roles.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { syncTasks } from "./tasks.ts";
import { sanitize } from "./text.ts";
import { showDuration, showTime } from "./time.ts";
import { headerBlocks, questionsBlocks } from "./views.ts";

/** The year in incident ids (`NF-2026-0007`): the calendar year in Europe/Berlin. */
export function incidentYear(now: Date): number {
  return Number(showTime(now).match(/\d{4}/)?.[0] ?? now.getUTCFullYear());
}

/**
 * `/notfall <art> …` at channel level: opens the incident, unless one of the same type (and the same kind, drill or
 * real) is already open in this channel; then points to that one and says how to open another anyway
 * (`/notfall neu …`). Needs the next incident number and the channel's open incidents.
 */
export function declareOnce(cx: Cx, ev: Inbound, cmd: Extract<Command, { kind: "open" }>): Loaded | undefined {
  const running = cmd.force ? undefined : runningSameType(cx, cmd.playbookId, cmd.drill);
  if (running) return pointToRunning(cx, ev, running, cmd);
  return declare(cx, ev, cmd.playbookId, cmd.description, cmd.drill);
}

/** The newest open incident of this type in the channel (a drill counts only for a drill, a real one only for a real one). */
export function runningSameType(cx: Cx, playbookId: string, drill: boolean): OpenHere | undefined {
  return fetched(cx, "openHere").find((r) => r.playbookId === playbookId && r.drill === drill);
}

/** "NF-2026-0001 läuft seit 2 min – dort weiter. Wirklich einen neuen Notfall? `/notfall neu …`" (button where there are buttons). */
function pointToRunning(cx: Cx, ev: Inbound, running: OpenHere, cmd: Extract<Command, { kind: "open" }>): undefined {
  const ms = cx.now.getTime() - Date.parse(running.openedAt);
  const since = ms < 60_000 ? cx.t.menu.underAMinute : showDuration(ms, cx.locale);
  // the command keeps the description as typed, so that forcing loses nothing
  const again = `${cmd.drill ? "übung " : ""}neu ${cmd.playbookId}${cmd.description ? ` ${cmd.description.replace(/`/g, "'")}` : ""}`;
  const blocks: Block[] = [{ type: "paragraph", text: cx.t.menu.running(running.id, since, again.slice(0, 300)) }];
  if (cx.caps(ev.platform).buttons)
    blocks.push({ type: "buttons", buttons: [{ label: cx.t.menu.newAnyway, command: again.slice(0, 1500) }] });
  answerWhereAsked(cx, ev, blocks);
  return undefined;
}

/** Opens a new incident. Needs the next incident number. */
export function declare(cx: Cx, ev: Inbound, playbookId: string, description: string, drill: boolean): Loaded {
  const pb = cx.playbooks.get(playbookId)!;
  const iso = cx.iso;
  const year = incidentYear(cx.now);
  const id = `NF-${year}-${String(fetched(cx, "nextNumber")).padStart(4, "0")}`;
  const machine = cx.machineFor(pb);
  const snap = startIncident(machine, { playbookId: pb.id, level: pb.level, drill, flags: flagsOf(cx.config), openedAt: iso });
  const caps = cx.caps(ev.platform);
  // Declared inside a thread: the incident lives in that thread (platforms do not nest threads). Declared at channel
  // level: in the thread of the declaring message (`message`) or of the bot's header (`bot`). A conversation without
  // threads (a chat) is the incident's thread itself: no thread at all.
  const flat = ev.threads === false;
  const threadRef = flat ? null : (ev.threadRef ?? (caps.threadRoot === "message" && ev.messageRef ? ev.messageRef : null));
  const rec: IncidentRecord = {
    id,
    workspace: ev.tenant,
    platform: ev.platform,
    channel: ev.channel,
    threadRef,
    threadKey: threadRef || flat ? null : `${id}/header`,
    playbookId: pb.id,
    title: loc(pb.title, cx.locale),
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
    cards: [],
  };
  const L: Loaded = { rec, pb, machine, snap, st };
  const icx = about(cx, L);
  log(icx, ev.actor, "opened", `${drill ? "ÜBUNG: " : ""}Notfall gemeldet: ${rec.title}${st.description ? ` – ${st.description}` : ""}`, {
    playbook: pb.id,
    level: pb.level,
    drill,
    description: st.description,
  });
  startPlan(icx);
  const e = env(icx);
  // At most three messages: the header (one screen: what happened, Jetzt sofort, roles), the first questions, and
  // the legal clocks that run from the start. Tasks come with the roles (a role's card when it is taken), the
  // templates on `vorlage`, everything on `status` / `aufgaben`.
  // header: at channel level (becomes the thread root) or in the thread of the declaring message
  post(icx, `${id}/header`, headerBlocks(L, e), { root: !threadRef, updatable: true });
  if (pb.questions.length) post(icx, `${id}/questions`, questionsBlocks(L, e), { updatable: true });
  scheduleRoleReminder(icx);
  scheduleTaskDue(icx, "erkennung");
  scheduleTaskDue(icx, "sofort");
  const before = icx.w.outbox.length;
  startDeadlines(icx, SYSTEM, { brief: true });
  mergeMessages(icx, before, `${id}/deadlines/start`);
  syncTasks(icx);
  return L;
}

/** The messages queued since `from` become one (the clocks that start with the declaration: one message, not three). */
function mergeMessages(cx: IncidentCx, from: number, key: string): void {
  const queued = cx.w.outbox.splice(from);
  if (!queued.length) return;
  const blocks = queued.flatMap((o, i) => [...(i ? [{ type: "divider" } as const] : []), ...o.message.blocks]);
  // one drill marker is enough
  const drill = blocks.filter((b) => b.type === "context" && b.text === cx.t.drillBanner);
  const kept = drill.length > 1 ? blocks.filter((b) => !(b.type === "context" && b.text === cx.t.drillBanner)).concat(drill[0]!) : blocks;
  post(cx, key, kept);
}
