/**
 * Answers: the triage questions (`antwort 6 ja`, `antwort 1 heute 8:30`), which switch deadlines, tasks and
 * templates on, set the Kenntnisnahme or raise the level; and the lessons-learned answers of the review
 * (`antwort L1 <text>`).
 */
import { LEVELS, loc } from "../machines/schema.ts";
import type { IncidentCx } from "./context.ts";
import { rescheduleAwareDeadlines, startDeadlines } from "./deadlines.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { changeLevel } from "./phases.ts";
import { apply, capsOf, env, holdsAnyRole, log, post, refuse, SYSTEM } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { activateConditional } from "./tasks.ts";
import { sanitize } from "./text.ts";
import { parseWhen, showTime } from "./time.ts";
import { ctxOf, nextQuestionsBlocks, openQuestions, QUESTION_BATCH, questionLabel, questionsBlocks, reviewBlocks } from "./views.ts";

/** `antwort <nr|L<nr>> <antwort>`: role holders answer. Needs pending timers (a new Kenntnisnahme moves clocks). */
export function answer(cx: IncidentCx, ev: Inbound, ref: string, value: string): Loaded | undefined {
  const { L, t } = cx;
  if (!holdsAnyRole(L, ev.actor.id)) return refuse(cx, ev, t.err.answerNotAllowed);
  const review = /^l(\d+)$/i.exec(ref);
  if (review) {
    const q = L.pb.review[Number(review[1]) - 1];
    if (!q) return refuse(cx, ev, t.err.answerUnknown(escapeMd(ref)));
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
  if (!q) return refuse(cx, ev, t.err.answerUnknown(escapeMd(ref.slice(0, 40))));
  const nr = questionLabel(L.pb.questions.indexOf(q));
  let stored: string;
  let shown: string;
  if (q.kind === "yesno") {
    const v = value.trim().toLowerCase();
    const yes = /^(ja|j|yes|y|jep|jawohl|ja\b.*)$/.test(v);
    const no = /^(nein|n|no|nö|noe|nee)\b/.test(v);
    const unclear = /^(unklar|unbekannt|weiss nicht|weiß nicht|unknown|unclear|not sure|\?)/.test(v);
    if (!yes && !no && !unclear) return refuse(cx, ev, t.err.answerYesNo(nr));
    stored = yes ? "ja" : no ? "nein" : "unklar";
    shown = stored === "ja" ? t.answerYes : stored === "nein" ? t.answerNo : t.answerUnclear;
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
  const asked = openQuestions(L)
    .slice(0, QUESTION_BATCH)
    .map((x) => x.q.id);
  apply(L, { type: "ANSWER", questionId: q.id, value: stored, at: cx.iso });
  log(cx, ev.actor, "answer", `Frage ${nr}: ${loc(q.text, "de")} → ${q.kind === "time" ? showTime(stored) : stored}`, {
    question: q.id,
    answer: stored,
  });
  const blocks: Block[] = [{ type: "paragraph", text: t.answerRecorded(nr, loc(q.text, cx.locale), shown) }];
  if (q.kind === "time" && q.sets_awareness) {
    L.rec.awareAt = stored;
    blocks.push({ type: "context", text: t.awarenessSet(shown) });
    log(cx, ev.actor, "aware", `Kenntnisnahme festgelegt: ${showTime(stored)}`, { awareAt: stored });
    rescheduleAwareDeadlines(cx);
  }
  if (q.kind === "yesno" && stored === "ja" && q.raise_to && LEVELS.indexOf(q.raise_to) > LEVELS.indexOf(before)) {
    changeLevel(cx, SYSTEM, q.raise_to);
  }
  // the answer does not reprint the list: where messages can be updated, the questions message moves on in place;
  // elsewhere the confirmation brings the question that comes up next
  const update = capsOf(cx).update;
  if (!update) blocks.push(...nextQuestionsBlocks(L, env(cx), asked));
  post(cx, `${L.rec.id}/answer/${L.rec.lastSeq}`, blocks);
  if (update) post(cx, `${L.rec.id}/questions`, questionsBlocks(L, env(cx)), { replace: true });
  startDeadlines(cx, ev.actor);
  activateConditional(cx);
  return L;
}
