import { describe, expect, it } from "vitest";
import { txnIdFor } from "../../../src/adapters/matrix/outbound.ts";
import { editContent, mdToHtml, renderNotice, threadRelation } from "../../../src/adapters/matrix/render.ts";
import { blocksToPlain, escapeMd, type Outbound } from "../../../src/core/message.ts";

const names: Record<string, string> = { "@anna:localhost": "Anna", "@ben:localhost": "Ben <B>" };
const nameOf = (id: string) => names[id] ?? id;
const thread = { nameOf, inThread: true };

function msg(partial: Partial<Outbound>): Outbound {
  return { key: "NF-2026-0001/x", channel: "matrix:!r:localhost", text: "", blocks: [], locale: "de", ...partial };
}

describe("matrix render: markdown subset to HTML", () => {
  it("escapes HTML before converting bold, italic and code", () => {
    expect(mdToHtml("<script>alert(1)</script> **fett** _kursiv_ `code`", nameOf)).toBe(
      "&lt;script&gt;alert(1)&lt;/script&gt; <strong>fett</strong> <em>kursiv</em> <code>code</code>",
    );
  });

  it("keeps user text that was escaped with escapeMd literal (no formatting, no tags)", () => {
    const hostile = '**<img src=x onerror=alert(1)>** _x_ `y` <@@evil:localhost> & "q"';
    const html = mdToHtml(`Beschreibung: ${escapeMd(hostile)}`, nameOf);
    expect(html).toBe("Beschreibung: **&lt;img src=x onerror=alert(1)&gt;** _x_ `y` &lt;@@evil:localhost&gt; &amp; &quot;q&quot;");
    expect(html).not.toMatch(/<(?!\/?(strong|em|code|br|a)\b)/);
  });

  it("does not format inside code spans and does not take underscores inside words as italics", () => {
    expect(mdToHtml("`**nicht fett**` datei_name_x", nameOf)).toBe("<code>**nicht fett**</code> datei_name_x");
  });

  it("turns intended mentions into pills with escaped display names and collects them", () => {
    const mentioned = new Set<string>();
    expect(mdToHtml("Koordination: <@@ben:localhost>", nameOf, mentioned)).toBe(
      'Koordination: <a href="https://matrix.to/#/@ben:localhost">Ben &lt;B&gt;</a>',
    );
    expect([...mentioned]).toEqual(["@ben:localhost"]);
  });

  it("turns line breaks into <br> and survives placeholder characters in hostile text", () => {
    expect(mdToHtml("a\nb\uE0000\uE001", nameOf)).toBe("a<br>b0");
  });
});

describe("matrix render: notices", () => {
  const full = msg({
    text: "fallback",
    blocks: [
      { type: "heading", text: "Verschlüsselung – NF-2026-0001" },
      { type: "paragraph", text: `Gemeldet: ${escapeMd("<script>x</script> **boom**")}` },
      { type: "facts", facts: [{ label: "Stufe", value: "Notfall" }] },
      {
        type: "tasks",
        title: "Sofortmaßnahmen",
        items: [
          { nr: 3, text: "Netzwerkkabel ziehen", critical: true, state: "offen", actions: [{ label: "Erledigt", command: "erledigt 3" }] },
          { nr: 4, text: "Backup prüfen", critical: false, state: "erledigt", stateLabel: "erledigt von Anna", actions: [] },
          { nr: 7, text: "Polizei", critical: false, state: "bestätigt", actions: [] },
        ],
      },
      {
        type: "buttons",
        buttons: [
          { label: "OK", command: "ok 3" },
          { label: "Erledigt", command: "erledigt 3" },
        ],
      },
      { type: "template", title: "Mitarbeitende", body: "Liebe <Team>,\n**bitte** keine PCs einschalten." },
      { type: "context", text: "02.03.2026 09:00" },
      { type: "divider" },
    ],
  });

  it("is an m.notice with an HTML body and a plain body", () => {
    const c = renderNotice(full, thread);
    expect(c.msgtype).toBe("m.notice");
    expect(c.format).toBe("org.matrix.custom.html");
    const h = c.formatted_body!;
    expect(h).toContain("<h4>Verschlüsselung – NF-2026-0001</h4>");
    expect(h).toContain("<p>Gemeldet: &lt;script&gt;x&lt;/script&gt; **boom**</p>");
    expect(h).not.toContain("<script>");
    expect(h).toContain("<ul><li><strong>Stufe:</strong> Notfall</li></ul>");
    expect(h).toContain(
      '<ol start="3"><li>⬜ ❗ Netzwerkkabel ziehen<br><small>✅ reagieren oder <code>erledigt 3</code> antworten</small></li>',
    );
    expect(h).toContain("<li>✅ <del>Backup prüfen</del> <em>(erledigt von Anna)</em></li></ol>");
    expect(h).toContain('<ol start="7"><li>⏳ Polizei</li></ol>');
    expect(h).toContain("<p>Antworten Sie: <code>ok 3</code> · <code>erledigt 3</code></p>");
    expect(h).toContain("<pre><code>Liebe &lt;Team&gt;,\n**bitte** keine PCs einschalten.</code></pre>");
    expect(h).toContain("<p><small>02.03.2026 09:00</small></p>");
    expect(h).toContain("<hr>");
  });

  it("has a complete plain body: every heading, task, command and template line", () => {
    const b = renderNotice(full, thread).body;
    for (const part of [
      blocksToPlain([{ type: "heading", text: "Verschlüsselung – NF-2026-0001" }]),
      "Gemeldet: <script>x</script> **boom**",
      "Stufe: Notfall",
      "Sofortmaßnahmen",
      "[ ] 3. (!) Netzwerkkabel ziehen",
      "✅ reagieren oder „erledigt 3“ antworten",
      "[x] 4. Backup prüfen (erledigt von Anna)",
      "[~] 7. Polizei",
      "Antworten Sie: „ok 3“ · „erledigt 3“",
      "--- Mitarbeitende ---",
      "Liebe <Team>,\n**bitte** keine PCs einschalten.",
      "02.03.2026 09:00",
    ]) {
      expect(b).toContain(part);
    }
    expect(b).not.toContain("<h4>");
  });

  it("shows commands with !notfall when the message is not in a thread", () => {
    const c = renderNotice(msg({ blocks: [{ type: "buttons", buttons: [{ label: "Verschlüsselung", command: "verschlüsselung" }] }] }), {
      nameOf,
      inThread: false,
    });
    expect(c.formatted_body).toContain("<code>!notfall verschlüsselung</code>");
    expect(c.body).toContain("„!notfall verschlüsselung“");
  });

  it("offers the ✅ reaction only when one task on the message can be acknowledged", () => {
    const two = msg({
      blocks: [
        {
          type: "tasks",
          items: [
            { nr: 1, text: "A", critical: false, state: "offen", actions: [{ label: "Erledigt", command: "erledigt 1" }] },
            { nr: 2, text: "B", critical: false, state: "offen", actions: [{ label: "Erledigt", command: "erledigt 2" }] },
          ],
        },
      ],
    });
    const c = renderNotice(two, thread);
    expect(c.formatted_body).not.toContain("reagieren");
    expect(c.formatted_body).toContain("Antworten Sie: <code>erledigt 1</code>");
  });

  it("marks drills with ÜBUNG and names the person for messages meant for one person", () => {
    const c = renderNotice(
      msg({ drill: true, visibleTo: "@anna:localhost", blocks: [{ type: "paragraph", text: "Nur für dich" }] }),
      thread,
    );
    expect(c.body.startsWith("ÜBUNG\nFür Anna:\nNur für dich")).toBe(true);
    expect(c.formatted_body).toContain('<p><strong>ÜBUNG</strong></p><p>Für <a href="https://matrix.to/#/@anna:localhost">Anna</a>:</p>');
    expect(c["m.mentions"]).toEqual({ user_ids: ["@anna:localhost"] });
  });

  it("uses the text field when there are no blocks, mentions as display names in the plain body", () => {
    const c = renderNotice(msg({ text: "Rolle an <@@ben:localhost> vergeben" }), thread);
    expect(c.body).toBe("Rolle an Ben <B> vergeben");
    expect(c.formatted_body).toBe('<p>Rolle an <a href="https://matrix.to/#/@ben:localhost">Ben &lt;B&gt;</a> vergeben</p>');
    expect(c["m.mentions"]).toEqual({ user_ids: ["@ben:localhost"] });
  });

  it("stays below the event size limit: drops HTML, then shortens the plain body", () => {
    const long = "x".repeat(70_000);
    const c = renderNotice(msg({ blocks: [{ type: "paragraph", text: long }] }), thread);
    expect(c.formatted_body).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(60_000);
    expect(c.body).toContain("gekürzt");
  });

  it("builds edits with m.new_content and m.replace, and thread relations with a reply fallback", () => {
    const n = renderNotice(msg({ text: "neu" }), thread);
    const e = editContent("$orig", n);
    expect(e["m.relates_to"]).toEqual({ rel_type: "m.replace", event_id: "$orig" });
    expect(e["m.new_content"]).toEqual(n);
    expect(e.body).toBe("* neu");
    expect(threadRelation("$root")).toEqual({
      rel_type: "m.thread",
      event_id: "$root",
      is_falling_back: true,
      "m.in_reply_to": { event_id: "$root" },
    });
  });
});

describe("matrix transaction ids", () => {
  it("are stable per outbox key, URL-safe and short, distinct for distinct keys", () => {
    expect(txnIdFor("NF-2026-0001/header")).toBe(txnIdFor("NF-2026-0001/header"));
    expect(txnIdFor("NF-2026-0001/task/1")).not.toBe(txnIdFor("NF-2026-0001/task/2"));
    const long = txnIdFor(`NF-2026-0001/${"ä/".repeat(200)}`);
    expect(long).toMatch(/^nf\.[A-Za-z0-9._~-]+$/);
    expect(long.length).toBeLessThan(100);
    expect(txnIdFor("a/b")).not.toBe(txnIdFor("a_b"));
  });
});
