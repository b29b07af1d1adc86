/**
 * Issue #17, step 2: WAL checkpoints run between events (a timer on the connection's own thread), never inside a
 * commit. The timer is set to an hour here; each test looks at the WAL itself with `checkpointTick()`.
 */
import { statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckpointDone } from "../../src/storage/checkpointer.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { tempDir } from "./helpers.ts";

const HOUR = 3_600_000;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function open(synchronous?: "NORMAL" | "FULL"): { storage: SqliteStorage; file: string; done: CheckpointDone[] } {
  const tmp = tempDir();
  const done: CheckpointDone[] = [];
  const storage = openStorage(tmp.file, { checkpointMs: HOUR, onCheckpoint: (d) => done.push(d), ...(synchronous ? { synchronous } : {}) });
  cleanup = async () => {
    await storage.close();
    tmp.cleanup();
  };
  return { storage, file: tmp.file, done };
}

/** 300 deliveries recorded, each its own transaction (each adds WAL frames). */
async function write(storage: SqliteStorage, from = 0): Promise<void> {
  for (let i = from; i < from + 300; i++)
    expect(await storage.commit({ deliveryId: { platform: "slack", id: `Ev${i}` } })).toEqual({ ok: true });
}

const walSize = (file: string) => statSync(`${file}-wal`).size;

describe("WAL checkpoints between events, not in a commit (#17)", () => {
  it("the committing connection never checkpoints by itself (wal_autocheckpoint = 0)", () => {
    const { storage } = open();
    expect(storage.db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
  });

  it("a commit never grows into a checkpoint: 3,000 commits leave every frame in the WAL until the timer looks", async () => {
    const { storage } = open();
    for (let round = 0; round < 10; round++) await write(storage, round * 300);
    const passive = storage.checkpointTick();
    expect(passive).toMatchObject({ mode: "passive", busy: false });
    // SQLite's automatic checkpoint would have restarted the WAL after 1,000 pages: all frames since the start are here
    expect(passive!.frames).toBeGreaterThan(1000);
    expect(passive!.copied).toBe(passive!.frames);
  });

  it("copies what was written (PASSIVE), then empties the WAL once writes stop (TRUNCATE), then rests until the next writes", async () => {
    const { storage, file, done } = open();
    await write(storage);
    const grown = walSize(file);
    expect(grown).toBeGreaterThan(0);

    const passive = storage.checkpointTick();
    expect(passive).toMatchObject({ mode: "passive", busy: false });
    expect(passive!.frames).toBeGreaterThan(0);
    expect(passive!.copied).toBe(passive!.frames);

    const truncate = storage.checkpointTick(); // nothing written since the last look: the bot is idle
    expect(truncate).toMatchObject({ mode: "truncate", busy: false });
    expect(walSize(file)).toBe(0);
    expect(storage.checkpointTick()).toBeUndefined(); // nothing to do

    await write(storage, 300);
    expect(storage.checkpointTick()?.copied).toBeGreaterThan(0);
    expect(done.map((d) => d.mode)).toEqual(["passive", "truncate", "passive"]);
  });

  it("keeps checkpointing while writes go on, and loses nothing (reopened: every row there)", async () => {
    const { storage, file } = open("FULL");
    for (let round = 0; round < 3; round++) {
      await write(storage, round * 300);
      expect(storage.checkpointTick()).toMatchObject({ mode: "passive" });
    }
    await storage.close();
    cleanup = undefined;
    const again = openStorage(file, { checkpointMs: 0 });
    try {
      for (const i of [0, 299, 300, 899]) expect(await again.hasDelivery("slack", `Ev${i}`)).toBe(true);
      expect(await again.hasDelivery("slack", "Ev900")).toBe(false);
      expect(again.db.$client.pragma("synchronous", { simple: true })).toBe(1); // NORMAL unless asked otherwise
    } finally {
      await again.close();
    }
  });
});
