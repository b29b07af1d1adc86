/**
 * The operator's log lines in the process's language (#14 item 4): the outbox dispatcher's retries and failures and
 * the role gate of several processes (the Matrix sync) said "Zustellung wird wiederholt" and "Rolle übernommen /
 * role acquired" also under `--lang en`. Now German by default, English with the English catalogue, never both.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AdapterError, type ChatAdapter } from "../../src/core/adapter.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { Dispatcher } from "../../src/core/dispatcher.ts";
import type { de } from "../../src/core/i18n/de.ts";
import { en } from "../../src/core/i18n/en.ts";
import { LeaderGatedAdapter, type RoleFactory } from "../../src/leader-gate.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { germanIn } from "../helpers/german.ts";
import { incident, out, tempDir } from "../storage/helpers.ts";

const tmp = tempDir();
let storage: SqliteStorage | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  await storage?.close();
  tmp.cleanup();
});

const settle = () => new Promise((r) => setTimeout(r, 20));

/** The dispatcher's log lines for one message whose platform fails twice, then for good (maxAttempts 2). */
async function deliveryLog(ops: typeof de.ops | undefined): Promise<string[]> {
  const clock = new FakeClock(new Date("2026-03-02T08:00:00Z"));
  storage = openStorage(tmp.file, { clock });
  await storage.commit({ incident: { record: incident() } });
  await storage.commit({ outbox: [out("NF-2026-0001/root", { nextAttemptAt: clock.now().toISOString() })] });
  const adapter = {
    platform: "slack",
    capabilities: {},
    async start() {},
    async stop() {},
    async deliver() {
      throw new AdapterError("transient", "upstream 503");
    },
  } as unknown as ChatAdapter;
  const lines: string[] = [];
  dispatcher = new Dispatcher({
    storage,
    clock,
    adapters: new Map([["slack", adapter]]),
    onFailed: () => {},
    maxAttempts: 2,
    log: (_level, msg) => lines.push(msg),
    ...(ops ? { ops } : {}),
  });
  dispatcher.kick();
  await settle();
  await clock.advance(10 * 60_000);
  await settle();
  await dispatcher.stop();
  dispatcher = undefined;
  await storage.close();
  storage = undefined;
  tmp.cleanup();
  return lines;
}

describe("the outbox dispatcher's log lines", () => {
  it("German by default, English with the English catalogue", async () => {
    expect(await deliveryLog(undefined)).toEqual([
      "Zustellung wird wiederholt (transient)",
      "Zustellung endgültig fehlgeschlagen (transient)",
    ]);
    const lines = await deliveryLog(en.ops);
    expect(lines).toEqual(["Delivery will be retried (transient)", "Delivery failed for good (transient)"]);
    expect(lines.filter((l) => germanIn(l, []))).toEqual([]);
  });
});

describe("the role gate of several processes (Matrix sync)", () => {
  function gate(ops?: typeof de.ops) {
    const lines: string[] = [];
    let hooks!: Parameters<RoleFactory>[0];
    let leader = false;
    const role: RoleFactory = (h) => {
      hooks = h;
      return {
        name: "matrix-sync",
        get isLeader() {
          return leader;
        },
        async start() {},
        async stop() {},
      };
    };
    const inner = { platform: "matrix", capabilities: {}, async start() {}, async stop() {} } as unknown as ChatAdapter;
    const g = new LeaderGatedAdapter(inner, role, (_l, msg) => lines.push(msg), ...(ops ? [ops] : []));
    return {
      g,
      lines,
      acquire: () => {
        leader = true;
        hooks.onAcquired();
      },
      lose: () => {
        leader = false;
        hooks.onLost("session ended");
      },
    };
  }

  it("standby, taking the role and losing it: in the process's language", async () => {
    for (const [ops, expected] of [
      [
        undefined,
        [
          "Bereitschaft: matrix-sync läuft in einem anderen Prozess",
          "matrix-sync: Rolle übernommen, matrix startet",
          "matrix-sync: Rolle verloren (session ended), matrix hält an",
        ],
      ],
      [
        en.ops,
        [
          "Standby: matrix-sync runs in another process",
          "matrix-sync: role acquired, matrix starting",
          "matrix-sync: role lost (session ended), matrix stopping",
        ],
      ],
    ] as const) {
      const x = gate(ops);
      await x.g.start(async () => {});
      const standby = x.g.health().detail!;
      x.acquire();
      await x.g.stop().catch(() => {});
      const seen = [standby];
      const y = gate(ops);
      await y.g.start(async () => {});
      y.acquire();
      await settle();
      y.lose();
      await settle();
      seen.push(...y.lines);
      expect(seen).toEqual(expected);
    }
  });
});
