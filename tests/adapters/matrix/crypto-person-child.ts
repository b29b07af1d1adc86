/**
 * One person's Matrix client with end-to-end encryption, in its own process (child of crypto-person.ts): matrix-js-sdk
 * with the Rust crypto (in-memory store), syncing like Element. Encrypts what the person sends, decrypts what arrives
 * and reports every event (decrypted where possible) to the parent. Driven over the IPC channel:
 * `{ id, op, args }` → `{ id, ok, result | error }`; events are pushed as `{ seen }`.
 *
 * `holdKeys(userId)` keeps back the room keys this client sends to that user's devices (the Olm-encrypted to-device
 * messages are stored, the rest goes out), `releaseKeys()` sends them: a room key arriving after its message, as
 * happens when a homeserver delivers to-device messages late.
 */
import {
  ClientEvent,
  createClient,
  Direction,
  type MatrixClient,
  type MatrixEvent,
  MatrixEventEvent,
  Method,
  Preset,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
} from "matrix-js-sdk";
import { quietRustLogs } from "../../../src/adapters/matrix/crypto.ts";
import { sdkLogger } from "../../../src/adapters/matrix/sdk-logger.ts";
import type { TestUser } from "./synapse.ts";

const [url, userJson] = process.argv.slice(2);
const user = JSON.parse(userJson!) as TestUser;
const send = (msg: unknown) => process.send?.(msg);

const client: MatrixClient = createClient({
  baseUrl: url!,
  accessToken: user.accessToken,
  userId: user.userId,
  deviceId: user.deviceId,
  logger: sdkLogger("silent"),
});

// --- holding back room keys -------------------------------------------------------------------
let holdFor: string | undefined;
const held: { type: string; txn: string; messages: Record<string, Record<string, unknown>> }[] = [];
const http = client.http;
const original = http.requestOtherUrl.bind(http) as (...a: unknown[]) => Promise<unknown>;
http.requestOtherUrl = (async (method: unknown, target: unknown, body?: unknown, opts?: unknown) => {
  const path = new URL(String(target)).pathname;
  const m = /\/sendToDevice\/([^/]+)\/([^/]+)$/.exec(path);
  if (holdFor && method === Method.Put && m && decodeURIComponent(m[1]!) === "m.room.encrypted" && body) {
    const asString = typeof body === "string";
    const parsed = (typeof body === "string" ? JSON.parse(body) : structuredClone(body)) as {
      messages: Record<string, Record<string, unknown>>;
    };
    const mine = parsed.messages[holdFor];
    if (mine) {
      held.push({ type: "m.room.encrypted", txn: `held-${m[2]}`, messages: { [holdFor]: mine } });
      delete parsed.messages[holdFor];
      body = asString ? JSON.stringify(parsed) : parsed;
    }
  }
  return original(method, target, body, opts);
}) as typeof http.requestOtherUrl;

// --- what this person sees ----------------------------------------------------------------------
function seen(ev: MatrixEvent): Record<string, unknown> {
  const content = { ...(ev.getContent() as Record<string, unknown>) };
  const wireRel = ev.getWireContent()["m.relates_to"];
  if (!content["m.relates_to"] && wireRel) content["m.relates_to"] = wireRel;
  return {
    id: ev.getId() ?? "",
    type: ev.getType(),
    wireType: ev.getWireType(),
    sender: ev.getSender() ?? "",
    content,
    roomId: ev.getRoomId() ?? "",
    ...(ev.getStateKey() !== undefined ? { stateKey: ev.getStateKey() } : {}),
    decryptionFailure: ev.isDecryptionFailure(),
    at: Date.now(),
  };
}

async function report(ev: MatrixEvent): Promise<void> {
  if (!ev.getId() || ev.getId()!.startsWith("~")) return;
  await client.decryptEventIfNeeded(ev);
  send({ seen: seen(ev) });
  if (ev.isDecryptionFailure()) {
    ev.once(MatrixEventEvent.Decrypted, () => send({ seen: seen(ev) }));
  }
}

client.on(RoomEvent.Timeline, (ev, _room, toStart) => {
  if (!toStart) void report(ev);
});
client.on(RoomMemberEvent.Membership, (ev) => void report(ev));

// --- operations ---------------------------------------------------------------------------------
type Ops = Record<string, (...args: never[]) => Promise<unknown>>;
const ops: Ops = {
  async createRoom(name: string, invite: string[], encrypted: boolean) {
    const res = await client.createRoom({
      name,
      preset: Preset.PrivateChat,
      invite,
      ...(encrypted
        ? { initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] }
        : {}),
    });
    return res.room_id;
  },
  async join(roomId: string) {
    await client.joinRoom(roomId);
  },
  async invite(roomId: string, userId: string) {
    await client.invite(roomId, userId);
  },
  async send(roomId: string, type: string, content: Record<string, unknown>) {
    const res = await client.sendEvent(roomId, null, type as never, content as never);
    return res.event_id;
  },
  /** The newest events of a room from the homeserver, decrypted, oldest first. */
  async history(roomId: string, limit: number) {
    const out: Record<string, unknown>[] = [];
    let from: string | null = null;
    const mapper = client.getEventMapper();
    for (let i = 0; i < 100 && out.length < limit; i++) {
      const res = await client.createMessagesRequest(roomId, from, Math.min(500, limit), Direction.Backward);
      for (const raw of res.chunk) {
        const ev = mapper(raw);
        await client.decryptEventIfNeeded(ev);
        out.push(seen(ev));
      }
      if (!res.end || res.chunk.length === 0) break;
      from = res.end;
    }
    return out.reverse();
  },
  /** Start a new megolm session for the room with the next message (its key has to reach everyone again). */
  async newSession(roomId: string) {
    await client.getCrypto()!.forceDiscardSession(roomId);
  },
  async holdKeys(userId: string) {
    holdFor = userId;
  },
  async dropHeldKeys() {
    holdFor = undefined;
    const n = held.length;
    held.length = 0;
    return n;
  },
  async releaseKeys() {
    holdFor = undefined;
    const n = held.length;
    for (const h of held.splice(0)) {
      await client.http.authedRequest(Method.Put, `/sendToDevice/${encodeURIComponent(h.type)}/${encodeURIComponent(h.txn)}`, undefined, {
        messages: h.messages,
      });
    }
    return n;
  },
  /** How this person's client sees another device (Element's shield). */
  async deviceStatus(userId: string, deviceId: string) {
    await client.getCrypto()!.getUserDeviceInfo([userId], true);
    const s = await client.getCrypto()!.getDeviceVerificationStatus(userId, deviceId);
    return s ? { signedByOwner: s.signedByOwner, crossSigningVerified: s.crossSigningVerified } : null;
  },
  /** The devices of a user with their keys, via /keys/query (what every client sees). */
  async devicesOf(userId: string) {
    const res = await client.http.authedRequest<{ device_keys: Record<string, Record<string, { keys: Record<string, string> }>> }>(
      Method.Post,
      "/keys/query",
      undefined,
      { device_keys: { [userId]: [] } },
    );
    const devices = res.device_keys[userId] ?? {};
    return Object.fromEntries(Object.entries(devices).map(([id, d]) => [id, d.keys[`ed25519:${id}`] ?? ""]));
  },
};

process.on("message", (msg: { id: number; op: string; args: unknown[] }) => {
  const fn = ops[msg.op];
  if (!fn) {
    send({ id: msg.id, ok: false, error: `unknown op ${msg.op}` });
    return;
  }
  (fn as (...a: unknown[]) => Promise<unknown>)(...msg.args).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
process.on("disconnect", () => {
  client.stopClient();
  process.exit(0);
});

await client.initRustCrypto({ useIndexedDB: false });
quietRustLogs("silent");
const ready = new Promise<void>((resolve) => {
  client.on(ClientEvent.Sync, (state) => {
    if (state === SyncState.Prepared) resolve();
  });
});
await client.startClient({ initialSyncLimit: 0, disablePresence: true, threadSupport: false, lazyLoadMembers: false });
await ready;
send({ ready: true });
