import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mayAnswerMenu, menuAnswer, type PendingMenu } from "../../src/core/menu.ts";
import type { Outbound } from "../../src/core/message.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { AMBIGUOUS } from "../unit/match-corpus.ts";
import { CHANNEL, CoreBot, markdownTexts, person } from "./_bot.ts";

const anna = person("anna", "Anna");
const ben = person("ben", "Ben");
const playbooks = loadPlaybooks().list();
const IDS = new RegExp(`(?<![\\w-])(${playbooks.map((p) => p.id).join("|")})(?![\\w-])`);

/** What a person reads of a message (no button commands). */
const readable = (m: Outbound) => markdownTexts(m.blocks).join("\n");
/** The numbered options of a menu: `1 · Title – line`. */
const options = (m: Outbound) =>
  readable(m)
    .replace(/\*\*/g, "")
    .split("\n")
    .filter((l) => /^\d+ · /.test(l));
const buttons = (m: Outbound) => m.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons.map((x) => x.command) : []));

describe("the menu when the matcher is unsure (#11 item 2)", () => {
  let b: CoreBot;
  beforeEach(async () => {
    b = await CoreBot.start();
  });
  afterEach(async () => {
    expect(b.errors).toEqual([]);
    await b.stop();
  });

  const incidents = async () => (await b.storage.listIncidents()).map((r) => ({ id: r.id, playbookId: r.playbookId, drill: r.drill }));
  const declared = async (id: string) => (await b.storage.timeline(id)).find((e) => e.kind === "opened")!;

  it("every ambiguous phrasing asks (real and drill): at most three options with title and one line, 'etwas anderes', no bare id", async () => {
    for (const { text, among } of AMBIGUOUS) {
      for (const line of [text, `übung ${text}`]) {
        const [menu, ...more] = await b.send(anna, line, { kind: "command" });
        expect(more).toEqual([]);
        const opts = options(menu!);
        expect(opts.length, line).toBeGreaterThanOrEqual(2);
        expect(opts.length, line).toBeLessThanOrEqual(4);
        for (const o of opts.slice(0, -1)) expect(o, line).toMatch(/^\d · .+ – .+/);
        expect(opts.at(-1)).toBe(`${opts.length} · etwas anderes (alle Notfallarten)`);
        expect(readable(menu!), line).not.toMatch(IDS);
        // buttons: the offered types with the description as typed, and "etwas anderes"
        const offered = buttons(menu!).map((c) => c.replace(/^übung /, "").split(" ")[0]);
        expect(
          among.some((id) => offered.includes(id)),
          line,
        ).toBe(true);
        for (const c of buttons(menu!)) expect(c.endsWith(` ${text}`)).toBe(true);
        if (line.startsWith("übung")) expect(readable(menu!)).toMatch(/ÜBUNG/);
      }
    }
    expect(await incidents()).toEqual([]);
  });

  it("`1` opens the first option with the description as typed; other people's `1` and later lines are no answer", async () => {
    const [menu] = await b.send(anna, "Daten verloren nach Serverabsturz", { kind: "command" });
    expect(options(menu!)[0]).toMatch(/^1 · Ausfall von Server oder Hardware – /);
    // Ben has no menu waiting: his "1" at channel level is conversation
    expect(await b.send(ben, "1")).toEqual([]);
    // Anna answers with a plain message in the channel (as on Slack or Matrix, without the prefix)
    await b.send(anna, "1");
    const [rec] = await b.storage.listIncidents();
    expect(rec).toMatchObject({ playbookId: "serverausfall", drill: false });
    expect((await declared(rec!.id)).data).toMatchObject({ description: "Daten verloren nach Serverabsturz" });
    // the menu was answered: a second "1" is conversation again
    expect(await b.send(anna, "1")).toEqual([]);
  });

  it("answers by name and by 'etwas anderes' (then every type, one line each); a drill stays a drill", async () => {
    await b.send(anna, "übung daten verloren", { kind: "command" });
    const [all] = await b.send(anna, "etwas anderes", { kind: "command" });
    const opts = options(all!);
    expect(opts).toHaveLength(playbooks.length);
    // in the handbook's order (rang): ransomware first
    expect(opts[0]).toMatch(/^1 · Verschlüsselung durch Erpressersoftware/);
    for (const o of opts) expect(o).toMatch(/^\d{1,2} · .+ – .+/);
    expect(readable(all!)).not.toMatch(IDS);
    expect(readable(all!)).toMatch(/ÜBUNG/);
    await b.send(anna, "Datenabfluss", { kind: "command" });
    const [rec] = await b.storage.listIncidents();
    expect(rec).toMatchObject({ playbookId: "datenabfluss", drill: true });
    expect((await declared(rec!.id)).data).toMatchObject({ description: "daten verloren" });
  });

  it("a button carries the whole command: the chosen type with the description, no state needed", async () => {
    const [menu] = await b.send(anna, "Daten verloren nach Serverabsturz", { kind: "command" });
    const command = buttons(menu!).find((c) => c.startsWith("geraeteverlust "))!;
    expect(command).toBe("geraeteverlust Daten verloren nach Serverabsturz");
    // after a restart the button works as before (it carries the whole command)
    await b.bot.stop();
    await b.bot.start();
    await b.adapter.handler!({
      platform: "memory",
      tenant: "t",
      channel: CHANNEL,
      actor: anna,
      kind: "action",
      action: { command },
      receivedAt: b.clock.now(),
      deliveryId: "press-1",
    });
    await b.bot.idle();
    const [rec] = await b.storage.listIncidents();
    expect(rec).toMatchObject({ playbookId: "geraeteverlust" });
    expect((await declared(rec!.id)).data).toMatchObject({ description: "Daten verloren nach Serverabsturz" });
  });

  it("a menu answered after 30 minutes is no answer any more", async () => {
    await b.send(anna, "daten verloren", { kind: "command" });
    await b.clock.advance(31 * 60_000);
    expect(await b.send(anna, "1")).toEqual([]);
    expect(await incidents()).toEqual([]);
  });
});

describe("declaring again while the same type runs (#10 item 4)", () => {
  let b: CoreBot;
  beforeEach(async () => {
    b = await CoreBot.start();
  });
  afterEach(async () => {
    expect(b.errors).toEqual([]);
    await b.stop();
  });

  it("points to the running incident with how long it runs and the `neu` command; `neu` opens another", async () => {
    const first = await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
    await b.clock.advance(2 * 60_000);
    const [pointer, ...more] = await b.send(ben, "verschlüsselung Bildschirm zeigt Lösegeldforderung", { kind: "command" });
    expect(more).toEqual([]);
    expect(readable(pointer!)).toBe(
      `${first} läuft seit 2 min – dort weiter. Wirklich einen neuen Notfall? \`/notfall neu verschluesselung Bildschirm zeigt Lösegeldforderung\``,
    );
    expect(pointer!.thread).toBeUndefined();
    expect(pointer!.visibleTo).toBe("ben");
    expect(buttons(pointer!)).toEqual(["neu verschluesselung Bildschirm zeigt Lösegeldforderung"]);
    expect((await b.storage.listIncidents()).length).toBe(1);
    await b.send(ben, "neu verschluesselung Bildschirm zeigt Lösegeldforderung", { kind: "command" });
    const all = await b.storage.listIncidents();
    expect(all.length).toBe(2);
    const second = all.find((r) => r.id !== first)!;
    expect(second.playbookId).toBe("verschluesselung");
    expect(((await b.storage.timeline(second.id)).find((e) => e.kind === "opened")!.data as { description: string }).description).toBe(
      "Bildschirm zeigt Lösegeldforderung",
    );
  });

  it("the type chosen from the menu is checked too, and the pointer keeps the original description", async () => {
    const first = await b.open(anna, "serverausfall Praxisserver startet nicht");
    await b.send(ben, "Daten verloren nach Serverabsturz", { kind: "command" });
    const [pointer] = await b.send(ben, "1", { kind: "command" });
    expect(readable(pointer!)).toBe(
      `${first} läuft seit weniger als 1 min – dort weiter. Wirklich einen neuen Notfall? \`/notfall neu serverausfall Daten verloren nach Serverabsturz\``,
    );
    expect((await b.storage.listIncidents()).length).toBe(1);
  });

  it("another type, or a drill beside a real incident, opens without asking", async () => {
    await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
    await b.send(anna, "stromausfall", { kind: "command" });
    await b.send(anna, "übung verschlüsselung", { kind: "command" });
    const all = await b.storage.listIncidents();
    expect(all.map((r) => [r.playbookId, r.drill]).sort()).toEqual([
      ["stromausfall", false],
      ["verschluesselung", false],
      ["verschluesselung", true],
    ]);
  });

  it("a closed incident of the same type is no reason to ask", async () => {
    const first = await b.open(anna, "stromausfall");
    await b.storage.commit({
      incident: { record: { ...(await b.storage.getIncident(first))!, closedAt: b.clock.now().toISOString() }, expectedVersion: 1 },
    });
    await b.send(anna, "stromausfall wieder", { kind: "command" });
    expect((await b.storage.listIncidents()).length).toBe(2);
  });
});

describe("menuAnswer: what counts as an answer to a waiting menu", () => {
  const pending: PendingMenu = {
    text: "Daten verloren nach Serverabsturz",
    drill: false,
    force: false,
    options: ["serverausfall", "geraeteverlust"],
    full: false,
    at: "2026-03-02T08:00:00Z",
  };
  const open = (id: string) => ({ kind: "open", playbookId: id, description: pending.text, drill: false });

  it.each([
    ["1", open("serverausfall")],
    ["2.", open("geraeteverlust")],
    ["Nr. 2", open("geraeteverlust")],
    ["#1", open("serverausfall")],
    ["Server", open("serverausfall")],
    ["diebstahl", open("geraeteverlust")],
    ["Verlust oder Diebstahl", open("geraeteverlust")],
    ["3", { kind: "choose-type", text: pending.text, candidates: [], all: true, drill: false }],
    ["etwas anderes", { kind: "choose-type", text: pending.text, candidates: [], all: true, drill: false }],
  ])("%s", (typed, expected) => {
    expect(menuAnswer(typed, pending, playbooks)).toEqual(expected);
  });

  it.each(["4", "0", "oder", "Server brennt und Wasser im Keller", "status", ""])("„%s“ is no answer", (typed) => {
    expect(menuAnswer(typed, pending, playbooks)).toBeUndefined();
  });

  it("keeps drill and force", () => {
    expect(menuAnswer("1", { ...pending, drill: true, force: true }, playbooks)).toEqual({
      ...open("serverausfall"),
      drill: true,
      force: true,
    });
  });
});

describe("mayAnswerMenu: which lines are worth looking for a waiting menu", () => {
  it.each(["1", "2.", "Nr. 3", "etwas anderes", "Server", "diebstahl", "Verlust oder Diebstahl", "ransomware", "Stromausfall"])(
    "„%s“ may answer",
    (typed) => expect(mayAnswerMenu(typed, playbooks)).toBe(true),
  );
  // the commands of a running incident and chatter: no read of the storage
  it.each(["erledigt 3", "ok 2", "status", "vorlage polizei", "was soll ich tun", "Kaffee ist fertig", ""])("„%s“ cannot", (typed) =>
    expect(mayAnswerMenu(typed, playbooks)).toBe(false),
  );

  it("every line menuAnswer takes for some menu passes the check (it only skips reads, never an answer)", () => {
    const all: PendingMenu = { text: "x", drill: false, force: false, options: playbooks.map((p) => p.id), full: false, at: "" };
    const lines = playbooks.flatMap((p) => [p.id, loc(p.title, "de"), loc(p.title, "en"), ...loc(p.title, "de").split(" ").slice(0, 2)]);
    for (const line of lines) {
      for (const options of [all.options, ...playbooks.map((p) => [p.id])]) {
        if (menuAnswer(line, { ...all, options }, playbooks)) expect(mayAnswerMenu(line, playbooks), line).toBe(true);
      }
    }
  });

  it("commands in a running incident do not read the waiting menus", async () => {
    const b = await CoreBot.start();
    try {
      await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
      await b.send(anna, "rolle koordinator");
      let reads = 0;
      const read = b.storage.pendingMenu.bind(b.storage);
      b.storage.pendingMenu = async (key) => {
        reads++;
        return read(key);
      };
      for (const line of ["erledigt 1", "ok 2", "status", "antwort 6 ja"]) await b.send(anna, line);
      expect(reads).toBe(0);
      await b.send(anna, "1");
      expect(reads).toBe(1);
    } finally {
      await b.stop();
    }
  });
});
