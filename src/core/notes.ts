/**
 * Documentation: `notiz <text>` (a note on the timeline, acknowledged privately) and every other line typed in an
 * incident's thread (recorded on the timeline as it was written, without an answer).
 */
import type { IncidentCx } from "./context.ts";
import { nextStepsBlocks } from "./guide.ts";
import type { Inbound } from "./inbound.ts";
import { escapeMd } from "./message.ts";
import { classifyLine } from "./parser.ts";
import { acknowledge, log, refuse, remember, reply } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { sanitize } from "./text.ts";

/** Longest text kept from one line on the timeline. */
export const LINE_MAX = 4000;

/** `notiz <text>`. */
export function note(cx: IncidentCx, ev: Inbound, text: string): Loaded {
  log(cx, ev.actor, "note", sanitize(text, LINE_MAX));
  reply(cx, ev, [{ type: "context", text: tooLong(cx, text) ?? cx.t.noteSaved }], true);
  return cx.L;
}

/** A line longer than the timeline keeps: said, never cut silently. */
function tooLong(cx: IncidentCx, text: string): string | undefined {
  const n = text.trim().length;
  return n > LINE_MAX ? cx.t.textCut(n.toLocaleString("de-DE"), LINE_MAX.toLocaleString("de-DE")) : undefined;
}

/**
 * A line in the thread that is no command: documented on the timeline (with its platform ref), and never met with
 * silence: a mistyped command gets "Meinten Sie …?", a task word without number the question which one, a question
 * or cry for help the asker's next step; anything else a light acknowledgement (📝 reaction, or one short line).
 */
export function freeText(cx: IncidentCx, ev: Inbound, text: string): Loaded {
  const { t } = cx;
  remember(cx.L, ev.actor);
  log(cx, ev.actor, "text", text.slice(0, LINE_MAX), ev.messageRef ? { ref: ev.messageRef } : null);
  const cut = tooLong(cx, text);
  if (cut) {
    refuse(cx, ev, cut);
    return cx.L;
  }
  const line = classifyLine(text);
  switch (line.kind) {
    case "typo":
      refuse(cx, ev, t.didYouMeanLine(escapeMd(line.suggestion)));
      break;
    case "nr-missing":
      refuse(cx, ev, t.err.taskNrMissing("erledigt"));
      break;
    case "help":
      reply(cx, ev, nextStepsBlocks(cx, ev), true);
      break;
    case "chat":
      acknowledge(cx, ev, "📝", t.documented);
      break;
  }
  return cx.L;
}
