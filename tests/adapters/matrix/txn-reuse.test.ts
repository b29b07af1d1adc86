/**
 * Guard for the one place the adapter reaches into matrix-js-sdk's private state: `forgetEarlierSend` deletes a
 * transaction id from `Room.txnToEvent` (no public API frees it: up to matrix-js-sdk 42, only the remote echo of
 * the event does, in `handleRemoteEcho`; `cancelPendingEvent` leaves it in place). The encrypted path relies on it
 * when the outbox sends the same transaction id again (a retry, an identical edit): the homeserver deduplicates, no
 * second remote echo comes, and the SDK would refuse every later send under that id.
 *
 * With a real SDK client and room, without a homeserver, so an SDK update that renames the field or changes the
 * bookkeeping fails here in milliseconds, not only in the Synapse tests (encrypted.test.ts, "sends the same
 * edit again and again"). If the first test ever fails because the SDK no longer refuses a known transaction id,
 * the workaround can go.
 */
import { createClient, EventStatus, type MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { forgetEarlierSend } from "../../../src/adapters/matrix/outbound.ts";
import { sdkLogger } from "../../../src/adapters/matrix/sdk-logger.ts";

const ME = "@nfbot:example.org";
const ROOM = "!room:example.org";
const TXN = "nf.NF-2026-0001_header_edit";

let client: MatrixClient | undefined;
const logger = sdkLogger("error");

function setup(): { client: MatrixClient; room: Room } {
  client = createClient({ baseUrl: "http://127.0.0.1:9", userId: ME, accessToken: "token", deviceId: "NOTFALLBOT", logger });
  const room = new Room(ROOM, client, ME);
  client.store.storeRoom(room);
  return { client, room };
}

/** A local echo as `client.sendEvent` adds it: status sending, id `~room:txn`. */
function localEcho(room: Room, txnId: string, body: string): MatrixEvent {
  const ev = new MatrixEvent({
    type: "m.room.message",
    content: { msgtype: "m.notice", body },
    room_id: ROOM,
    sender: ME,
    event_id: `~${ROOM}:${txnId}`,
    origin_server_ts: Date.now(),
  });
  ev.setTxnId(txnId);
  ev.setStatus(EventStatus.SENDING);
  room.addPendingEvent(ev, txnId);
  return ev;
}

afterEach(() => {
  client?.stopClient();
  client = undefined;
});

describe("Matrix: a transaction id the SDK still holds is freed for the next send", () => {
  it("the SDK refuses a transaction id whose send was answered but never echoed (the hazard)", () => {
    const { room } = setup();
    const first = localEcho(room, TXN, "Rollen: Anna");
    room.updatePendingEvent(first, EventStatus.SENT, "$first");
    expect(room.getEventForTxnId(TXN)).toBe(first);
    expect(() => localEcho(room, TXN, "Rollen: Anna")).toThrow(/known txnId/);
  });

  it("after forgetEarlierSend the same transaction id can be sent again (deduplicated edit)", () => {
    const { client, room } = setup();
    const first = localEcho(room, TXN, "Rollen: Anna");
    room.updatePendingEvent(first, EventStatus.SENT, "$first");
    forgetEarlierSend(client, ROOM, TXN);
    expect(room.getEventForTxnId(TXN)).toBeUndefined();
    // the sent event itself stays in the timeline: only the bookkeeping of the transaction id is dropped
    expect(room.findEventById("$first")).toBe(first);
    const again = localEcho(room, TXN, "Rollen: Anna");
    expect(room.getEventForTxnId(TXN)).toBe(again);
  });

  it("a failed send's local echo is cancelled, removed and its transaction id freed", () => {
    const { client, room } = setup();
    const failed = localEcho(room, TXN, "Aufgabe 1 erledigt");
    room.updatePendingEvent(failed, EventStatus.NOT_SENT);
    forgetEarlierSend(client, ROOM, TXN);
    expect(failed.status).toBe(EventStatus.CANCELLED);
    expect(room.getEventForTxnId(TXN)).toBeUndefined();
    expect(room.findEventById(`~${ROOM}:${TXN}`)).toBeUndefined();
    expect(() => localEcho(room, TXN, "Aufgabe 1 erledigt")).not.toThrow();
  });
});
