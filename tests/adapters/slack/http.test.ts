import { afterEach, describe, expect, it } from "vitest";
import type { Inbound } from "../../../src/core/inbound.ts";
import { BOT_TOKEN } from "./fake-slack-api.ts";
import { fixture } from "./fixtures.ts";
import { SIGNING_SECRET, type SlackTestRig, startRig } from "./setup.ts";
import { formBody, payloadBody, slackSignature } from "./signed-request.ts";

const FORM = "application/x-www-form-urlencoded" as const;
const JSON_CT = "application/json" as const;

let rig: SlackTestRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function slashBody(text: string, trigger = "111.222.abc"): string {
  return formBody({ ...fixture<Record<string, string>>("slash-command"), text, trigger_id: trigger });
}

describe("Slack HTTP: request verification (Bolt)", () => {
  it("rejects a forged signature with 401 and passes nothing on", async () => {
    rig = await startRig();
    const body = slashBody("status");
    const res = await rig.post({ body, contentType: FORM, signature: slackSignature("wrong-secret", Math.floor(Date.now() / 1000), body) });
    expect(res.status).toBe(401);
    const missing = await fetch(rig.url, { method: "POST", headers: { "content-type": FORM }, body });
    expect(missing.status).toBe(401);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(0);
  });

  it("rejects a correctly signed request older than 5 minutes", async () => {
    rig = await startRig();
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await rig.post({ body: slashBody("status"), contentType: FORM, timestamp: old });
    expect(res.status).toBe(401);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(0);
  });

  it("rejects a body that was changed after signing", async () => {
    rig = await startRig();
    const ts = Math.floor(Date.now() / 1000);
    const signed = slashBody("status");
    const res = await rig.post({
      body: slashBody("abschließen"),
      contentType: FORM,
      timestamp: ts,
      signature: slackSignature(SIGNING_SECRET, ts, signed),
    });
    expect(res.status).toBe(401);
  });

  it("answers Slack's url_verification challenge", async () => {
    rig = await startRig();
    const res = await rig.post({
      body: JSON.stringify({ token: "t", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }),
      contentType: JSON_CT,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("never logs the token or the signing secret", async () => {
    rig = await startRig();
    const body = slashBody("status");
    await rig.post({ body, contentType: FORM, signature: `v0=${"de".repeat(32)}` }); // well-shaped, wrong: Bolt's HMAC check
    rig.api.failNext("chat.postMessage", 1, { error: "invalid_auth" });
    await rig.adapter.deliver({ key: "k", channel: "slack:T0TEAM:C0NOTFALL", text: "x", blocks: [], locale: "de" }).catch(() => undefined);
    expect(rig.logs.length).toBeGreaterThan(0); // the forged request was logged …
    for (const line of rig.logs) {
      expect(line).not.toContain(BOT_TOKEN); // … without secrets
      expect(line).not.toContain(SIGNING_SECRET);
    }
  });
});

describe("Slack HTTP: slash commands, events, buttons", () => {
  it("acks a slash command within the request; the core's work happens after the ack", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let handled = false;
    rig = await startRig(async () => {
      await gate; // the core is still busy …
      handled = true;
    });
    try {
      const res = await rig.post({ body: slashBody("ransomware PCs verschlüsselt"), contentType: FORM });
      expect(res.status).toBe(200); // … but Slack already has its ack
      expect(res.ms).toBeLessThan(3000);
      expect(handled).toBe(false);
    } finally {
      release();
    }
    await rig.adapter.idle();
    expect(handled).toBe(true);
    expect(rig.events).toHaveLength(1);
    expect(rig.events[0]).toMatchObject({
      kind: "command",
      text: "ransomware PCs verschlüsselt",
      channel: "slack:T0TEAM:C0NOTFALL",
      tenant: "T0TEAM",
      actor: { id: "U0ANNA", displayName: "Anna" }, // resolved via users.info
      locale: "de",
      deliveryId: "111.222.abc",
      receivedAt: rig.clock.now(),
    });
  });

  it("answers a slash command before start() with a friendly 'starting' note", async () => {
    rig = await startRig();
    await rig.adapter.stop();
    const res = await rig.post({ body: slashBody("status"), contentType: FORM });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("startet gerade") });
    expect(rig.events).toHaveLength(0);
  });

  it("passes a retried event (x-slack-retry-num) with the same deliveryId", async () => {
    rig = await startRig();
    const body = JSON.stringify(fixture("event-message-thread"));
    const first = await rig.post({ body, contentType: JSON_CT });
    const retry = await rig.post({
      body,
      contentType: JSON_CT,
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await rig.adapter.idle();
    expect(rig.events.map((e) => e.deliveryId)).toEqual(["Ev0THREAD001", "Ev0THREAD001"]);
    expect(rig.events[0]).toMatchObject({
      kind: "reply",
      threadRef: "1772438400.000001",
      actor: { id: "U0BEN", displayName: "Ben" },
      mentions: [{ id: "U0CEM", displayName: "Cem" }],
    });
    expect(
      rig.api
        .callsOf("users.info")
        .map((c) => c.args.user)
        .sort(),
    ).toEqual(["U0BEN", "U0CEM"]); // cached
  });

  it("turns a ✅ reaction and an app mention into Inbound events", async () => {
    rig = await startRig();
    await rig.post({ body: JSON.stringify(fixture("event-reaction-added")), contentType: JSON_CT });
    await rig.post({ body: JSON.stringify(fixture("event-app-mention")), contentType: JSON_CT });
    await rig.post({ body: JSON.stringify(fixture("event-bot-message")), contentType: JSON_CT });
    await rig.post({ body: JSON.stringify(fixture("event-message-changed")), contentType: JSON_CT });
    await rig.post({ body: JSON.stringify(fixture("event-message-channel")), contentType: JSON_CT });
    await rig.adapter.idle();
    expect(rig.events.map((e) => [e.kind, e.deliveryId])).toEqual([
      ["reaction", "Ev0REACT001"],
      ["command", "Ev0MENTION01"],
    ]);
    expect(rig.events[0]!.reaction).toEqual({ emoji: "✅", messageRef: "1772438400.000003" });
  });

  it("acks a button press and passes the command with deliveryId message_ts:action_ts:user", async () => {
    rig = await startRig();
    const res = await rig.post({ body: payloadBody(fixture("block-actions")), contentType: FORM });
    expect(res.status).toBe(200);
    await rig.adapter.idle();
    expect(rig.events).toHaveLength(1);
    const ev: Inbound = rig.events[0]!;
    expect(ev).toMatchObject({
      kind: "action",
      action: { command: "erledigt 3", incidentId: "NF-2026-0001" },
      threadRef: "1772438400.000001",
      deliveryId: "1772438400.000003:1772438461.848311:U0BEN",
      actor: { id: "U0BEN", displayName: "Ben" },
    });
  });

  it("keeps working when users.info fails (falls back to the name Slack sent)", async () => {
    rig = await startRig();
    rig.api.failNext("users.info", 1, { status: 429, retryAfter: 30 });
    await rig.post({ body: slashBody("status", "t-1"), contentType: FORM });
    await rig.adapter.idle();
    expect(rig.events[0]!.actor).toEqual({ id: "U0ANNA", displayName: "anna.albers" });
  });
});
