/**
 * Which backend a process uses: `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite at `--db PATH`,
 * else `NOTFALL_DB`, else `./data/notfall.db`, exactly as before.
 */
import { resolve } from "node:path";

/** The chosen backend. */
export type StorageChoice = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** A setting that cannot work; the message says in German (and English) what to set instead. */
export class StorageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageConfigError";
  }
}

/** Decides the backend from the environment and the `--db` flag. Throws {@link StorageConfigError} on a bad setting. */
export function selectStorage(env: NodeJS.ProcessEnv, flags: { db?: string } = {}, cwd = process.cwd()): StorageChoice {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new StorageConfigError(
        `DATABASE_URL muss mit postgres:// oder postgresql:// beginnen, z. B. DATABASE_URL=postgres://notfall:geheim@db.example:5432/notfall. ` +
          `Für SQLite DATABASE_URL weglassen und --db PFAD oder NOTFALL_DB setzen. ` +
          `(DATABASE_URL must start with postgres:// or postgresql://; for SQLite leave it unset and use --db or NOTFALL_DB.)`,
      );
    }
    if (flags.db !== undefined) {
      throw new StorageConfigError(
        `--db ${flags.db} und DATABASE_URL sind beide gesetzt: entweder SQLite (--db) oder PostgreSQL (DATABASE_URL). ` +
          `(--db and DATABASE_URL are both set: choose one backend.)`,
      );
    }
    return { kind: "postgres", url };
  }
  return { kind: "sqlite", file: resolve(cwd, flags.db ?? env.NOTFALL_DB ?? "data/notfall.db") };
}

/** For logs and `/healthz`: the backend and where it is, never a password. */
export function describeStorage(choice: StorageChoice): string {
  if (choice.kind === "sqlite") return `SQLite ${choice.file}`;
  try {
    const u = new URL(choice.url);
    return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "PostgreSQL (DATABASE_URL nicht lesbar / unreadable)";
  }
}
