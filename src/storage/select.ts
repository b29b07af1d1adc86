/**
 * Which backend a process uses: `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite at `--db PATH`,
 * else `NOTFALL_DB`, else `./data/notfall.db`, exactly as before.
 */
import { resolve } from "node:path";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";

/** The chosen backend. */
export type StorageChoice = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** A setting that cannot work; `message` says in German what to set instead, `messageEn` the same in English. */
export class StorageConfigError extends Error {
  readonly messageEn: string;
  constructor(message: string, messageEn: string) {
    super(message);
    this.name = "StorageConfigError";
    this.messageEn = messageEn;
  }
}

/** Decides the backend from the environment and the `--db` flag. Throws {@link StorageConfigError} on a bad setting. */
export function selectStorage(env: NodeJS.ProcessEnv, flags: { db?: string } = {}, cwd = process.cwd()): StorageChoice {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new StorageConfigError(de.storage.notPostgres, en.storage.notPostgres);
    }
    if (flags.db !== undefined) {
      throw new StorageConfigError(de.storage.bothSet(flags.db), en.storage.bothSet(flags.db));
    }
    return { kind: "postgres", url };
  }
  return { kind: "sqlite", file: resolve(cwd, flags.db ?? env.NOTFALL_DB ?? "data/notfall.db") };
}

/** For logs and `/healthz`: the backend and where it is, never a password; in the process's language. */
export function describeStorage(choice: StorageChoice, locale: "de" | "en" = "de"): string {
  if (choice.kind === "sqlite") return `SQLite ${choice.file}`;
  try {
    const u = new URL(choice.url);
    return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return (locale === "en" ? en : de).storage.urlUnreadable;
  }
}
