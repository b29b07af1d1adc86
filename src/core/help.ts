/**
 * Help and guidance that needs no incident: the help text with the incident types, "which type did you mean?"
 * (with buttons where the platform has them) and the German answer to a command that could not be parsed.
 */
import { loc } from "../machines/schema.ts";
import type { Cx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import type { Command } from "./parser.ts";
import { refuse, reply } from "./primitives.ts";

/** `/notfall`, `/notfall hilfe`. */
export function help(cx: Cx, ev: Inbound): undefined {
  reply(cx, ev, [{ type: "paragraph", text: cx.t.help(typesList(cx)) }], false);
  return undefined;
}

/** A declaration whose type is unclear: the candidates (or every type) to choose from. */
export function chooseType(cx: Cx, ev: Inbound, cmd: Extract<Command, { kind: "choose-type" }>): undefined {
  const { t } = cx;
  const cands = cmd.candidates.length ? cmd.candidates.map((c) => c.id) : cx.playbooks.list().map((p) => p.id);
  const pre = cmd.drill ? "übung " : "";
  const options = cands.map((id) => `\`${pre}${id}\``).join(" · ");
  const blocks: Block[] = [
    {
      type: "paragraph",
      text:
        cmd.candidates.length > 1
          ? t.chooseType(escapeMd(cmd.text.slice(0, 200)), options)
          : t.chooseTypeNone(escapeMd(cmd.text.slice(0, 200)), options),
    },
  ];
  if (cx.caps(ev.platform).buttons)
    blocks.push({
      type: "buttons",
      buttons: cands.slice(0, 5).map((id) => ({
        label: loc(cx.playbooks.get(id)!.title, cx.locale).slice(0, 60),
        command: `${pre}${id} ${cmd.text}`.slice(0, 1500),
      })),
    });
  reply(cx, ev, blocks, true);
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
      return t.err.roleUnknown(escapeMd(e.given.slice(0, 40)), e.suggestion);
    case "handover-incomplete":
      return t.err.handoverIncomplete(e.role, e.target ? escapeMd(e.target.slice(0, 40)) : undefined);
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
      return e.suggestion ? t.didYouMean(escapeMd(e.given.slice(0, 40)), e.suggestion) : t.help(typesList(cx));
  }
}

function typesList(cx: Cx): string {
  return cx.playbooks
    .list()
    .map((p) => cx.t.typesLine(p.id, loc(p.title, cx.locale)))
    .join(" · ");
}
