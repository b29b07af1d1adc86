/**
 * Issue #18, item 5 (the parts at the edges): on Slack, what people type is never parsed into broadcasts or
 * mentions by Slack; the database, its WAL and the exports are private to the service user; export and handbook
 * replies in chat name files relative to the data directory, never by their path on the server.
 * One real `notfallbot serve` (Slack, fake Web API) run from a working directory outside its data directory, with
 * umask 022 (files would be world-readable by default).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSlack } from "../../src/adapters/slack/render.ts";
import type { FakeSlackApi, RecordedCall } from "../adapters/slack/fake-slack-api.ts";
import { type ServeChild, startServe } from "./_serve.ts";
import { slashCommand, threadReply, until } from "./_slack.ts";

/** What a person typed in the slash command, as Slack delivers it: a broadcast, a mention, a here. */
const TYPED = "verschlüsselung Server weg <!channel> bitte <@U0BEN|ben> anrufen <!here> und @everyone";

let srv: ServeChild;
let api: FakeSlackApi;
let exportReply = "";
let handbookReply = "";
let oldUmask = 0;

beforeAll(async () => {
  oldUmask = process.umask(0o022);
  srv = await startServe({ cwd: "work" });
  api = srv.api;
  expect(await slashCommand(srv.port, TYPED)).toBe(200);
  const root = await until(() => api.visible().find((m) => !m.threadTs)?.ts, 15_000, "the incident's root message");
  expect(await threadReply(srv.port, "rolle koordinator", root)).toBe(200);
  expect(await threadReply(srv.port, "export", root)).toBe(200);
  exportReply = await until(() => api.visible().find((m) => /Export erstellt/.test(m.text))?.text, 15_000, "the export reply");
  expect(await threadReply(srv.port, "handbuch", root)).toBe(200);
  handbookReply = await until(() => api.messages.find((m) => /Notfallhandbuch erstellt/.test(m.text))?.text, 30_000, "the handbook reply");
}, 120_000);

afterAll(async () => {
  process.umask(oldUmask);
  await srv?.stop();
});

/** Arguments of a recorded call with `blocks` parsed (the WebClient sends them form-encoded as JSON). */
function argsOf(c: RecordedCall): { text: string; blocks: unknown[]; parse?: unknown; link_names?: unknown } {
  const blocks = typeof c.args.blocks === "string" ? (JSON.parse(c.args.blocks) as unknown[]) : ((c.args.blocks as unknown[]) ?? []);
  return { text: String(c.args.text ?? ""), blocks, parse: c.args.parse, link_names: c.args.link_names };
}

/** Every mrkdwn text object inside `v`. */
function mrkdwnObjects(v: unknown, out: { text: string; verbatim?: unknown }[] = []): { text: string; verbatim?: unknown }[] {
  if (Array.isArray(v)) for (const x of v) mrkdwnObjects(x, out);
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o.type === "mrkdwn" && typeof o.text === "string") out.push({ text: o.text, verbatim: o.verbatim });
    for (const x of Object.values(o)) mrkdwnObjects(x, out);
  }
  return out;
}

describe("Slack: typed text is never a broadcast or a mention in the bot's messages", () => {
  it("every mrkdwn text object is verbatim; the typed @channel and @here are there, but only as text", () => {
    const calls = api.calls.filter((c) => /^chat\.(postMessage|update|postEphemeral)$/.test(c.method));
    expect(calls.some((c) => c.method === "chat.update")).toBe(true); // the header is updated when a role is taken
    const objects = calls.flatMap((c) => mrkdwnObjects(argsOf(c).blocks));
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) expect(o, o.text).toMatchObject({ verbatim: true });
    const all = objects.map((o) => o.text).join("\n");
    expect(all).toContain("@channel");
    expect(all).toContain("@here");
    expect(all).not.toMatch(/<!(channel|here|everyone)/);
  });

  it("the fallback text (notifications) has no live mention, and Slack is told not to parse it", () => {
    const calls = api.calls.filter((c) => /^chat\.(postMessage|update|postEphemeral)$/.test(c.method));
    const root = calls.find((c) => c.method === "chat.postMessage" && !c.args.thread_ts)!;
    expect(argsOf(root).text).toContain("&lt;@U0BEN&gt;"); // the description quotes Ben's mention: shown, not pinging
    for (const c of calls) {
      const a = argsOf(c);
      expect(a.text, c.method).not.toMatch(/<[@!#]/);
      expect({ method: c.method, parse: a.parse, link_names: a.link_names }).toEqual({
        method: c.method,
        parse: "none",
        link_names: "false",
      });
    }
  });

  it("renders a mention typed in a description as text in blocks and fallback alike (pure renderer)", () => {
    const out = renderSlack({
      key: "k",
      channel: "slack:T:C",
      locale: "de",
      text: "Beschreibung: <@U0BOSS> und <!channel>",
      blocks: [{ type: "paragraph", text: "Beschreibung: \\<@U0BOSS\\> und @channel" }],
    });
    expect(out.text).toBe("Beschreibung: &lt;@U0BOSS&gt; und &lt;!channel&gt;");
    expect(out.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "Beschreibung: &lt;@U0BOSS&gt; und @channel", verbatim: true },
    });
  });
});

describe("files are private to the service user (umask 022)", () => {
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

  it("data directory 0700; database, WAL and shared memory 0600", () => {
    const data = join(srv.dir, "data");
    expect(mode(data)).toBe("700");
    for (const f of ["notfall.db", "notfall.db-wal", "notfall.db-shm"]) expect([f, mode(join(data, f))]).toEqual([f, "600"]);
  });

  it("exports directory 0700, export and handbook files 0600", () => {
    const data = join(srv.dir, "data");
    expect(mode(join(data, "exports"))).toBe("700");
    const files = readdirSync(join(data, "exports"));
    expect(files.sort()).toEqual([
      expect.stringMatching(/^NF-\d{4}-0001\.json$/),
      expect.stringMatching(/^NF-\d{4}-0001\.md$/),
      expect.stringMatching(/^NF-\d{4}-0001\.pdf$/),
    ]);
    for (const f of files) expect([f, mode(join(data, "exports", f))]).toEqual([f, "600"]);
    for (const f of ["notfallhandbuch.pdf", "notfallhandbuch.md"]) expect([f, mode(join(data, f))]).toEqual([f, "600"]);
  });
});

describe("replies in chat name files relative to the data directory", () => {
  it("export and handbook replies show exports/… and notfallhandbuch.pdf, never a server path", () => {
    expect(exportReply).toMatch(/Export erstellt: exports\/NF-\d{4}-0001\.md, exports\/NF-\d{4}-0001\.json, exports\/NF-\d{4}-0001\.pdf\n/);
    expect(handbookReply).toMatch(/Notfallhandbuch erstellt: notfallhandbuch\.pdf, notfallhandbuch\.md\./);
    for (const text of [exportReply, handbookReply]) {
      expect(text).not.toContain(srv.dir);
      expect(text).not.toMatch(/\/tmp\/|\.\.\//);
    }
  });
});
