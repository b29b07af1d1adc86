/**
 * OAuth installations (Slack "Add to Slack") on SQLite: the {@link InstallationsPort} of a deployment.
 * PostgreSQL's twin: src/storage/pg/installations.ts; the row mapping is shared below.
 */
import type { Clock } from "../core/clock.ts";
import type { ChatInstallation, InstallationQuery, InstallationsPort } from "../core/ports.ts";
import type { StorageDb } from "./connection.ts";
import { orm } from "./drizzle.ts";
import { installations, installationWorkspaces } from "./schema.ts";

const { and, asc, eq, sql } = orm;

/** The row key of an installation: `org:<organisation>` for org-wide installs, else `ws:<workspace>`. */
export function installationKey(q: InstallationQuery): string {
  if (q.orgWide) {
    if (!q.organisation) throw new Error("org-wide installation without organisation id");
    return `org:${q.organisation}`;
  }
  if (!q.workspace) throw new Error("installation without workspace id");
  return `ws:${q.workspace}`;
}

/** A stored row as the port's value (absent optional fields stay absent). */
export function rowToInstallation(r: typeof installations.$inferSelect): ChatInstallation {
  return {
    platform: r.platform,
    ...(r.workspace ? { workspace: r.workspace } : {}),
    ...(r.organisation ? { organisation: r.organisation } : {}),
    orgWide: r.orgWide,
    botToken: r.botToken,
    botUserId: r.botUserId,
    ...(r.botId ? { botId: r.botId } : {}),
    ...(r.appId ? { appId: r.appId } : {}),
    installedBy: r.installedBy,
    scopes: r.scopes,
    raw: r.raw,
    installedAt: r.installedAt,
    updatedAt: r.updatedAt,
  };
}

/** The columns written by `save` (both dialects). */
export function installationRow(i: Omit<ChatInstallation, "installedAt" | "updatedAt">, now: string) {
  return {
    platform: i.platform,
    key: installationKey(i),
    workspace: i.workspace ?? null,
    organisation: i.organisation ?? null,
    orgWide: i.orgWide,
    botToken: i.botToken,
    botUserId: i.botUserId,
    botId: i.botId ?? null,
    appId: i.appId ?? null,
    installedBy: i.installedBy,
    scopes: i.scopes,
    raw: i.raw,
    installedAt: now,
    updatedAt: now,
  };
}

/** Installations in the SQLite file (synchronous inside, settled promises outside, like the storage port). */
export class SqliteInstallations implements InstallationsPort {
  private readonly db: StorageDb;
  private readonly clock: Pick<Clock, "now">;
  /** Prepared once: every Slack delivery looks its workspace's token up (a few µs instead of building the query). */
  private readonly byKeyStmt;
  private readonly linkStmt;

  constructor(db: StorageDb, clock: Pick<Clock, "now"> = { now: () => new Date() }) {
    this.db = db;
    this.clock = clock;
    const ph = sql.placeholder;
    this.byKeyStmt = db
      .select()
      .from(installations)
      .where(and(eq(installations.platform, ph("platform")), eq(installations.key, ph("key"))))
      .prepare();
    this.linkStmt = db
      .select()
      .from(installationWorkspaces)
      .where(and(eq(installationWorkspaces.platform, ph("platform")), eq(installationWorkspaces.workspace, ph("workspace"))))
      .prepare();
  }

  async save(i: Omit<ChatInstallation, "installedAt" | "updatedAt">): Promise<void> {
    const row = installationRow(i, this.clock.now().toISOString());
    const { installedAt: _keep, platform: _p, key: _k, ...changed } = row;
    this.db
      .insert(installations)
      .values(row)
      .onConflictDoUpdate({ target: [installations.platform, installations.key], set: changed })
      .run();
  }

  async find(platform: string, q: InstallationQuery): Promise<ChatInstallation | undefined> {
    const own = this.byKey(platform, installationKey(q));
    if (own || q.orgWide || !q.organisation) return own;
    return this.byKey(platform, installationKey({ orgWide: true, organisation: q.organisation }));
  }

  async forWorkspace(platform: string, workspace: string): Promise<ChatInstallation | undefined> {
    const own = this.byKey(platform, installationKey({ orgWide: false, workspace }));
    if (own) return own;
    const link = this.linkStmt.get({ platform, workspace });
    return link ? this.byKey(platform, installationKey({ orgWide: true, organisation: link.organisation })) : undefined;
  }

  async noteWorkspace(platform: string, workspace: string, organisation: string): Promise<void> {
    this.db
      .insert(installationWorkspaces)
      .values({ platform, workspace, organisation, seenAt: this.clock.now().toISOString() })
      .onConflictDoUpdate({ target: [installationWorkspaces.platform, installationWorkspaces.workspace], set: { organisation } })
      .run();
  }

  async remove(platform: string, q: InstallationQuery): Promise<number> {
    return this.db.$client.transaction(() => {
      const n = this.db
        .delete(installations)
        .where(and(eq(installations.platform, platform), eq(installations.key, installationKey(q))))
        .run().changes;
      if (q.orgWide && q.organisation) {
        this.db
          .delete(installationWorkspaces)
          .where(and(eq(installationWorkspaces.platform, platform), eq(installationWorkspaces.organisation, q.organisation)))
          .run();
      }
      return n;
    })();
  }

  async list(platform: string): Promise<ChatInstallation[]> {
    return this.db
      .select()
      .from(installations)
      .where(eq(installations.platform, platform))
      .orderBy(asc(installations.installedAt), asc(installations.key))
      .all()
      .map(rowToInstallation);
  }

  private byKey(platform: string, key: string): ChatInstallation | undefined {
    const r = this.byKeyStmt.get({ platform, key });
    return r ? rowToInstallation(r) : undefined;
  }
}
