/**
 * `notfallbot serve` with only MATRIX_* set, as an administrator would run it: the real CLI process against the
 * test Synapse. The bot joins on invite, answers a declaration in its thread, reports readiness on /healthz and
 * keeps its sync position next to the database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/tmp.ts";
import { synapse } from "./context.ts";
import { Person } from "./people.ts";
import { registerUser, type TestUser } from "./synapse.ts";

const T = 90_000;
const BIN = resolve(import.meta.dirname, "../../../bin/notfallbot.mjs");

describe("notfallbot serve with Matrix", () => {
  const hs = synapse();
  const tmp = tempDir("notfallbot-serve-matrix-");
  let proc: ChildProcess;
  let port = 0;
  let bot: TestUser;
  let anna: Person;
  let stderr = "";

  beforeAll(async () => {
    bot = await registerUser(hs.url, hs.sharedSecret, "nfbot-serve", { displayName: "Notfallbot" });
    anna = await Person.connect(hs.url, hs.users.anna);
    proc = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
      cwd: tmp.dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NOTFALL_DB: join(tmp.dir, "notfall.db"),
        MATRIX_HOMESERVER_URL: hs.url,
        MATRIX_ACCESS_TOKEN: bot.accessToken,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    port = await new Promise<number>((res, rej) => {
      let out = "";
      const timer = setTimeout(() => rej(new Error(`serve not ready:\n${stderr}`)), 60_000);
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(Number(m[1]));
        }
      });
      proc.once("exit", (code) => rej(new Error(`serve exited with ${code}:\n${stderr}`)));
    });
  }, T);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill("SIGKILL");
    }
    anna?.stop();
    tmp.cleanup();
  });

  it(
    "reports Matrix ready, joins on invite and answers in the thread of the declaration",
    async () => {
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
        ok: boolean;
        adapters: Record<string, { ok: boolean }>;
      };
      expect(health.adapters.matrix?.ok).toBe(true);
      expect(health.ok).toBe(true);

      const room = await anna.createRoom({ name: "IT-Notfall", invite: [bot.userId] });
      await anna.waitForMembership(room, bot.userId, "join");
      const declared = await anna.say(room, "!notfall verschlüsselung Server zeigt Erpressernachricht");
      const first = await anna.waitFor(
        (e) => e.sender === bot.userId && (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === declared,
        "first bot message in the incident thread",
        30_000,
      );
      expect(first.content.msgtype).toBe("m.notice");
      expect(String(first.content.body)).toMatch(/NF-\d{4}-0001/);
      expect(stderr).not.toContain(bot.accessToken);
    },
    T,
  );

  it(
    "stops cleanly on SIGTERM and keeps the sync position next to the database",
    async () => {
      const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(existsSync(join(tmp.dir, "matrix-state.json"))).toBe(true);
      expect(stderr).not.toContain(bot.accessToken);
    },
    T,
  );
});
