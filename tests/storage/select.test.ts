import { describe, expect, it } from "vitest";
import { describeStorage, StorageConfigError, selectStorage } from "../../src/storage/select.ts";

describe("selectStorage", () => {
  it("without DATABASE_URL: SQLite at --db, else NOTFALL_DB, else ./data/notfall.db", () => {
    expect(selectStorage({}, {}, "/srv/bot")).toEqual({ kind: "sqlite", file: "/srv/bot/data/notfall.db" });
    expect(selectStorage({ NOTFALL_DB: "x/n.db" }, {}, "/srv/bot")).toEqual({ kind: "sqlite", file: "/srv/bot/x/n.db" });
    expect(selectStorage({ NOTFALL_DB: "x/n.db" }, { db: "/var/lib/n.db" }, "/srv/bot")).toEqual({ kind: "sqlite", file: "/var/lib/n.db" });
    expect(selectStorage({ DATABASE_URL: "  " }, {}, "/srv/bot")).toEqual({ kind: "sqlite", file: "/srv/bot/data/notfall.db" });
  });

  it("DATABASE_URL=postgres://… selects PostgreSQL (NOTFALL_DB may stay set for other files)", () => {
    const url = "postgres://notfall:geheim@db.example:5432/notfall";
    expect(selectStorage({ DATABASE_URL: url, NOTFALL_DB: "data/notfall.db" })).toEqual({ kind: "postgres", url });
    expect(selectStorage({ DATABASE_URL: "postgresql://db/n" })).toEqual({ kind: "postgres", url: "postgresql://db/n" });
  });

  it("refuses another scheme and a conflicting --db with a message saying what to set", () => {
    expect(() => selectStorage({ DATABASE_URL: "mysql://db/n" })).toThrow(StorageConfigError);
    expect(() => selectStorage({ DATABASE_URL: "mysql://db/n" })).toThrow(/muss mit postgres:\/\/ oder postgresql:\/\/ beginnen/);
    expect(() => selectStorage({ DATABASE_URL: "postgres://db/n" }, { db: "a.db" })).toThrow(/entweder SQLite \(--db\) oder PostgreSQL/);
  });

  it("describes the choice without the password", () => {
    const text = describeStorage({ kind: "postgres", url: "postgres://notfall:s3cr%40t@db.example:5432/notfall" });
    expect(text).toBe("PostgreSQL notfall@db.example:5432/notfall");
    expect(text).not.toContain("s3cr");
    expect(describeStorage({ kind: "sqlite", file: "/srv/n.db" })).toBe("SQLite /srv/n.db");
  });
});
