/**
 * Documentation: `notiz <text>` (a note on the timeline, acknowledged privately) and every other line typed in an
 * incident's thread (recorded on the timeline as it was written, without an answer).
 */
import type { IncidentCx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { log, remember, reply } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { sanitize } from "./text.ts";

/** `notiz <text>`. */
export function note(cx: IncidentCx, ev: Inbound, text: string): Loaded {
  log(cx, ev.actor, "note", sanitize(text));
  reply(cx, ev, [{ type: "context", text: cx.t.noteSaved }], true);
  return cx.L;
}

/** A line in the thread that is no command: documented on the timeline (with its platform ref). */
export function freeText(cx: IncidentCx, ev: Inbound, text: string): Loaded {
  remember(cx.L, ev.actor);
  log(cx, ev.actor, "text", text.slice(0, 4000), ev.messageRef ? { ref: ev.messageRef } : null);
  return cx.L;
}
