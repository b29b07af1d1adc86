/**
 * The primitives every command family uses, in one place: apply an event to the incident's machine, append to
 * the hash-chained timeline, queue a message for the incident's thread, answer the person who wrote, add a timer,
 * and who-is-who (coordinator, role holders, mentions). All pure: they only change the {@link Cx}'s Work and the
 * loaded incident.
 */
import { createHash } from "node:crypto";
import type { IncidentEvent } from "../machines/machine.ts";
import { persist, step } from "../machines/machine.ts";
import type { Capabilities } from "./adapter.ts";
import { hashEntry } from "./chain.ts";
import type { Cx, IncidentCx } from "./context.ts";
import type { ActorRef, Inbound } from "./inbound.ts";
import { type Block, blocksToPlain, escapeMd, type Mention, mentionedIds, type Outbound, plainOf } from "./message.ts";
import { planAbsent } from "./role-lines.ts";
import { planPeopleById } from "./role-plan.ts";
import type { Loaded } from "./state.ts";
import { coordinatorId, ctxOf, headerBlocks, nameOf, type ViewEnv } from "./views.ts";

/** The system itself as an actor on the timeline (reminders, deadlines, automatic changes). */
export const SYSTEM: ActorRef = { id: "notfallbot", displayName: "notfallbot" };

/** What views need to render for the incident's platform (or the terminal's, without an incident). */
export function env(cx: Cx, L: Loaded | undefined = cx.L): ViewEnv {
  return { t: cx.t, locale: cx.locale, caps: cx.caps(L?.rec.platform ?? "console"), config: cx.config, now: cx.now };
}

/** Applies an event to the incident's machine; false when the machine refused it (a guard did not hold). */
export function apply(L: Loaded, ev: IncidentEvent): boolean {
  const next = step(L.machine, L.snap, ev);
  if (next === L.snap || (next.value === L.snap.value && next.context === L.snap.context)) return false;
  L.snap = next;
  L.st.machine = persist(next);
  L.rec.phase = String(next.value);
  return true;
}

/** Appends an entry to the incident's timeline, chained to its predecessor by hash. */
export function log(cx: IncidentCx, actor: ActorRef, kind: string, text: string, data: unknown = null): void {
  const { L } = cx;
  const e = {
    incidentId: L.rec.id,
    seq: L.rec.lastSeq + 1,
    at: cx.iso,
    // well-formed strings only: SQLite stores a lone surrogate as U+FFFD, which would break the hash on reading
    actorId: actor.id.toWellFormed(),
    actorName: actor.displayName.toWellFormed(),
    platform: L.rec.platform,
    kind,
    text: text.toWellFormed(),
    data,
    prevHash: L.rec.lastHash,
  };
  const hash = hashEntry(e);
  cx.w.timeline.push({ ...e, hash });
  L.rec.lastSeq = e.seq;
  L.rec.lastHash = hash;
}

/**
 * Queues a message in the incident's thread (or, `root`, at channel level: the header that becomes the thread).
 * `replace` updates the message with the same key in place; the dispatcher posts it new when that key was never
 * delivered. Several updates of one key within one event: only the last is kept.
 *
 * A message that is updated later (`replace`, or `updatable` on its first post) has its content remembered in the
 * incident's state (`sent`, committed with the outbox row); an update that would show exactly that again is not
 * queued: on Matrix it would be an "(edited)" that changes nothing, on Slack and Teams an API call for nothing.
 */
export function post(
  cx: IncidentCx,
  key: string,
  blocks: Block[],
  opts: { replace?: boolean; root?: boolean; updatable?: boolean } = {},
): void {
  const { L, w } = cx;
  const drillBlocks: Block[] =
    L.rec.drill && !opts.root && !blocks.some((b) => b.type === "context" && b.text.includes("ÜBUNG"))
      ? [{ type: "context", text: `🧪 ${cx.t.drill}` }]
      : [];
  const all = [...blocks, ...drillBlocks];
  const mentions = mentionsIn(cx, all);
  const msg: Outbound = {
    key,
    incidentId: L.rec.id,
    channel: L.rec.channel,
    ...(opts.root ? {} : threadOf(L)),
    ...(opts.replace ? { replace: true } : {}),
    text: plainOf(all, mentions),
    blocks: all,
    ...(mentions.length ? { mentions } : {}),
    ...(L.rec.drill ? { drill: true } : {}),
    locale: cx.locale,
  };
  if (opts.replace || opts.updatable) {
    const hash = contentHash(msg);
    if (opts.replace && L.st.sent?.[key] === hash) return;
    L.st.sent = { ...L.st.sent, [key]: hash };
  }
  if (opts.replace) w.outbox = w.outbox.filter((o) => !(o.key === key && o.message.replace));
  w.outbox.push({ key, incidentId: L.rec.id, lane: `inc:${L.rec.id}`, platform: L.rec.platform, message: msg, nextAttemptAt: cx.iso });
}

/**
 * What a person sees of a message (text, blocks, mentions, drill marking, language), hashed short: two messages
 * with the same hash render the same on every platform. Where it goes (thread, root) and how (new or in place) do
 * not count: an update keeps the message where it is.
 */
function contentHash(m: Outbound): string {
  const seen = [m.text, m.blocks, m.mentions ?? null, m.drill ?? false, m.locale ?? null];
  return createHash("sha256").update(JSON.stringify(seen)).digest("base64url").slice(0, 16);
}

/**
 * The people the blocks mention on purpose (`<@id>`), with their names as the incident knows them; a person of the
 * emergency plan also with what to show instead where they are not a member of the channel (name and phone).
 */
function mentionsIn(cx: IncidentCx, blocks: Block[]): Mention[] {
  const { L } = cx;
  const texts = blocks.flatMap((b) =>
    b.type === "paragraph" || b.type === "context" || b.type === "heading"
      ? [b.text]
      : b.type === "facts"
        ? b.facts.map((f) => f.value)
        : [],
  );
  const ids = [...new Set(texts.flatMap(mentionedIds))];
  if (ids.length === 0) return [];
  const plan = planPeopleById(cx.config, L.rec.platform);
  return ids.map((id) => {
    const p = plan.get(id);
    return { id, name: nameOf(L, id) ?? id, ...(p ? { absent: planAbsent(cx.t, p) } : {}) };
  });
}

/** Where the incident's messages go: its thread (by root ref or by the key of the root message), or none in a chat. */
function threadOf(L: Loaded): { thread?: { ref: string } | { key: string } } {
  if (L.rec.threadRef) return { thread: { ref: L.rec.threadRef } };
  return L.rec.threadKey ? { thread: { key: L.rec.threadKey } } : {};
}

/** Answers the person where they wrote; `privately` uses an ephemeral message where the platform has one. */
export function reply(cx: Cx, ev: Inbound, blocks: Block[], privately: boolean): void {
  const L = cx.L;
  const caps = cx.caps(ev.platform);
  const eph = privately && caps.ephemeral;
  const all: Block[] =
    privately && !caps.ephemeral && L ? [{ type: "context", text: `@${escapeMd(ev.actor.displayName)}:` }, ...blocks] : blocks;
  answerWhereWritten(cx, ev, "reply", {
    ...(eph ? { visibleTo: ev.actor.id } : {}),
    text: blocksToPlain(all),
    blocks: all,
  });
}

/**
 * Queues an answer to the person's event where they wrote it (the event's thread, else the incident's, else the
 * channel), keyed by the event's delivery id so a redelivered event cannot answer twice.
 */
function answerWhereWritten(
  cx: Cx,
  ev: Inbound,
  kind: "reply" | "ack",
  body: Pick<Outbound, "text" | "blocks" | "visibleTo" | "reaction">,
): void {
  const L = cx.L;
  const thread = ev.threadRef ? { ref: ev.threadRef } : L ? threadOf(L).thread : undefined;
  const key = `${L?.rec.id ?? ev.channel}/${kind}/${ev.platform}:${ev.deliveryId}`;
  const msg: Outbound = {
    key,
    ...(L ? { incidentId: L.rec.id } : {}),
    channel: ev.channel,
    ...(thread ? { thread } : {}),
    ...body,
    locale: cx.locale,
  };
  cx.w.outbox.push({
    key,
    incidentId: L?.rec.id ?? null,
    lane: L ? `inc:${L.rec.id}` : `ch:${ev.channel}`,
    platform: ev.platform,
    message: msg,
    nextAttemptAt: cx.iso,
  });
}

/**
 * A light acknowledgement of the person's message: the emoji as a reaction where the platform has reactions and the
 * message's id is known; otherwise one short line in the thread.
 */
export function acknowledge(cx: Cx, ev: Inbound, emoji: string, line: string): void {
  if (!cx.caps(ev.platform).reactions || !ev.messageRef) {
    reply(cx, ev, [{ type: "context", text: line }], false);
    return;
  }
  answerWhereWritten(cx, ev, "ack", {
    reaction: { ref: ev.messageRef, emoji },
    text: emoji,
    blocks: [{ type: "context", text: emoji }],
  });
}

/** One paragraph to the person, privately (refusals, corrections). */
export function refuse(cx: Cx, ev: Inbound, text: string): undefined {
  reply(cx, ev, [{ type: "paragraph", text }], true);
  return undefined;
}

/**
 * Re-renders the header (what happened, level, roles) in place where the platform can update messages; nothing is
 * queued when it would look the same (a phase change: the header does not show the phase).
 */
export function refreshHeader(cx: IncidentCx): void {
  const { L } = cx;
  if (!cx.caps(L.rec.platform).update) return;
  post(cx, `${L.rec.id}/header`, headerBlocks(L, env(cx)), { replace: true, root: !L.rec.threadRef });
}

/** Schedules a timer of this incident; the id `<incident>:<key>` makes scheduling the same timer twice a no-op. */
export function addTimer(cx: IncidentCx, key: string, kind: string, at: Date, payload: Record<string, unknown>): void {
  const { L } = cx;
  cx.w.timers.push({ id: `${L.rec.id}:${key}`, incidentId: L.rec.id, kind, dueAt: at.toISOString(), payload });
}

/** Keeps the display name of everyone who acts. */
export function remember(L: Loaded, a: ActorRef): void {
  // a terminal name is the id itself: the name from the organisation file (emergency plan) says more
  if (a.displayName === a.id && Object.hasOwn(L.st.names, a.id)) return;
  if (a.displayName && L.st.names[a.id] !== a.displayName) L.st.names[a.id] = a.displayName;
}

/** A person named in a command: platform mention markup, a mentioned display name, or (terminal) a plain `@name`. */
export function resolveMention(token: string, ev: Inbound): ActorRef | undefined {
  const m = /^<@([^>]+)>$/.exec(token.trim());
  const mentions = ev.mentions ?? [];
  if (m) return mentions.find((x) => x.id === m[1]) ?? { id: m[1]!, displayName: m[1]! };
  // a name starts with a letter or digit: "@" alone or "@-" names nobody
  const at = /^@?([\p{L}\p{N}][\p{L}\p{N}._:@-]{0,63})$/u.exec(token.trim());
  if (!at) return undefined;
  const name = at[1]!;
  const byName = mentions.find((x) => x.id === name || x.id === `@${name}` || x.displayName.toLowerCase() === name.toLowerCase());
  if (byName) return byName;
  // platforms without mention markup (terminal): a plain @name is the person's id
  if (token.trim().startsWith("@") && ev.platform === "console") return { id: name, displayName: name };
  return undefined;
}

export function isCoordinator(L: Loaded, actorId: string): boolean {
  return coordinatorId(L) === actorId;
}

export function holdsAnyRole(L: Loaded, actorId: string): boolean {
  return isCoordinator(L, actorId) || Object.values(ctxOf(L).roles).includes(actorId);
}

/** Capabilities of the incident's platform. */
export function capsOf(cx: IncidentCx): Capabilities {
  return cx.caps(cx.L.rec.platform);
}
