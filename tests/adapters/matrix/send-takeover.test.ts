/**
 * An encrypted send whose local echo is taken over by the /sync echo of an earlier send under the same transaction
 * id. matrix-js-sdk (37.x, `encryptAndSendEvent`) then answers `{}` instead of `{ event_id }`: it notices that the
 * local echo's id changed while encrypting and treats that as "cancelled". The outbox retried with the same key, so
 * the event is the earlier one and its id must come back (was: `{ ref: undefined }`, one CI run in a few).
 *
 * The client here is a stand-in with the SDK's observable steps (local echo added synchronously by `sendEvent`,
 * looked up by transaction id; the id replaced by the remote echo), because the race needs /sync to land inside the
 * encryption step, which a real homeserver only does by chance.
 */
import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { MatrixSender } from "../../../src/adapters/matrix/outbound.ts";
import { AdapterError } from "../../../src/core/adapter.ts";
import type { Outbound } from "../../../src/core/message.ts";

const ROOM = "!room:example.org";

function standIn(onSend: (local: { id: string }) => Promise<{ event_id?: string }>) {
  const byTxn = new Map<string, { id: string; status: string | null; getId(): string }>();
  const room = {
    roomId: ROOM,
    getEventForTxnId: (txn: string) => byTxn.get(txn),
    removeEvent: () => true,
    findEventById: () => undefined,
    getMember: () => null,
  };
  const client = {
    getRoom: (id: string) => (id === ROOM ? room : null),
    cancelPendingEvent: () => undefined,
    sendEvent(_room: string, _thread: null, _type: string, _content: unknown, txnId: string) {
      const local = {
        id: `~${ROOM}:${txnId}`,
        status: "sending",
        getId() {
          return this.id;
        },
      };
      byTxn.set(txnId, local);
      return onSend(local);
    },
  };
  return client as unknown as MatrixClient;
}

const message: Outbound = {
  key: "NF-2026-0001/opened",
  channel: `matrix:${ROOM}`,
  text: "",
  blocks: [{ type: "paragraph", text: "Netzwerkkabel ziehen." }],
  locale: "de",
};

describe("Matrix: encrypted send taken over by an earlier send's echo", () => {
  it("answers with the earlier event's id", async () => {
    const sender = new MatrixSender();
    sender.encrypts = () => true;
    const client = standIn(async (local) => {
      await Promise.resolve();
      local.id = "$first"; // the remote echo of the first send, carrying the same transaction id
      return {};
    });
    expect(await sender.deliver(client, message)).toEqual({ ref: "$first" });
  });

  it("an answer without an id whose echo never came is retried by the outbox, not taken as delivered", async () => {
    const sender = new MatrixSender();
    sender.encrypts = () => true;
    const client = standIn(async () => ({}));
    const err = await sender.deliver(client, message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe("transient");
  });

  it("a normal answer is taken as it is", async () => {
    const sender = new MatrixSender();
    sender.encrypts = () => true;
    const client = standIn(async () => ({ event_id: "$new" }));
    expect(await sender.deliver(client, message)).toEqual({ ref: "$new" });
  });
});
