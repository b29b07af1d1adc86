/**
 * "Which kind of emergency?": the menu a declaration gets when the matcher is unsure (src/core/match), and the
 * answer to it. At most three options, each with its plain title and one line of what it looks like, plus
 * "etwas anderes" for the full list (one line each, never a bare id); buttons where the platform has them, and
 * always numbered for typing (`1`, `2`, `3` or the name). Whatever is chosen keeps the description as typed.
 *
 * The menu waiting for a typed answer ({@link PendingMenu}) is stored per person and channel with the event that
 * showed it (`Commit.menu`, in the same transaction) and counts for {@link MENU_TTL_MS}: whichever process receives
 * the `1`, and after a restart, reads it through the storage port. A button carries its whole command and needs
 * nothing kept.
 */
import { loc, type Playbook } from "../machines/schema.ts";
import type { Cx } from "./context.ts";
import type { Inbound } from "./inbound.ts";
import { MAX_CANDIDATES, menuOptions } from "./match/index.ts";
import { type Block, type ButtonSpec, escapeMd } from "./message.ts";
import type { Command } from "./parser.ts";
import { reply } from "./primitives.ts";
import { fold } from "./text.ts";

/** How long a menu waits for a typed answer. */
export const MENU_TTL_MS = 30 * 60_000;

/** A menu shown to one person, waiting for `1`, `2`, … or a name. */
export interface PendingMenu {
  /** The description as typed; goes with the chosen type. */
  text: string;
  drill: boolean;
  force: boolean;
  /** Playbook ids in the order shown (`1` is the first). */
  options: string[];
  /** The full list (no "etwas anderes" after it). */
  full: boolean;
  /** When it was shown (ISO). */
  at: string;
}

/** Which menu a person's answer refers to: one per person and channel. */
export function menuKey(ev: Pick<Inbound, "tenant" | "channel" | "actor">): string {
  return `${ev.tenant}\n${ev.channel}\n${ev.actor.id}`;
}

/** The prefix of a menu's commands: `übung `, `neu `. */
function prefix(m: { drill: boolean; force?: boolean | undefined }): string {
  return `${m.drill ? "übung " : ""}${m.force ? "neu " : ""}`;
}

/** A button command carries the description (cut where a platform's button value would overflow). */
function withText(command: string, text: string): string {
  return `${command}${text ? ` ${text}` : ""}`.slice(0, 1500);
}

/** `/notfall <text>` whose type is unclear: the ranked menu, or every type when nothing fits or "etwas anderes" was chosen. */
export function offerMenu(cx: Cx, ev: Inbound, cmd: Extract<Command, { kind: "choose-type" }>): undefined {
  const { t } = cx;
  const all = cx.playbooks.list();
  const full = cmd.all === true || cmd.candidates.length === 0;
  const ranked = full ? byRank(all, cx.locale).map((p) => ({ id: p.id, score: 0 })) : cmd.candidates.slice(0, MAX_CANDIDATES);
  const options = menuOptions(ranked, all, cx.locale);
  const shown = escapeMd(cmd.text.slice(0, 200));
  const question = cmd.all ? t.menu.all(shown) : full ? t.menu.none(shown) : t.menu.ask(shown);
  const lines = options.map((o, i) => option(i + 1, escapeMd(o.title), o.line ? escapeMd(o.line) : undefined));
  if (!full) lines.push(t.menu.other(options.length + 1));
  const blocks: Block[] = [
    { type: "paragraph", text: `${cmd.drill ? `🧪 ${t.drill}: ` : ""}${question}\n${lines.join("\n")}` },
    { type: "context", text: t.menu.howToAnswer(full ? options.length : options.length + 1) },
  ];
  if (cx.caps(ev.platform).buttons) blocks.push({ type: "buttons", buttons: menuButtons(cx, cmd, options, full) });
  answerWhereAsked(cx, ev, blocks);
  const pending: PendingMenu = {
    text: cmd.text,
    drill: cmd.drill,
    force: cmd.force === true,
    options: options.map((o) => o.id),
    full,
    at: cx.iso,
  };
  cx.w.menu = { key: menuKey(ev), pending };
  return undefined;
}

/**
 * Answers a declaration where it was typed, privately where the platform can: not into the thread of an incident
 * the channel happens to have (the answer is about a new one), and its buttons carry no incident.
 */
export function answerWhereAsked(cx: Cx, ev: Inbound, blocks: Block[]): void {
  const { L: _incident, ...outside } = cx;
  reply(outside, ev, blocks, true);
}

function menuButtons(
  cx: Cx,
  cmd: Extract<Command, { kind: "choose-type" }>,
  options: { id: string; title: string }[],
  full: boolean,
): ButtonSpec[] {
  const pre = prefix(cmd);
  const buttons: ButtonSpec[] = options.map((o, i) => ({
    label: cut(`${i + 1} · ${o.title}`, 60),
    command: withText(`${pre}${o.id}`, cmd.text),
  }));
  if (!full) buttons.push({ label: cx.t.menu.otherButton, command: withText(`${pre}anderes`, cmd.text) });
  return buttons;
}

/** Every type as the handbook orders them (`rang:`, ransomware first; unranked ones after, by title). */
function byRank(playbooks: readonly Playbook[], locale: "de" | "en"): Playbook[] {
  const rank = (p: Playbook) => p.rang ?? Number.POSITIVE_INFINITY;
  return [...playbooks].sort((a, b) => rank(a) - rank(b) || loc(a.title, locale).localeCompare(loc(b.title, locale), locale));
}

/** `**1** · Title – what it looks like` (the same in every language). */
function option(nr: number, title: string, line: string | undefined): string {
  return `**${nr}** · ${title}${line ? ` – ${line}` : ""}`;
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

const OTHER = new Set([
  "etwas anderes",
  "anderes",
  "andere",
  "was anderes",
  "keins",
  "keines",
  "keine davon",
  "something else",
  "other",
  "none",
]);

/**
 * A typed answer to a waiting menu: `1`, `2.`, `Nr. 3`, the name (or an unambiguous part of it), or "etwas
 * anderes". Undefined when the line is no answer (then it is read as any other line).
 */
export function menuAnswer(text: string, pending: PendingMenu, playbooks: readonly Playbook[]): Command | undefined {
  const t = answerText(text);
  if (!looksLikeAnswer(t)) return undefined;
  const base = { drill: pending.drill, ...(pending.force ? { force: true as const } : {}) };
  const other = (): Command => ({ kind: "choose-type", text: pending.text, candidates: [], all: true, ...base });
  const pick = (id: string): Command => ({ kind: "open", playbookId: id, description: pending.text, ...base });
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    if (n >= 1 && n <= pending.options.length) return pick(pending.options[n - 1]!);
    if (n === pending.options.length + 1 && !pending.full) return other();
    return undefined;
  }
  if (OTHER.has(t)) return pending.full ? undefined : other();
  // a name: every word typed (at most three) appears in one option's title or id, and in no other option
  const typed = nameWords(t);
  const hits = pending.options.filter((id) => {
    const pb = playbooks.find((p) => p.id === id);
    return pb !== undefined && typed.every((w) => nameOf(pb).includes(w));
  });
  return hits.length === 1 ? pick(hits[0]!) : undefined;
}

/** A line as a menu answer is read: folded, without `Nr.`/`#` before and punctuation after. */
function answerText(text: string): string {
  return fold(text)
    .replace(/^(?:nr|nummer|number)\.?\s*/, "")
    .replace(/^#/, "")
    .replace(/[.!:)]+$/, "")
    .trim();
}

const NAMES = new WeakMap<Playbook, string>();
/** What a name answer is looked for in: id and title in both languages, folded. */
function nameOf(pb: Playbook): string {
  let name = NAMES.get(pb);
  if (name === undefined) {
    name = `${fold(pb.id)} ${fold(loc(pb.title, "de"))} ${fold(loc(pb.title, "en"))}`;
    NAMES.set(pb, name);
  }
  return name;
}

/** The words of a name answer (three letters or more). */
function nameWords(t: string): string[] {
  return t.split(" ").filter((w) => w.length >= 3);
}

/** Whether a (normalised) line has the shape of an answer at all: a number, "etwas anderes", or one to three words. */
function looksLikeAnswer(t: string): boolean {
  if (!t) return false;
  if (/^\d{1,2}$/.test(t) || OTHER.has(t)) return true;
  const n = nameWords(t).length;
  return n >= 1 && n <= 3;
}

/**
 * Whether a line could answer some menu ({@link menuAnswer} with any options of these playbooks): a number, "etwas
 * anderes", or words that each appear in some type's name. The load step looks for a waiting menu only then, so
 * ordinary conversation and the commands of a running incident (`erledigt 3`, `status`) cost no read.
 */
export function mayAnswerMenu(text: string, playbooks: readonly Playbook[]): boolean {
  if (text.length > 300) return false;
  const t = answerText(text);
  if (!looksLikeAnswer(t)) return false;
  if (/^\d{1,2}$/.test(t) || OTHER.has(t)) return true;
  return nameWords(t).every((w) => playbooks.some((pb) => nameOf(pb).includes(w)));
}

/** A waiting menu still counts (shown less than {@link MENU_TTL_MS} ago). */
export function menuFresh(pending: PendingMenu, now: Date): boolean {
  return now.getTime() - Date.parse(pending.at) < MENU_TTL_MS;
}
