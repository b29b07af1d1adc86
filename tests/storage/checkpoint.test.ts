/**
 * Issue #17, step 2: WAL checkpoints run in a worker thread with its own connection, never in a commit and never on
 * the event loop. The timer is set to an hour here; each test looks at the WAL itself with `checkpointTick()`.
 */
import { spawnSync } from "node:child_process";
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

/** Storage whose on-loop checkpoint is counted (it must not run while the thread works). */
function open(synchronous?: "NORMAL" | "FULL"): { storage: SqliteStorage; file: string; onLoop: () => number; done: CheckpointDone[] } {
  const tmp = tempDir();
  const done: CheckpointDone[] = [];
  const storage = openStorage(tmp.file, { checkpointMs: HOUR, onCheckpoint: (d) => done.push(d), ...(synchronous ? { synchronous } : {}) });
  let loop = 0;
  const own = storage.checkpoint.bind(storage);
  storage.checkpoint = () => {
    loop++;
    own();
  };
  cleanup = async () => {
    await storage.close();
    tmp.cleanup();
  };
  return { storage, file: tmp.file, onLoop: () => loop, done };
}

/** 300 deliveries recorded, each its own transaction (each adds WAL frames). */
async function write(storage: SqliteStorage, from = 0): Promise<void> {
  for (let i = from; i < from + 300; i++)
    expect(await storage.commit({ deliveryId: { platform: "slack", id: `Ev${i}` } })).toEqual({ ok: true });
}

const walSize = (file: string) => statSync(`${file}-wal`).size;

describe("WAL checkpoints in their own thread (#17)", () => {
  it("the committing connection never checkpoints by itself (wal_autocheckpoint = 0)", () => {
    const { storage } = open();
    expect(storage.db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
  });

  it("copies what was written in the thread (PASSIVE), then empties the WAL once writes stop (TRUNCATE) and ends the thread until the next writes", async () => {
    const { storage, file, onLoop, done } = open();
    await write(storage);
    const grown = walSize(file);
    expect(grown).toBeGreaterThan(0);

    const passive = await storage.checkpointTick();
    expect(passive).toMatchObject({ mode: "passive", busy: false });
    expect(passive!.frames).toBeGreaterThan(0);
    expect(passive!.copied).toBe(passive!.frames);

    const truncate = await storage.checkpointTick(); // nothing written since the last look: the bot is idle
    expect(truncate).toMatchObject({ mode: "truncate", busy: false });
    expect(walSize(file)).toBe(0);
    expect(await storage.checkpointTick()).toBeUndefined(); // nothing to do

    await write(storage, 300); // the thread ended when idle; the next writes start a new one
    expect((await storage.checkpointTick())?.copied).toBeGreaterThan(0);
    expect(done.map((d) => d.mode)).toEqual(["passive", "truncate", "passive"]);
    expect(onLoop()).toBe(0);
  });

  it("keeps checkpointing while writes go on, and loses nothing (reopened: every row there)", async () => {
    const { storage, file, onLoop } = open("FULL");
    for (let round = 0; round < 3; round++) {
      await write(storage, round * 300);
      expect(await storage.checkpointTick()).toMatchObject({ mode: "passive" });
    }
    expect(onLoop()).toBe(0);
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

  it("close() waits for the thread even when a checkpoint answers meanwhile (a CLI process ends cleanly)", () => {
    const tmp = tempDir();
    cleanup = async () => tmp.cleanup();
    const storageUrl = new URL("../../src/storage/index.ts", import.meta.url).href;
    const script = `
      import { openStorage } from ${JSON.stringify(storageUrl)};
      const s = openStorage(${JSON.stringify(tmp.file)}, { checkpointMs: ${HOUR} });
      for (let i = 0; i < 300; i++) await s.commit({ deliveryId: { platform: "slack", id: "Ev" + i } });
      void s.checkpointTick(); // a PASSIVE checkpoint in flight when close() begins
      await s.close();
      process.stdout.write("closed");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("closed");
    expect(run.status).toBe(0);
  });
});
