#!/usr/bin/env node
// Entry point. Plain JavaScript that runs on any Node: it makes sure the real program runs on
// Node >= 22.12 with TypeScript type stripping, using the Node 24 that npm installs into
// node_modules/node when the system Node is older (Node 20 crashes better-sqlite3 13).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
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
  const { main } = await import("../src/cli.ts");
  const code = await main(process.argv.slice(2));
  if (typeof code === "number") process.exitCode = code;
}
