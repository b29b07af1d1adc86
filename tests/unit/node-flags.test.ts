/**
 * The Node flags the bot runs with are the same wherever it is started: `npm start` / `npm run serve`
 * (package.json), the launcher when it restarts itself on the bundled Node (bin/notfallbot.mjs, system Node 20), and
 * the systemd unit (deploy/systemd/notfallbot@.service). The unit once started Node without them, so a server ran
 * with V8's large default young generation while every measurement used the small one.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

/** The `--flags` right after `node` in a command line. */
function nodeFlags(command: string): string[] {
  const m = /(?:^|\/)node\s+((?:--\S+\s+)*)/.exec(command);
  return (m?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
}

it("npm start, npm run serve, the launcher and the systemd unit start Node with the same flags", () => {
  const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
  const serve = nodeFlags(scripts.serve ?? "");
  expect(serve).toContain("--max-semi-space-size=4");
  expect(nodeFlags(scripts.start ?? "")).toEqual(serve);

  const relaunch = /relaunch\(bundled, \[([^\]]*)\]\)/.exec(read("bin/notfallbot.mjs"))?.[1] ?? "";
  expect([...relaunch.matchAll(/"([^"]+)"/g)].map((m) => m[1])).toEqual(serve);

  const execStart = /^ExecStart=(.*)$/m.exec(read("deploy/systemd/notfallbot@.service"))?.[1] ?? "";
  expect(execStart).toMatch(/bin\/notfallbot\.mjs serve$/);
  expect(nodeFlags(execStart)).toEqual(serve);
});
