/**
 * Answers: the triage questions (`antwort 6 ja`, `antwort 1 heute 8:30`), which switch deadlines, tasks and
 * templates on, set the Kenntnisnahme or raise the level; and the lessons-learned answers of the review
 * (`antwort L1 <text>`).
 */
import { holds } from "../machines/conditions.ts";
import { LEVELS, loc } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import { rescheduleAwareDeadlines, startDeadlines } from "./deadlines.ts";
import { answersOf, incidentFacts, isAsked, questionNr } from "./facts.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { changeLevel } from "./phases.ts";
import { apply, capsOf, env, holdsAnyRole, log, post, refuse, SYSTEM } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { activateConditional } from "./tasks.ts";
import { sanitize, shorten } from "./text.ts";
import { parseWhen, showTime } from "./time.ts";
import {
  ctxOf,
  nextQuestionsBlocks,
  openQuestions,
  QUESTION_BATCH,
  questionLabel,
  questionsBlocks,
  reviewBlocks,
  taskActive,
  tasksOf,
} from "./views.ts";

/** The yes/no/unclear word at the start of an answer, with the punctuation after it ("ja, …", "nein – …"). */
const ANSWER_WORD =
  /^(ja|j|yes|y|jep|jawohl|nein|n|no|nö|noe|nee|unklar|unbekannt|weiss nicht|weiß nicht|unknown|unclear|not sure|\?)(?=$|[\s,;:.!–-])[\s,;:.!–-]*/i;

/** `antwort <nr|L<nr>> <antwort>`: role holders answer. Needs pending timers (a new Kenntnisnahme moves clocks). */
export function answer(cx: IncidentCx, ev: Inbound, ref: string, value: string): Loaded | undefined {
  const { L, t } = cx;
  // what does not exist is said first: taking a role would not make a question 99
  const review = /^l(\d+)$/i.exec(ref);
  if (review) {
    const q = L.pb.review[Number(review[1]) - 1];
    if (!q) return refuse(cx, ev, t.err.answerUnknown(escapeMd(shorten(ref, 40))));
    if (!holdsAnyRole(L, ev.actor.id)) return refuse(cx, ev, t.err.answerNotAllowed);
    L.st.review[q.id] = sanitize(value, 2000);
    log(cx, ev.actor, "review", `Nachbereitung ${ref.toUpperCase()}: ${loc(q.text, "de")} → ${L.st.review[q.id]}`, {
      question: q.id,
      answer: L.st.review[q.id],
    });
    post(cx, `${L.rec.id}/review`, reviewBlocks(L, env(cx)), { replace: true });
    return L;
  }
  const idx = Number(ref) - 1;
  const q = Number.isInteger(idx) ? L.pb.questions[idx] : L.pb.questions.find((x) => x.id === ref);
  if (!q) return refuse(cx, ev, t.err.answerUnknown(escapeMd(shorten(ref, 40))));
  if (!holdsAnyRole(L, ev.actor.id)) return refuse(cx, ev, t.err.answerNotAllowed);
  const nr = questionLabel(L.pb.questions.indexOf(q));
  let stored: string;
  let shown: string;
  let comment = "";
  if (q.kind === "yesno") {
    const v = value.trim().toLowerCase();
    const yes = /^(ja|j|yes|y|jep|jawohl|ja\b.*)$/.test(v);
    const no = /^(nein|n|no|nö|noe|nee)\b/.test(v);
    const unclear = /^(unklar|unbekannt|weiss nicht|weiß nicht|unknown|unclear|not sure|\?)/.test(v);
    if (!yes && !no && !unclear) return refuse(cx, ev, t.err.answerYesNo(nr));
    stored = yes ? "ja" : no ? "nein" : "unklar";
    shown = stored === "ja" ? t.answerYes : stored === "nein" ? t.answerNo : t.answerUnclear;
    // "ja, USB-Platte im Tresor": the answer counts as ja, and the rest is kept as typed
    comment = sanitize(value.trim().replace(ANSWER_WORD, ""), 500);
    if (comment) shown += ` (${escapeMd(comment)})`;
  } else if (q.kind === "time") {
    const at = parseWhen(value, cx.now);
    if (!at) return refuse(cx, ev, t.err.answerTime(nr));
    stored = at.toISOString();
    shown = showTime(at, cx.locale);
  } else {
    stored = sanitize(value, 2000);
    shown = escapeMd(stored);
  }
  const before = ctxOf(L).level;
  const update = capsOf(cx).update;
  const asked = openQuestions(L)
    .slice(0, QUESTION_BATCH)
    .map((x) => x.q.id);
  const effBefore = answersOf(L);
  const askedBefore = new Set(L.pb.questions.filter((x) => isAsked(L, x)).map((x) => x.id));
  const activeBefore = new Set(
    tasksOf(L)
      .filter((x) => taskActive(L, x))
      .map((x) => x.id),
  );
  apply(L, { type: "ANSWER", questionId: q.id, value: stored, at: cx.iso });
  if (comment) L.st.answerNotes = { ...L.st.answerNotes, [q.id]: comment };
  else if (L.st.answerNotes) delete L.st.answerNotes[q.id];
  log(
    cx,
    ev.actor,
    "answer",
    `Frage ${nr}: ${loc(q.text, "de")} → ${q.kind === "time" ? showTime(stored) : stored}${comment ? ` – ${comment}` : ""}`,
    { question: q.id, answer: stored, ...(comment ? { comment } : {}) },
  );
  const blocks: Block[] = [{ type: "paragraph", text: t.answerRecorded(nr, loc(q.text, cx.locale), shown) }];
  if (q.kind === "time" && q.sets_awareness) {
    L.rec.awareAt = stored;
    blocks.push({ type: "context", text: t.awarenessSet(shown) });
    log(cx, ev.actor, "aware", `Kenntnisnahme festgelegt: ${showTime(stored)}`, { awareAt: stored });
  }
  if (q.kind === "yesno" && stored === "ja" && q.raise_to && LEVELS.indexOf(q.raise_to) > LEVELS.indexOf(before)) {
    changeLevel(cx, SYSTEM, q.raise_to);
  }
  blocks.push(...consequences(cx, ev, effBefore.values, effBefore.origin, askedBefore, activeBefore, update ? undefined : asked));
  // the answer does not reprint the list: where messages can be updated, the questions message moves on in place;
  // elsewhere the confirmation brings the question that comes up next
  if (!update) blocks.push(...nextQuestionsBlocks(L, env(cx), asked));
  post(cx, `${L.rec.id}/answer/${L.rec.lastSeq}`, blocks);
  // after the answer, so the new due times read as its consequence
  if (q.kind === "time" && q.sets_awareness) rescheduleAwareDeadlines(cx);
  if (update) post(cx, `${L.rec.id}/questions`, questionsBlocks(L, env(cx)), { replace: true });
  startDeadlines(cx, ev.actor);
  activateConditional(cx);
  return L;
}

/**
 * What an answer set off, said under it: answers it implies (`daten-gestohlen: ja` ⇒ personal data: ja), questions
 * now asked that still wait for a person (the high-risk question), and tasks it switched on, also in phases not on
 * screen yet (`hohes-risiko: unklar` ⇒ assess the risk with data protection).
 */
function consequences(
  cx: IncidentCx,
  ev: Inbound,
  before: Record<string, string>,
  originBefore: Record<string, string>,
  askedBefore: ReadonlySet<string>,
  activeBefore: ReadonlySet<string>,
  /** Without in-place updates: the batch asked before the answer (the questions that come up next are shown anyway). */
  batchBefore: readonly string[] | undefined,
): Block[] {
  const { L, t } = cx;
  const out: Block[] = [];
  const eff = answersOf(L);
  const word = (v: string) => (v === "ja" ? t.answerYes : v === "nein" ? t.answerNo : v === "unklar" ? t.answerUnclear : v);
  const implied = L.pb.questions.filter((x) => eff.origin[x.id] === "implied" && eff.values[x.id] !== before[x.id]);
  for (const x of implied) {
    const nr = questionNr(L, x.id);
    out.push({ type: "paragraph", text: t.answerImplied(nr, loc(x.text, cx.locale), word(eff.values[x.id]!)) });
    log(cx, ev.actor, "answer-implied", `Frage ${nr} gilt als ${eff.values[x.id]} (folgt aus Frage ${questionNr(L, eff.by[x.id]!)})`, {
      question: x.id,
      answer: eff.values[x.id]!,
      by: eff.by[x.id]!,
    });
  }
  const facts = incidentFacts(L);
  // questions now asked, or whose earlier answer an implication just made count, that no person has answered
  const dependsOnChange = (x: (typeof L.pb.questions)[number]) =>
    x.when?.question !== undefined && implied.some((i) => i.id === x.when!.question);
  const shownNext = batchBefore
    ? openQuestions(L)
        .slice(0, QUESTION_BATCH)
        .map((x) => x.q.id)
        .filter((id) => !batchBefore.includes(id))
    : [];
  const ask = L.pb.questions.filter(
    (x) =>
      ctxOf(L).answers[x.id] === undefined &&
      isAsked(L, x, facts) &&
      (!askedBefore.has(x.id) || dependsOnChange(x)) &&
      !shownNext.includes(x.id),
  );
  if (ask.length) out.push({ type: "paragraph", text: t.askNow(ask.map((x) => `**${questionNr(L, x.id)}.** ${loc(x.text, cx.locale)}`)) });
  // a clock that ran as a precaution keeps running on a person's answer: say so, with its due time
  for (const d of L.pb.deadlines) {
    const s = L.st.deadlines[d.id];
    const q = d.when?.question;
    if (!s || s.metAt || !q || originBefore[q] !== "default" || eff.origin[q] !== "person" || !holds(d.when, facts)) continue;
    out.push({ type: "context", text: t.deadlineContinues(loc(d.title, cx.locale), s.dueAt ? showTime(s.dueAt, cx.locale) : undefined) });
  }
  const added = tasksOf(L).filter((x) => !activeBefore.has(x.id) && taskActive(L, x));
  if (added.length)
    out.push({
      type: "context",
      text: t.tasksAdded(added.map((x) => t.taskAddedItem(x.nr, t.phaseName[x.phase], loc(x.text, cx.locale)))),
    });
  return out;
}
