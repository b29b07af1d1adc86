/**
 * Conversation references in the database: an adapter that never saw an activity of a conversation (another process
 * on the same database, or this one after a restart) delivers into it. Real HTTP on loopback, the strict fake Bot
 * Connector, on a SQLite file (PostgreSQL: tests/postgres/teams-references.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TeamsAdapter } from "../../../src/adapters/teams/adapter.ts";
import { openStorage } from "../../../src/storage/index.ts";
import { cardOf, cardText } from "./card-text.ts";
import { FakeConnector } from "./fake-connector.ts";
import { ANNA_ID, BOT_ID, CHANNEL, CHANNEL_CONV, fixture, ROOT } from "./fixtures.ts";
import { REMINDER, referenceCrossesProcesses } from "./two-instances.ts";

const fake = new FakeConnector();
let dir: string;

beforeAll(async () => {
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), "notfall-teams-refs-"));
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Teams references in the database", () => {
  it("SQLite: a reference written by one adapter is used by another on the same file", async () => {
    const file = join(dir, "refs.db");
    const a = openStorage(file);
    const b = openStorage(file);
    try {
      await referenceCrossesProcesses(fake, a, b);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("the teams-references.json of older versions is imported once at start, without overwriting newer rows", async () => {
    const file = join(dir, "teams-references.json");
    const other = "teams:6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f:19:0ther@thread.tacv2";
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        channels: {
          [CHANNEL]: {
            serviceUrl: fake.url,
            tenantId: "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
            botId: BOT_ID,
            conversationId: CHANNEL_CONV,
            conversationType: "channel",
          },
          [other]: {
            serviceUrl: "https://smba.trafficmanager.net/old/",
            tenantId: "t",
            botId: BOT_ID,
            conversationId: "19:0ther@thread.tacv2",
          },
        },
        people: { [ANNA_ID]: "Anna Albers" },
        welcomed: [CHANNEL],
      }),
    );
    const storage = openStorage(join(dir, "import.db"));
    try {
      // a row the database already has (learnt after the file was written) stays
      const newer = {
        serviceUrl: "https://smba.trafficmanager.net/new/",
        tenantId: "t",
        botId: BOT_ID,
        conversationId: "19:0ther@thread.tacv2",
      };
      await storage.putAdapterState("teams", "ref", other, JSON.stringify(newer));
      const lines: string[] = [];
      const adapter = new TeamsAdapter({ state: storage, legacyReferenceFile: file, nodeEnv: "test", warn: (t) => lines.push(t) });
      await adapter.start(async () => {});
      expect(lines.join("\n")).toMatch(/3 Einträge aus .*teams-references\.json in die Datenbank übernommen/);
      expect(existsSync(file)).toBe(false);
      expect(JSON.parse(readFileSync(`${file}.imported`, "utf8")).version).toBe(1);
      expect(JSON.parse((await storage.getAdapterState("teams", "ref", other))!)).toEqual(newer);

      fake.personPosted(fixture("channel-message-mention")); // the channel and its thread exist in Teams
      const n = fake.calls.length;
      await adapter.deliver({
        key: "k/1",
        channel: CHANNEL,
        thread: { ref: ROOT },
        text: REMINDER,
        blocks: [],
        locale: "de",
        visibleTo: ANNA_ID,
      });
      expect(fake.calls[n]).toMatchObject({ kind: "send", conversationId: `${CHANNEL_CONV};messageid=${ROOT}` });
      expect(cardText(cardOf(fake.calls[n]!.body)!)).toMatch(/^Für Anna Albers/);
      await adapter.stop();

      // the next start finds no file and says nothing
      const again: string[] = [];
      await new TeamsAdapter({ state: storage, legacyReferenceFile: file, nodeEnv: "test", warn: (t) => again.push(t) }).start(
        async () => {},
      );
      expect(again.join("\n")).not.toMatch(/übernommen/);
    } finally {
      await storage.close();
    }
  });
});
