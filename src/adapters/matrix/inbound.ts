import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import type { Clock } from "../../core/clock.ts";
import type { Inbound } from "../../core/inbound.ts";
import { localpart, matrixChannel, serverOf } from "./ids.ts";
import { normaliseEmoji, parseMessage } from "./parse.ts";

type Content = Record<string, unknown>;

/** What turning a Matrix event into an {@link Inbound} needs. */
export interface InboundContext {
  botUserId: string;
  clock: Clock;
  /** For looking up the thread of a replied-to event that is not in the local timeline. */
  client: MatrixClient;
}

export function relatesTo(content: Content | undefined): Content | undefined {
  const r = content?.["m.relates_to"];
  return r && typeof r === "object" ? (r as Content) : undefined;
}

function inReplyTo(rel: Content | undefined): string | undefined {
  const r = rel?.["m.in_reply_to"];
  const id = r && typeof r === "object" ? (r as Content).event_id : undefined;
  return typeof id === "string" ? id : undefined;
}

/** Thread root of an event content (its m.thread relation), if any. */
export function threadRootOf(content: Content | undefined): string | undefined {
  const rel = relatesTo(content);
  return rel?.rel_type === "m.thread" && typeof rel.event_id === "string" ? rel.event_id : undefined;
}

/**
 * The content of an event with its relation: in end-to-end encrypted rooms `m.relates_to` travels unencrypted
 * (wire content), so it is taken from there when the decrypted content lacks it.
 */
export function withRelation(event: MatrixEvent): Content {
  const content = event.getContent() as Content;
  if (content["m.relates_to"]) return content;
  const wire = event.getWireContent()["m.relates_to"];
  return wire ? { ...content, "m.relates_to": wire } : content;
}

/** Display name from the room member state; undefined when unknown or not set. */
export function displayName(room: Room | null | undefined, userId: string): string | undefined {
  const m = room?.getMember(userId);
  return m?.rawDisplayName && m.rawDisplayName !== userId ? m.rawDisplayName : undefined;
}

function base(ctx: InboundContext, room: Room, event: MatrixEvent): Omit<Inbound, "kind"> {
  const sender = event.getSender()!;
  const id = event.getId()!;
  return {
    platform: "matrix",
    tenant: serverOf(ctx.botUserId),
    channel: matrixChannel(room.roomId),
    messageRef: id,
    actor: { id: sender, displayName: displayName(room, sender) ?? localpart(sender) },
    receivedAt: ctx.clock.now(),
    deliveryId: id,
  };
}

/** An m.reaction (m.annotation) as a reaction Inbound with a normalised emoji. */
function reaction(ctx: InboundContext, room: Room, event: MatrixEvent, content: Content): Inbound | undefined {
  const rel = relatesTo(content);
  if (rel?.rel_type !== "m.annotation" || typeof rel.event_id !== "string" || typeof rel.key !== "string") return undefined;
  const target = room.findEventById(rel.event_id);
  const threadRef = target ? threadRootOf(withRelation(target)) : undefined;
  return {
    ...base(ctx, room, event),
    kind: "reaction",
    ...(threadRef ? { threadRef } : {}),
    reaction: { emoji: normaliseEmoji(rel.key), messageRef: rel.event_id },
  };
}

/** The thread an event belongs to (local timeline first, else asked from the homeserver). */
async function threadOf(ctx: InboundContext, room: Room, eventId: string): Promise<string | undefined> {
  const local = room.findEventById(eventId);
  if (local) return threadRootOf(withRelation(local));
  try {
    const raw = await ctx.client.fetchRoomEvent(room.roomId, eventId);
    return threadRootOf(raw.content as Content | undefined);
  } catch {
    return undefined;
  }
}

/** An m.room.message as a command (prefix or bot mention) or a reply (in a thread); undefined for room chatter. */
async function message(ctx: InboundContext, room: Room, event: MatrixEvent, content: Content): Promise<Inbound | undefined> {
  const rel = relatesTo(content);
  if (rel?.rel_type === "m.replace") return undefined; // an edit never runs a command twice
  if (content.msgtype === "m.notice") return undefined; // other bots
  const me = ctx.botUserId;
  const botMember = room.getMember(me);
  const parsed = parseMessage(content, {
    botUserId: me,
    botNames: [botMember?.rawDisplayName ?? "", botMember?.name ?? "", localpart(me)].filter((n, i, a) => n && a.indexOf(n) === i),
    displayName: (uid) => displayName(room, uid),
  });
  if (!parsed) return undefined;
  let threadRef = threadRootOf(content);
  if (!threadRef) {
    // A plain reply (client without threads) to a thread message or to a bot message belongs to that thread.
    const replied = inReplyTo(rel);
    if (replied) threadRef = (await threadOf(ctx, room, replied)) ?? replied;
  }
  if (!parsed.command && !threadRef) return undefined;
  return {
    ...base(ctx, room, event),
    kind: parsed.command ? "command" : "reply",
    ...(threadRef ? { threadRef } : {}),
    text: parsed.text,
    ...(parsed.mentions.length > 0 ? { mentions: parsed.mentions } : {}),
  };
}

/** Translate one room event of another user into what the core understands, or undefined to ignore it. */
export async function toInbound(ctx: InboundContext, room: Room, event: MatrixEvent): Promise<Inbound | undefined> {
  const content = withRelation(event);
  switch (event.getType()) {
    case "m.reaction":
      return reaction(ctx, room, event, content);
    case "m.room.message":
      return message(ctx, room, event, content);
    default:
      return undefined;
  }
}
