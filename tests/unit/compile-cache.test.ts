/**
 * The launcher keeps V8's code cache of the program's modules between starts (bin/notfallbot.mjs,
 * `enableCompileCache`): in a directory of the user's own, never in one someone else may write to, and a cache that
 * cannot be used never stops the bot.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

const uid = process.getuid?.();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "notfall-cc-"));
  dirs.push(d);
  return d;
}

/** Files below `dir` (the cache keeps one sub-directory per Node version). */
function files(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

const noCacheSettings = { NODE_COMPILE_CACHE: undefined, CACHE_DIRECTORY: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };

describe.skipIf(process.platform === "win32")("compile cache of the launcher", () => {
  it("is kept in the user's own directory under the temporary directory, and a second start finds everything in it", async () => {
    const tmp = scratch();
    const env = { ...noCacheSettings, TMPDIR: tmp };
    const first = await runCli(["playbooks"], { cwd: tmp, env });
    expect(first.code).toBe(0);
    const cache = join(tmp, `notfallbot-compile-cache${uid === undefined ? "" : `-${uid}`}`);
    const written = files(cache);
    expect(written).toBeGreaterThan(20); // the CLI's modules, one entry each
    const second = await runCli(["playbooks"], { cwd: tmp, env });
    expect(second.code).toBe(0);
    expect(second.out).toBe(first.out);
    expect(second.err).toBe(first.err);
    expect(files(cache)).toBe(written);
  });

  it("uses systemd's CacheDirectory, and leaves the operator's NODE_COMPILE_CACHE to Node", async () => {
    const tmp = scratch();
    const systemd = join(tmp, "var-cache");
    mkdirSync(systemd, { mode: 0o755 });
    expect((await runCli(["playbooks"], { cwd: tmp, env: { ...noCacheSettings, TMPDIR: tmp, CACHE_DIRECTORY: systemd } })).code).toBe(0);
    expect(files(join(systemd, "compile-cache"))).toBeGreaterThan(20);

    const own = join(tmp, "own");
    expect((await runCli(["playbooks"], { cwd: tmp, env: { ...noCacheSettings, TMPDIR: tmp, NODE_COMPILE_CACHE: own } })).code).toBe(0);
    expect(files(own)).toBeGreaterThan(20);
  });

  it("is not used where others may write, where a file is in the way, or when Node's switch turns it off — the bot runs all the same", async () => {
    const tmp = scratch();
    const plain = await runCli(["playbooks"], {
      cwd: tmp,
      env: { ...noCacheSettings, TMPDIR: scratch(), NODE_DISABLE_COMPILE_CACHE: "1" },
    });
    expect(plain.code).toBe(0);

    const sharedTmp = scratch();
    const shared = join(sharedTmp, `notfallbot-compile-cache${uid === undefined ? "" : `-${uid}`}`);
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const a = await runCli(["playbooks"], { cwd: tmp, env: { ...noCacheSettings, TMPDIR: sharedTmp } });
    expect(a.code).toBe(0);
    expect(a.out).toBe(plain.out);
    expect(files(shared)).toBe(0);

    const blocked = scratch();
    writeFileSync(join(blocked, `notfallbot-compile-cache${uid === undefined ? "" : `-${uid}`}`), "not a directory");
    const b = await runCli(["playbooks"], { cwd: tmp, env: { ...noCacheSettings, TMPDIR: blocked } });
    expect(b.code).toBe(0);
    expect(b.out).toBe(plain.out);

    const off = scratch();
    const c = await runCli(["playbooks"], { cwd: tmp, env: { ...noCacheSettings, TMPDIR: off, NODE_DISABLE_COMPILE_CACHE: "1" } });
    expect(c.code).toBe(0);
    expect(readdirSync(off)).toEqual([]);
  });
});
