/**
 * OAuth installations (Slack "Add to Slack") on both backends: one per workspace or per organisation (org-wide),
 * a repeated install replaces token and scopes but keeps the first install time, uninstall removes it, and a
 * workspace of an organisation installed org-wide finds that installation once it was seen.
 */
import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import type { ChatInstallation, InstallationsPort } from "../../src/core/ports.ts";
import { describeBackends } from "./backends.ts";

let clock = new FakeClock("2026-03-02T08:00:00Z");

function install(over: Partial<ChatInstallation> = {}): Omit<ChatInstallation, "installedAt" | "updatedAt"> {
  return {
    platform: "slack",
    workspace: "T0PRAXISA",
    orgWide: false,
    botToken: "xoxb-a-1",
    botUserId: "U0BOTA",
    botId: "B0BOTA",
    appId: "A0NOTFALL",
    installedBy: "U0ANNA",
    scopes: ["commands", "chat:write"],
    raw: { team: { id: "T0PRAXISA", name: "Praxis A" }, bot: { token: "xoxb-a-1" } },
    ...over,
  };
}

describeBackends("installations", (b) => {
  beforeEach(() => {
    clock = new FakeClock("2026-03-02T08:00:00Z");
  });
  const port = async (): Promise<InstallationsPort> =>
    ((await b.open({ clock })) as unknown as { installations(): InstallationsPort }).installations();

  it("stores a workspace install with every field and finds it by workspace, not by another", async () => {
    const p = await port();
    await p.save(install());
    const got = await p.find("slack", { workspace: "T0PRAXISA", orgWide: false });
    expect(got).toEqual({ ...install(), installedAt: "2026-03-02T08:00:00.000Z", updatedAt: "2026-03-02T08:00:00.000Z" });
    expect(await p.forWorkspace("slack", "T0PRAXISA")).toEqual(got);
    expect(await p.find("slack", { workspace: "T0PRAXISB", orgWide: false })).toBeUndefined();
    expect(await p.find("teams", { workspace: "T0PRAXISA", orgWide: false })).toBeUndefined();
  });

  it("a second install of the same workspace replaces token and scopes and keeps the first install time", async () => {
    const p = await port();
    await p.save(install());
    clock.advance(60_000);
    await p.save(install({ botToken: "xoxb-a-2", scopes: ["commands", "chat:write", "reactions:read"] }));
    const got = await p.find("slack", { workspace: "T0PRAXISA", orgWide: false });
    expect(got?.botToken).toBe("xoxb-a-2");
    expect(got?.scopes).toEqual(["commands", "chat:write", "reactions:read"]);
    expect(got?.installedAt).toBe("2026-03-02T08:00:00.000Z");
    expect(got?.updatedAt).toBe("2026-03-02T08:01:00.000Z");
    expect(await b.count("installations")).toBe(1);
  });

  it("uninstall removes only that workspace", async () => {
    const p = await port();
    await p.save(install());
    await p.save(install({ workspace: "T0PRAXISB", botToken: "xoxb-b-1" }));
    expect(await p.remove("slack", { workspace: "T0PRAXISA", orgWide: false })).toBe(1);
    expect(await p.remove("slack", { workspace: "T0PRAXISA", orgWide: false })).toBe(0);
    expect((await p.list("slack")).map((i) => i.workspace)).toEqual(["T0PRAXISB"]);
  });

  it("an org-wide install serves the organisation's workspaces once seen, and goes with its links on uninstall", async () => {
    const p = await port();
    const { workspace: _w, ...rest } = install();
    await p.save({ ...rest, organisation: "E0KLINIK", orgWide: true, botToken: "xoxb-e-1" });
    expect((await p.find("slack", { organisation: "E0KLINIK", orgWide: true }))?.botToken).toBe("xoxb-e-1");
    // an event from a workspace of the organisation: Bolt asks by workspace and organisation
    expect((await p.find("slack", { workspace: "T0STATION", organisation: "E0KLINIK", orgWide: false }))?.botToken).toBe("xoxb-e-1");
    // outgoing messages only know the workspace: unknown until an event from it was seen
    expect(await p.forWorkspace("slack", "T0STATION")).toBeUndefined();
    await p.noteWorkspace("slack", "T0STATION", "E0KLINIK");
    expect((await p.forWorkspace("slack", "T0STATION"))?.botToken).toBe("xoxb-e-1");
    expect(await p.remove("slack", { organisation: "E0KLINIK", orgWide: true })).toBe(1);
    expect(await p.forWorkspace("slack", "T0STATION")).toBeUndefined();
    expect(await b.count("installation_workspaces")).toBe(0);
  });
});
