/**
 * The decision of one handled event, pure and synchronous: which command family answers a parsed command (the
 * {@link HANDLERS} table, the way Bolt registers listeners), what the load step must fetch for it
 * ({@link needsOf}), and the {@link Decision} to commit: the changed incident, timeline entries, task rows,
 * timers, cancellations, outgoing messages and file effects, as plain data. No storage, no clock, no files.
 */
import { currentPhase } from "../machines/machine.ts";
import { answer } from "./answers.ts";
import { about, type Cx, type Deps, type Fetched, type IncidentCx } from "./context.ts";
import { onTimer } from "./deadlines.ts";
import { declareOnce } from "./declare.ts";
import { noteListed, noteStarted } from "./drill-score.ts";
import { exportIncident, handbook } from "./export-command.ts";
import { showTasks } from "./guide.ts";
import { help, parseError } from "./help.ts";
import type { Inbound } from "./inbound.ts";
import { offerMenu } from "./menu.ts";
import { escapeMd, type Outbound } from "./message.ts";
import { freeText, note } from "./notes.ts";
import { type Command, classifyLine } from "./parser.ts";
import { advance, close, escalate } from "./phases.ts";
import type { Commit, TimerRow } from "./ports.ts";
import { log, post, refuse, remember, SYSTEM } from "./primitives.ts";
import { changeRole, confirmRole, takeOverRole } from "./roles.ts";
import type { Loaded } from "./state.ts";
import { status } from "./status.ts";
import { reportOutage } from "./systems.ts";
import { changeTasks, onReaction, reactionVerb, syncTasks } from "./tasks.ts";
import { showTemplate } from "./templates.ts";
import { shorten } from "./text.ts";
import { coordinatorId, ctxOf, nameOf, tasksOf } from "./views.ts";
import { type Effect, Work } from "./work.ts";

type Kind = Command["kind"];
type Cmd<K extends Kind> = Extract<Command, { kind: K }>;

/** Something the load step fetches only for the commands that declare it. */
export type Need = keyof Fetched;

/**
 * How a command kind is handled.
 * - `scope: "none"`: needs no incident (declaring, help, parse errors, the handbook); also works in a channel with
 *   several open incidents. `cx.L` is the incident of the thread, if any (replies go there).
 * - `"text"`: free text, recorded only inside an open incident, silently ignored elsewhere.
 * - `"open"`: about an open incident: refused without one or when it is closed.
 * - `"any"`: about an incident, closed ones included (status, export).
 */
type Handler<K extends Kind> = {
  /** What the load step must fetch for this command, beyond the incident (`L`: the incident it is about, if found). */
  needs?: (cmd: Cmd<K>, L: Loaded | undefined) => readonly Need[];
} & (
  | {
      scope: "none";
      /** The incident it changed (to be written), or undefined when it changed none. */
      run(cx: Cx, ev: Inbound, cmd: Cmd<K>): Loaded | undefined;
    }
  | { scope: "text" | "open" | "any"; run(cx: IncidentCx, ev: Inbound, cmd: Cmd<K>): Loaded | undefined }
);

const PENDING_TIMERS: readonly Need[] = ["pendingTimers"];

/** Command kinds → command families. */
const HANDLERS: { [K in Kind]: Handler<K> } = {
  help: { scope: "none", run: (cx, ev) => help(cx, ev) },
  open: {
    scope: "none",
    needs: () => ["nextNumber", "openHere"],
    run: (cx, ev, c) =>
      askingForHelp(cx, ev)
        ? help(cx, ev)
        : // one incident per thread; a chat has no threads, so one per chat (otherwise every later line is ambiguous)
          cx.L && ev.threadRef
          ? refuse(cx, ev, cx.t.err.alreadyOpen(cx.L.rec.id))
          : cx.L && ev.threads === false && !ctxOf(cx.L).closedAt
            ? refuse(cx, ev, cx.t.err.alreadyOpenChat(cx.L.rec.id))
            : declareOnce(cx, ev, c),
  },
  "choose-type": {
    scope: "none",
    run: (cx, ev, c) =>
      askingForHelp(cx, ev)
        ? help(cx, ev)
        : // a chat is one incident's thread: a line for the bot that names no type is about that incident (a drill
          // named with `übung` is a declaration: its menu, and the chat's one-incident rule when a type is chosen)
          cx.L && ev.threads === false && !ctxOf(cx.L).closedAt && !c.drill
          ? freeText(about(cx, cx.L), ev, c.text)
          : offerMenu(cx, ev, c),
  },
  error: { scope: "none", run: (cx, ev, c) => parseError(cx, ev, c.error) },
  handbook: { scope: "none", run: (cx, ev) => handbook(cx, ev) },
  text: { scope: "text", run: (cx, ev, c) => freeText(cx, ev, c.text) },
  role: {
    scope: "open",
    run: (cx, ev, c) =>
      c.takeover !== undefined
        ? takeOverRole(cx, ev, c.role, c.takeover)
        : changeRole(cx, ev, c.role, c.target, c.release === true, c.handover),
  },
  "role-confirm": { scope: "open", run: (cx, ev, c) => confirmRole(cx, ev, c.role) },
  status: { scope: "any", run: (cx) => status(cx) },
  tasks: { scope: "open", run: (cx, ev, c) => showTasks(cx, ev, c.mine) },
  task: {
    scope: "open",
    // completing a task that fulfils a deadline meets it, and the deadline's reminders are cancelled
    needs: (c, L) => (c.verb === "erledigt" && L && fulfilsDeadline(L, c.nrs) ? PENDING_TIMERS : []),
    run: (cx, ev, c) => changeTasks(cx, ev, c.verb, c.nrs, c.reason),
  },
  template: { scope: "open", run: (cx, ev, c) => showTemplate(cx, ev, c.name) },
  note: { scope: "open", run: (cx, ev, c) => note(cx, ev, c.text) },
  outage: { scope: "open", run: (cx, ev, c) => reportOutage(cx, ev, c.ref, c.back === true) },
  // a lower level can take back a clock whose condition names a level and a question; its reminders are cancelled
  escalate: { scope: "open", needs: () => PENDING_TIMERS, run: (cx, ev, c) => escalate(cx, ev, c.level, c.raw) },
  // closing a drill compares it with the team's earlier drills of the same type
  advance: {
    scope: "open",
    needs: (_c, L) => (L && currentPhase(ctxOf(L)) === "nachbereitung" ? closingNeeds(L) : PENDING_TIMERS),
    run: (cx, ev, c) => advance(cx, ev, c.reason),
  },
  close: { scope: "open", needs: (_c, L) => closingNeeds(L), run: (cx, ev, c) => close(cx, ev, c.reason) },
  export: { scope: "any", needs: () => ["history"], run: (cx, ev) => exportIncident(cx, ev) },
  answer: { scope: "open", needs: () => PENDING_TIMERS, run: (cx, ev, c) => answer(cx, ev, c.ref, c.value) },
};

const CLOSING_DRILL: readonly Need[] = ["pendingTimers", "previousDrills"];

/** What advancing or closing needs: the pending timers (it may close), and for a drill the earlier drills. */
function closingNeeds(L: Loaded | undefined): readonly Need[] {
  return L?.rec.drill ? CLOSING_DRILL : PENDING_TIMERS;
}

/** "notfall was soll ich tun", "notfall Hilfe!!! der Server geht nicht" while an incident runs here: its next step, not a new one. */
function askingForHelp(cx: Cx, ev: Inbound): boolean {
  return Boolean(cx.L && !ctxOf(cx.L).closedAt && classifyLine(ev.text ?? "").kind === "help");
}

function handlerOf<K extends Kind>(cmd: Cmd<K>): Handler<K> {
  return HANDLERS[cmd.kind as K];
}

/** What the load step must fetch for a command about `L` (if found). */
export function needsOf(cmd: Command, L: Loaded | undefined): readonly Need[] {
  return handlerOf(cmd).needs?.(cmd, L) ?? [];
}

/** What a reaction needs: ✅ completes a task, which may meet a deadline (the reacted message's tasks are not known yet). */
export function reactionNeeds(emoji: string | undefined): readonly Need[] {
  return reactionVerb(emoji) === "erledigt" ? PENDING_TIMERS : [];
}

function fulfilsDeadline(L: Loaded, nrs: readonly number[]): boolean {
  return tasksOf(L).some((x) => x.fulfils !== undefined && nrs.includes(x.nr));
}

/** What the load step found for one inbound event. */
export type EventInput =
  /** Nothing to do: chat in some other thread, a reaction on no task message, … */
  | { kind: "ignore" }
  /** A reaction on one of the bot's messages of an incident (`key`: that message's key). */
  | { kind: "reaction"; key: string; L: Loaded }
  /**
   * A command or a line of text; `L` the incident it is about, `many` the open incidents when that is ambiguous,
   * `answered` the key of the waiting menu this line answered (src/core/menu.ts).
   */
  | { kind: "command"; cmd: Command; L?: Loaded; many?: string[]; answered?: string }
  /**
   * The event names an incident that does not run where it happened (a button payload, `status NF-…`, `export NF-…`
   * from another channel, platform or tenant, or an unknown id): refused. `known`: the id names an incident (of
   * another channel). `L` is the incident of the event's own thread or channel, if any, where the refusal is
   * recorded; the named incident is never loaded for the decision.
   */
  | { kind: "elsewhere"; what: "action" | "id"; id: string; known: boolean; L?: Loaded };

/** A decided event: the commit, the incident it writes (cached after the commit), and files to write first. */
export interface Decision {
  commit: Commit;
  incident?: Loaded;
  effects: Effect[];
}

function newCx(deps: Deps, now: Date, fetched: Fetched, L?: Loaded): Cx {
  return { ...deps, now, iso: now.toISOString(), fetched, w: new Work(), ...(L ? { L } : {}) };
}

/** One inbound event. */
export function decideEvent(deps: Deps, input: EventInput, ev: Inbound, now: Date, fetched: Fetched): Decision {
  const cx = newCx(deps, now, fetched, input.kind === "ignore" ? undefined : input.L);
  if (input.kind === "command" && input.answered) cx.w.menu = { key: input.answered, pending: null };
  const changed = route(cx, input, ev);
  // a drill also keeps what a read-only answer (status, aufgaben) listed: the tasks count as shown from now on
  const L = changed ?? (cx.L && isOpenDrill(cx.L) && listedTaskNrs(cx, cx.L).length ? cx.L : undefined);
  return finish(cx, L, ev);
}

function route(cx: Cx, input: EventInput, ev: Inbound): Loaded | undefined {
  if (input.kind === "ignore") return undefined;
  if (input.kind === "reaction") {
    const L = input.L;
    if (ctxOf(L).closedAt) return undefined;
    remember(L, ev.actor);
    return onReaction(about(cx, L), ev, input.key);
  }
  if (input.kind === "elsewhere") return elsewhere(cx, ev, input);
  const { cmd } = input;
  const h = handlerOf(cmd);
  if (input.many) {
    // declaring another incident, help and parse errors need no incident: only commands about one are ambiguous
    if (h.scope === "none") return h.run(cx, ev, cmd);
    return refuse(cx, ev, cx.t.err.manyIncidents(input.many.join(", ")));
  }
  const L = input.L;
  if (h.scope === "none") return h.run(cx, ev, cmd);
  if (h.scope === "text") return L && !ctxOf(L).closedAt ? h.run(about(cx, L), ev, cmd) : undefined;
  if (!L) return refuse(cx, ev, cx.t.err.noIncident);
  if (ctxOf(L).closedAt && h.scope === "open") return refuse(cx, ev, cx.t.err.closed(L.rec.id));
  remember(L, ev.actor);
  for (const m of ev.mentions ?? []) if (!L.st.names[m.id]) L.st.names[m.id] = m.displayName;
  return h.run(about(cx, L), ev, cmd);
}

/**
 * A button or an id naming an incident that does not run here: answered privately, nothing changed, and the same
 * answer whether the id exists elsewhere or nowhere. A button (its payload was forged) or an id of an incident of
 * another channel is recorded on the timeline of the incident the event happened in, if one is open here; never on
 * the named one: nobody outside its channel writes into its timeline. A mistyped id that names no incident is not
 * recorded there. The service also writes a log line (warn; info for an unknown typed id). An id is only repeated
 * in its own format: a payload may carry anything.
 */
function elsewhere(cx: Cx, ev: Inbound, input: Extract<EventInput, { kind: "elsewhere" }>): Loaded | undefined {
  const id = /^NF-\d{4}-\d{4,}$/.test(input.id) ? input.id : undefined;
  refuse(cx, ev, input.what === "action" ? cx.t.err.elsewhereAction : cx.t.err.elsewhereId(id ?? "NF-…"));
  const L = input.L && !ctxOf(input.L).closedAt ? input.L : undefined;
  if (!L || (input.what === "id" && !input.known)) return undefined;
  remember(L, ev.actor);
  const text =
    input.what === "action"
      ? `Abgelehnt: Schaltfläche für ${id ?? "eine ungültige Nummer"} (läuft nicht hier); nichts geändert`
      : `Abgelehnt: Befehl mit ${id ?? "einer ungültigen Nummer"} (läuft nicht hier); nichts angezeigt`;
  log(about(cx, L), ev.actor, "refused", text, {
    what: input.what,
    incident: id ?? null,
  });
  return L;
}

/** A timer of an incident fell due (`L` undefined: the incident is gone). Marked fired in the same commit. */
export function decideTimer(deps: Deps, L: Loaded | undefined, timer: TimerRow, now: Date): Decision {
  const live = L && !ctxOf(L).closedAt ? L : undefined;
  const cx = newCx(deps, now, {}, live);
  cx.w.fired.push(timer.id);
  if (live) onTimer(about(cx, live), timer);
  return finish(cx, live);
}

/** A message of this incident could not be delivered for good: record it and tell the coordinator in the thread. */
export function decideDeliveryFailed(deps: Deps, L: Loaded, row: { key: string; message: Outbound }, code: string, now: Date): Decision {
  const cx = about(newCx(deps, now, {}, L), L);
  log(cx, SYSTEM, "delivery-failed", `Nachricht nicht zustellbar (${code}): ${row.key}`, { key: row.key, code });
  // never shown: the next update of that message is queued even when it looks like the one that failed
  if (L.st.sent && Object.hasOwn(L.st.sent, row.key)) {
    const { [row.key]: _failed, ...rest } = L.st.sent;
    L.st.sent = rest;
  }
  const coord = nameOf(L, coordinatorId(L))!;
  const preview = shorten(row.message.text.split("\n")[0]!, 80);
  post(cx, `${L.rec.id}/delivery-failed/${row.key}`, [
    { type: "paragraph", text: `${escapeMd(coord)}: ${cx.t.err.deliveryFailed(escapeMd(preview), code)}` },
  ]);
  return finish(cx, L);
}

/** Handling failed with an error (a bug): tell the person, and remember the delivery so it is not retried forever. */
export function decideInternalError(deps: Deps, ev: Inbound, now: Date): Decision {
  const cx = newCx(deps, now, {});
  refuse(cx, ev, cx.t.err.internal);
  return finish(cx, undefined, ev);
}

/**
 * The commit for the collected Work. The incident is written when the event logged, posted or scheduled something
 * for it; its version is the optimistic check against writers in other processes.
 */
/**
 * A drill's records for its score (drill-score.ts): the tasks whose target clock starts now, and those the bot lists
 * in this event's messages about the incident. True when a task was shown for the first time.
 */
function noteDrill(cx: Cx, L: Loaded): boolean {
  L.st.drill ??= {};
  const marks = L.st.drill;
  marks.started ??= {};
  marks.shown ??= {};
  noteStarted(L.pb, ctxOf(L), marks.started, cx.iso);
  return noteListed(L.pb, marks.shown, listedTaskNrs(cx, L), cx.iso);
}

const isOpenDrill = (L: Loaded) => L.rec.drill && !ctxOf(L).closedAt;

/** Numbers of the tasks listed in this event's messages about `L` that were not shown before. */
function listedTaskNrs(cx: Cx, L: Loaded): number[] {
  const shown = L.st.drill?.shown ?? {};
  const known = new Set(
    tasksOf(L)
      .filter((t) => Object.hasOwn(shown, t.id))
      .map((t) => t.nr),
  );
  return cx.w.outbox
    .filter((o) => o.incidentId === L.rec.id)
    .flatMap((o) => o.message.blocks)
    .flatMap((b) => (b.type === "tasks" ? b.items.map((i) => i.nr) : []))
    .filter((nr) => !known.has(nr));
}

function finish(cx: Cx, L: Loaded | undefined, ev?: Inbound): Decision {
  const { w } = cx;
  let incident: Commit["incident"];
  // a drill records which tasks the bot listed (cards, status, aufgaben), so a written status is kept
  const listed = L !== undefined && isOpenDrill(L) && noteDrill(cx, L);
  if (L && (w.timeline.length || w.outbox.some((o) => o.incidentId === L.rec.id) || w.timers.length || listed)) {
    const expected = L.rec.version;
    L.rec.snapshot = L.st;
    L.rec.version = expected + 1;
    incident = expected === 0 ? { record: L.rec } : { record: L.rec, expectedVersion: expected };
    // an acknowledgement changes only its own tasks' rows (the rest were written when they became active)
    if (!w.tasks.length && w.timeline.some((e) => e.kind === "task")) {
      const changed = new Set(w.timeline.filter((e) => e.kind === "task").map((e) => (e.data as { task: string }).task));
      syncTasks({ ...cx, L }, changed);
    }
  }
  return {
    commit: {
      ...(ev ? { deliveryId: { platform: ev.platform, id: ev.deliveryId } } : {}),
      ...(incident ? { incident } : {}),
      timeline: w.timeline,
      tasks: w.tasks,
      timers: w.timers,
      cancelTimers: w.cancel,
      firedTimers: w.fired,
      outbox: w.outbox,
      ...(w.menu ? { menu: w.menu } : {}),
    },
    ...(incident && L ? { incident: L } : {}),
    effects: w.effects,
  };
}
