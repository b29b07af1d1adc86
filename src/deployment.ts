/**
 * What `serve`, `console` and `export` open before the bot: the backend chosen by {@link selectStorage}
 * (`DATABASE_URL=postgres://…` or the SQLite file), the data directory (exports, handbook, platform state) and the
 * tenants (`NOTFALL_TENANTS=DIR`, else the one tenant `default`).
 */
import { join, resolve } from "node:path";
import type { Tenancy, TenantSetup } from "./app.ts";
import { de } from "./core/i18n/de.ts";
import { en } from "./core/i18n/en.ts";
import type { OrgConfig } from "./core/org.ts";
import type { AdapterStatePort, InstallationsPort, OfTenant, OutboxRow, SharedWorkPort, StoragePort } from "./core/ports.ts";
import { exportDirFor, fileExportSink, handbookFor } from "./exports.ts";
import type { Playbook } from "./machines/schema.ts";
import { openStorage, type SqliteStorage } from "./storage/index.ts";
import type { PgStorage } from "./storage/pg/index.ts";
import { describeStorage, type StorageChoice } from "./storage/select.ts";
import { TenantDirectory } from "./tenants.ts";

type Log = (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;

/** The tenant of a deployment without `NOTFALL_TENANTS`. */
export const DEFAULT_TENANT = "default";

export interface Storage {
  choice: StorageChoice;
  /** `SQLite /path` or `PostgreSQL user@host/db`, never a password. */
  description: string;
  /** The language the process reports in (`--lang`): its log lines about the database and the tenants. */
  locale: "de" | "en";
  /** Exports, handbook, Teams references, Matrix state: next to the SQLite file, else `NOTFALL_DATA` or `./data`. */
  dataDir: string;
  /** A path in the data directory standing for "the database" where adapters want one (Matrix state files). */
  dbPath: string;
  /** The store of the default tenant. */
  base: StoragePort;
  storeOf(tenant: string): StoragePort;
  /** What adapters keep beyond one process (Teams conversation references), shared by every process on the database. */
  adapterState: AdapterStatePort;
  /** OAuth installations of chat workspaces (Slack), deployment-wide. */
  installations: InstallationsPort;
  /** Several processes on one database (PostgreSQL only). */
  shared?: SharedWorkPort;
  /** The outbox of every tenant in one query (SQLite: one process delivers all tenants of the file). */
  dueAll?(now: string, limit: number, busy: (tenant: string, lane: string) => boolean): Promise<OfTenant<OutboxRow>[]>;
  nextAll?(): Promise<string | undefined>;
  pg?: PgStorage;
  close(): Promise<void>;
}

/** Opens the chosen backend (applies migrations). Throws with the server's message when PostgreSQL is unreachable. */
export async function openChosenStorage(
  choice: StorageChoice,
  env: NodeJS.ProcessEnv,
  log: Log = () => {},
  locale: "de" | "en" = "de",
): Promise<Storage> {
  const t = locale === "en" ? en : de;
  const description = describeStorage(choice, locale);
  if (choice.kind === "sqlite") {
    const base: SqliteStorage = openStorage(choice.file);
    return {
      choice,
      description,
      locale,
      dataDir: resolve(choice.file, ".."),
      dbPath: choice.file,
      base,
      storeOf: (t) => base.forTenant(t),
      adapterState: base,
      installations: base.installations(),
      dueAll: (now, limit, busy) => base.dueOutboxAllTenants(now, limit, busy),
      nextAll: () => base.nextOutboxAttemptAllTenants(),
      close: () => base.close(),
    };
  }
  const { openPgStorage } = await import("./storage/pg/index.ts");
  const pg = await openPgStorage(choice.url, {
    onError: (err) => log("warn", t.storage.connectionLost, err),
  });
  const dataDir = resolve(env.NOTFALL_DATA ?? "data");
  return {
    choice,
    description,
    locale,
    dataDir,
    dbPath: join(dataDir, "notfall.db"),
    base: pg,
    storeOf: (t) => pg.forTenant(t),
    adapterState: pg,
    installations: pg.installations(),
    shared: pg,
    pg,
    close: () => pg.close(),
  };
}

/** Where a tenant's files go: the data directory itself for `default`, else `<data>/tenants/<id>/`. */
export function tenantDir(dataDir: string, tenant: string): string {
  return tenant === DEFAULT_TENANT ? dataDir : join(dataDir, "tenants", tenant);
}

/**
 * The tenants: the folder `NOTFALL_TENANTS` (watched for changes), else undefined (the bot's one tenant with the
 * organisation file of `--config`). `namesRelativeTo`: how files are named in chat replies (see fileExportSink). Its log
 * lines are in the storage's language (the process's `--lang`).
 */
export function tenantsFromEnv(
  env: NodeJS.ProcessEnv,
  storage: Storage,
  playbooks: Playbook[],
  log: Log,
  namesRelativeTo?: string,
): TenantDirectory | undefined {
  const dir = env.NOTFALL_TENANTS?.trim();
  if (!dir) return undefined;
  return new TenantDirectory(
    resolve(dir),
    {
      storeOf: (t) => storage.storeOf(t),
      sinks: (t, config, file) => tenantSinks(storage.dataDir, t, config, file, playbooks, namesRelativeTo),
    },
    log,
    storage.locale,
  );
}

/** Exports and handbook of one tenant, in its own folder. */
export function tenantSinks(
  dataDir: string,
  tenant: string,
  config: OrgConfig | undefined,
  configFile: string | undefined,
  playbooks: Playbook[],
  namesRelativeTo?: string,
): Pick<TenantSetup, "exports" | "handbook"> {
  const dir = tenantDir(dataDir, tenant);
  const fakeDb = join(dir, "notfall.db"); // the sinks place their files next to "the database"
  return {
    exports: fileExportSink(exportDirFor(fakeDb), namesRelativeTo),
    handbook: handbookFor(playbooks, config, fakeDb, namesRelativeTo, configFile),
  };
}

export type { Tenancy };
