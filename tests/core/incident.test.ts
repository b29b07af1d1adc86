import { afterEach, describe, expect, it } from "vitest";
import { NO_CAPABILITIES } from "../../src/core/adapter.ts";
import { verifyChain } from "../../src/core/chain.ts";
import { HOUR, TestBot } from "../helpers/bot.ts";

let tb: TestBot;
afterEach(async () => {
  await tb?.stop();
});

const nrOf = (tb: TestBot, re: RegExp): number => {
  for (const t of tb.texts())
    for (const line of t.split("\n")) {
      const m = /(\d+)\.\s+(?:\(!\)\s*)?(.*)$/.exec(line);
      if (m && re.test(m[2]!)) return Number(m[1]);
    }
  throw new Error(`nicht gefunden: ${re}`);
};
const questionNr = (tb: TestBot, re: RegExp) => String(nrOf(tb, re));

async function openWithRoles(t: TestBot): Promise<void> {
  await t.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
  await t.say("anna", "rolle koordinator");
  await t.say("anna", "rolle technik <@ben>");
  await t.say("cem", "rolle kommunikation");
}

describe("incident service on a real SQLite file with a fake clock", () => {
  it("runs a full ransomware incident to the lessons-learned summary", async () => {
    tb = await new TestBot().start();
    await openWithRoles(tb);
    const id = (await tb.storage.listIncidents())[0]!.id;
    expect(id).toBe("NF-2026-0001");
    // Kenntnisnahme earlier than the report: the legal clock starts then
    await tb.say("anna", `antwort ${questionNr(tb, /erste Person davon erfahren/)} 7:30`);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    // ransomware: the clock already runs as a precaution; the Kenntnisnahme moves it, the answer keeps it running
    expect(
      tb.texts().some((t) => /Frist neu berechnet ab Kenntnis: .*Datenschutz.*bis Do\., 05\.03\.2026, 07:30/.test(t.replace(/\n/g, " "))),
    ).toBe(true);
    expect(tb.last()).toMatch(/Frist läuft weiter, jetzt nach Antwort: .*Datenschutz.*bis Do\., 05\.03\.2026, 07:30/s);
    const melden = (await tb.storage.tasks(id)).find((x) => x.taskId === "meldung-datenschutzbehoerde")!.nr;
    // work through the phases: critical tasks, then advance
    for (let guard = 0; guard < 8; guard++) {
      const L = (await tb.bot.service.incident(id))!;
      if (L.rec.phase === "nachbereitung") break;
      const open = (await tb.storage.tasks(id)).filter(
        (x) => x.phase === L.rec.phase && x.critical && (x.state === "offen" || x.state === "bestätigt"),
      );
      for (const task of open) await tb.say("anna", `erledigt ${task.nr}`);
      await tb.advance(HOUR);
      await tb.say("anna", "weiter");
    }
    await tb.say("cem", `erledigt ${melden}`);
    expect(tb.texts().some((t) => /Frist eingehalten/.test(t))).toBe(true);
    await tb.say("anna", "antwort L1 Über einen Fernwartungszugang ohne zweiten Faktor");
    // closing with a reporting duty open needs a reason (legal-close.test.ts): the high risk is assessed, the
    // internal record (Art. 33(5)) is done, then it closes without one
    await tb.say("anna", "abschließen");
    expect(tb.last()).toMatch(/Meldepflichten sind offen/);
    await tb.say("anna", `antwort ${questionNr(tb, /hohes Risiko/)} nein`);
    const record = (await tb.storage.tasks(id)).find((x) => x.taskId === "datenpanne-dokumentieren")!.nr;
    await tb.say("anna", `erledigt ${record}`);
    await tb.say("anna", "abschließen");
    const summary = tb.texts().find((t) => /abgeschlossen – Zusammenfassung/.test(t))!;
    expect(summary).toMatch(/Dauer je Phase/);
    expect(summary).toMatch(/Koordination: 0 min/);
    expect(summary).toMatch(/✅ eingehalten/);
    expect(summary).toMatch(/Fernwartungszugang/);
    expect((await tb.storage.getIncident(id))!.closedAt).not.toBeNull();
    const v = verifyChain(await tb.storage.timeline(id));
    expect(v.ok).toBe(true);
    expect((await tb.storage.pendingTimers()).filter((x) => x.incidentId === id)).toEqual([]);
  });

  it("reminds before the 72 h deadline and escalates to the coordinator when it is missed", async () => {
    tb = await new TestBot().start();
    await openWithRoles(tb);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    await tb.advance(47 * HOUR);
    expect(tb.texts().filter((t) => /⏰ Noch .*Datenschutz/.test(t))).toHaveLength(0);
    await tb.advance(2 * HOUR); // 49 h: 24 h before due
    expect(tb.texts().filter((t) => /⏰ Noch 1 Tag.*Datenschutz/.test(t.replace(/\n/g, " ")))).toHaveLength(1);
    await tb.advance(20 * HOUR); // 69 h: 4 h before due (and the 1 h one not yet)
    expect(tb.texts().filter((t) => /⏰ Noch .*Datenschutz/.test(t))).toHaveLength(2);
    await tb.advance(4 * HOUR); // 73 h: 1 h reminder and the miss
    expect(tb.texts().filter((t) => /⏰ Noch .*Datenschutz/.test(t))).toHaveLength(3);
    const missed = tb.texts().filter((t) => /Frist verpasst/.test(t));
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatch(/^anna: |anna/);
    await tb.advance(100 * HOUR);
    expect(tb.texts().filter((t) => /Frist verpasst/.test(t))).toHaveLength(1); // fired once
  });

  it("reminds about unassigned roles", async () => {
    tb = await new TestBot().start();
    await tb.command("anna", "verschlüsselung");
    await tb.say("anna", "rolle koordinator");
    await tb.advance(11 * 60_000);
    expect(tb.texts().filter((t) => /Noch nicht besetzt: Technischer Kontakt, Kommunikation nach außen/.test(t))).toHaveLength(1);
  });

  it("continues identically after a restart from the same file: tasks, roles, timers, chain", async () => {
    tb = await new TestBot().start();
    await openWithRoles(tb);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    await tb.say("ben", `erledigt ${nrOf(tb, /Lage bestätigen/)}`);
    const id = "NF-2026-0001";
    const before = {
      tasks: await tb.storage.tasks(id),
      rec: await tb.storage.getIncident(id),
      timers: await tb.storage.pendingTimers(),
      timeline: await tb.storage.timeline(id),
    };
    await tb.restart();
    expect(await tb.storage.tasks(id)).toEqual(before.tasks);
    expect(await tb.storage.getIncident(id)).toEqual(before.rec);
    expect(await tb.storage.pendingTimers()).toEqual(before.timers);
    expect(tb.bot.scheduler.pending()).toBe(before.timers.length);
    // the next event chains onto the stored head, and the deadline still fires after the restart
    await tb.say("ben", `ok ${nrOf(tb, /Nicht mit einem Administratorkonto/)}`);
    const timeline = await tb.storage.timeline(id);
    expect(timeline.length).toBe(before.timeline.length + 1);
    expect(timeline.at(-1)!.prevHash).toBe(before.timeline.at(-1)!.hash);
    expect(verifyChain(timeline).ok).toBe(true);
    await tb.advance(73 * HOUR);
    expect(tb.texts().filter((t) => /Frist verpasst/.test(t))).toHaveLength(1);
  });

  it("shows deadlines in Europe/Berlin correctly across the change to summer time", async () => {
    // 2026-03-29 02:00 CET → 03:00 CEST. Aware Friday 27 March 10:00 CET (09:00 UTC) → due Monday 30 March 11:00 CEST (09:00 UTC).
    tb = await new TestBot({ start: "2026-03-27T09:00:00Z" }).start();
    await openWithRoles(tb);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    const started = tb.texts().find((t) => /Frist läuft/.test(t))!;
    expect(started).toMatch(/Mo\., 30\.03\.2026, 11:00/);
    const timer = (await tb.storage.pendingTimers()).find((t) => t.kind === "deadline-due")!;
    expect(timer.dueAt).toBe("2026-03-30T09:00:00.000Z");
  });

  it("fires the reminders at the right instants across the change to summer time", async () => {
    tb = await new TestBot({ start: "2026-03-27T09:00:00Z" }).start();
    await openWithRoles(tb);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    const reminders = () => tb.texts().filter((t) => /⏰ Noch .*Datenschutz/.test(t));
    await tb.clock.set("2026-03-29T08:59:00Z");
    await tb.bot.idle();
    expect(reminders()).toHaveLength(0);
    await tb.clock.set("2026-03-29T09:00:00Z"); // 24 h before due: Sunday 11:00 CEST, the day the clocks changed
    await tb.bot.idle();
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]).toMatch(/Noch 1 Tag.*bis Mo\., 30\.03\.2026, 11:00/s);
    await tb.clock.set("2026-03-30T09:00:00Z");
    await tb.bot.idle();
    expect(tb.texts().filter((t) => /Frist verpasst/.test(t))).toHaveLength(1);
  });

  it("shows deadlines correctly across the change back to winter time", async () => {
    // 2026-10-25 03:00 CEST → 02:00 CET. Aware Friday 23 Oct 10:00 CEST (08:00 UTC) → due Monday 26 Oct 09:00 CET (08:00 UTC).
    tb = await new TestBot({ start: "2026-10-23T08:00:00Z" }).start();
    await openWithRoles(tb);
    await tb.say("anna", `antwort ${questionNr(tb, /personenbezogene Daten/)} ja`);
    expect(tb.texts().find((t) => /Frist läuft/.test(t))).toMatch(/Mo\., 26\.10\.2026, 09:00/);
  });

  it("drill: every message is marked and the summary scores the drill", async () => {
    tb = await new TestBot().start();
    await tb.command("anna", "übung verschlüsselung");
    await tb.say("anna", "rolle koordinator");
    const msgs = tb.adapter.visible();
    // header, questions, the coordinator's card
    expect(msgs.length).toBeGreaterThanOrEqual(3);
    for (const m of msgs) expect(m.text).toMatch(/ÜBUNG/);
    await tb.say("anna", "abschließen Übung beendet");
    expect(tb.last()).toMatch(/Auswertung der Übung/);
  });

  it("a bad command gets a German answer with what to type instead, and nothing is lost", async () => {
    tb = await new TestBot().start();
    await tb.command("anna", "verschlüselung");
    expect(tb.last()).toMatch(/Meinten Sie|Welche Art/);
    await tb.command("anna", "erledigt 3");
    expect(tb.last()).toMatch(/Hier läuft gerade kein Notfall.*\/notfall verschlüsselung/s);
    await tb.command("anna", "verschlüsselung");
    await tb.say("anna", "erledigt 999");
    expect(tb.last()).toMatch(/Eine Aufgabe 999 gibt es hier nicht/);
    await tb.say("anna", "eskalieren weltuntergang");
    expect(tb.last()).toMatch(/keine Stufe.*krise/s);
  });

  it("retries a rate-limited delivery after Retry-After and keeps the thread order", async () => {
    const { AdapterError } = await import("../../src/core/adapter.ts");
    tb = await new TestBot().start();
    tb.adapter.failures.push(new AdapterError("rate_limited", "429", { retryAfterMs: 30_000 }), new AdapterError("transient", "500"));
    await tb.command("anna", "verschlüsselung");
    expect(tb.adapter.visible()).toHaveLength(0);
    await tb.advance(29_000);
    expect(tb.adapter.visible()).toHaveLength(0);
    await tb.advance(1_000);
    await tb.advance(2_000); // then the 500: exponential backoff
    const keys = tb.adapter.sent.map((m) => m.key);
    expect(keys[0]).toBe("NF-2026-0001/header");
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("a permanent delivery error is recorded on the timeline and told to the coordinator", async () => {
    const { AdapterError } = await import("../../src/core/adapter.ts");
    tb = await new TestBot().start();
    await tb.command("anna", "verschlüsselung");
    tb.adapter.failures.push(new AdapterError("permanent", "not_in_channel", { platformCode: "not_in_channel" }));
    await tb.say("anna", "status");
    await tb.bot.idle();
    const tl = await tb.storage.timeline("NF-2026-0001");
    expect(tl.some((e) => e.kind === "delivery-failed" && /not_in_channel/.test(e.text))).toBe(true);
    expect(tb.last()).toMatch(/anna: .*konnte nicht zugestellt werden \(not_in_channel\)/s);
  });
});

describe("status with an organisation file", () => {
  it("shows the recovery order by priority; the RTO clock runs only for a system reported down, from the report (#10 item 7)", async () => {
    const { loadOrgConfig } = await import("../../src/config/load.ts");
    const config = loadOrgConfig("examples/praxis.yaml");
    tb = await new TestBot({ config, caps: { ...NO_CAPABILITIES } }).start();
    await tb.command("anna", "verschlüsselung");
    await tb.say("anna", "rolle koordinator");
    await tb.advance(HOUR);
    await tb.say("anna", "status");
    const sys = [...(config.systems ?? [])].sort((a, b) => a.priority - b.priority);
    const re = (s: string) => s.replace(/[()]/g, ".");
    let status = tb.last();
    expect(status).toMatch(/Wiederanlauf-Reihenfolge/);
    // no system reported down: the targets, no countdown (before: "RTO 4 h (noch 3 h)" for every system from the start)
    expect(status).toMatch(new RegExp(`1\\. ${re(sys[0]!.name)} – RTO ${sys[0]!.rto}, RPO ${sys[0]!.rpo}\n`));
    expect(status).not.toMatch(/RTO [^\n]*\((noch|seit)/);
    expect(status).toMatch(/Ein System ausgefallen\? ausfall <Nr> startet seine Wiederanlauf-Uhr/);
    // reported down by number (or by name in a thread line): the clock runs from the report
    await tb.say("ben", "ausfall 1");
    expect(tb.last()).toMatch(
      new RegExp(`⛔ ${re(sys[0]!.name)} ausgefallen \\(gemeldet von ben\\)\\. Wiederanlauf-Ziel \\(RTO 4 h\\): bis `),
    );
    await tb.say("ben", "ausfall Telefonanlage");
    await tb.advance(HOUR);
    await tb.say("anna", "status");
    status = tb.last().replace(/\s+/g, " ");
    expect(status).toMatch(new RegExp(`1\\. ${re(sys[0]!.name)} – RTO 4 h, RPO 24 h \\(ausgefallen seit .*, noch 3 h\\)`));
    expect(status).toMatch(/3\. Telefonanlage – RTO 8 h \(ausgefallen seit .*, noch 7 h\)/);
    expect(status).toMatch(/2\. TI-Konnektor und Kartenterminals – RTO 4 h 3\./);
    // back in operation: the clock stops; on the timeline both
    await tb.say("ben", "ausfall 1 behoben");
    expect(tb.last()).toMatch(/wieder in Betrieb \(gemeldet von ben\)/);
    await tb.say("anna", "status");
    expect(tb.last().replace(/\s+/g, " ")).toMatch(/RPO 24 h \(wieder in Betrieb seit /);
    const kinds = (await tb.storage.timeline("NF-2026-0001")).filter((e) => e.kind === "outage").map((e) => e.text);
    expect(kinds).toEqual([
      `Ausgefallen: ${sys[0]!.name} (RTO 4 h)`,
      "Ausgefallen: Telefonanlage (RTO 8 h)",
      `Wieder in Betrieb: ${sys[0]!.name}`,
    ]);
  });

  it("an outage report that names no known system lists the systems; conversation about an outage stays conversation", async () => {
    const { loadOrgConfig } = await import("../../src/config/load.ts");
    tb = await new TestBot({ config: loadOrgConfig("examples/praxis.yaml"), caps: { ...NO_CAPABILITIES } }).start();
    await tb.command("anna", "verschlüsselung");
    await tb.say("ben", "ausfall");
    expect(tb.last()).toMatch(
      /Welches System ist ausgefallen\? 1 Praxisverwaltungssystem .* · 3 Telefonanlage · .*Zum Beispiel ausfall 1\./s,
    );
    await tb.say("ben", "ausfall Drucker7");
    expect(tb.last()).toMatch(/Ein System „Drucker7“ steht nicht in der Organisationsdatei\./);
    await tb.say("ben", "ausfall 2 behoben");
    expect(tb.last()).toMatch(/TI-Konnektor und Kartenterminals ist nicht als ausgefallen gemeldet\. Ausgefallen: ausfall 2\./);
    await tb.say("ben", "Ausfall der Telefonanlage seit 9 Uhr");
    expect(tb.last()).toMatch(/📝/);
    await tb.say("ben", "status");
    expect(tb.last()).not.toMatch(/ausgefallen seit/);
  });

  it("in English: `down 3` starts the clock of system 3", async () => {
    const { loadOrgConfig } = await import("../../src/config/load.ts");
    tb = await new TestBot({ config: loadOrgConfig("examples/praxis.yaml"), caps: { ...NO_CAPABILITIES }, locale: "en" }).start();
    await tb.command("anna", "ransomware");
    await tb.say("ben", "down 3");
    expect(tb.last()).toMatch(
      /⛔ Telefonanlage is down \(reported by ben\)\. Recovery target \(RTO 8 h\): by .*Back in operation: down 3 fixed\./s,
    );
    await tb.say("ben", "status");
    expect(tb.last().replace(/\s+/g, " ")).toMatch(/3\. Telefonanlage – RTO 8 h \(down since .*, 8 h left\)/);
  });

  it("shows the recovery order in English under an English deployment, in German under a German one", async () => {
    const { loadOrgConfig } = await import("../../src/config/load.ts");
    const config = loadOrgConfig("examples/praxis.yaml");
    for (const [locale, heading, other] of [
      ["en", "Recovery order", "Wiederanlauf"],
      ["de", "Wiederanlauf-Reihenfolge", "Recovery order"],
    ] as const) {
      tb = await new TestBot({ config, locale }).start();
      await tb.command("anna", "verschlüsselung");
      await tb.say("anna", "status");
      const status = tb.last();
      expect(status).toContain(`${heading}\n1. `);
      expect(status).not.toContain(other);
      if (locale === "en") await tb.stop(); // the German one is stopped after the test
    }
  });
});
