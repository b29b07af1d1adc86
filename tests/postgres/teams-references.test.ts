/** Teams conversation references on PostgreSQL: what one process learnt, another process on the database uses. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgStorage } from "../../src/storage/pg/index.ts";
import { FakeConnector } from "../adapters/teams/fake-connector.ts";
import { ANNA_ID, CHANNEL } from "../adapters/teams/fixtures.ts";
import { referenceCrossesProcesses } from "../adapters/teams/two-instances.ts";
import { freshDatabase } from "./context.ts";

const fake = new FakeConnector();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});

describe("Teams references in PostgreSQL", () => {
  it("PostgreSQL: a reference written by one process is used by another on the same database", async () => {
    const db = await freshDatabase("teamsrefs");
    const a = await openPgStorage(db.url, { max: 2 });
    const b = await openPgStorage(db.url, { max: 2 });
    try {
      await referenceCrossesProcesses(fake, a, b);
      const rows = await a.pool.query("select kind, key from adapter_state where platform = 'teams' order by kind, key");
      // the reference of the channel (and of the team's channel the install event came from), one welcome, the name
      expect(rows.rows.filter((r) => r.kind === "ref").map((r) => r.key)).toContain(CHANNEL);
      expect(rows.rows.filter((r) => r.kind === "welcomed")).toHaveLength(1);
      expect(rows.rows).toContainEqual({ kind: "person", key: ANNA_ID });
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
