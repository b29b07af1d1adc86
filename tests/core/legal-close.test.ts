import { afterEach, describe, expect, it } from "vitest";
import { loadOrgConfig } from "../../src/config/load.ts";
import { timelineText } from "../../src/core/timeline-text.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";
import { loc } from "../../src/machines/schema.ts";
import { TestBot } from "../helpers/bot.ts";

/**
 * Closing ends every reminder, so it is the moment a legal clock could silently never start (issue #12: „advancing
 * or closing is not blocked“). A reporting duty still open (a clock waiting for an unanswered question, „unklar“
 * where „ja“ is needed, a report not done) needs a reason, like an open important task; the reason is recorded and
 * the summary lists the clocks that never started. A drill is not held up; its summary says it.
 */
const praxis = loadOrgConfig("examples/praxis.yaml");

let tb: TestBot | undefined;
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
});

const flat = (s: string) => s.replace(/\n\s*/g, " ");

async function open(words: string, command = words): Promise<TestBot> {
  tb = await new TestBot({ config: praxis }).start();
  await tb.command("anna", `${command} Beschreibung`);
  await tb.say("anna", "rolle koordinator");
  return tb;
}

/** Through to the review phase, past open important tasks with a reason. */
async function toReview(t: TestBot): Promise<void> {
  for (let i = 0; i < 4; i++) await t.say("anna", "weiter Übersprungen für diesen Test");
  expect((await t.storage.listIncidents())[0]!.phase).toBe("nachbereitung");
}

async function closedAt(t: TestBot): Promise<string | null | undefined> {
  return (await t.storage.listIncidents())[0]!.closedAt;
}

async function taskNr(t: TestBot, id: string): Promise<number> {
  const inc = (await t.storage.listIncidents())[0]!;
  return (await t.storage.tasks(inc.id)).find((x) => x.taskId === id)!.nr;
}

describe("closing with a reporting duty still open", () => {
  it("server outage, question 6 never answered: `abschließen` is refused and names the question and its clocks", async () => {
    const t = await open("serverausfall", "server ausgefallen");
    await toReview(t);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeFalsy();
    const said = flat(t.last());
    expect(said).toMatch(/Noch nicht abgeschlossen, Meldepflichten sind offen/);
    expect(said).toMatch(
      /Frage 6 unbeantwortet, davon hängt ab: Meldung an die Datenschutzbehörde \(Art\. 33 DSGVO\), Interne Dokumentation der Datenpanne/,
    );
    expect(said).toMatch(/Nach dem Abschluss erinnert der Bot an keine Frist mehr/);
    // `weiter` from the review closes too: the same refusal
    await t.say("anna", "weiter");
    expect(await closedAt(t)).toBeFalsy();
    expect(flat(t.last())).toMatch(/Frage 6 unbeantwortet/);
    // the timers of the open incident still run (the question reminders)
    const id = (await t.storage.listIncidents())[0]!.id;
    expect((await t.storage.pendingTimers()).filter((x) => x.incidentId === id && x.kind === "question-reminder").length).toBeGreaterThan(
      0,
    );
  });

  it("with a reason it closes, records the override with the duties, and the summary lists the clocks that never started", async () => {
    const t = await open("serverausfall", "server ausgefallen");
    await toReview(t);
    await t.say("anna", "abschließen Auf dem Server liegen keine Patientendaten, mit Datenschutz geklärt");
    expect(await closedAt(t)).toBeTruthy();
    const id = (await t.storage.listIncidents())[0]!.id;
    const override = (await t.storage.timeline(id)).find((e) => e.kind === "override" && /Meldepflichten/.test(e.text));
    expect(override?.text).toMatch(
      /Abgeschlossen trotz offener Meldepflichten \(Frage 6 unbeantwortet, .*Art\. 33 DSGVO.*\)\. Grund: Auf dem Server liegen keine Patientendaten/,
    );
    const summary = flat(t.texts().find((x) => /abgeschlossen – Zusammenfassung/.test(x))!);
    expect(summary).toMatch(/Meldung an die Datenschutzbehörde \(Art\. 33 DSGVO\): ❗ nicht gestartet, Frage 6 blieb unbeantwortet/);
    expect(summary).toMatch(/Beim Abschluss waren Meldepflichten offen/);
    // the English timeline (export, report) says the same
    expect(timelineText(override!, loadPlaybooks().get("serverausfall")!, "en")).toMatch(
      /^Closed with reporting duties still open \(question 6 unanswered, and this depends on it: Notify the data protection authority \(Art\. 33 GDPR\).*\)\. Reason: Auf dem Server/,
    );
  });

  it("answered „nein“: nothing is open, `abschließen` closes without a reason and the summary has no warning", async () => {
    const t = await open("serverausfall", "server ausgefallen");
    await t.say("anna", "antwort 6 nein");
    await toReview(t);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeTruthy();
    const summary = flat(t.texts().find((x) => /abgeschlossen – Zusammenfassung/.test(x))!);
    expect(summary).toMatch(/Fristen keine/);
    expect(summary).not.toMatch(/Meldepflichten offen/);
  });

  it("ransomware: the running Art. 33 clock without its report and Art. 34 without an answer are named; done and answered, it closes", async () => {
    const t = await open("verschlüsselung");
    await toReview(t);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeFalsy();
    const said = flat(t.last());
    expect(said).toMatch(/Frage 7 unbeantwortet, davon hängt ab: Betroffene informieren \(Art\. 34 DSGVO\)/);
    expect(said).toMatch(/Meldung an die Datenschutzbehörde \(Art\. 33 DSGVO\) nicht erledigt \(fällig Do\., 05\.03\.2026, 09:00\)/);
    expect(said).toMatch(/Interne Dokumentation der Datenpanne \(Art\. 33 Abs\. 5 DSGVO\) nicht erledigt \(unverzüglich\)/);
    // „unklar“ on the high risk is not a decision either
    await t.say("anna", "antwort 7 unklar");
    await t.say("anna", "abschließen");
    expect(flat(t.last())).toMatch(/Frage 7 ist „unklar“, noch zu klären: Betroffene informieren \(Art\. 34 DSGVO\)/);
    await t.say("anna", "antwort 7 nein");
    await t.say("anna", `erledigt ${await taskNr(t, "meldung-datenschutzbehoerde")}`);
    await t.say("anna", `erledigt ${await taskNr(t, "datenpanne-dokumentieren")}`);
    // the cyber insurer's deadline (the example file has one) is met by its task
    await t.say("anna", `erledigt ${await taskNr(t, "versicherung-melden")}`);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeTruthy();
  });

  it("a report task skipped with a reason counts as decided", async () => {
    // the task says when no report is needed, and how to record that (nothing makes people report what they need not)
    const task = loadPlaybooks()
      .get("geraeteverlust")!
      .tasks.find((x) => x.id === "meldung-datenschutzbehoerde")!;
    expect(loc(task.why, "de")).toMatch(
      /außer es besteht voraussichtlich kein Risiko \(z\. B\. sicher verschlüsselt\); dann mit Grund überspringen/,
    );
    expect(loc(task.why, "en")).toMatch(/unless there is likely no risk .*then skip it with the reason/);
    const t = await open("verschlüsselung");
    await t.say("anna", "antwort 7 nein");
    await toReview(t);
    await t.say(
      "anna",
      `überspringen ${await taskNr(t, "meldung-datenschutzbehoerde")} Datenschutz: kein Risiko, Daten waren verschlüsselt`,
    );
    await t.say("anna", `erledigt ${await taskNr(t, "datenpanne-dokumentieren")}`);
    await t.say("anna", `erledigt ${await taskNr(t, "versicherung-melden")}`);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeTruthy();
  });

  it("a drill is not held up; its summary still names the clock that never started", async () => {
    const t = await open("serverausfall", "übung serverausfall");
    await toReview(t);
    await t.say("anna", "abschließen");
    expect(await closedAt(t)).toBeTruthy();
    const summary = flat(t.texts().find((x) => /abgeschlossen – Zusammenfassung/.test(x))!);
    expect(summary).toMatch(/❗ nicht gestartet, Frage 6 blieb unbeantwortet/);
  });

  it("English: the refusal and the summary line in the reader's language", async () => {
    tb = await new TestBot({ config: praxis, locale: "en" }).start();
    await tb.command("anna", "server ausgefallen Beschreibung");
    await tb.say("anna", "rolle koordinator");
    await toReview(tb);
    await tb.say("anna", "abschließen");
    expect(flat(tb.last())).toMatch(/Not closed yet, reporting duties are open: • question 6 unanswered, and this depends on it: Notify/);
    await tb.say("anna", "abschließen No personal data on that server");
    expect(flat(tb.texts().find((x) => /Deadlines/.test(x) && /not started/.test(x))!)).toMatch(
      /not started, question 6 was never answered/,
    );
  });
});
