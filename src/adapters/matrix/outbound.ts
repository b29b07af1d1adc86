import { createHash, randomBytes } from "node:crypto";
import { EventStatus, EventType, type MatrixClient, Method } from "matrix-js-sdk";
import { AdapterError, type DeliveryResult } from "../../core/adapter.ts";
import { type Outbound, replaceableMentions, withoutMentionsOf } from "../../core/message.ts";
import { toAdapterError } from "./errors.ts";
import { localpart, roomOfChannel } from "./ids.ts";
import { displayName } from "./inbound.ts";
import { editContent, renderNotice, threadRelation } from "./render.ts";

/** Homeserver transaction id for a message key (keys may be long; the id stays short and stable). */
export function txnIdFor(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9._~-]/g, "_");
  if (safe.length <= 120 && safe === key) return `nf.${key}`;
  return `nf.${safe.slice(0, 60)}.${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

/**
 * Sends bot messages. Every send uses a transaction id (`PUT …/send/m.room.message/{txnId}`), so when the outbox
 * retries after a lost answer the homeserver returns the first event instead of posting twice. In end-to-end
 * encrypted rooms (when the bot has crypto) the SDK encrypts the message and sends it under the same transaction id.
 */
export class MatrixSender {
  /** Whether messages to this room must be encrypted (set by the adapter when crypto is on). */
  encrypts: (client: MatrixClient, roomId: string) => boolean = () => false;

  /** Last edit per original message: a retry of the same edit reuses its transaction id. */
  private readonly lastEdit = new Map<string, { hash: string; txnId: string }>();
  private editCounter = 0;
  /** Transaction ids this process is sending encrypted right now. */
  private readonly inFlight = new Set<string>();
  /** Distinguishes this process's edits from earlier ones with the same content. */
  private readonly nonce = randomBytes(6).toString("hex");

  /** Render and send one outbound message: new (in its thread) or as an edit of an earlier one. */
  async deliver(client: MatrixClient, message: Outbound): Promise<DeliveryResult> {
    const roomId = roomOfChannel(message.channel);
    if (!roomId) throw new AdapterError("permanent", `Matrix: not a Matrix channel: ${message.channel}`, { platformCode: "bad_channel" });
    if (message.reaction) {
      const content = { "m.relates_to": { rel_type: "m.annotation", event_id: message.reaction.ref, key: message.reaction.emoji } };
      return { ref: await this.send(client, roomId, content, txnIdFor(message.key), "m.reaction") };
    }
    const root = message.thread?.ref;
    const room = client.getRoom(roomId);
    // a person of the emergency plan who has not joined the room: a mention would not reach them (push rules apply to
    // members only), so they are shown with name and phone number instead
    const gone = room ? replaceableMentions(message).filter((id) => room.getMember(id)?.membership !== "join") : [];
    const msg = gone.length > 0 ? withoutMentionsOf(message, new Set(gone)) : message;
    const known = new Map((msg.mentions ?? []).map((m) => [m.id, m.name]));
    const notice = renderNotice(msg, {
      nameOf: (id) => displayName(room, id) ?? known.get(id) ?? localpart(id),
      inThread: Boolean(root),
    });
    if (message.replace && message.replaceRef) {
      const edit = editContent(message.replaceRef, notice);
      await this.send(client, roomId, edit, this.editTxnId(message.key, message.replaceRef, edit));
      return { ref: message.replaceRef };
    }
    const content: Record<string, unknown> = { ...notice };
    if (root) content["m.relates_to"] = threadRelation(root);
    return { ref: await this.send(client, roomId, content, txnIdFor(message.key)) };
  }

  async send(
    client: MatrixClient,
    roomId: string,
    content: Record<string, unknown>,
    txnId: string,
    type = "m.room.message",
  ): Promise<string> {
    if (this.encrypts(client, roomId)) return this.sendEncrypted(client, roomId, content, txnId, type);
    const path = `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;
    try {
      const res = await client.http.authedRequest<{ event_id: string }>(Method.Put, path, undefined, content);
      return res.event_id;
    } catch (err) {
      throw toAdapterError(err, "send");
    }
  }

  private async sendEncrypted(
    client: MatrixClient,
    roomId: string,
    content: Record<string, unknown>,
    txnId: string,
    type = "m.room.message",
  ): Promise<string> {
    if (this.inFlight.has(txnId)) {
      throw new AdapterError("transient", "Matrix send: same transaction still in flight", { platformCode: "in_flight" });
    }
    forgetEarlierSend(client, roomId, txnId);
    this.inFlight.add(txnId);
    try {
      const sending = client.sendEvent(
        roomId,
        null,
        (type === "m.reaction" ? EventType.Reaction : EventType.RoomMessage) as never,
        content as never,
        txnId,
      );
      // the SDK adds its local echo before the first await: keep it to learn the event id if the send is taken over
      const local = client.getRoom(roomId)?.getEventForTxnId(txnId);
      const res = await sending;
      if (res.event_id) return res.event_id;
      // The SDK answers {} when the local echo's id changed while it encrypted: the /sync echo of an earlier send
      // under the same transaction id (the homeserver keeps one event per id) arrived meanwhile and took this local
      // echo over. Nothing was sent again; the event is the earlier one.
      const id = local?.getId();
      if (id && !id.startsWith("~")) return id;
      throw new AdapterError("transient", "Matrix send: no event id returned", { platformCode: "no_event_id" });
    } catch (err) {
      // the SDK keeps a failed local echo and would send it again on its own; the outbox retries instead (same
      // transaction id, freed by forgetEarlierSend)
      const local = client.getRoom(roomId)?.findEventById(`~${roomId}:${txnId}`);
      if (local && local.status === EventStatus.NOT_SENT) client.cancelPendingEvent(local);
      throw toAdapterError(err, "send");
    } finally {
      this.inFlight.delete(txnId);
    }
  }

  /**
   * Transaction id of an edit. Edits reuse the message's key, so the content decides: the same edit again
   * (a retry) reuses the id and the homeserver deduplicates it; a different edit gets a new id.
   */
  private editTxnId(key: string, original: string, content: Record<string, unknown>): string {
    const hash = createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
    const last = this.lastEdit.get(original);
    if (last && last.hash === hash) return last.txnId;
    const txnId = txnIdFor(`${key}/edit/${hash}/${this.nonce}-${++this.editCounter}`);
    this.lastEdit.set(original, { hash, txnId });
    if (this.lastEdit.size > 5_000) {
      const first = this.lastEdit.keys().next().value;
      if (first !== undefined) this.lastEdit.delete(first);
    }
    return txnId;
  }
}

/**
 * Let the SDK send under a transaction id again. The homeserver deduplicates transaction ids (the plain path relies on
 * it: a retry or an identical edit gets the first event back), but matrix-js-sdk refuses a transaction id it still
 * holds ("addPendingEvent called on an event with known txnId"). It holds one until the remote echo arrives by
 * /sync, which never happens when the homeserver answered with an older event (deduplicated), nor after a failed
 * send was cancelled. Such a leftover local echo is dropped, so the homeserver decides as on the plain path.
 * Callers make sure the id is not in flight in this process.
 *
 * `txnToEvent` is private: up to matrix-js-sdk 42 no public method frees a transaction id (only the remote echo
 * does; `cancelPendingEvent` leaves it). tests/adapters/matrix/txn-reuse.test.ts guards this against SDK updates.
 */
export function forgetEarlierSend(client: MatrixClient, roomId: string, txnId: string): void {
  const room = client.getRoom(roomId);
  const earlier = room?.getEventForTxnId(txnId);
  if (!room || !earlier) return;
  if (earlier.status === EventStatus.NOT_SENT || earlier.status === EventStatus.QUEUED) client.cancelPendingEvent(earlier);
  const localId = earlier.getId();
  if (localId?.startsWith("~")) room.removeEvent(localId);
  const txns = (room as unknown as { txnToEvent?: unknown }).txnToEvent;
  if (txns instanceof Map) txns.delete(txnId);
}
