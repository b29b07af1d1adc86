/**
 * Issue #17, step 1: the incident report PDF (`export`) and the handbook (`handbuch`) are rendered in a worker
 * thread, so the event loop that answers Slack's HTTP requests stays free while they render. Measured from inside
 * the process over the whole render: the loop's longest delay (`monitorEventLoopDelay`), its longest busy stretch
 * (`eventLoopUtilization` between ticks of a 5 ms probe), the share of the time it was busy, and the wall time of a
 * signed slash command sent while the render runs. Rendered on the loop, the report blocks it for ~1.3 s and the
 * handbook for 1.5–3 s: one busy stretch and one delay as long as the render itself, a loop busy all the time.
 * The bounds are fractions of the render's own wall time, not fixed milliseconds: on the shared 2-core machine
 * (load 17, the test suite and a benchmark running) the small work left on the loop stretched to 430 ms while the
 * render took seconds, and a thread doing nothing waited up to 700 ms for a core. A render on the loop fails every
 * bound at any load (measured: busy stretch 920 ms of a ~1 s render, busy share 1).
 */
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/index.ts";
import { type Bot, createBot } from "../../../src/app.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { ExportSink, HandbookSink } from "../../../src/core/service.ts";
import { exportDirFor, fileExportSink, handbookFor } from "../../../src/exports.ts";
import { loadPlaybooks } from "../../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../../src/storage/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { BOT_TOKEN, FakeSlackApi } from "./fake-slack-api.ts";
import { fixture } from "./fixtures.ts";
import { formBody, postSigned } from "./signed-request.ts";

const SECRET = "5e2c8a1f7b3d9e4c6a0f2b8d1e7c3a9f";
/** Longest loop delay, longest busy stretch and the ack's wall time, each as a share of the render's wall time. */
const MAX_SHARE_OF_RENDER = 0.5;
/** Share of the render's wall time in which the loop was busy (on the loop: ~1). */
const MAX_LOOP_BUSY = 0.5;

interface Rig {
  api: FakeSlackApi;
  dir: string;
  /** Resolves when the export's report (or the handbook) starts rendering. */
  renderStarted: Promise<void>;
  slash(text: string): Promise<{ status: number; ms: number }>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function start(): Promise<Rig> {
  const tmp = tempDir("notfallbot-render-");
  const dbPath = `${tmp.dir}/notfall.db`;
  const api = new FakeSlackApi();
  await api.start();
  const clock = new FakeClock();
  const playbooks = loadPlaybooks();
  const storage: SqliteStorage = openStorage(dbPath, { clock });
  const adapter: SlackAdapter = createSlackAdapter({
    token: BOT_TOKEN,
    signingSecret: SECRET,
    slackApiUrl: api.url,
    clock,
    logSink: () => {},
  });
  let started!: () => void;
  const renderStarted = new Promise<void>((r) => {
    started = r;
  });
  const files = fileExportSink(exportDirFor(dbPath));
  const exports: ExportSink = {
    ...files,
    report(r) {
      started();
      return files.report!(r);
    },
  };
  const book = handbookFor(playbooks.list(), undefined, dbPath);
  const handbook: HandbookSink = {
    paths: book.paths,
    write() {
      started();
      return book.write();
    },
  };
  const bot: Bot = createBot({ storage, adapters: [adapter], clock, playbooks, exports, handbook });
  const app = express();
  adapter.mount(app);
  await bot.start();
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  let n = 0;
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await adapter.idle();
      await bot.idle();
    }
  };
  return {
    api,
    dir: tmp.dir,
    renderStarted,
    settle,
    async slash(text) {
      const body = formBody({ ...fixture<Record<string, string>>("slash-command"), text, trigger_id: `${++n}.222.abc` });
      const res = await postSigned(url, SECRET, { body, contentType: "application/x-www-form-urlencoded" });
      return { status: res.status, ms: res.ms };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await bot.stop();
      storage.close();
      await api.stop();
      tmp.cleanup();
    },
  };
}

/** Runs `command` and, while its render runs, `status`; watches the loop from the command until all is delivered. */
async function whileRendering(r: Rig, command: string): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const busy0 = performance.eventLoopUtilization();
  let tick = busy0;
  let stretch = 0;
  const probe = setInterval(() => {
    stretch = Math.max(stretch, performance.eventLoopUtilization(tick).active);
    tick = performance.eventLoopUtilization();
  }, 5);
  expect((await r.slash(command)).status).toBe(200);
  await r.renderStarted;
  const ack = await r.slash("status");
  expect(ack.status).toBe(200);
  await r.settle();
  clearInterval(probe);
  stretch = Math.max(stretch, performance.eventLoopUtilization(tick).active);
  const busy = performance.eventLoopUtilization(busy0);
  const renderMs = performance.now() - t0;
  loop.disable();
  const seen = { renderMs, stretch, busy: busy.utilization, maxDelay: loop.max / 1e6, ack: ack.ms };
  expect(stretch, JSON.stringify(seen)).toBeLessThan(MAX_SHARE_OF_RENDER * renderMs);
  expect(busy.utilization, JSON.stringify(seen)).toBeLessThan(MAX_LOOP_BUSY);
  expect(loop.max / 1e6, JSON.stringify(seen)).toBeLessThan(MAX_SHARE_OF_RENDER * renderMs);
  expect(ack.ms, JSON.stringify(seen)).toBeLessThan(MAX_SHARE_OF_RENDER * renderMs);
}

describe("heavy renders run off the event loop that answers HTTP (#17)", () => {
  it("export: the report PDF renders in a worker; a slash command meanwhile is acknowledged at once", async () => {
    rig = await start();
    expect((await rig.slash("verschlüsselung Server zeigt Erpressernachricht")).status).toBe(200);
    await rig.settle();
    await whileRendering(rig, "export");
    const pdf = `${exportDirFor(`${rig.dir}/notfall.db`)}`;
    const written = rig.api
      .visible("C0NOTFALL")
      .map((m) => m.text)
      .join("\n");
    expect(written).toMatch(/NF-\d{4}-\d{4}\.pdf/);
    expect(existsSync(`${pdf}/${/(NF-\d{4}-\d{4})\.pdf/.exec(written)![1]}.pdf`)).toBe(true);
  }, 120_000);

  it("handbuch: the handbook is laid out and written in a worker; a slash command meanwhile is acknowledged at once", async () => {
    rig = await start();
    await whileRendering(rig, "handbuch");
    expect(existsSync(`${rig.dir}/notfallhandbuch.pdf`)).toBe(true);
    expect(existsSync(`${rig.dir}/notfallhandbuch.md`)).toBe(true);
  }, 120_000);
});
