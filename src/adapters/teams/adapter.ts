import { Activity } from "@microsoft/agents-activity";
import {
  type AuthConfiguration,
  CloudAdapter,
  ConnectorClient,
  type Request as SdkRequest,
  type TurnContext,
} from "@microsoft/agents-hosting";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { AdapterError, type Capabilities, type ChatAdapter, type DeliveryResult, type InboundHandler } from "../../core/adapter.ts";
import { type Clock, systemClock } from "../../core/clock.ts";
import type { Inbound } from "../../core/inbound.ts";
import { type Outbound, replaceableMentions, withoutMentionsOf } from "../../core/message.ts";
import { bearerShape, type HttpMountable, type RouteLimits } from "../http.ts";
import { toAdapterError } from "./errors.ts";
import { channelIdOf, isChannelConversation, parseChannelId, splitConversationId, threadConversationId } from "./ids.ts";
import { ConversationMembers } from "./members.ts";
import { checkTeamsOptions, GLOBAL_SERVICE_URL, sdkAuth, type TeamsAdapterOptions } from "./options.ts";
import { conversationTypeOf, parseActivity, type TeamsActivity, tenantOf } from "./parse.ts";
import { type ConversationRef, ReferenceStore } from "./references.ts";
import { renderActivity } from "./render.ts";

const BOT_FRAMEWORK_SCOPE = "https://api.botframework.com";

/**
 * Invoke response body for `adaptiveCard/action`. Teams shows the `value` of a message response to the person who
 * pressed; the core's answer (done, or why not) follows as a message in the thread or chat, so this only confirms
 * receipt, never success.
 */
const INVOKE_OK = {
  statusCode: 200,
  type: "application/vnd.microsoft.activity.message",
  value: "Angekommen – die Antwort steht gleich darunter. / Received – the answer follows below.",
};
const INVOKE_FAILED = {
  statusCode: 500,
  type: "application/vnd.microsoft.error",
  value: { code: "InternalError", message: "Das hat nicht geklappt, bitte nochmal tippen. / That did not work, please try again." },
};

/**
 * Largest activity we read. Teams caps a message at about 100 KB (UTF-16, mentions and HTML included; docs "Format
 * your bot messages"), and an incoming message activity carries its content twice (`text` and a `text/html`
 * attachment) plus a few KB of envelope; invokes, reactions and conversation updates are far smaller. 256 KB holds
 * any message of Latin text; larger bodies are refused with 413 before they are parsed.
 */
export const MAX_BODY_BYTES = 256 * 1024;

const BAD_MEDIA_TYPE = {
  error: "unsupported_media_type",
  message:
    "Teams schickt Activities als JSON: bitte mit Content-Type: application/json senden (siehe docs/teams.md). / " +
    "Send the activity as JSON with Content-Type: application/json.",
};
const NOT_AN_ACTIVITY = {
  error: "bad_request",
  message: "Kein gültiges Bot-Framework-Activity-JSON. / Not a valid Bot Framework activity (JSON object expected).",
};
const TOO_LARGE = {
  error: "payload_too_large",
  message: `Anfrage größer als ${MAX_BODY_BYTES / 1024} KB. / Request larger than ${MAX_BODY_BYTES / 1024} KB.`,
};

/**
 * Microsoft Teams through the Microsoft 365 Agents SDK (`CloudAdapter`): JWT validation of every request,
 * Activity parsing, invoke responses; replies and proactive messages go through the SDK's `ConnectorClient`
 * with a conversation reference kept per channel.
 */
export class TeamsAdapter implements ChatAdapter, HttpMountable {
  readonly platform = "teams" as const;
  readonly capabilities: Capabilities = {
    buttons: true,
    update: true,
    reactions: false,
    ephemeral: false,
    threads: true,
    threadRoot: "message",
  };

  private readonly opts: TeamsAdapterOptions;
  private readonly clock: Clock;
  private readonly cloud: CloudAdapter;
  private readonly refs: ReferenceStore;
  /** Who is in a conversation, for mentions of the emergency plan's people. */
  private readonly members: ConversationMembers;
  private readonly warnings: string[];
  private handler: InboundHandler | undefined;

  /** Throws {@link TeamsConfigError} when the settings must not run (no app id with NODE_ENV=production). */
  constructor(opts: TeamsAdapterOptions = {}) {
    this.warnings = checkTeamsOptions(opts);
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.members = new ConversationMembers(this.clock);
    this.refs = new ReferenceStore(opts.state);
    const auth: AuthConfiguration = sdkAuth(opts);
    this.cloud = new CloudAdapter(auth, undefined, undefined, { validateServiceUrl: Boolean(opts.appId) });
    // The SDK's default would post "The agent encountered an error" into the chat; surface errors to us instead.
    this.cloud.onTurnError = async (_context, error) => {
      throw error;
    };
  }

  /** Whether requests are accepted without a token (local testing). */
  get unauthenticated(): boolean {
    return !this.opts.appId;
  }

  /**
   * What `serve` may check before a byte of the body is read: the size cap and, unless running unauthenticated for
   * local tests, a well-formed `Authorization: Bearer <JWT>`. A wrong content type is answered by the route itself.
   */
  routes(): RouteLimits[] {
    const path = this.opts.path ?? "/api/messages";
    return [{ path, maxBodyBytes: MAX_BODY_BYTES, ...(this.unauthenticated ? {} : { precheck: (h) => bearerShape(h) }) }];
  }

  /**
   * `POST /api/messages`: the `Authorization: Bearer` JWT is checked from the headers alone, before a byte of the body
   * is read; only then is a JSON body of at most {@link MAX_BODY_BYTES} read and parsed (the `serviceurl` claim is
   * compared with the parsed activity by the SDK afterwards).
   */
  mount(app: Express): void {
    const path = this.opts.path ?? "/api/messages";
    app.post(
      path,
      (req: Request, res: Response, next: NextFunction) => {
        void this.cloud.authorizeRequest(req as unknown as SdkRequest, res, next).catch(next);
      },
      (req: Request, res: Response, next: NextFunction) => {
        if (!req.is("application/json")) {
          res.status(415).json(BAD_MEDIA_TYPE);
          return;
        }
        next();
      },
      express.json({ limit: MAX_BODY_BYTES }),
      (req: Request, res: Response, next: NextFunction) => {
        if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
          res.status(400).json(NOT_AN_ACTIVITY);
          return;
        }
        void this.handle(req, res).catch(next);
      },
      (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        if (res.headersSent) return;
        // body-parser errors carry their HTTP status (400 invalid JSON, 413 too large, 415 charset)
        const s = (err as { status?: unknown }).status;
        const status = typeof s === "number" && s >= 400 && s < 500 ? s : 500;
        if (status === 413) res.status(413).json(TOO_LARGE);
        else if (status === 400) res.status(400).json(NOT_AN_ACTIVITY);
        else res.status(status).json({ error: status < 500 ? "bad_request" : "internal_error" });
      },
    );
  }

  async start(onEvent: InboundHandler): Promise<void> {
    const write = this.opts.warn ?? ((t: string) => process.stderr.write(`${t}\n`));
    for (const w of this.warnings) write(w);
    if (this.opts.state && this.opts.legacyReferenceFile) {
      const n = await this.refs.importFile(this.opts.legacyReferenceFile);
      if (n > 0)
        write(
          `Teams: ${n} ${n === 1 ? "Eintrag" : "Einträge"} aus ${this.opts.legacyReferenceFile} in die Datenbank übernommen ` +
            `(Datei umbenannt in .imported). / ${n} ${n === 1 ? "entry" : "entries"} moved from the reference file into the database.`,
        );
    }
    this.handler = onEvent;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  health(): { ok: boolean; detail?: string } {
    if (!this.handler) return { ok: false, detail: "not started" };
    return this.unauthenticated ? { ok: true, detail: "UNAUTHENTICATED local test mode" } : { ok: true };
  }

  async deliver(message: Outbound): Promise<DeliveryResult> {
    const target = parseChannelId(message.channel);
    if (!target) throw new AdapterError("permanent", `not a Teams channel: ${message.channel}`, { platformCode: "bad_channel" });
    const ref = (await this.refs.get(message.channel)) ?? this.fallbackRef(target);
    if (!ref) {
      throw new AdapterError("permanent", "Teams: keine Verbindung zu diesem Kanal bekannt / no conversation reference", {
        platformCode: "no_conversation_reference",
      });
    }
    const conversationId = threadConversationId(ref.conversationId, message.thread?.ref, ref.conversationType);
    const person = message.visibleTo ? await this.refs.name(message.visibleTo) : undefined;
    const rendered = renderActivity(await this.forMembers(ref, message), person ? { personName: person } : {});
    const update = message.replace === true && Boolean(message.replaceRef);
    const activity = Activity.fromObject({
      ...rendered,
      ...(update ? { id: message.replaceRef } : {}),
      channelId: "msteams",
      serviceUrl: ref.serviceUrl,
      from: { id: ref.botId, ...(ref.botName ? { name: ref.botName } : {}) },
      conversation: {
        id: conversationId,
        ...(ref.conversationType ? { conversationType: ref.conversationType } : {}),
        tenantId: ref.tenantId,
      },
      ...(isChannelConversation(ref.conversationId, ref.conversationType) ? { channelData: { tenant: { id: ref.tenantId } } } : {}),
    });
    try {
      const client = await this.connector(ref.serviceUrl);
      // Path segments are percent-encoded (the SDK inserts them verbatim).
      const conv = encodeURIComponent(conversationId);
      if (update) {
        await client.updateActivity(conv, encodeURIComponent(message.replaceRef!), activity);
        return { ref: message.replaceRef! };
      }
      const res = await client.sendToConversation(conv, activity);
      if (!res?.id) throw new AdapterError("transient", "Teams: no activity id in response", { platformCode: "no_id" });
      return { ref: res.id };
    } catch (e) {
      throw toAdapterError(e, this.clock.now());
    }
  }

  /**
   * People of the emergency plan who are not members of the team or chat: a mention would not reach them, so they are
   * shown by name with their phone number (the core's `absent` text). Unknown membership: mentioned.
   */
  private async forMembers(ref: ConversationRef, message: Outbound): Promise<Outbound> {
    const ids = replaceableMentions(message);
    if (ids.length === 0) return message;
    let client: ConnectorClient;
    try {
      client = await this.connector(ref.serviceUrl);
    } catch {
      return message;
    }
    const gone = new Set<string>();
    for (const id of ids) if ((await this.members.isMember(client, ref.conversationId, id)) === false) gone.add(id);
    return withoutMentionsOf(message, gone);
  }

  private fallbackRef(target: { tenant: string; conversationId: string }): ConversationRef | undefined {
    if (this.unauthenticated) return undefined;
    return {
      serviceUrl: this.opts.fallbackServiceUrl ?? GLOBAL_SERVICE_URL,
      tenantId: target.tenant,
      botId: `28:${this.opts.appId}`,
      conversationId: target.conversationId,
    };
  }

  private async connector(serviceUrl: string): Promise<ConnectorClient> {
    if (this.unauthenticated) return ConnectorClient.createClientWithToken(serviceUrl, "");
    const provider = this.cloud.connectionManager.getTokenProvider(CloudAdapter.createIdentity(this.opts.appId!), serviceUrl);
    const token = await provider.getAccessToken(BOT_FRAMEWORK_SCOPE);
    return ConnectorClient.createClientWithToken(serviceUrl, token);
  }

  private async handle(req: Request, res: Response): Promise<void> {
    if (!this.handler) {
      res.status(503).json({ error: "not_ready" });
      return;
    }
    try {
      await this.cloud.process(req as unknown as SdkRequest, res, (context) => this.turn(context));
    } catch (e) {
      if (res.headersSent) return;
      // Malformed activities fail the SDK's schema check: a client error, not ours.
      if ((e as { name?: string }).name === "ZodError") res.status(400).json(NOT_AN_ACTIVITY);
      else res.status(500).json({ error: "internal_error" });
    }
  }

  private async turn(context: TurnContext): Promise<void> {
    const a = context.activity as unknown as TeamsActivity;
    await this.remember(a);
    const inbound = parseActivity(a, this.clock.now());
    if (a.type === "invoke") {
      let body: unknown = INVOKE_OK;
      if (inbound) {
        try {
          await this.dispatch(inbound);
        } catch {
          body = INVOKE_FAILED;
        }
      }
      await context.sendActivity(Activity.fromObject({ type: "invokeResponse", value: { status: 200, body } }));
      return;
    }
    if (!inbound) return;
    if (a.type === "conversationUpdate") {
      // Teams sends "bot added" again on every reinstall: welcome each conversation once
      if (await this.refs.welcomed(inbound.channel)) return;
      await this.dispatch(inbound);
      await this.refs.markWelcomed(inbound.channel);
      return;
    }
    await this.dispatch(inbound);
  }

  private async dispatch(inbound: Inbound): Promise<void> {
    const h = this.handler;
    if (h) await h(inbound);
  }

  /** Keep the conversation reference of every verified activity (service URLs can change). */
  private async remember(a: TeamsActivity): Promise<void> {
    const conv = a.conversation;
    if (!conv?.id || typeof a.serviceUrl !== "string" || !/^https?:\/\//.test(a.serviceUrl) || !a.recipient?.id) return;
    const tenant = tenantOf(a) ?? "";
    const { base } = splitConversationId(conv.id);
    const channel = channelIdOf(tenant, base);
    const type = conversationTypeOf(a);
    const person = a.from?.id && a.from.role !== "bot" ? { id: a.from.id, ...(a.from.name ? { name: a.from.name } : {}) } : undefined;
    await this.refs.remember(
      channel,
      {
        serviceUrl: a.serviceUrl,
        tenantId: tenant,
        botId: a.recipient.id,
        ...(a.recipient.name ? { botName: a.recipient.name } : {}),
        conversationId: base,
        ...(type ? { conversationType: type } : {}),
      },
      person,
    );
  }
}
