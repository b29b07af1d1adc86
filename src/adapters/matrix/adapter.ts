import {
  ClientEvent,
  createClient,
  type MatrixClient,
  type MatrixEvent,
  MatrixEventEvent,
  Method,
  type Room,
  RoomEvent,
  SyncState,
} from "matrix-js-sdk";
import { AdapterError, type Capabilities, type ChatAdapter, type DeliveryResult, type InboundHandler } from "../../core/adapter.ts";
import { type Clock, systemClock } from "../../core/clock.ts";
import type { Outbound } from "../../core/message.ts";
import { isAllowedInvite, type MatrixConfig } from "./config.ts";
import { bootstrapCrossSigning, cryptoCallbacks, initCrypto, useWriteAhead } from "./crypto.ts";
import { CryptoStateError, CryptoStateFile } from "./crypto-store.ts";
import { toAdapterError } from "./errors.ts";
import { useClearableTimeouts } from "./http-timeouts.ts";
import { localpart } from "./ids.ts";
import { displayName, toInbound } from "./inbound.ts";
import { MatrixSender, txnIdFor } from "./outbound.ts";
import { parseRecoveryKey } from "./recovery-key.ts";
import { type SdkLogLevel, sdkLogger } from "./sdk-logger.ts";
import { login, type Session, syncFilter } from "./session.ts";
import { type AdapterState, HANDLED_LIMIT, loadState, saveState } from "./state.ts";
import { ResumableSyncStore } from "./sync-store.ts";
import { encryptionOffNotice, unreadableNotice } from "./texts.ts";
import { type PendingUnreadable, UnreadableTracker } from "./undecryptable.ts";

export type MatrixLog = (level: "info" | "warn" | "error", line: string) => void;

/** Options of {@link MatrixAdapter}. */
export interface MatrixAdapterOptions {
  config: MatrixConfig;
  /** Source of `Inbound.receivedAt` (default: system clock). */
  clock?: Clock;
  /** Log sink (default: stderr). Lines never contain tokens or passwords. */
  log?: MatrixLog;
  /** Level of matrix-js-sdk's own console logging (default `warn`). */
  sdkLogLevel?: SdkLogLevel;
  /** Long-poll timeout of /sync in ms (default 30 000). */
  pollTimeoutMs?: number;
  /** How long an undecryptable message waits for its room key before the room is told (default 60 s, adapter clock). */
  keyWaitMs?: number;
}

/**
 * The Matrix adapter on matrix-js-sdk. Reads commands typed as `!notfall …`, `/notfall …` or after a mention of the
 * bot, thread replies and ✅/👍 reactions; posts `m.notice` messages with HTML and plain bodies, in the m.thread of
 * the declaring message. With `cryptoSecret` set it works in end-to-end encrypted rooms too (Rust crypto, state in
 * an encrypted file next to the database, see crypto-store.ts); without, encrypted rooms get a notice.
 */
export class MatrixAdapter implements ChatAdapter {
  readonly platform = "matrix" as const;
  readonly capabilities: Capabilities = {
    buttons: false,
    update: true,
    reactions: true,
    ephemeral: false,
    threads: true,
    threadRoot: "message",
  };

  private readonly config: MatrixConfig;
  private readonly clock: Clock;
  private readonly log: MatrixLog;
  private readonly pollTimeoutMs: number;
  private readonly sdkLog: ReturnType<typeof sdkLogger>;
  private client: MatrixClient | undefined;
  private store: ResumableSyncStore | undefined;
  private session: Session | undefined;
  private state: AdapterState | undefined;
  private handled = new Set<string>();
  private onEvent: InboundHandler | undefined;
  private queue: Promise<void> = Promise.resolve();
  private live = false;
  private syncState: SyncState | "NOT_STARTED" = "NOT_STARTED";
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly sender = new MatrixSender();
  private readonly pendingInvites = new Set<string>();
  /** Encrypted rooms that existed before a fresh start: no unsolicited notice, only when someone writes there. */
  private readonly quietEncrypted = new Set<string>();
  private cryptoState: CryptoStateFile | undefined;
  /** Undecryptable events (the SDK's objects) that already have a listener for their later decryption. */
  private readonly watched = new WeakSet<MatrixEvent>();
  private persisting: Promise<void> = Promise.resolve();
  /** The sync position being saved after a /sync batch (stop() waits for it: nothing is written after stop). */
  private saving: Promise<void> = Promise.resolve();
  private readonly unreadable: UnreadableTracker;
  /** Timings of the last start (for the benchmark and the log). */
  readonly startTimes: { cryptoLoadMs?: number; cryptoInitMs?: number; firstSyncMs?: number } = {};

  constructor(opts: MatrixAdapterOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? ((level, line) => process.stderr.write(`[matrix] ${level}: ${line}\n`));
    this.pollTimeoutMs = opts.pollTimeoutMs ?? 30_000;
    this.sdkLog = sdkLogger(opts.sdkLogLevel ?? "warn");
    this.sdkLogLevel = opts.sdkLogLevel ?? "warn";
    this.unreadable = new UnreadableTracker({
      clock: this.clock,
      ...(opts.keyWaitMs !== undefined ? { waitMs: opts.keyWaitMs } : {}),
      tell: (p) => this.tellUnreadable(p),
      changed: () => {
        if (!this.state) return;
        this.state.unreadable = this.unreadable.snapshot();
        void this.persist();
      },
    });
    this.sender.encrypts = (client, roomId) => this.cryptoState !== undefined && client.getRoom(roomId)?.hasEncryptionStateEvent() === true;
  }

  private readonly sdkLogLevel: SdkLogLevel;

  /** Whether end-to-end encryption is configured (MATRIX_CRYPTO_SECRET). */
  get encryption(): boolean {
    return this.config.cryptoSecret !== undefined;
  }

  /** The bot's user id (known after start). */
  get userId(): string | undefined {
    return this.session?.userId;
  }

  /**
   * Log in and start syncing. Resolves once the first sync is through, or, when the homeserver cannot be reached
   * (e.g. it boots after the bot following a power cut), at once: the adapter then keeps trying in the background
   * and `health()` says so. Rejects only for settings that can never work (bad token or password).
   */
  async start(onEvent: InboundHandler): Promise<void> {
    if (this.running) throw new Error("MatrixAdapter already started");
    this.running = true;
    this.onEvent = onEvent;
    try {
      await this.connect();
    } catch (err) {
      const e = toAdapterError(err, "start");
      if (e.code === "unauthorized" || e.code === "permanent") {
        this.running = false;
        throw e;
      }
      this.log("warn", `${e.message} – neuer Versuch läuft im Hintergrund / retrying in the background`);
      this.retryConnect(2_000);
    }
  }

  private retryConnect(delayMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.running || this.client) return;
      this.connect().catch((err: unknown) => {
        const e = toAdapterError(err, "start");
        if (e.code === "unauthorized" || e.code === "permanent") {
          this.log("error", `${e.message} – Matrix bleibt aus / Matrix stays off`);
          this.running = false;
          return;
        }
        this.retryConnect(Math.min(delayMs * 2, 60_000));
      });
    }, delayMs);
    this.retryTimer.unref?.();
  }

  private async connect(): Promise<void> {
    this.session ??= await login(this.config, this.sdkLog);
    const session = this.session;
    if (!this.running) return;
    // the crypto state first: while another process still holds it (a handover of the Matrix role), that process
    // may still write the sync state too, which is read only once the crypto state is this process's
    const crypto = this.encryption ? await this.openCrypto(session) : undefined;
    if (!this.state) this.state = await loadState(this.config.stateFile);
    if (this.state.userId && this.state.userId !== session.userId) this.state = { version: 1, handled: [], encryptionNoticeSent: [] };
    this.state.userId = session.userId;
    this.handled = new Set(this.state.handled);
    const toRetry = this.state.unreadable ? this.unreadable.restore(this.state.unreadable) : [];

    const store: ResumableSyncStore = new ResumableSyncStore(this.state.sync, (data) => {
      // Called by the SDK after a whole /sync batch was processed. The remembered position may only move on
      // once every event of the batch has been handled, and never for a client that was stopped mid-batch:
      // stop() waits for a save in flight, and a save that stop() overtook writes nothing.
      const save = (async () => {
        await this.queue;
        if (this.store !== store || !this.state) return;
        // the crypto state first: the saved position must never be ahead of the keys it acknowledged
        await this.cryptoState?.flush();
        if (this.store !== store || !this.state) return;
        this.state.sync = data;
        await this.persist();
      })();
      this.saving = save.catch(() => undefined);
      return save;
    });
    const client = createClient({
      baseUrl: this.config.homeserverUrl,
      accessToken: session.accessToken,
      userId: session.userId,
      ...(session.deviceId ? { deviceId: session.deviceId } : {}),
      store,
      logger: this.sdkLog,
      useAuthorizationHeader: true,
      timelineSupport: false,
      cryptoCallbacks: cryptoCallbacks(() => this.client, parseRecoveryKey(this.config.recoveryKey)),
    });
    useClearableTimeouts(client);
    if (crypto) {
      useWriteAhead(client, crypto);
      const t0 = performance.now();
      try {
        await this.checkDeviceKeys(client, session, crypto);
        const { keyRequests } = await initCrypto(client, crypto, this.sdkLogLevel);
        if (!keyRequests) {
          this.log(
            "warn",
            "Schlüsselanfragen an eigene Geräte nicht eingeschaltet (matrix-js-sdk geändert?); unlesbare Nachrichten werden dann nur gemeldet. / room-key requests not enabled",
          );
        }
      } catch (err) {
        await this.closeCrypto();
        if (err instanceof Error && /doesn't match the account/i.test(err.message)) {
          throw new AdapterError(
            "permanent",
            `Matrix: Die Schlüsseldatei ${this.config.cryptoFile} gehört zu einem anderen Konto oder Gerät als ${session.userId} / ${session.deviceId}. ` +
              "Für ein anderes Konto oder Gerät eine eigene Datei angeben (MATRIX_CRYPTO_STORE), die alte aufbewahren. / the crypto state belongs to another account or device.",
            { cause: err },
          );
        }
        throw err;
      }
      this.startTimes.cryptoInitMs = performance.now() - t0;
    }
    this.client = client;
    this.store = store;
    this.live = false;
    const resumed = store.resumed;

    client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline, removed, data) => {
      if (toStartOfTimeline || removed || !data?.liveEvent || !room || !this.live || this.client !== client) return;
      this.enqueue(() => this.handleEvent(client, event, room));
    });
    client.on(RoomEvent.MyMembership, (room, membership) => {
      if (membership === "invite") this.enqueue(() => this.handleInvite(client, room));
    });
    // Resolves after the first sync with the homeserver (not the one replayed from the saved state: stopping before
    // the SDK awaits its first request would leave that request's abort unhandled), or when the homeserver is away.
    let settled = false;
    const prepared = new Promise<void>((resolve, reject) => {
      const done = () => {
        settled = true;
        resolve();
      };
      client.on(ClientEvent.Sync, (state, _prev, data) => {
        this.syncState = state;
        if (state === SyncState.Prepared && !this.live) {
          this.live = true;
          if (!resumed) for (const r of this.encryptedRooms(client)) this.quietEncrypted.add(r.roomId);
        }
        if (!settled && ((state === SyncState.Prepared && !data?.fromCache) || state === SyncState.Syncing)) done();
        if (state === SyncState.Prepared || state === SyncState.Syncing) this.enqueue(() => this.afterSync(client));
        if (state === SyncState.Error && !settled) {
          const err = data?.error;
          if (err && toAdapterError(err, "sync").code === "unauthorized") {
            settled = true;
            reject(
              new AdapterError("unauthorized", "Matrix: Zugangsdaten ungültig (MATRIX_ACCESS_TOKEN?). / Matrix: invalid credentials.", {
                cause: err,
              }),
            );
          } else {
            // the SDK keeps retrying; events count as live once its first sync is through
            this.log("warn", "Matrix-Server nicht erreichbar, versuche es weiter … / homeserver unreachable, retrying");
            done();
          }
        }
      });
    });
    const syncStarted = performance.now();
    await client.startClient({
      initialSyncLimit: 1,
      lazyLoadMembers: false,
      disablePresence: true,
      threadSupport: false,
      pollTimeout: this.pollTimeoutMs,
      filter: syncFilter(session.userId),
    });
    try {
      await prepared;
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.startTimes.firstSyncMs = performance.now() - syncStarted;
    if (crypto && this.client === client) {
      const cs = await bootstrapCrossSigning(client, {
        userId: session.userId,
        ...(this.config.password ? { password: this.config.password } : {}),
        ...(this.config.recoveryKey ? { recoveryKey: parseRecoveryKey(this.config.recoveryKey)! } : {}),
        log: this.log,
      });
      for (const p of toRetry) this.enqueue(() => this.retryUnreadable(client, p));
      this.log(
        "info",
        `Verschlüsselung an (Gerät ${session.deviceId}, ${crypto.restored ? "Schlüssel geladen" : "neue Schlüssel"}, Cross-Signing ${cs.crossSigning ? "ja" : "nein"}) / encryption on`,
      );
    }
    this.log("info", `verbunden als ${session.userId} (${resumed ? "setzt fort" : "neu"}) / connected`);
  }

  /** Open the crypto state file once per run of the adapter (kept across reconnects). */
  private async openCrypto(session: Session): Promise<CryptoStateFile> {
    if (this.cryptoState) return this.cryptoState;
    if (!session.deviceId) {
      throw new AdapterError(
        "permanent",
        "Matrix: Das Zugangstoken gehört zu keinem Gerät; für Verschlüsselung bitte mit MATRIX_USER_ID/MATRIX_PASSWORD anmelden. / the access token has no device.",
      );
    }
    const file = this.config.cryptoFile;
    if (!file)
      throw new AdapterError("permanent", "Matrix: kein Ort für den Schlüsselspeicher (MATRIX_CRYPTO_STORE). / no crypto store file.");
    try {
      this.cryptoState = await CryptoStateFile.open(file, this.config.cryptoSecret!, this.config.cryptoSecretPrevious);
    } catch (err) {
      // held by another live process (e.g. the previous holder of the Matrix role, still stopping): start() keeps
      // trying in the background, with the message in the log; anything else about the file needs a person
      if (err instanceof CryptoStateError) throw new AdapterError(err.busy ? "transient" : "permanent", err.message, { cause: err });
      throw err;
    }
    this.startTimes.cryptoLoadMs = this.cryptoState.loadMs;
    return this.cryptoState;
  }

  private async closeCrypto(): Promise<void> {
    const state = this.cryptoState;
    this.cryptoState = undefined;
    if (!state) return;
    try {
      await state.close();
    } catch (err) {
      this.log("error", `Schlüsselspeicher nicht geschrieben / crypto state not saved: ${err instanceof Error ? err.message : "error"}`);
    }
  }

  /**
   * A first start (no state file) on a device that already has keys on the homeserver would publish new keys under
   * the old device id, which every other client rejects: refuse with what to do instead.
   */
  private async checkDeviceKeys(client: MatrixClient, session: Session, crypto: CryptoStateFile): Promise<void> {
    if (crypto.restored || !session.deviceId) return;
    const res = await client.http
      .authedRequest<{ device_keys?: Record<string, Record<string, unknown>> }>(Method.Post, "/keys/query", undefined, {
        device_keys: { [session.userId]: [session.deviceId] },
      })
      .catch((err: unknown) => {
        throw toAdapterError(err, "keys/query");
      });
    if (res.device_keys?.[session.userId]?.[session.deviceId]) {
      throw new AdapterError(
        "permanent",
        `Matrix: Für das Gerät ${session.deviceId} gibt es schon Schlüssel auf dem Server, aber keine Schlüsseldatei (${this.config.cryptoFile}). ` +
          "Die alte Datei zurückholen, oder mit einer neuen Geräte-ID anmelden (MATRIX_DEVICE_ID bzw. neues Zugangstoken) und das alte Gerät in Element löschen (docs/matrix.md). " +
          "/ the device already has keys on the homeserver but the crypto state file is missing.",
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.store = undefined;
    client.stopClient();
    client.removeAllListeners();
    this.live = false;
    this.syncState = SyncState.Stopped;
    this.unreadable.stop();
    await this.queue;
    await this.saving;
    // the sync state before the crypto state is released: the next holder reads both once it has the crypto state
    await this.persist();
    await this.closeCrypto();
  }

  health(): { ok: boolean; detail?: string } {
    const ok =
      this.client !== undefined &&
      (this.syncState === SyncState.Syncing || this.syncState === SyncState.Prepared || this.syncState === SyncState.Catchup);
    const detail = this.running && !this.client ? "verbinde … / connecting" : `sync ${String(this.syncState).toLowerCase()}`;
    return { ok, detail };
  }

  async deliver(message: Outbound): Promise<DeliveryResult> {
    const client = this.client;
    if (!client) throw new AdapterError("transient", "Matrix adapter not running");
    return this.sender.deliver(client, message);
  }

  // ---- inbound -------------------------------------------------------------------------------

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => {
      this.log(
        "error",
        `Ereignis nicht verarbeitet / event not handled: ${err instanceof Error ? `${err.name}: ${err.message}` : "error"}`,
      );
    });
  }

  private async handleEvent(client: MatrixClient, event: MatrixEvent, room: Room): Promise<void> {
    const me = this.session?.userId;
    const id = event.getId();
    const sender = event.getSender();
    if (!me || !id || !sender || sender === me || this.handled.has(id) || event.isRedacted()) return;
    if (event.isEncrypted()) {
      if (!this.cryptoState) {
        await this.noticeEncrypted(client, room.roomId);
        return;
      }
      await client.decryptEventIfNeeded(event);
      if (event.isDecryptionFailure()) {
        this.waitForKey(client, event, room);
        return;
      }
      this.unreadable.resolved(id);
    }
    const inbound = await toInbound({ botUserId: me, clock: this.clock, client }, room, event);
    if (!inbound) return;
    this.markHandled(id);
    await this.onEvent?.(inbound);
  }

  /** Keep an undecryptable event until its key arrives (the SDK decrypts it again then) or the wait runs out. */
  private waitForKey(client: MatrixClient, event: MatrixEvent, room: Room): void {
    const id = event.getId()!;
    const rel = event.getWireContent()["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
    this.unreadable.track({
      roomId: room.roomId,
      eventId: id,
      sender: event.getSender()!,
      ...(rel?.rel_type === "m.thread" && rel.event_id ? { threadRoot: rel.event_id } : {}),
      ...(rel?.rel_type === "m.annotation" ? { reaction: true } : {}),
      sentTs: event.getTs(),
      firstSeen: this.clock.now().getTime(),
      ...(event.decryptionFailureReason ? { reason: event.decryptionFailureReason } : {}),
    });
    if (this.watched.has(event)) return;
    this.watched.add(event);
    this.log(
      "warn",
      `Nachricht ${id} in ${room.roomId} noch nicht lesbar (${event.decryptionFailureReason}), warte auf den Schlüssel / waiting for the room key`,
    );
    const onDecrypted = (ev: MatrixEvent) => {
      if (ev.isDecryptionFailure()) return;
      ev.off(MatrixEventEvent.Decrypted, onDecrypted);
      if (this.client !== client) return;
      this.enqueue(() => this.handleEvent(client, ev, room));
    };
    event.on(MatrixEventEvent.Decrypted, onDecrypted);
  }

  /** After a restart: fetch an event that was waiting for its key and try again (it may be readable by now). */
  private async retryUnreadable(client: MatrixClient, p: PendingUnreadable): Promise<void> {
    const room = client.getRoom(p.roomId);
    if (!room || this.client !== client) return;
    let event: MatrixEvent;
    try {
      event = client.getEventMapper()(await client.fetchRoomEvent(p.roomId, p.eventId));
    } catch (err) {
      this.log("warn", `Nachricht ${p.eventId} nicht abrufbar / cannot fetch: ${toAdapterError(err, "fetch").message}`);
      return;
    }
    await this.handleEvent(client, event, room);
  }

  /** Tell the room (in the message's thread, if any) which message could not be read and what to do. */
  private async tellUnreadable(p: PendingUnreadable): Promise<boolean> {
    const client = this.client;
    if (!client || !this.state) return false;
    const room = client.getRoom(p.roomId);
    const name = displayName(room, p.sender) ?? localpart(p.sender);
    const sentAt = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" }).format(
      new Date(p.sentTs),
    );
    const text = unreadableNotice({
      senderName: name,
      sentAt,
      reaction: p.reaction === true,
      unverified: p.reason === "MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE",
      link: `https://matrix.to/#/${encodeURIComponent(p.roomId)}/${encodeURIComponent(p.eventId)}`,
    });
    const content: Record<string, unknown> = {
      msgtype: "m.notice",
      body: text.plain,
      format: "org.matrix.custom.html",
      formatted_body: text.html,
      "m.mentions": { user_ids: [p.sender] },
      "m.relates_to": p.threadRoot
        ? { rel_type: "m.thread", event_id: p.threadRoot, is_falling_back: true, "m.in_reply_to": { event_id: p.threadRoot } }
        : { "m.in_reply_to": { event_id: p.eventId } },
    };
    try {
      await this.sender.send(client, p.roomId, content, txnIdFor(`unreadable/${p.eventId}`));
      this.log("info", `Hinweis „nicht lesbar“ zu ${p.eventId} gesendet / told the room`);
      return true;
    } catch (err) {
      this.log("warn", `Hinweis zu ${p.eventId} nicht gesendet / notice not sent: ${toAdapterError(err, "send").message}`);
      return false;
    }
  }

  private markHandled(id: string): void {
    this.handled.add(id);
    if (this.handled.size > HANDLED_LIMIT) {
      const first = this.handled.values().next().value;
      if (first !== undefined) this.handled.delete(first);
    }
  }

  // ---- rooms ---------------------------------------------------------------------------------

  private async handleInvite(client: MatrixClient, room: Room): Promise<void> {
    const me = this.session!.userId;
    if (this.pendingInvites.has(room.roomId) || room.getMyMembership() !== "invite") return;
    this.pendingInvites.add(room.roomId);
    try {
      const inviter = room.getMember(me)?.events.member?.getSender() ?? "";
      if (isAllowedInvite(this.config.allowed, inviter, room.roomId, me)) {
        await client.joinRoom(room.roomId);
        this.log("info", `Raum ${room.roomId} beigetreten (eingeladen von ${inviter}) / joined`);
      } else {
        this.log("warn", `Einladung von ${inviter || "unbekannt"} in ${room.roomId} abgelehnt: nicht in MATRIX_ALLOWED / invite refused`);
        await client.leave(room.roomId);
      }
    } catch (err) {
      this.log("warn", `Einladung in ${room.roomId} nicht bearbeitet / invite not handled: ${toAdapterError(err, "join").message}`);
    } finally {
      this.pendingInvites.delete(room.roomId);
    }
  }

  private encryptedRooms(client: MatrixClient): Room[] {
    return client.getRooms().filter((r) => r.getMyMembership() === "join" && r.hasEncryptionStateEvent());
  }

  /**
   * After each sync: accept invites that are still open; without crypto, tell newly joined encrypted rooms that the
   * bot cannot read them.
   */
  private async afterSync(client: MatrixClient): Promise<void> {
    if (this.client !== client) return;
    for (const room of client.getRooms()) {
      if (room.getMyMembership() === "invite") await this.handleInvite(client, room);
    }
    if (this.encryption) return;
    for (const room of this.encryptedRooms(client)) {
      if (!this.quietEncrypted.has(room.roomId)) await this.noticeEncrypted(client, room.roomId);
    }
  }

  private async noticeEncrypted(client: MatrixClient, roomId: string): Promise<void> {
    const state = this.state;
    if (!state || state.encryptionNoticeSent.includes(roomId)) return;
    state.encryptionNoticeSent.push(roomId);
    const me = this.session!.userId;
    try {
      await this.sender.send(
        client,
        roomId,
        { msgtype: "m.notice", body: encryptionOffNotice(me), "m.mentions": {} },
        txnIdFor(`encryption-notice/${roomId}`),
      );
      this.log("info", `Hinweis „verschlüsselter Raum“ in ${roomId} gesendet / encrypted-room notice sent`);
    } catch (err) {
      state.encryptionNoticeSent = state.encryptionNoticeSent.filter((r) => r !== roomId);
      this.log("warn", `Hinweis in ${roomId} nicht gesendet / notice not sent: ${toAdapterError(err, "send").message}`);
    }
    await this.persist();
  }

  /** Write the state file; writes are serialised (they share one temporary file). */
  private persist(): Promise<void> {
    this.persisting = this.persisting.then(async () => {
      const state = this.state;
      if (!state) return;
      state.handled = [...this.handled].slice(-HANDLED_LIMIT);
      if (!this.config.stateFile) return;
      try {
        await saveState(this.config.stateFile, state);
      } catch (err) {
        this.log("error", `Sync-Stand nicht gespeichert / state not saved: ${err instanceof Error ? err.message : "error"}`);
      }
    });
    return this.persisting;
  }
}
