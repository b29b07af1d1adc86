import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import type { ChatInstallation, InstallationsPort } from "../../core/ports.ts";

/** The platform name of Slack's rows in the deployment's installations. */
export const SLACK = "slack";

/** Bolt's query as the port's: org-wide installs by enterprise id, others by team id. */
export function toQuery(q: InstallationQuery<boolean>): { workspace?: string; organisation?: string; orgWide: boolean } {
  return {
    orgWide: q.isEnterpriseInstall === true,
    ...(q.teamId ? { workspace: q.teamId } : {}),
    ...(q.enterpriseId ? { organisation: q.enterpriseId } : {}),
  };
}

/** Bolt's installation as a row of the port (the whole record is kept in `raw`, as @slack/oauth advises). */
export function fromBolt(i: Installation): Omit<ChatInstallation, "installedAt" | "updatedAt"> {
  if (!i.bot?.token || !i.bot.userId) {
    throw new Error(
      "Slack-Installation ohne Bot-Token (Scopes der App prüfen: deploy/slack/manifest.yaml) / installation without bot token",
    );
  }
  const orgWide = i.isEnterpriseInstall === true;
  return {
    platform: SLACK,
    ...(!orgWide && i.team?.id ? { workspace: i.team.id } : {}),
    ...(i.enterprise?.id ? { organisation: i.enterprise.id } : {}),
    orgWide,
    botToken: i.bot.token,
    botUserId: i.bot.userId,
    ...(i.bot.id ? { botId: i.bot.id } : {}),
    ...(i.appId ? { appId: i.appId } : {}),
    installedBy: i.user.id,
    scopes: i.bot.scopes ?? [],
    raw: i,
  };
}

/**
 * Bolt's `InstallationStore` on the deployment's {@link InstallationsPort}: the OAuth flow stores each workspace's
 * installation through it, and Bolt's `authorize` fetches the token of the workspace an event comes from. The adapter
 * gets the port from the wiring (src/serve.ts); it never opens a database itself.
 */
export class PortInstallationStore implements InstallationStore {
  private readonly port: InstallationsPort;
  private readonly onStored: (i: ChatInstallation) => Promise<void> | void;

  /** `onStored`: after each stored installation, before Bolt answers the browser. */
  constructor(port: InstallationsPort, onStored: (i: ChatInstallation) => Promise<void> | void = () => {}) {
    this.port = port;
    this.onStored = onStored;
  }

  async storeInstallation<AuthVersion extends "v1" | "v2">(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const row = fromBolt(installation as Installation);
    await this.port.save(row);
    const now = new Date().toISOString();
    await this.onStored({ ...row, installedAt: now, updatedAt: now });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v1" | "v2", boolean>> {
    const found = await this.port.find(SLACK, toQuery(query));
    if (!found) {
      const who = query.isEnterpriseInstall ? `Organisation ${query.enterpriseId}` : `Workspace ${query.teamId}`;
      throw new Error(`Slack: ${who} hat den Notfallbot nicht installiert / not installed`);
    }
    const raw = found.raw as Installation;
    // the columns are authoritative for what authorize needs (token, bot ids, scopes)
    return {
      ...raw,
      bot: {
        ...(raw.bot ?? {}),
        token: found.botToken,
        userId: found.botUserId,
        id: found.botId ?? raw.bot?.id ?? "",
        scopes: found.scopes,
      },
    } as Installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.port.remove(SLACK, toQuery(query));
  }
}
