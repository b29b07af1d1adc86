#!/usr/bin/env node
// Entry point. Plain JavaScript that runs on any Node: it makes sure the real program runs on
// Node >= 22.12 with TypeScript type stripping, using the Node 24 that npm installs into
// node_modules/node when the system Node is older (Node 20 crashes better-sqlite3 13).
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const [major, minor] = process.versions.node.split(".").map(Number);
const tooOld = major < 22 || (major === 22 && minor < 12);

function relaunch(nodeBin, extraFlags) {
  const child = spawn(nodeBin, [...extraFlags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, NOTFALLBOT_RELAUNCHED: "1" },
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/**
 * V8's code cache of the program's modules (with the TypeScript already stripped), kept between starts: `serve` is
 * ready ~0.35 s sooner after a crash, an update's second start or a reboot (docs/performance.md). Where: systemd's
 * CacheDirectory (the unit sets CACHE_DIRECTORY), else a directory of this user's own under the temporary directory.
 * A directory someone else owns or may write to is not used (the cache is code this process would run); nothing that
 * goes wrong here stops the bot — it starts without the cache. Set as the environment variable too, so that the bot
 * thread and the render thread (workers) use it as well. NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE are Node's
 * own settings: where the operator set one, Node has applied it already and this leaves it alone.
 */
function enableCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return;
  if (typeof module.enableCompileCache !== "function") return;
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const dir = process.env.CACHE_DIRECTORY
    ? join(process.env.CACHE_DIRECTORY.split(":")[0], "compile-cache")
    : join(tmpdir(), `notfallbot-compile-cache${uid === undefined ? "" : `-${uid}`}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return;
    process.env.NODE_COMPILE_CACHE = dir;
    module.enableCompileCache(dir);
  } catch {
    // not writable (read-only system, no temporary directory): start without the cache
  }
}

if (tooOld) {
  const bundled = join(root, "node_modules", "node", "bin", "node");
  if (existsSync(bundled) && !process.env.NOTFALLBOT_RELAUNCHED) {
    relaunch(bundled, ["--max-semi-space-size=4", "--heap-growing-percent=20"]);
  } else {
    console.error(
      `notfallbot braucht Node.js 24 LTS (mindestens 22.12); hier läuft Node ${process.versions.node}.\n` +
        "Abhilfe: im Projektordner 'npm install' ausführen (bringt Node 24 mit) und dann 'npm start'.\n" +
        "(needs Node.js >= 22.12; run 'npm install' first, which installs Node 24 into node_modules)",
    );
    process.exit(78);
  }
} else if (!process.features?.typescript) {
  relaunch(process.execPath, ["--experimental-strip-types", "--no-warnings=ExperimentalWarning"]);
} else {
  enableCompileCache();
  const { main } = await import("../src/cli.ts");
  const code = await main(process.argv.slice(2));
  if (typeof code === "number") process.exitCode = code;
}
