/**
 * Issue #10 item 3: lines typed inside a running incident and the kind of answer each must get. Shared by the core
 * test (tests/core/never-silent.test.ts, both capability sets) and the adapter conformance suite (every platform).
 * - suggest: a mistyped command, answered "Meinten Sie `<suggestion>`?"
 * - which: a task word without a number, answered with the question which task
 * - next: a question or cry for help, answered with the asker's next steps, naming the incident
 * - ack: anything else, documented and acknowledged lightly (📝 reaction, or one short line without reactions)
 */
export type NeverSilentKind = "suggest" | "which" | "next" | "ack";

export const NEVER_SILENT_TABLE: readonly (readonly [string, NeverSilentKind, string?])[] = [
  ["erldigt 3", "suggest", "erledigt 3"],
  ["erledgit 3", "suggest", "erledigt 3"],
  ["erlediegt 4", "suggest", "erledigt 4"],
  ["statsu", "suggest", "status"],
  ["stauts", "suggest", "status"],
  ["vorlag polizei", "suggest", "vorlage polizei"],
  ["notz Server um 9:10 vom Netz", "suggest", "notiz Server um 9:10 vom Netz"],
  ["antwrt 6 ja", "suggest", "antwort 6 ja"],
  ["rollle technik", "suggest", "rolle technik"],
  ["aufgabn", "suggest", "aufgaben"],
  ["eskaliern krise", "suggest", "eskalieren krise"],
  ["exprot", "suggest", "export"],
  ["erledigt", "which"],
  ["erledigt!", "which"],
  ["✅", "which"],
  ["was soll ich tun", "next"],
  ["Was soll ich tun?", "next"],
  ["?", "next"],
  ["??", "next"],
  ["wie geht es weiter", "next"],
  ["Wie geht's weiter?", "next"],
  ["Hilfe!!! der server geht nicht", "next"],
  ["hilfe", "next"],
  ["HILFE", "next"],
  ["was jetzt?", "next"],
  ["SOS", "next"],
  ["Ich weiß nicht weiter", "next"],
  ["Server ist aus", "ack"],
  ["Ist der Drucker auch betroffen?", "ack"],
  ["ok", "ack"],
  ["👍", "ack"],
  ["Polizei ist informiert", "ack"],
  ["Danke", "ack"],
  ["ok, mache ich", "ack"],
  ["🙈", "ack"],
  ["Status: Server läuft wieder", "ack"],
  ["Frau Müller ruft gleich zurück", "ack"],
  ["Test 3", "ack"],
];
