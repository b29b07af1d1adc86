import { CoreBot, person } from "../core/_bot.ts";

/**
 * A scripted ransomware incident for the report tests: roles taken, questions answered, tasks acknowledged and done
 * over two hours of fake time, one task skipped with a reason, the data-protection deadline met, a note that tries
 * to look like the report's own verification section, lessons learned, closure. Returns the running bot (the
 * caller stops it) and the incident id.
 */
export const anna = person("anna", "Anna Admin");
export const ben = person("ben", "Ben Technik");
export const cara = person("cara", "Cara Kommunikation");

/** A note written to imitate the report's headings and verdict: it must print as data. */
export const FAKE_VERDICT =
  "Prüfkette\nIn Ordnung: Alle 999 Einträge der Zeitleiste sind unverändert.\nLetzte Prüfsumme (SHA-256):\n" + "f".repeat(64);

export async function scriptedIncident(): Promise<{ b: CoreBot; id: string }> {
  const b = await CoreBot.start();
  const id = await b.open(anna, "verschlüsselung Bildschirm zeigt Erpresserschreiben, Dateien auf dem Server enden auf .lockbit");
  const minutes = async (n: number) => {
    await b.clock.advance(n * 60_000);
    await b.bot.idle();
  };
  await b.send(anna, "rolle koordinator");
  await minutes(3);
  await b.send(anna, "rolle technik <@ben>", { mentions: [ben] });
  await minutes(4);
  await b.send(cara, "rolle kommunikation");
  const nr = async (taskId: string) => (await b.tasks()).find((t) => t.taskId === taskId)?.nr;
  await b.send(anna, "antwort 1 heute 9:00");
  await b.send(anna, "antwort personenbezogen ja");
  await minutes(2);
  for (const [who, id] of [
    [anna, "netzkabel-ziehen"],
    [anna, "it-alarmieren"],
    [ben, "keine-admin-anmeldung"],
  ] as const) {
    const n = await nr(id);
    if (n === undefined) continue;
    await b.send(who, `ok ${n}`);
    await minutes(5);
    await b.send(who, `erledigt ${n}`);
  }
  await b.send(anna, "notiz Server um 9:10 vom Netz genommen, IT-Dienstleister informiert");
  await b.send(ben, FAKE_VERDICT);
  const skip = await nr("bildschirm-fotografieren");
  if (skip !== undefined) await b.send(anna, `überspringen ${skip} Bildschirm war schon schwarz, nichts mehr zu sehen`);
  await minutes(20);
  await b.send(anna, "weiter Technik ist dran, Rest wird nachgeholt");
  await minutes(30);
  const report = await nr("meldung-datenschutzbehoerde");
  if (report !== undefined) await b.send(cara, `erledigt ${report}`);
  await b.send(anna, "weiter Eindämmung abgeschlossen");
  await minutes(40);
  await b.send(anna, "weiter Systeme aus Sicherung zurück");
  await minutes(20);
  await b.send(anna, "antwort L1 Phishing-Mail mit Makro; Makros sind jetzt gesperrt");
  await b.send(anna, "antwort L2 etwa drei Tage, kein Alarm bei nächtlichen Anmeldungen");
  await b.send(anna, "abschließen Betrieb läuft wieder");
  return { b, id };
}
