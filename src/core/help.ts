/**
 * Help and guidance that needs no incident: the help text with the incident types and the German answer to a
 * command that could not be parsed. ("Which type did you mean?" is the menu, src/core/menu.ts.)
 */
import { loc } from "../machines/schema.ts";
import { about, type Cx } from "./context.ts";
import { nextStepsBlocks } from "./guide.ts";
import type { Inbound } from "./inbound.ts";
import { escapeMd } from "./message.ts";
import type { Command } from "./parser.ts";
import { refuse, reply } from "./primitives.ts";
import { shorten } from "./text.ts";
import { ctxOf } from "./views.ts";

/** `/notfall`, `/notfall hilfe`. Inside a running incident: that incident first (the asker's next step), then the commands. */
export function help(cx: Cx, ev: Inbound): undefined {
  const L = cx.L;
  if (L && !ctxOf(L).closedAt) {
    reply(cx, ev, [...nextStepsBlocks(about(cx, L), ev), { type: "context", text: cx.t.helpInIncident }], true);
    return undefined;
  }
  reply(cx, ev, [{ type: "paragraph", text: cx.t.help(typesList(cx)) }], false);
  return undefined;
}

/** What to type instead, for a command that could not be parsed. */
export function parseError(cx: Cx, ev: Inbound, e: Extract<Command, { kind: "error" }>["error"]): undefined {
  return refuse(cx, ev, errorText(cx, e));
}

function errorText(cx: Cx, e: Extract<Command, { kind: "error" }>["error"]): string {
  const { t } = cx;
  switch (e.code) {
    case "role-missing":
      return t.err.roleMissing;
    case "role-unknown":
      return t.err.roleUnknown(escapeMd(shorten(e.given, 40)), e.suggestion);
    case "handover-incomplete":
      return t.err.handoverIncomplete(e.role, e.target ? escapeMd(shorten(e.target, 40)) : undefined);
    case "task-nr-missing":
      return t.err.taskNrMissing(e.verb === "bestätigt" ? "ok" : e.verb === "erledigt" ? "erledigt" : "überspringen");
    case "skip-reason-missing":
      return t.err.skipReason(e.nr);
    case "note-empty":
      return t.err.noteEmpty;
    case "answer-missing":
      return t.err.answerMissing;
    case "type-missing":
      return t.err.typeMissing;
    case "unknown":
      return e.suggestion ? t.didYouMean(escapeMd(shorten(e.given, 40)), escapeMd(e.suggestion)) : t.help(typesList(cx));
  }
}

function typesList(cx: Cx): string {
  return cx.playbooks
    .list()
    .map((p) => cx.t.typesLine(p.id, loc(p.title, cx.locale)))
    .join(" · ");
}
