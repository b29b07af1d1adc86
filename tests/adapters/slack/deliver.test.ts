import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/index.ts";
import { AdapterError } from "../../../src/core/adapter.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import type { Outbound } from "../../../src/core/message.ts";
import { BOT_TOKEN, FakeSlackApi } from "./fake-slack-api.ts";
import { SIGNING_SECRET } from "./setup.ts";

let api: FakeSlackApi;
let adapter: SlackAdapter;

beforeAll(async () => {
  api = new FakeSlackApi();
  await api.start();
  adapter = createSlackAdapter({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: api.url,
    clock: new FakeClock(),
    logSink: () => {},
  });
});
afterAll(async () => {
  await adapter.stop();
  await api.stop();
});
beforeEach(() => {
  api.calls.length = 0;
});

function out(extra: Partial<Outbound> = {}): Outbound {
  return {
    key: "NF-2026-0001/root",
    channel: "slack:T0TEAM:C0NOTFALL",
    text: "IT-Notfall NF-2026-0001: Ransomware",
    blocks: [{ type: "heading", text: "Ransomware" }],
    locale: "de",
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AdapterError);
  return e as AdapterError;
}

describe("Slack deliver", () => {
  it("posts at channel level and in the thread given by thread.ref", async () => {
    const root = await adapter.deliver(out());
    const reply = await adapter.deliver(
      out({ key: "NF-2026-0001/hello", thread: { key: "NF-2026-0001/root", ref: root.ref }, text: "Hallo" }),
    );
    const [a, b] = api.callsOf("chat.postMessage");
    expect(a!.args).toMatchObject({ channel: "C0NOTFALL", text: "IT-Notfall NF-2026-0001: Ransomware" });
    expect(a!.args.thread_ts).toBeUndefined();
    expect(b!.args).toMatchObject({ channel: "C0NOTFALL", thread_ts: root.ref });
    expect(b!.token).toBe(BOT_TOKEN);
    expect(api.messages.find((m) => m.ts === reply.ref)?.threadTs).toBe(root.ref);
  });

  it("refuses (transient) a thread message whose root is not delivered yet", async () => {
    const e = await failure(adapter.deliver(out({ thread: { key: "NF-2026-0009/root" } })));
    expect(e.code).toBe("transient");
    expect(api.calls).toHaveLength(0);
  });

  it("updates in place with chat.update when replace + replaceRef", async () => {
    const first = await adapter.deliver(out({ key: "NF-2026-0001/tasks" }));
    const again = await adapter.deliver(
      out({ key: "NF-2026-0001/tasks", replace: true, replaceRef: first.ref, text: "Aufgabe 3 erledigt" }),
    );
    expect(again.ref).toBe(first.ref);
    const upd = api.callsOf("chat.update");
    expect(upd).toHaveLength(1);
    expect(upd[0]!.args).toMatchObject({ channel: "C0NOTFALL", ts: first.ref, text: "Aufgabe 3 erledigt" });
    expect(api.messages.find((m) => m.ts === first.ref)).toMatchObject({ text: "Aufgabe 3 erledigt", edits: 1 });
  });

  it("posts anew when the message to update is gone", async () => {
    const r = await adapter.deliver(out({ replace: true, replaceRef: "1111111111.000001" }));
    expect(api.callsOf("chat.update")[0]!.response).toMatchObject({ ok: false, error: "message_not_found" });
    expect(api.callsOf("chat.postMessage")).toHaveLength(1);
    expect(r.ref).not.toBe("1111111111.000001");
  });

  it("sends errors to one person only: chat.postEphemeral with user and thread_ts", async () => {
    const r = await adapter.deliver(
      out({ visibleTo: "U0BEN", thread: { ref: "1772438400.000001" }, text: "Unbekannter Befehl. Tippen Sie /notfall" }),
    );
    const [c] = api.callsOf("chat.postEphemeral");
    expect(c!.args).toMatchObject({ channel: "C0NOTFALL", user: "U0BEN", thread_ts: "1772438400.000001" });
    expect(api.callsOf("chat.postMessage")).toHaveLength(0);
    expect(r.ref).toBe(c!.response.message_ts);
  });

  it("maps HTTP 429 to rate_limited with Retry-After, without retrying itself", async () => {
    api.failNext("chat.postMessage", 1, { status: 429, retryAfter: 7 });
    const e = await failure(adapter.deliver(out()));
    expect(e).toMatchObject({ code: "rate_limited", retryAfterMs: 7000 });
    expect(api.callsOf("chat.postMessage")).toHaveLength(1);
  });

  it("maps 5xx and network errors to transient, without retrying itself", async () => {
    api.failNext("chat.postMessage", 1, { status: 503 });
    expect((await failure(adapter.deliver(out()))).code).toBe("transient");
    api.failNext("chat.postMessage", 1, { network: true });
    expect((await failure(adapter.deliver(out()))).code).toBe("transient");
    expect(api.callsOf("chat.postMessage")).toHaveLength(2);
  });

  it.each(["channel_not_found", "not_in_channel", "invalid_auth", "is_archived"])(
    "maps {ok:false, error:%s} to permanent",
    async (code) => {
      api.failNext("chat.postMessage", 1, { error: code });
      const e = await failure(adapter.deliver(out()));
      expect(e).toMatchObject({ code: "permanent", platformCode: code });
      expect(e.message).not.toContain(BOT_TOKEN);
    },
  );

  it("maps failures of chat.update and chat.postEphemeral the same way", async () => {
    api.failNext("chat.update", 1, { status: 429, retryAfter: 2 });
    expect(await failure(adapter.deliver(out({ replace: true, replaceRef: "1.2" })))).toMatchObject({
      code: "rate_limited",
      retryAfterMs: 2000,
    });
    api.failNext("chat.postEphemeral", 1, { error: "user_not_in_channel" });
    expect(await failure(adapter.deliver(out({ visibleTo: "U0CEM" })))).toMatchObject({
      code: "permanent",
      platformCode: "user_not_in_channel",
    });
  });

  it("rejects a non-Slack channel id as permanent", async () => {
    expect((await failure(adapter.deliver(out({ channel: "matrix:!r:hs" })))).code).toBe("permanent");
  });
});

describe("Slack start", () => {
  it("refuses to start with a token Slack rejects, and says so in German", async () => {
    const bad = createSlackAdapter({ token: "xoxb-wrong", signingSecret: SIGNING_SECRET, slackApiUrl: api.url, logSink: () => {} });
    const e = await failure(bad.start(async () => {}));
    expect(e.code).toBe("unauthorized");
    expect(e.message).toContain("SLACK_BOT_TOKEN prüfen");
    expect(bad.health()).toMatchObject({ ok: false });
  });

  it("starts when Slack is briefly unreachable and reports not ready until auth.test succeeds", async () => {
    api.failNext("auth.test", 1, { status: 500 });
    const a = createSlackAdapter({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, slackApiUrl: api.url, logSink: () => {} });
    await a.start(async () => {});
    expect(a.health().ok).toBe(false);
    await a.stop();
    await a.start(async () => {});
    expect(a.health()).toEqual({ ok: true, detail: "team T0TEAM, bot U0BOT" });
  });
});
