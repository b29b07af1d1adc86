/**
 * Several organisations in one deployment (NOTFALL_TENANTS): a folder of organisation files, each naming the chats
 * it covers; one SQLite file. Every command that takes an incident id (status, export, buttons, the CLI's export)
 * only finds incidents of the asking tenant; numbering, exports and organisation data are per tenant; the folder
 * is read again without a restart.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.ts";
import { AdapterError } from "../../src/core/adapter.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { Inbound } from "../../src/core/inbound.ts";
import { tenantDir, tenantSinks } from "../../src/deployment.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { openStorage, type SqliteStorage } from "../../src/storage/index.ts";
import { TenantDirectory, tenantOfEvent } from "../../src/tenants.ts";
import { type CliRun, runCli } from "../helpers/cli.ts";
import { MemoryAdapter } from "../helpers/memory-adapter.ts";
import { tempDir } from "../helpers/tmp.ts";

const playbooks = loadPlaybooks();

const ORG_A = `name: Praxis Anna Muster
covers:
  slack: [T-ANNA]
  matrix: [":praxis-anna.de"]
it:
  hotline: "+49 30 1111111"
`;
const ORG_B = `name: Kanzlei Berta
covers:
  slack: [T-BERTA]
  matrix: ["!kanzlei:matrix.example"]
it:
  hotline: "+49 30 2222222"
`;

let tmp: ReturnType<typeof tempDir>;
let dir: string;
let storage: SqliteStorage;
let tenants: TenantDirectory;
let adapter: MemoryAdapter;
let bot: Bot;
let clock: FakeClock;
let n = 0;
let logs: string[] = [];

beforeEach(async () => {
  tmp = tempDir();
  dir = join(tmp.dir, "mandanten");
  mkdirSync(dir);
  writeFileSync(join(dir, "praxis-anna.yaml"), ORG_A);
  writeFileSync(join(dir, "kanzlei-berta.yaml"), ORG_B);
  clock = new FakeClock("2026-03-02T08:00:00Z");
  storage = openStorage(join(tmp.dir, "data", "notfall.db"), { clock });
  const dataDir = join(tmp.dir, "data");
  tenants = new TenantDirectory(dir, {
    storeOf: (t) => storage.forTenant(t),
    sinks: (t, config, file) => tenantSinks(dataDir, t, config, file, playbooks.list(), dataDir),
  });
  adapter = new MemoryAdapter();
  bot = createBot({
    storage,
    tenancy: tenants,
    // as serve wires SQLite: the outbox of all tenants in one query
    deployment: {
      storeOf: (t) => storage.forTenant(t),
      dueAll: (now, limit, busy) => storage.dueOutboxAllTenants(now, limit, busy),
      nextAll: () => storage.nextOutboxAttemptAllTenants(),
    },
    adapters: [adapter],
    clock,
    playbooks,
    log: (level, msg) => logs.push(`[${level}] ${msg}`),
  });
  logs = [];
  await bot.start();
});
afterEach(async () => {
  await bot.stop();
  tenants.stop();
  await storage.close();
  tmp.cleanup();
});

/** A Slack-like event of a workspace, in its channel; in the thread of `thread` when given. */
function ev(team: string, text: string, o: { kind?: Inbound["kind"]; thread?: string; action?: Inbound["action"] } = {}): Inbound {
  return {
    platform: "memory",
    tenant: team,
    channel: `memory:${team}:c1`,
    actor: { id: `u-${team}`, displayName: `Person ${team}` },
    kind: o.kind ?? (o.thread ? "reply" : "command"),
    text,
    receivedAt: clock.now(),
    deliveryId: `d${++n}`,
    ...(o.thread ? { threadRef: o.thread } : {}),
    ...(o.action ? { action: o.action } : {}),
  };
}

/** Memory events carry the Slack team id as `tenant`: map them like Slack's. */
function resolveAsSlack(e: Inbound): string | undefined {
  return tenantOfEvent({ ...e, platform: "slack" }, (k) => (tenants as unknown as { covers: Map<string, string> }).covers.get(k));
}

async function say(e: Inbound): Promise<string[]> {
  const before = adapter.sent.length;
  await adapter.handler!(e);
  await bot.idle();
  return adapter.sent.slice(before).map((m) => m.text);
}

/** Root refs of the incidents each declaration posted. */
function lastRoot(channel: string): string {
  return adapter.visible().findLast((m) => m.channel === channel && !m.thread && m.key.endsWith("/header"))!.ref;
}

describe("tenants from a folder of organisation files", () => {
  beforeEach(() => {
    // the memory platform stands for Slack here: its events carry the team id
    Object.assign(tenants, { resolve: resolveAsSlack });
  });

  it("numbers per tenant and uses each tenant's organisation file", async () => {
    const a = await say(ev("T-ANNA", "verschlüsselung Server zeigt Erpressernachricht"));
    const b = await say(ev("T-BERTA", "verschlüsselung Bildschirm zeigt Lösegeldforderung"));
    expect(a.join("\n")).toContain("NF-2026-0001");
    expect(b.join("\n")).toContain("NF-2026-0001");
    // the template is filled from the asking tenant's organisation file
    const ta = (await say(ev("T-ANNA", "vorlage mitarbeitende", { thread: lastRoot("memory:T-ANNA:c1") }))).join("\n");
    const tb = (await say(ev("T-BERTA", "vorlage mitarbeitende", { thread: lastRoot("memory:T-BERTA:c1") }))).join("\n");
    expect(ta).toContain("Praxis Anna Muster");
    expect(ta).not.toContain("Kanzlei Berta");
    expect(tb).toContain("Kanzlei Berta");
    expect(tb).not.toContain("Praxis Anna Muster");
    expect((await storage.forTenant("praxis-anna").listIncidents()).map((r) => r.title)).toHaveLength(1);
    expect((await storage.forTenant("kanzlei-berta").listIncidents()).map((r) => r.title)).toHaveLength(1);
  });

  it("status, export and buttons with another tenant's incident id find nothing and change nothing", async () => {
    await say(ev("T-ANNA", "verschlüsselung Server zeigt Erpressernachricht"));
    await say(ev("T-ANNA", "phishing Link in Mail geklickt"));
    await say(ev("T-BERTA", "verschlüsselung Bildschirm zeigt Lösegeldforderung"));
    const anna = storage.forTenant("praxis-anna");
    const before = await anna.timeline("NF-2026-0002");
    const berta = lastRoot("memory:T-BERTA:c1");
    const replies = [
      ...(await say(ev("T-BERTA", "status NF-2026-0002"))),
      ...(await say(ev("T-BERTA", "status NF-2026-0002", { thread: berta }))),
      ...(await say(ev("T-BERTA", "export NF-2026-0002"))),
      ...(await say(ev("T-BERTA", "export NF-2026-0002", { thread: berta }))),
      ...(await say(
        ev("T-BERTA", "rolle koordinator", { kind: "action", action: { command: "rolle koordinator", incidentId: "NF-2026-0002" } }),
      )),
      ...(await say(ev("T-BERTA", "erledigt 1", { kind: "action", action: { command: "erledigt 1", incidentId: "NF-2026-0002" } }))),
    ];
    // nothing of Anna's second incident (a phishing case) is shown to Berta's workspace
    expect(replies.join("\n")).not.toMatch(/Phishing|Link in Mail/i);
    expect(await anna.timeline("NF-2026-0002")).toEqual(before);
    // and no export of Anna's incident was written anywhere
    const exportsOf = (t: string) => {
      const d = join(tenantDir(join(tmp.dir, "data"), t), "exports");
      return existsSync(d) ? readdirSync(d) : [];
    };
    expect(exportsOf("praxis-anna")).toEqual([]);
    expect(exportsOf("kanzlei-berta").every((f) => f.startsWith("NF-2026-0001"))).toBe(true);
  });

  it("a delivery of one tenant that failed for now is retried at its time (all tenants' outbox in one query)", async () => {
    adapter.failures.push(new AdapterError("transient", "Plattform kurz weg"));
    await say(ev("T-BERTA", "verschlüsselung Server"));
    const header = () => adapter.sent.filter((m) => m.channel === "memory:T-BERTA:c1" && m.key.endsWith("/header"));
    expect(header()).toEqual([]);
    await clock.advance(1500);
    await bot.idle();
    expect(header()).toHaveLength(1);
  });

  it("an event no organisation file covers is dropped and logged, not given to some tenant", async () => {
    const replies = await say(ev("T-UNKNOWN", "verschlüsselung Server"));
    expect(replies).toEqual([]);
    for (const t of tenants.ids()) expect(await storage.forTenant(t).listIncidents()).toEqual([]);
  });

  it("events of an uncovered tenant cannot fill the log: one line per tenant and minute, then how many were dropped (#18)", async () => {
    for (let i = 0; i < 50; i++) await say(ev("T-STRANGER", `status ${i}`));
    await say(ev("T-OTHER", "status"));
    const lines = () => logs.filter((l) => l.includes("Kein Mandant"));
    expect(lines()).toEqual([
      "[warn] Kein Mandant für memory T-STRANGER (memory:T-STRANGER:c1): Ereignis verworfen. Organisationsdatei mit covers.memory anlegen",
      "[warn] Kein Mandant für memory T-OTHER (memory:T-OTHER:c1): Ereignis verworfen. Organisationsdatei mit covers.memory anlegen",
    ]);
    await clock.advance(61_000);
    await say(ev("T-STRANGER", "status"));
    expect(lines().at(-1)).toBe(
      "[warn] Kein Mandant für memory T-STRANGER (memory:T-STRANGER:c1): Ereignis verworfen. Organisationsdatei mit covers.memory anlegen (49 weitere solche Ereignisse seit der letzten Meldung)",
    );
    expect(lines()).toHaveLength(3);
  });

  it("reads the folder again: a new file is a new tenant, a changed file takes effect, a removed file ends a tenant", async () => {
    writeFileSync(join(dir, "praxis-cem.yaml"), "name: Praxis Cem\ncovers:\n  slack: [T-CEM]\n");
    expect(tenants.reload()).toBe(true);
    expect((await say(ev("T-CEM", "verschlüsselung Server"))).join("\n")).toContain("NF-2026-0001");
    writeFileSync(join(dir, "praxis-cem.yaml"), "name: Praxis Cem am Markt\ncovers:\n  slack: [T-CEM]\n");
    utimesSync(join(dir, "praxis-cem.yaml"), new Date(), new Date(Date.now() + 5000));
    expect(tenants.reload()).toBe(true);
    const root = lastRoot("memory:T-CEM:c1");
    expect((await say(ev("T-CEM", "vorlage mitarbeitende", { thread: root }))).join("\n")).toContain("Praxis Cem am Markt");
    rmSync(join(dir, "praxis-cem.yaml"));
    expect(tenants.reload()).toBe(true);
    expect(await say(ev("T-CEM", "status"))).toEqual([]);
    expect(tenants.ids().sort()).toEqual(["kanzlei-berta", "praxis-anna"]);
  });
});

describe("mapping platform identities to tenants", () => {
  const map = new Map([
    ["slack:T1", "a"],
    ["teams:72f988bf-86f1-41af-91ab-2d7cd011db47", "b"],
    ["matrix:!raum:matrix.example", "c"],
    ["matrix::praxis.de", "d"],
  ]);
  const base = { actor: { id: "x", displayName: "x" }, kind: "command", receivedAt: new Date(), deliveryId: "1" } as const;
  const look = (k: string) => map.get(k);
  it("Slack by team, Teams by tenant (any case), Matrix by room, then the writer's server, then the room's server", () => {
    expect(tenantOfEvent({ ...base, platform: "slack", tenant: "T1", channel: "slack:T1:C1" }, look)).toBe("a");
    expect(tenantOfEvent({ ...base, platform: "slack", tenant: "T2", channel: "slack:T2:C1" }, look)).toBeUndefined();
    expect(tenantOfEvent({ ...base, platform: "teams", tenant: "72F988BF-86F1-41AF-91AB-2D7CD011DB47", channel: "teams:x:y" }, look)).toBe(
      "b",
    );
    expect(tenantOfEvent({ ...base, platform: "matrix", tenant: "bot.example", channel: "matrix:!raum:matrix.example" }, look)).toBe("c");
    const byWriter = { ...base, actor: { id: "@anna:praxis.de", displayName: "Anna" } };
    expect(tenantOfEvent({ ...byWriter, platform: "matrix", tenant: "bot.example", channel: "matrix:!other:matrix.example" }, look)).toBe(
      "d",
    );
    expect(tenantOfEvent({ ...base, platform: "matrix", tenant: "bot.example", channel: "matrix:!r:praxis.de" }, look)).toBe("d");
    expect(tenantOfEvent({ ...base, platform: "console", tenant: "local", channel: "console:local:main" }, look)).toBeUndefined();
  });
});

/** The real CLI, `export` with `--tenant`. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runCli(args, { cwd: tmp.dir, env });
}

describe("notfallbot export --tenant", () => {
  it("exports an incident of the named tenant only", async () => {
    Object.assign(tenants, { resolve: resolveAsSlack });
    await say(ev("T-ANNA", "verschlüsselung Server zeigt Erpressernachricht"));
    await say(ev("T-ANNA", "phishing Link in Mail geklickt"));
    storage.checkpoint();
    const env = { NOTFALL_TENANTS: dir, NOTFALL_DB: join(tmp.dir, "data", "notfall.db") };
    const foreign = await cli(["export", "NF-2026-0002", "--tenant", "kanzlei-berta"], env);
    expect(foreign.code).toBe(5);
    expect(foreign.err).toContain("nicht gefunden");
    const own = await cli(["export", "NF-2026-0002", "--tenant", "praxis-anna"], env);
    expect(own.err).toBe("");
    expect(own.code).toBe(0);
    expect(own.out).toContain(join("tenants", "praxis-anna", "exports", "NF-2026-0002.md"));
    const unknown = await cli(["export", "NF-2026-0001", "--tenant", "praxis-zeta"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("kanzlei-berta, praxis-anna");
    const none = await cli(["export", "NF-2026-0001"], env);
    expect(none.code).toBe(2);
    expect(none.err).toContain("--tenant NAME angeben (kanzlei-berta, praxis-anna)");
  }, 60_000);
});
