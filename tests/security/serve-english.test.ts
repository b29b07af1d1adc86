/**
 * `notfallbot serve --lang en` speaks to its operator in English (#14 item 4): the start (where it listens, the
 * database), a refused request, the stop, and the start-up failures (no chat service, a HOST it cannot listen on).
 * German stays the default (tests/security/listen-host.test.ts reads the German lines); no line mixes both.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { germanIn } from "../helpers/german.ts";
import { tempDir } from "../helpers/tmp.ts";
import { type ServeChild, startServe } from "./_serve.ts";

let srv: ServeChild | undefined;
afterEach(async () => {
  await srv?.stop();
  srv = undefined;
});

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
/** The German found in any line, with the line. */
const german = (text: string) => lines(text).flatMap((l) => (germanIn(l, []) ? [`[${germanIn(l, [])}] ${l}`] : []));

describe("serve --lang en: the operator reads English", () => {
  it("start, a refused request and the stop: every line English", async () => {
    srv = await startServe({ args: ["--lang", "en"], env: { HOST: undefined } });
    // a request without Slack's signature headers, of the right type: refused before its body is read
    const refused = await fetch(`http://127.0.0.1:${srv.port}/slack/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(401);
    await new Promise((res) => setTimeout(res, 100));
    const err = srv.stderr();
    expect(err).toContain(`notfallbot listens on http://127.0.0.1:${srv.port} (slack), reachable from this machine only`);
    expect(err).toMatch(/Database: SQLite .*notfall\.db/);
    expect(err).toMatch(/Request refused: 401 \/slack\/events \(X-Slack-Signature missing or malformed\)/);
    expect(german(err)).toEqual([]);
  }, 90_000);

  it("a HOST it cannot listen on: the English message, exit 2", async () => {
    const err = await startServe({ args: ["--lang", "en"], env: { HOST: "192.0.2.1" } }).then(
      (s) => {
        srv = s;
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/serve exited with 2/);
    expect(err?.message).toMatch(/notfallbot cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\)\. Please check HOST/);
    expect(german(err!.message)).toEqual([]);
  }, 90_000);

  it("no chat service configured: what to set, in English; German by default", async () => {
    const tmp = tempDir();
    try {
      const env = {
        SLACK_SIGNING_SECRET: "",
        SLACK_BOT_TOKEN: "",
        SLACK_APP_TOKEN: "",
        MICROSOFT_APP_ID: undefined,
        NOTFALL_TEAMS: undefined,
        MATRIX_HOMESERVER_URL: "",
      };
      const en = await runCli(["serve", "--lang", "en", "--port", "0"], { cwd: tmp.dir, env });
      expect(en.code).toBe(2);
      expect(en.err).toContain("No chat service configured. Set e.g. SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN");
      expect(german(en.err)).toEqual([]);
      const de = await runCli(["serve", "--port", "0"], { cwd: tmp.dir, env });
      expect(de.code).toBe(2);
      expect(de.err).toContain("Kein Chat-Dienst eingerichtet. Setzen Sie z. B. SLACK_SIGNING_SECRET");
      expect(de.err).not.toMatch(/No chat service/);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
