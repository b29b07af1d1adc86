/**
 * Issue #18, item 5 (file modes) with tenants (`NOTFALL_TENANTS`): each client's exports and handbook live under
 * `data/tenants/<id>/`. Those directories and files hold the client's personal data (contacts' phone numbers,
 * incident details) and are private to the service user like the rest of the data directory, whichever file is
 * written first. The real `notfallbot serve` (Slack, fake Web API) with umask 022.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_ID } from "../adapters/slack/fake-slack-api.ts";
import { tempDir } from "../helpers/tmp.ts";
import { type ServeChild, startServe } from "./_serve.ts";
import { slashCommand, until } from "./_slack.ts";

let srv: ServeChild;
let tenants: ReturnType<typeof tempDir>;
let oldUmask = 0;

beforeAll(async () => {
  oldUmask = process.umask(0o022);
  tenants = tempDir("notfallbot-tenant-files-");
  mkdirSync(tenants.dir, { recursive: true });
  writeFileSync(join(tenants.dir, "praxis-albers.yaml"), `name: Praxis Albers\ncovers:\n  slack: [${TEAM_ID}]\n`);
  srv = await startServe({ env: { NOTFALL_TENANTS: tenants.dir } });
  // the handbook first: it creates the tenant's directory
  expect(await slashCommand(srv.port, "handbuch")).toBe(200);
  await until(() => srv.api.messages.find((m) => /Notfallhandbuch erstellt/.test(m.text)), 60_000, "the handbook reply");
}, 120_000);

afterAll(async () => {
  process.umask(oldUmask);
  await srv?.stop();
  tenants?.cleanup();
});

describe("a tenant's files are private to the service user (umask 022)", () => {
  it("data/tenants and data/tenants/<id> 0700, the handbook written there 0600", () => {
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    const data = join(srv.dir, "data");
    const own = join(data, "tenants", "praxis-albers");
    expect(readdirSync(own).sort()).toEqual(["notfallhandbuch.md", "notfallhandbuch.pdf"]);
    expect([
      ["data/tenants", mode(join(data, "tenants"))],
      ["data/tenants/praxis-albers", mode(own)],
      ...readdirSync(own).map((f) => [f, mode(join(own, f))]),
    ]).toEqual([
      ["data/tenants", "700"],
      ["data/tenants/praxis-albers", "700"],
      ["notfallhandbuch.md", "600"],
      ["notfallhandbuch.pdf", "600"],
    ]);
  });
});
