/** OAuth installations on PostgreSQL: the twin of src/storage/installations.ts (same rows, same answers). */
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Clock } from "../../core/clock.ts";
import type { ChatInstallation, InstallationQuery, InstallationsPort } from "../../core/ports.ts";
import { orm } from "../drizzle.ts";
import { installationKey, installationRow, rowToInstallation as toInstallation } from "../installations.ts";
import { installations, installationWorkspaces } from "./schema.ts";

const { and, asc, eq } = orm;

/** Installations in PostgreSQL, shared by every process of the deployment. */
export class PgInstallations implements InstallationsPort {
  private readonly db: NodePgDatabase;
  private readonly clock: Pick<Clock, "now">;

  constructor(db: NodePgDatabase, clock: Pick<Clock, "now">) {
    this.db = db;
    this.clock = clock;
  }

  async save(i: Omit<ChatInstallation, "installedAt" | "updatedAt">): Promise<void> {
    const row = installationRow(i, this.clock.now().toISOString());
    const { installedAt: _keep, platform: _p, key: _k, ...changed } = row;
    await this.db
      .insert(installations)
      .values(row)
      .onConflictDoUpdate({ target: [installations.platform, installations.key], set: changed });
  }

  async find(platform: string, q: InstallationQuery): Promise<ChatInstallation | undefined> {
    const own = await this.byKey(platform, installationKey(q));
    if (own || q.orgWide || !q.organisation) return own;
    return this.byKey(platform, installationKey({ orgWide: true, organisation: q.organisation }));
  }

  async forWorkspace(platform: string, workspace: string): Promise<ChatInstallation | undefined> {
    const own = await this.byKey(platform, installationKey({ orgWide: false, workspace }));
    if (own) return own;
    const [link] = await this.db
      .select()
      .from(installationWorkspaces)
      .where(and(eq(installationWorkspaces.platform, platform), eq(installationWorkspaces.workspace, workspace)));
    return link ? this.byKey(platform, installationKey({ orgWide: true, organisation: link.organisation })) : undefined;
  }

  async noteWorkspace(platform: string, workspace: string, organisation: string): Promise<void> {
    await this.db
      .insert(installationWorkspaces)
      .values({ platform, workspace, organisation, seenAt: this.clock.now().toISOString() })
      .onConflictDoUpdate({ target: [installationWorkspaces.platform, installationWorkspaces.workspace], set: { organisation } });
  }

  async remove(platform: string, q: InstallationQuery): Promise<number> {
    return this.db.transaction(async (tx) => {
      const gone = await tx
        .delete(installations)
        .where(and(eq(installations.platform, platform), eq(installations.key, installationKey(q))))
        .returning({ key: installations.key });
      if (q.orgWide && q.organisation) {
        await tx
          .delete(installationWorkspaces)
          .where(and(eq(installationWorkspaces.platform, platform), eq(installationWorkspaces.organisation, q.organisation)));
      }
      return gone.length;
    });
  }

  async list(platform: string): Promise<ChatInstallation[]> {
    const rows = await this.db
      .select()
      .from(installations)
      .where(eq(installations.platform, platform))
      .orderBy(asc(installations.installedAt), asc(installations.key));
    return rows.map(toInstallation);
  }

  private async byKey(platform: string, key: string): Promise<ChatInstallation | undefined> {
    const [r] = await this.db
      .select()
      .from(installations)
      .where(and(eq(installations.platform, platform), eq(installations.key, key)));
    return r ? toInstallation(r) : undefined;
  }
}
