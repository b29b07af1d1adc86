import { App, ExpressReceiver, type Logger, type Receiver, SocketModeReceiver, webApi } from "@slack/bolt";
import type { Express } from "express";
import { AdapterError, type Capabilities, type ChatAdapter, type DeliveryResult, type InboundHandler } from "../../core/adapter.ts";
import type { Clock } from "../../core/clock.ts";
import type { Inbound } from "../../core/inbound.ts";
import type { Outbound } from "../../core/message.ts";
import type { ChatInstallation, InstallationQuery, InstallationsPort } from "../../core/ports.ts";
import type { HttpMountable, RouteLimits } from "../http.ts";
import { toAdapterError } from "./errors.ts";
import { PortInstallationStore, SLACK } from "./installation-store.ts";
import { failedPage, INSTALL_PATH, installedPage, installPage, REDIRECT_PATH } from "./oauth-pages.ts";
import {
  type BlockActionsBody,
  type EventEnvelope,
  type ParseContext,
  parseBlockAction,
  parseEventEnvelope,
  parseSlashCommand,
  type SlashCommandBody,
} from "./parse.ts";
import { ACTION_PREFIX } from "./render.ts";
import { SLACK_MAX_BODY_BYTES, slackOAuthRoute, slackRoute } from "./route.ts";
import { SlackSender, slackClientOptions } from "./send.ts";
import { UserDirectory } from "./users.ts";

/**
 * Many workspaces: Bolt's OAuth installation flow (`GET /slack/install` → Slack → `GET /slack/oauth_redirect`)
 * stores each workspace's installation through the port; events are authorised and messages sent with the token of
 * the workspace they belong to.
 */
export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  /** Keys the `state` of the install link (with the browser cookie Bolt sets: CSRF protection). */
  stateSecret: string;
  /** Where installations are kept (the deployment's database; given by the wiring, never opened here). */
  installations: InstallationsPort;
  /** Bot scopes asked for; default those of deploy/slack/manifest.yaml. */
  scopes: readonly string[];
  /** Full redirect URL when the app lists several; must end in `/slack/oauth_redirect`. */
  redirectUri?: string;
  /** Slack's authorize page (default Slack's). */
  authorizationUrl?: string;
}

/** Everything the Slack adapter needs; built by `createSlackAdapter` from options or the environment. */
export interface SlackAdapterSettings {
  /** Bot token (`xoxb-…`) of the one workspace; exactly one of `token` and `oauth`. */
  token?: string;
  /** Many workspaces through OAuth installation (HTTP mode only). */
  oauth?: SlackOAuthSettings;
  /** Signing secret; required unless `appToken` (Socket Mode) is given. */
  signingSecret?: string;
  /** App-level token (`xapp-…`): Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base URL (`http://127.0.0.1:1234/api/` in tests); default Slack's. */
  slackApiUrl?: string;
  clock: Clock;
  logger: Logger;
  /** Lines written whatever the log level (installed, uninstalled); default: the logger at warn. */
  notice?: (msg: string) => void;
  /** Slash command name; default `/notfall`. */
  command?: string;
  /** Per-request timeout of Web API calls in ms (default 10 s); a hung call becomes a `transient` error. */
  requestTimeoutMs?: number;
}

/** Bot identity from `auth.test`. */
interface Identity {
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

/** Slack `error` names that mean the token itself is unusable: `start()` refuses to run with them. */
const FATAL_AUTH = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"]);
/** Where Slack posts slash commands, events and button presses (HTTP mode). */
const SLACK_PATH = "/slack/events";

const STARTING_TEXT =
  "Notfallbot startet gerade – bitte in ein paar Sekunden noch einmal versuchen. / Starting up, please try again in a few seconds.";

/** WebClients kept per installation token (one per workspace in OAuth mode). */
const MAX_CLIENTS = 1000;

export { SLACK_EMOJI } from "./send.ts";

/**
 * Slack on Bolt: slash command `/notfall`, Events API (thread replies, mentions, ✅ reactions) and button presses
 * arrive on `POST /slack/events` of the express app given to {@link mount} (HTTP mode), or over Socket Mode.
 * Every request's signature and age is checked by Bolt's receiver. Outgoing messages are Block Kit with a
 * plain-text fallback. The WebClient never retries on its own: the core's outbox is the one retry mechanism.
 */
export class SlackAdapter implements ChatAdapter, HttpMountable {
  readonly platform = "slack" as const;
  readonly capabilities: Capabilities = { buttons: true, update: true, reactions: true, ephemeral: true, threads: true, threadRoot: "bot" };

  /** The WebClient of the one workspace (token mode; in OAuth mode without token, see {@link clientFor}). */
  readonly client: webApi.WebClient;
  private readonly settings: SlackAdapterSettings;
  private readonly oauth: SlackOAuthSettings | undefined;
  private readonly clientOptions: webApi.WebClientOptions;
  /** OAuth mode: a WebClient per bot token. */
  private readonly clients = new Map<string, webApi.WebClient>();
  /** OAuth mode: installations as last counted for /healthz, and when (ms of the clock). */
  private counted: { n: number; at: number } | undefined;
  /** The count running now; a new count waits for it (so the last one started sees the last change). */
  private counting: Promise<void> = Promise.resolve();
  /** OAuth mode: workspaces of org-wide installs already noted (team:enterprise). */
  private readonly noted = new Set<string>();
  private readonly receiver: Receiver;
  private readonly expressReceiver: ExpressReceiver | undefined;
  private readonly app: App;
  private readonly users: UserDirectory;
  /** Renders and sends the outbox's messages. */
  private readonly sender: SlackSender;
  private readonly logger: Logger;
  private handler: InboundHandler | undefined;
  private identity: Identity | undefined;
  private identityPromise: Promise<Identity> | undefined;
  private lastAuthError: string | undefined;
  private socketStarted = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(settings: SlackAdapterSettings) {
    this.settings = settings;
    this.oauth = settings.oauth;
    this.logger = settings.logger;
    if ((settings.token === undefined) === (settings.oauth === undefined)) {
      throw new Error("Slack: entweder SLACK_BOT_TOKEN (ein Workspace) oder die OAuth-Installation / either a bot token or OAuth");
    }
    if (settings.oauth && settings.appToken) {
      throw new Error("Slack: die OAuth-Installation braucht den HTTP-Modus, nicht Socket Mode / OAuth needs HTTP mode");
    }
    const clientOptions = slackClientOptions({
      ...(settings.requestTimeoutMs !== undefined ? { timeoutMs: settings.requestTimeoutMs } : {}),
      ...(settings.logger ? { logger: settings.logger } : {}),
      ...(settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {}),
    });
    this.clientOptions = clientOptions;
    this.client = new webApi.WebClient(settings.token, clientOptions);
    this.users = new UserDirectory(this.client, settings.clock);
    this.sender = new SlackSender((teamId) => this.clientFor(teamId), settings.clock);

    if (settings.appToken) {
      this.receiver = new SocketModeReceiver({
        appToken: settings.appToken,
        logger: settings.logger,
        installerOptions: { clientOptions: { ...clientOptions } },
      });
      this.expressReceiver = undefined;
    } else {
      if (!settings.signingSecret) throw new Error("Slack: SLACK_SIGNING_SECRET fehlt. / signing secret missing.");
      const { logger: _l, ...installerClientOptions } = clientOptions;
      const oauth = settings.oauth;
      this.expressReceiver = new ExpressReceiver({
        ...(oauth
          ? {
              clientId: oauth.clientId,
              clientSecret: oauth.clientSecret,
              stateSecret: oauth.stateSecret,
              scopes: [...oauth.scopes],
              installationStore: new PortInstallationStore(oauth.installations, (i) => this.installed(i)),
              ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
              installerOptions: {
                installPath: INSTALL_PATH,
                redirectUriPath: REDIRECT_PATH,
                // oauth.v2.access and auth.test of the new token go where every other call goes (SLACK_API_URL)
                clientOptions: installerClientOptions,
                ...(oauth.authorizationUrl ? { authorizationUrl: oauth.authorizationUrl } : {}),
                callbackOptions: { success: installedPage, failure: failedPage },
                renderHtmlForInstallPath: installPage,
              },
            }
          : {}),
        signingSecret: settings.signingSecret,
        logger: settings.logger,
        endpoints: SLACK_PATH,
        signatureVerification: true,
        // what Slack sends; a chunked body is cut off here (a declared larger length never gets this far: see routes())
        bodyLimit: SLACK_MAX_BODY_BYTES,
        // Events are answered only after the core has committed them: Slack does not retry an answered event,
        // so a crash between an early 200 and the commit would lose it. Slash commands and button presses
        // still answer at once (their listeners ack and return; the work continues after the response).
        processBeforeResponse: true,
      });
      this.receiver = this.expressReceiver;
    }

    this.app = new App({
      receiver: this.receiver,
      logger: settings.logger,
      clientOptions: { ...clientOptions },
      convoStore: false,
      ignoreSelf: true,
      // OAuth mode: Bolt's installer authorises each event with the token of its workspace (fetchInstallation)
      ...(settings.oauth
        ? {}
        : {
            authorize: async () => {
              const id = await this.ensureIdentity().catch(() => this.identity ?? {});
              return {
                botToken: settings.token,
                ...(id.botId ? { botId: id.botId } : {}),
                ...(id.botUserId ? { botUserId: id.botUserId } : {}),
              };
            },
          }),
    });
    this.app.error(async (error) => {
      if (this.oauth && error.code === "slack_bolt_authorization_error") {
        this.logger.warn(
          `Slack: Ereignis aus einem Workspace ohne Installation ignoriert (Installation über ${INSTALL_PATH}) / event from a workspace without installation`,
        );
        return;
      }
      this.logger.warn(`Slack: Fehler bei der Verarbeitung / processing error: ${error.code ?? error.name}`);
    });
    this.registerListeners();
  }

  /** HTTP mode: serve `POST /slack/events` on the given app (raw body parsing on that route only). Socket Mode: nothing. */
  mount(app: Express): void {
    if (this.expressReceiver) app.use(this.expressReceiver.router);
  }

  /**
   * HTTP mode: `POST /slack/events` with Slack's headers, at most 256 KB; with OAuth also the install and redirect
   * pages, GET without a body. Socket Mode: none.
   */
  routes(): RouteLimits[] {
    if (!this.expressReceiver) return [];
    return [slackRoute(SLACK_PATH), ...(this.oauth ? [slackOAuthRoute(INSTALL_PATH), slackOAuthRoute(REDIRECT_PATH)] : [])];
  }

  async start(onEvent: InboundHandler): Promise<void> {
    if (this.oauth) {
      // no token to check: each workspace brings its own when it installs the app
      await this.count();
      this.handler = onEvent;
      return;
    }
    try {
      await this.ensureIdentity();
    } catch (err) {
      const e = toAdapterError(err, "auth.test");
      if (e.platformCode && FATAL_AUTH.has(e.platformCode)) {
        throw new AdapterError(
          "unauthorized",
          `Slack: Der Bot-Token wird abgelehnt (${e.platformCode}). Bitte SLACK_BOT_TOKEN prüfen. / Slack rejects the bot token.`,
          { platformCode: e.platformCode },
        );
      }
      this.logger.warn(
        `Slack: auth.test fehlgeschlagen (${e.code}), versuche es beim nächsten Ereignis erneut. / auth.test failed, will retry.`,
      );
    }
    this.handler = onEvent;
    if (this.settings.appToken && !this.socketStarted) {
      await this.app.start();
      this.socketStarted = true;
    }
  }

  async stop(): Promise<void> {
    this.handler = undefined;
    if (this.socketStarted) {
      await this.app.stop();
      this.socketStarted = false;
    }
    await this.idle();
  }

  health(): { ok: boolean; detail?: string } {
    if (this.oauth) {
      // counted again at most every 30 s (another process may have installed a workspace)
      if (!this.counted || this.settings.clock.now().getTime() - this.counted.at > 30_000) void this.count();
      const n = this.counted ? `${this.counted.n} Installation${this.counted.n === 1 ? "" : "en"}` : "Installationen noch nicht gezählt";
      return { ok: true, detail: `OAuth: ${n}, neue über ${INSTALL_PATH}` };
    }
    if (this.identity?.botUserId) return { ok: true, detail: `team ${this.identity.teamId ?? "?"}, bot ${this.identity.botUserId}` };
    return {
      ok: false,
      detail: this.lastAuthError ? `auth.test: ${this.lastAuthError}` : "auth.test noch nicht erfolgreich / not yet verified",
    };
  }

  /** Resolves when every event received so far has been handed to the core and the core has returned. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Render and send with the workspace's client ({@link SlackSender}; the bot thread of `serve` uses it alone). */
  deliver(message: Outbound): Promise<DeliveryResult> {
    return this.sender.deliver(message);
  }

  /**
   * The WebClient for a workspace's messages: token mode, the one client; OAuth mode, the token of the workspace's
   * installation (its own, else its organisation's org-wide one), read from the installations on every delivery so
   * a re-install or an uninstall in any process takes effect at once.
   */
  async clientFor(teamId: string): Promise<webApi.WebClient> {
    if (!this.oauth) return this.client;
    const inst = await this.oauth.installations.forWorkspace(SLACK, teamId);
    if (!inst) {
      throw new AdapterError(
        "permanent",
        `Slack: Workspace ${teamId} hat den Notfallbot nicht (mehr) installiert; Installation über ${INSTALL_PATH}. / workspace has not installed the app`,
        { platformCode: "not_installed" },
      );
    }
    return this.clientForToken(inst.botToken);
  }

  private clientForToken(token: string): webApi.WebClient {
    let c = this.clients.get(token);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
      c = new webApi.WebClient(token, this.clientOptions);
      this.clients.set(token, c);
    }
    return c;
  }

  /** How many installations the database holds (for /healthz); a failure leaves the last count. */
  private count(): Promise<void> {
    const oauth = this.oauth;
    if (!oauth) return Promise.resolve();
    this.counting = this.counting.then(async () => {
      try {
        const n = (await oauth.installations.list(SLACK)).length;
        this.counted = { n, at: this.settings.clock.now().getTime() };
      } catch {
        // the database answers /healthz itself; keep the last count
      }
    });
    return this.counting;
  }

  /** A workspace (or organisation) installed the app: one log line naming what to put under `covers:`. */
  private async installed(i: ChatInstallation): Promise<void> {
    const what = i.orgWide ? `Organisation ${i.organisation}` : `Workspace ${i.workspace}`;
    const id = i.orgWide ? i.organisation : i.workspace;
    await this.count();
    this.notice(`${what} hat den Notfallbot installiert (von ${i.installedBy}); Mandant zuordnen mit covers: slack: [${id}] / installed`);
  }

  /** app_uninstalled, or the bot token revoked: the installation goes (its messages then fail as not installed). */
  private async uninstalled(context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }, why: string) {
    if (!this.oauth) return;
    const q: InstallationQuery = context.isEnterpriseInstall
      ? { orgWide: true, ...(context.enterpriseId ? { organisation: context.enterpriseId } : {}) }
      : { orgWide: false, ...(context.teamId ? { workspace: context.teamId } : {}) };
    if (q.orgWide ? !q.organisation : !q.workspace) return;
    const n = await this.oauth.installations.remove(SLACK, q);
    await this.count();
    const what = q.orgWide ? `Organisation ${q.organisation}` : `Workspace ${q.workspace}`;
    this.notice(`${what}: ${why}, Installation ${n > 0 ? "gelöscht" : "war schon gelöscht"} / installation removed`);
  }

  /** A workspace of an org-wide install was seen: remember it, so its outgoing messages find the org's token. */
  private async noteWorkspace(teamId: string, enterpriseId: string): Promise<void> {
    const key = `${teamId}:${enterpriseId}`;
    if (!this.oauth || this.noted.has(key)) return;
    try {
      await this.oauth.installations.noteWorkspace(SLACK, teamId, enterpriseId);
      this.noted.add(key);
    } catch (err) {
      this.logger.warn(`Slack: Workspace ${teamId} nicht vermerkt / not noted: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private notice(msg: string): void {
    if (this.settings.notice) this.settings.notice(msg);
    else this.logger.warn(msg);
  }

  private ensureIdentity(): Promise<Identity> {
    if (this.identity?.botUserId) return Promise.resolve(this.identity);
    if (!this.identityPromise) {
      this.identityPromise = this.client.auth
        .test()
        .then((r) => {
          const id: Identity = {};
          if (r.team_id) id.teamId = r.team_id;
          if (r.user_id) id.botUserId = r.user_id;
          if (r.bot_id) id.botId = r.bot_id;
          this.identity = id;
          this.lastAuthError = undefined;
          return id;
        })
        .catch((err: unknown) => {
          this.lastAuthError = toAdapterError(err, "auth.test").platformCode ?? "error";
          throw err;
        })
        .finally(() => {
          this.identityPromise = undefined;
        });
    }
    return this.identityPromise;
  }

  /** The bot's own ids for parsing: of the event's workspace (Bolt's context), else from auth.test. */
  private ctx(context?: { botUserId?: string; botId?: string }): ParseContext {
    const c: ParseContext = { now: this.settings.clock.now() };
    const botUserId = context?.botUserId ?? this.identity?.botUserId;
    const botId = context?.botId ?? this.identity?.botId;
    if (botUserId) c.botUserId = botUserId;
    if (botId) c.botId = botId;
    return c;
  }

  private registerListeners(): void {
    if (this.oauth) {
      this.app.use(async ({ context, next }) => {
        if (context.isEnterpriseInstall && context.enterpriseId && context.teamId)
          await this.noteWorkspace(context.teamId, context.enterpriseId);
        await next();
      });
      this.app.event("app_uninstalled", async ({ context }) => {
        await this.uninstalled(context, "App entfernt (app_uninstalled)");
      });
      this.app.event("tokens_revoked", async ({ event, context }) => {
        if ((event.tokens.bot ?? []).length > 0) await this.uninstalled(context, "Bot-Token widerrufen (tokens_revoked)");
      });
    }
    this.app.command(this.settings.command ?? "/notfall", async ({ command, ack, context, client }) => {
      if (!this.handler) {
        await ack({ response_type: "ephemeral", text: STARTING_TEXT });
        return;
      }
      await ack(); // within Slack's 3 s, before any work
      void this.dispatch(parseSlashCommand(command as unknown as SlashCommandBody, this.ctx(context)), client);
    });
    for (const type of ["message", "app_mention", "reaction_added"] as const) {
      this.app.event(type, async ({ body, context, client }) => {
        await this.dispatch(parseEventEnvelope(body as unknown as EventEnvelope, this.ctx(context)), client);
      });
    }
    this.app.action({ type: "block_actions", action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body, context, client }) => {
      await ack();
      void this.dispatch(parseBlockAction(body as unknown as BlockActionsBody, this.ctx(context)), client);
    });
  }

  /**
   * Enrich (names via users.info, with the client Bolt authorised for the event's workspace) and hand to the core;
   * never throws into Bolt.
   */
  private dispatch(ev: Inbound | undefined, client?: webApi.WebClient): Promise<void> {
    const handler = this.handler;
    if (!ev || !handler) return Promise.resolve();
    // After the current I/O phase: requests that arrived together are all acknowledged before any of them is
    // worked on (the core's work is synchronous and would otherwise hold back the next request's ack).
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.enrich(ev, this.oauth ? client : undefined))
      .then((full) => handler(full))
      .catch((err: unknown) => {
        const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        this.logger.error(`Slack: Ereignis ${ev.kind} (${ev.deliveryId}) nicht verarbeitet / not handled: ${what}`);
      })
      .finally(() => {
        this.inflight.delete(p);
      });
    this.inflight.add(p);
    return p;
  }

  private async enrich(ev: Inbound, client?: webApi.WebClient): Promise<Inbound> {
    const fallback = ev.actor.displayName !== ev.actor.id ? ev.actor.displayName : undefined;
    const ws = this.oauth ? ev.tenant : "";
    const [actor, ...mentioned] = await Promise.all([
      this.users.get(ev.actor.id, fallback, client, ws),
      ...(ev.mentions ?? []).map((m) => this.users.get(m.id, m.displayName !== m.id ? m.displayName : undefined, client, ws)),
    ]);
    const out: Inbound = { ...ev, actor: { id: ev.actor.id, displayName: actor!.displayName } };
    if (actor!.locale && !ev.locale) out.locale = actor!.locale;
    if (ev.mentions) out.mentions = mentioned.map((u) => ({ id: u.id, displayName: u.displayName }));
    return out;
  }
}
