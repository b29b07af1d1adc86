/**
 * The incident's course, in the coordinator's hands: escalation levels (`eskalieren krise`), advancing to the next
 * phase (`weiter [begründung]`, with a recorded override when critical tasks are open) and closing with the
 * summary (`abschließen [grund]`).
 */
import { currentPhase, openCriticalTasks } from "../machines/machine.ts";
import { LEVELS, type Level, loc } from "../machines/schema.ts";
import { fetched, type IncidentCx } from "./context.ts";
import { clocksWaiting, scheduleTaskDue, startDeadlines } from "./deadlines.ts";
import { drillReportBlocks } from "./drill-report.ts";
import { de } from "./i18n/de.ts";
import { en } from "./i18n/en.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { parseLevel } from "./parser.ts";
import { apply, env, isCoordinator, log, post, refreshHeader, refuse } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { buildSummary } from "./summary.ts";
import { activateConditional, postPhaseTasks, taskRefs } from "./tasks.ts";
import { sanitize, shorten } from "./text.ts";
import { coordinatorId, ctxOf, dutiesOpen, nameOf, reviewBlocks } from "./views.ts";

/** The refusal for someone who is not the coordinator. */
function onlyCoordinator(cx: IncidentCx, ev: Inbound, what: string): undefined {
  return refuse(cx, ev, cx.t.err.onlyCoordinator(what, escapeMd(nameOf(cx.L, coordinatorId(cx.L))!)));
}

/** `eskalieren <stufe>`. */
export function escalate(cx: IncidentCx, ev: Inbound, level: Level | undefined, raw: string): Loaded | undefined {
  const { L, t } = cx;
  if (!isCoordinator(L, ev.actor.id)) return onlyCoordinator(cx, ev, t.whatEscalate);
  const lvl = level ?? parseLevel(raw.split(/\s+/)[0] ?? "");
  // `eskalieren` alone: which levels there are, what they mean, and where the incident stands
  if (!raw.trim()) return refuse(cx, ev, levelsText(cx));
  if (!lvl) return refuse(cx, ev, t.err.levelUnknown(escapeMd(shorten(raw, 40))));
  if (lvl === ctxOf(L).level) return refuse(cx, ev, t.levelUnchanged(t.levelName[lvl]));
  changeLevel(cx, ev.actor, lvl);
  startDeadlines(cx, ev.actor);
  activateConditional(cx);
  return L;
}

/** What to type for a level (command words are German in every language). */
const LEVEL_TYPED: Record<Level, string> = { stoerung: "störung", notfall: "notfall", krise: "krise", katastrophe: "katastrophe" };

/** The four levels with their meaning, the current one marked, and how to change. */
function levelsText(cx: IncidentCx): string {
  const { t } = cx;
  const now = ctxOf(cx.L).level as Level;
  const lines = LEVELS.map(
    (l) => `${l === now ? "➡️ " : "• "}\`eskalieren ${LEVEL_TYPED[l]}\` – **${t.levelName[l]}**: ${t.levelMeaning[l]}`,
  );
  return `${t.levelsNow(t.levelName[now])}\n${lines.join("\n")}`;
}

/** Sets the level (by command, or raised by an answer) and says what it means. */
export function changeLevel(cx: IncidentCx, actor: ActorRef, lvl: Level): void {
  const { L, t } = cx;
  const from = ctxOf(L).level as Level;
  apply(L, { type: "ESCALATE", level: lvl, at: cx.iso });
  L.rec.level = lvl;
  log(cx, actor, "level", `Stufe ${de.levelName[from]} → ${de.levelName[lvl]}`, { from, to: lvl });
  const blocks: Block[] = [{ type: "paragraph", text: t.levelChanged(t.levelName[from], t.levelName[lvl], t.levelMeaning[lvl]) }];
  const raise = L.pb.levels?.[lvl]?.raise_when;
  if (raise) blocks.push({ type: "context", text: loc(raise, cx.locale) });
  post(cx, `${L.rec.id}/level/${L.rec.lastSeq}`, blocks);
  refreshHeader(cx);
}

/** `weiter [begründung]`: the next phase (from the review: closing). Needs pending timers (it may close). */
export function advance(cx: IncidentCx, ev: Inbound, reason?: string): Loaded | undefined {
  const { L, t } = cx;
  if (!isCoordinator(L, ev.actor.id)) return onlyCoordinator(cx, ev, t.whatAdvance);
  if (reason !== undefined) reason = sanitize(reason, 1000);
  const phase = currentPhase(ctxOf(L));
  if (phase === "nachbereitung") return close(cx, ev, reason);
  const open = openCriticalTasks(L.pb, ctxOf(L), phase);
  const next = apply(L, { type: "ADVANCE", by: ev.actor.id, at: cx.iso, ...(reason ? { reason: sanitize(reason, 1000) } : {}) });
  if (!next) return refuse(cx, ev, t.err.advanceBlocked(taskRefs(cx, open)));
  const entered = currentPhase(ctxOf(L));
  L.rec.phase = entered;
  if (open.length && reason)
    log(
      cx,
      ev.actor,
      "override",
      `Phase ${de.phaseName[phase]} verlassen trotz offener wichtiger Aufgaben (${taskRefs(cx, open)}). Begründung: ${reason}`,
      { phase, open, reason },
    );
  log(cx, ev.actor, "phase", `Phase: ${de.phaseName[entered]}`, { from: phase, to: entered });
  const blocks: Block[] = [{ type: "heading", text: t.phaseEntered(t.phaseName[entered]) }];
  if (open.length && reason) blocks.push({ type: "context", text: t.phaseOverride(escapeMd(reason)) });
  // an unanswered question is not "no": moving on, say which reports still hang on it
  const waiting = clocksWaiting(cx);
  if (waiting.length) blocks.push({ type: "context", text: t.clocksWaiting(waiting) });
  if (entered === "wiederherstellung" && L.pb.recovery.length)
    blocks.push({ type: "paragraph", text: L.pb.recovery.map((r, i) => `${i + 1}. ${loc(r, cx.locale)}`).join("\n") });
  post(cx, `${L.rec.id}/phase/${entered}`, blocks);
  // the roles that are held get their tasks of the new phase (a free role: when someone takes it)
  postPhaseTasks(cx, entered);
  if (entered === "nachbereitung" && L.pb.review.length) post(cx, `${L.rec.id}/review`, reviewBlocks(L, env(cx)), { updatable: true });
  scheduleTaskDue(cx, entered);
  refreshHeader(cx);
  return L;
}

/** `abschließen [grund]`: closes with the summary and cancels every pending timer. Needs pending timers. */
export function close(cx: IncidentCx, ev: Inbound, reason?: string): Loaded | undefined {
  const { L, t } = cx;
  if (!isCoordinator(L, ev.actor.id)) return onlyCoordinator(cx, ev, t.whatClose);
  if (reason !== undefined) reason = sanitize(reason, 1000);
  const phase = currentPhase(ctxOf(L));
  const open = openCriticalTasks(L.pb, ctxOf(L), phase);
  // closing ends every reminder: a reporting duty still open (a clock waiting for an answer, „unklar“ still to
  // assess, a report not done) needs a reason, like an open important task; in a drill the summary says it
  const duties = L.rec.drill ? [] : dutiesOpen(L, de, "de");
  if (duties.length && !reason && phase === "nachbereitung" && !open.length)
    return refuse(cx, ev, t.err.closeDuties(cx.locale === "de" ? duties : dutiesOpen(L, t, cx.locale)));
  const next = apply(L, { type: "CLOSE", by: ev.actor.id, at: cx.iso, ...(reason ? { reason: sanitize(reason, 1000) } : {}) });
  if (!next)
    return refuse(cx, ev, phase === "nachbereitung" ? t.err.closeBlocked(taskRefs(cx, open)) : t.err.closeNotYet(t.phaseName[phase]));
  const iso = cx.iso;
  L.rec.closedAt = iso;
  L.rec.phase = "abgeschlossen";
  for (const d of Object.values(L.st.deadlines)) if (!d.metAt && !d.missedAt && d.dueAt && d.dueAt < iso) d.missedAt = d.dueAt;
  if (duties.length)
    log(cx, ev.actor, "override", `Abgeschlossen trotz offener Meldepflichten (${duties.join("; ")}). Grund: ${reason}`, {
      phase,
      duties,
      // the English timeline (export, report) reads these
      dutiesEn: dutiesOpen(L, en, "en"),
      reason: reason ?? null,
    });
  log(cx, ev.actor, "closed", `Notfall abgeschlossen${reason ? `. Grund: ${reason}` : ""}`, { reason: reason ?? null, phase });
  cx.w.cancel.push(...fetched(cx, "pendingTimers"));
  post(cx, `${L.rec.id}/summary`, buildSummary(L, env(cx)));
  if (L.rec.drill) post(cx, `${L.rec.id}/drill-report`, drillReportBlocks(L, env(cx), fetched(cx, "previousDrills")));
  refreshHeader(cx);
  return L;
}
