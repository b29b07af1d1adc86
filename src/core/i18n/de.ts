/** German message catalogue: every text a person reads. Plain language, short sentences, one next step. */
export const de = {
  /** The command that takes a role: `rolle technik`. */
  roleCommand: (role: string) => `rolle ${role}`,
  /** The command that takes over a role whose holder cannot be reached: `rolle koordinator übernehmen`. */
  roleTakeoverCommand: (role: string) => `rolle ${role} übernehmen`,
  /** The command word that answers a question: `antwort 2 ja`. */
  answerWord: "antwort",
  levelName: { stoerung: "Störung", notfall: "Notfall", krise: "Krise", katastrophe: "Katastrophe" },
  levelsNow: (level: string) => `Stufe jetzt: **${level}**. Ändern (nur die Koordination):`,
  levelMeaning: {
    stoerung: "Etwas funktioniert nicht wie gewohnt, lässt sich aber im normalen Betrieb beheben.",
    notfall:
      "Wichtige Abläufe stehen still und lassen sich im normalen Betrieb nicht rechtzeitig wiederherstellen. Jetzt gilt der Notfallplan.",
    krise: "Wie ein Notfall, aber ohne passenden Plan: Die Leitung entscheidet im kleinen Krisenstab und improvisiert.",
    katastrophe:
      "Großschadenslage mit Behörden (Feuerwehr, Katastrophenschutz). Deren Anweisungen gehen vor; intern wie eine Krise behandeln.",
  },
  roleName: { koordinator: "IT-Notfall-Koordination", technik: "Technischer Kontakt", kommunikation: "Kommunikation nach außen" },
  roleShort: { koordinator: "Koordination", technik: "Technik", kommunikation: "Kommunikation" },
  roleWhat: {
    koordinator: "behält den Überblick, entscheidet und informiert den IT-Dienstleister",
    technik: "kümmert sich um Geräte, Netz und Daten (oft der IT-Dienstleister)",
    kommunikation: "informiert Team, Patient:innen/Kund:innen und Behörden",
  },
  phaseName: {
    erkennung: "Erkennung & Einschätzung",
    sofort: "Sofortmaßnahmen",
    eindaemmung: "Eindämmung & Analyse",
    wiederherstellung: "Wiederherstellung",
    nachbereitung: "Nachbereitung",
    abgeschlossen: "Abgeschlossen",
  },
  taskState: { offen: "offen", bestätigt: "bestätigt", erledigt: "erledigt", übersprungen: "übersprungen" },
  /** A deadline without a time limit ("unverzüglich"). */
  withoutDelay: "unverzüglich",
  unassigned: "— noch niemand —",
  drill: "ÜBUNG",
  drillBanner: "🧪 ÜBUNG – kein echter Notfall. Nichts nach außen versenden.",
  headerTitle: (id: string, title: string, drill: boolean) => `${drill ? "🧪 ÜBUNG " : "🚨 "}${id}: ${title}`,
  facts: {
    level: "Stufe",
    declaredBy: "Gemeldet von",
    openedAt: "Eröffnet",
    awareAt: "Kenntnis seit",
    description: "Beschreibung",
    phase: "Phase",
    roles: "Rollen",
  },
  /** What was reported, as typed (first message). */
  headerReported: (text: string) => `Gemeldet: „${text}“`,
  nowTitle: "Jetzt sofort:",
  /** A "Jetzt sofort" action says to call, and the organisation file lacks the number. */
  /** A first action says to call, and the organisation file has no number: where a person finds it now (the file's gap is for check-config). */
  phoneMissing: "– Nummer auf der Notfallkarte oder im Vertrag nachsehen.",
  headerTakeButtons: "**Rolle übernehmen:** Knopf drücken.",
  headerTake: (cmds: string[]) => `**Rolle übernehmen:** ${cmds.join(" · ")}.`,
  /** Appended to the next step of the header: where the incident continues (a chat has no threads). */
  headerWhere: { thread: "Alles Weitere hier im Thread.", here: "Alles Weitere hier." },
  claimButton: { koordinator: "Ich koordiniere", technik: "Ich bin Technik", kommunikation: "Ich kommuniziere" },
  questionsTitle: "Bitte kurz beantworten",
  questionsHint: "Antworten mit `antwort <Nr> <Antwort>`, z. B. `antwort 1 heute 8:30` oder `antwort 2 ja`.",
  /** Under the questions asked now: how to answer, and how many come after. */
  exampleTime: "heute 8:30",
  exampleText: "<Text>",
  questionsHintFew: (example: string, more: number) =>
    `Antworten mit Nummer, z. B. \`${example}\`.${more > 0 ? ` Danach ${more === 1 ? "noch 1 Frage" : `noch ${more} Fragen`}; alle: \`status\`.` : ""}`,
  nextQuestion: "Als Nächstes:",
  questionsDone: "Alle Fragen sind beantwortet. Danke!",
  answerYes: "ja",
  answerNo: "nein",
  answerUnclear: "unklar",
  answerByDefault: (a: string) => `noch offen, gilt bis dahin als ${a}`,
  answerByImplication: (nr: string) => `folgt aus Antwort ${nr}`,
  notAnswered: "noch offen",
  tasksTitle: (phase: string, role: string, holder: string | undefined) => `${phase} · ${role}${holder ? ` (${holder})` : ""}`,
  taskHintButtons: "Knopf drücken oder antworten: `ok <Nr>` = übernommen, `erledigt <Nr>` = fertig.",
  taskHintReactions:
    "Antworten: `erledigt <Nr>` = fertig, `ok <Nr>` = übernommen. ✅ auf diese Nachricht, wenn nur noch eine Aufgabe offen ist.",
  /** Under a role's card when it does not show all of the role's tasks of the phase (only the critical ones and the first). */
  cardMore: (n: number) => (n === 1 ? "Noch 1 weitere Aufgabe: `meine aufgaben`." : `Noch ${n} weitere Aufgaben: \`meine aufgaben\`.`),
  taskHintText: "Antworten Sie `ok <Nr>` (übernommen) oder `erledigt <Nr>` (fertig), z. B. `erledigt 3`.",
  btnAck: "Übernehmen",
  btnDone: "Erledigt",
  critical: "wichtig",
  why: "Warum",
  stateBy: (state: string, who: string) => `${state} von ${who}`,
  templatesTitle: "Fertige Texte (Vorlagen)",
  templatesHint: "Zum Anzeigen Knopf drücken oder `vorlage <Name>` schreiben.",
  templatesHintNoButtons: "Zum Anzeigen `vorlage <Name>` schreiben (Name aus der Liste).",
  templateExternalDrill: "ÜBUNG – diesen Text NICHT versenden.",
  templateGaps: (gaps: string[]) => `Noch auszufüllen: ${gaps.join(", ")}`,
  templateFooter: "Text kopieren, Lücken [[…]] ausfüllen, dann versenden.",
  phaseEntered: (phase: string) => `➡️ Neue Phase: **${phase}**`,
  phaseOverride: (reason: string) => `Weiter trotz offener wichtiger Aufgaben. Begründung: ${reason}`,
  reviewTitle: "Nachbereitung: Was lernen wir daraus?",
  reviewHint: "Antworten mit `antwort L<Nr> <Text>`, z. B. `antwort L1 Über eine gefälschte Rechnung per E-Mail`. Danach `abschließen`.",
  roleAssigned: (who: string, role: string, what: string) => `✅ **${who}** ist jetzt **${role}** (${what}).`,
  roleReleased: (role: string) => `Die Rolle **${role}** ist wieder frei.`,
  roleOpenTasks: (n: number) => (n === 1 ? "1 Aufgabe wartet." : `${n} Aufgaben warten.`),
  plan: {
    asked: "angefragt",
    notInChat: (phone: string) => `nicht im Chat, bitte anrufen: 📞 ${phone}`,
    noPhone: "nicht im Chat, keine Telefonnummer eingetragen",
    reachedButton: (name: string) => `${name} übernimmt (Anruf)`,
    confirmButton: "Rolle bestätigen",
    confirmButtons: "**Rolle bestätigen:** Knopf drücken oder `ok rolle` schreiben.",
    confirmTyped: "**Rolle bestätigen:** `ok rolle` schreiben.",
    confirmAs: (id: string) => `Am Terminal für die Person schreiben, z. B. \`@${id}: ok rolle\`.`,
    confirmed: (who: string, roles: string, after: string) => `✅ **${who}** bestätigt: **${roles}** (nach ${after}).`,
    confirmedFor: (who: string, role: string, by: string) =>
      `✅ **${role}**: ${who} übernimmt (telefonisch, eingetragen von ${by}). Aufgaben dieser Rolle bestätigt die Koordination.`,
    confirmedForInChat: (who: string, role: string, by: string) => `✅ **${role}**: ${who} übernimmt (telefonisch, eingetragen von ${by}).`,
    tookBack: (who: string, role: string, before: string) => `↩️ **${who}** übernimmt die Rolle **${role}** wieder (vorher ${before}).`,
    deputy: (role: string, missed: string, within: string, next: string, how: string) =>
      `⏰ **${role}**: ${missed} hat nicht binnen ${within} bestätigt. Vertretung: ${next} – ${how}`,
    deputyHow: "bitte bestätigen: Knopf oder `ok rolle`.",
    deputyHowNoButtons: "bitte bestätigen: `ok rolle`.",
    deputyHowPhone: (cmd: string) => `nach dem Anruf trägt die Koordination die Person ein: \`${cmd}\`.`,
    unreachable: (coord: string, who: string, phone: string) => `${coord}: ${who} nicht erreicht – bitte anrufen: 📞 ${phone}.`,
    noOne: (role: string, cmd: string) => `⏰ **${role}**: Niemand aus dem Notfallplan hat bestätigt. Wer übernimmt? \`${cmd}\``,
    handedOver: (role: string, from: string, to: string, reason: string) => `🔁 **${role}** übergeben: ${from} → ${to}. Grund: ${reason}`,
  },
  rolesReminder: (roles: string[]) =>
    `⏰ Noch nicht besetzt: **${roles.join(", ")}**. Wer übernimmt? Schreiben Sie z. B. \`rolle technik\`.`,
  taskChanged: (nr: number, text: string, state: string, who: string) => `Aufgabe ${nr} ${state} (${who}): ${text}`,
  taskOverdue: (nr: number, text: string, holder: string) => `⏰ Aufgabe ${nr} ist fällig (${holder}): ${text}\nFertig? \`erledigt ${nr}\``,
  answerRecorded: (nr: string, q: string, a: string) => `Antwort ${nr} notiert: ${q} → **${a}**`,
  awarenessSet: (when: string) => `Kenntnis ab ${when}. Die gesetzlichen Fristen laufen ab diesem Zeitpunkt.`,
  deadlineStarted: (title: string, due: string | undefined, basis: string) =>
    due ? `⏱️ Frist läuft: **${title}** bis **${due}**. ${basis}` : `⏱️ Jetzt fällig: **${title}** (unverzüglich). ${basis}`,
  deadlineReminder: (title: string, left: string, due: string, holder: string) =>
    `⏰ Noch ${left}: **${title}** (bis ${due}). Zuständig: ${holder}.`,
  deadlineUrgent: (title: string, holder: string) => `⏰ Noch offen und unverzüglich zu erledigen: **${title}**. Zuständig: ${holder}.`,
  deadlineMissed: (title: string, coord: string) =>
    `❗ Frist verpasst: **${title}**. ${coord}: Bitte trotzdem sofort melden und die Verspätung kurz begründen (das ist erlaubt und besser als gar nicht).`,
  deadlineMet: (title: string) => `✅ Frist eingehalten: ${title}`,
  deadlineHowto: (nr: number) => `Erledigt wird die Frist mit Aufgabe ${nr}: \`erledigt ${nr}\`.`,
  deadlineStartedBrief: (title: string, due: string | undefined) =>
    due ? `⏱️ Frist läuft: **${title}** bis **${due}**` : `⏱️ Jetzt fällig: **${title}** (unverzüglich)`,
  deadlinesBriefHint: "Alle Fristen mit Restzeit: `status`.",
  clockWaitingItem: (nr: string, titles: string[]) => `Frage ${nr} (${titles.join(", ")})`,
  dutyWaiting: (nr: string, titles: string[]) => `Frage ${nr} unbeantwortet, davon hängt ab: ${titles.join(", ")}`,
  dutyUnclear: (nr: string, titles: string[]) => `Frage ${nr} ist „unklar“, noch zu klären: ${titles.join(", ")}`,
  dutyRunning: (title: string, due: string | undefined, missed: boolean) =>
    `${title} nicht erledigt (${due ? `${missed ? "verpasst, fällig war" : "fällig"} ${due}` : "unverzüglich"})`,
  clocksWaiting: (items: string[]) =>
    `⚠️ Noch unbeantwortet, davon hängen Meldepflichten ab: ${items.join("; ")}. Bitte klären und mit \`antwort <Nr> ja|nein|unklar\` beantworten.`,
  deadlineMoved: (title: string, due: string) => `⏱️ Frist neu berechnet ab Kenntnis: **${title}** bis **${due}**.`,
  deadlineContinues: (title: string, due: string | undefined) =>
    due
      ? `⏱️ Frist läuft weiter, jetzt nach Antwort: **${title}** bis **${due}**.`
      : `⏱️ Frist läuft weiter, jetzt nach Antwort: **${title}** (unverzüglich).`,
  deadlinePrecaution: (nr: string, answer: string) =>
    `Vorsorglich, weil Frage ${nr} noch offen ist (gilt bis dahin als „${answer}“). Trifft es sicher nicht zu: \`antwort ${nr} nein\`.`,
  deadlineImplied: (nr: string, byNr: string, answer: string) => `Frage ${nr} gilt wegen Antwort ${byNr} als „${answer}“.`,
  deadlineDropped: (title: string, nr: string, answer: string) =>
    `⏹️ Frist entfällt nach Antwort ${nr} („${answer}“): **${title}**. Der Verlauf hält fest, dass sie lief.`,
  privacyDpo: (name: string, phone: string | undefined) =>
    `Ob gemeldet werden muss, mit der oder dem Datenschutzbeauftragten einschätzen: ${name}${phone ? `, Telefon ${phone}` : ""}.`,
  privacyDpoUnnamed: "Datenschutzbeauftragte:r (Name fehlt in der Organisationsdatei)",
  privacyManagement: (name: string | undefined, phone: string | undefined) =>
    `Kein:e Datenschutzbeauftragte:r eingetragen: Ob gemeldet werden muss, entscheidet die Leitung${name ? ` (${name}${phone ? `, Telefon ${phone}` : ""})` : " (Praxisinhaber:in bzw. Geschäftsführung)"}.`,
  questionReminder: (nr: string, text: string, coord: string, yesno: boolean) =>
    `⏰ Frage ${nr} ist noch offen: ${text}\n${coord}: bitte beantworten, ${yesno ? `\`antwort ${nr} ja\`, \`antwort ${nr} nein\` oder \`antwort ${nr} unklar\`` : `z. B. \`antwort ${nr} <Antwort>\``}.`,
  questionReminderDefault: (answer: string) => `Bis zur Antwort gilt „${answer}“; die Fristen dazu laufen vorsorglich.`,
  answerImplied: (nr: string, question: string, answer: string) => `Damit gilt auch Frage ${nr} als **${answer}**: ${question}`,
  askNow: (items: string[]) => `Bitte jetzt auch beantworten: ${items.join(" · ")}`,
  tasksAdded: (items: string[]) => `Dazu neu: ${items.join(" · ")}`,
  taskAddedItem: (nr: number, phase: string, text: string) => `Aufgabe ${nr} (${phase}): ${text}`,
  statusPrecaution: (nr: string) => `vorsorglich, Frage ${nr} offen`,
  statusUnclear: (nr: string) => `noch zu klären: Antwort ${nr} ist „unklar“`,
  statusWaiting: (nr: string) => `läuft noch nicht: wartet auf Antwort ${nr}`,
  templateNotYet: (applies: string, how: string | undefined) =>
    `ℹ️ Diese Vorlage ist hier noch nicht fällig. Wann sie gilt: ${applies}${how ? ` Trifft das zu: \`${how}\`.` : ""}`,
  templateDefaultAnswer: (a: string) => `${a} (noch nicht geprüft)`,
  templateAppliesFallback: "nach einer passenden Antwort, auf einer höheren Stufe oder mit passender Organisationsdatei.",
  levelChanged: (from: string, to: string, meaning: string) => `📈 Stufe geändert: ${from} → **${to}**. ${meaning}`,
  levelUnchanged: (lvl: string) => `Die Stufe ist bereits ${lvl}.`,
  noteSaved: "📝 Notiert.",
  /** A line in the thread was documented (where the platform has no reactions). */
  documented: "📝 Notiert",
  textCut: (length: string, kept: string) =>
    `Ihr Text hatte ${length} Zeichen; in der Zeitleiste stehen die ersten ${kept}. Den Rest bitte in weiteren Nachrichten schicken.`,
  didYouMeanLine: (suggestion: string) => `Meinten Sie \`${suggestion}\`?`,
  runningIncident: (id: string, title: string, phase: string) => `**${id}** läuft: ${title}, Phase ${phase}.`,
  nextStepsTitle: (roles: string) => `Ihre nächsten Schritte (${roles})`,
  nextStepsHint: (nr: number, more: number) =>
    `Fertig? \`erledigt ${nr}\`.${more > 0 ? ` Noch ${more} weitere: \`meine aufgaben\`.` : ""} Lage: \`status\`.`,
  closedTitle: (id: string) => `🏁 ${id} abgeschlossen – Zusammenfassung`,
  summary: {
    exportHint: (id: string) => `Dokumentation für Versicherung, Polizei und Datenschutzbehörde: \`export ${id}\``,
    duration: "Dauer gesamt",
    phases: "Dauer je Phase",
    firstAck: "Erste Reaktion je Rolle",
    noAck: "keine",
    tasksDone: "Aufgaben erledigt",
    tasksSkipped: "Übersprungen (mit Grund)",
    overrides: "Weiter trotz offener Aufgaben",
    deadlines: "Fristen",
    met: "eingehalten",
    missed: "verpasst",
    open: "offen",
    due: "fällig",
    review: "Antworten aus der Nachbereitung",
    noReview: "Keine Antworten erfasst.",
    followUps: "Offene Punkte (nachverfolgen)",
    none: "keine",
    closeReason: "Grund für den Abschluss",
    notStartedWaiting: (nr: string) => `nicht gestartet, Frage ${nr} blieb unbeantwortet`,
    notStartedUnclear: (nr: string) => `nicht gestartet, Frage ${nr} blieb „unklar“`,
    dutiesAfterClose:
      "⚠️ Beim Abschluss waren Meldepflichten offen (siehe Fristen). Der Bot erinnert nicht mehr daran: selbst nachverfolgen.",
    roles: "Wer hatte welche Rolle",
    roleSince: (time: string) => `ab ${time}`,
    confirmTime: "Rollen bestätigt nach",
    notConfirmed: "nicht bestätigt",
    deputyNr: (n: number) => `${n}. Person der Liste`,
  },
  drillTarget: (d: string) => `⏱ Ziel ${d}`,
  drillReport: {
    title: (id: string) => `🧪 Auswertung der Übung ${id}`,
    score: "Ergebnis",
    scoreValue: (percent: number, onTime: number, counted: number) =>
      `${percent} % · ${onTime} von ${counted} wichtigen Aufgaben rechtzeitig`,
    noScore: "nicht bewertbar: keine wichtige Aufgabe gewertet",
    counts: "Im Einzelnen",
    countParts: { onTime: "rechtzeitig", late: "zu spät", failed: "verpasst oder nicht gewertet", skipped: "begründet übersprungen" },
    wouldMeet: "Fristen wären eingehalten worden",
    duration: "Dauer der Übung",
    sections: {
      missed: "Verpasst oder zu spät",
      skipped: "Bewusst übersprungen (kein Fehler)",
      wentWell: "Gut gelaufen",
      comparison: "Vergleich mit früheren Übungen",
    },
    nothingMissed: "Nichts: Alle wichtigen Aufgaben waren rechtzeitig erledigt oder begründet übersprungen.",
    nothingWell: "Noch keine wichtige Aufgabe rechtzeitig erledigt.",
    outcome: {
      onTime: (took: string, target: string) => `nach ${took} (Ziel ${target})`,
      onTimePhase: (took: string) => `nach ${took}, innerhalb der Phase`,
      late: (took: string, target: string) => `zu spät: nach ${took}, Ziel ${target}`,
      latePhase: (took: string) => `zu spät: nach ${took}, erst nach dem Ende der Phase`,
      missed: "nicht erledigt",
      unseen: "als erledigt gemeldet, bevor die Aufgabe gezeigt wurde: zählt nicht",
      tooFast: (took: string) => `nach ${took} als erledigt gemeldet, ohne Nachweis: zählt nicht`,
      skipUnseen: "übersprungen, bevor die Aufgabe gezeigt wurde: zählt nicht",
      skipped: (reason: string) => `Grund: ${reason}`,
      notReached: "nicht geübt",
    },
    last: (what: string) => `letzte Übung: ${what}`,
    lastFailed: "nicht geschafft",
    lastSkipped: "übersprungen",
    compareLine: (id: string, date: string, score: string, duration: string) => `${id} vom ${date}: ${score}, Dauer ${duration}`,
    compareNow: (score: string, delta: number | undefined) =>
      `Heute: ${score}${delta === undefined ? "" : delta === 0 ? " (gleich wie beim letzten Mal)" : ` (${delta > 0 ? "+" : ""}${delta} Prozentpunkte gegenüber der letzten Übung)`}`,
    firstDrill: "Die erste Übung dieser Art: Beim nächsten Mal steht hier der Vergleich.",
    notReached: (n: number) =>
      `${n} wichtige ${n === 1 ? "Aufgabe" : "Aufgaben"} aus Phasen, die die Übung nicht erreicht hat, ${n === 1 ? "zählt" : "zählen"} nicht.`,
    rules: (minSeconds: number) =>
      `Gewertet werden die wichtigen Aufgaben gegen ihr Ziel, gezählt ab dem Beginn ihrer Phase: rechtzeitig 1 Punkt, zu spät anteilig (doppelt so lange wie das Ziel: ½). Erledigt zählt nur, was vorher gezeigt wurde und frühestens ${minSeconds} Sekunden danach gemeldet ist (je Person höchstens eine Aufgabe pro ${minSeconds} Sekunden, seit die Aufgaben gezeigt wurden), oder einzeln mit Nachweis: \`erledigt 3 Kabel gezogen, Lämpchen aus\`. Begründet Übersprungenes ist kein Fehler.`,
  },
  exportDone: (files: string, ok: boolean) =>
    `📄 Export erstellt: ${files}\n${ok ? "Prüfkette in Ordnung: Die Zeitleiste wurde nicht verändert." : "❗ Prüfkette gebrochen: Die Zeitleiste wurde verändert."}`,
  statusTitle: (id: string) => `Lage ${id}`,
  statusOpenTasks: "Offene Aufgaben",
  statusDeadlines: "Fristen",
  /** `status` with systems in the organisation file: their order of recovery (priority, RTO, RPO). */
  statusRecovery: "Wiederanlauf-Reihenfolge",
  /** A system reported down (`ausfall 1`): since when, and the RTO countdown from then. */
  statusDownSince: (since: string, left?: string) => `ausgefallen seit ${since}${left ? `, ${left}` : ""}`,
  statusBackUp: (at: string) => `wieder in Betrieb seit ${at}`,
  statusOutageHint: "Ein System ausgefallen? `ausfall <Nr>` startet seine Wiederanlauf-Uhr.",
  /** `ausfall <Nr|Name> [behoben]`: a system of the organisation file is down (its RTO clock starts) or back. */
  outage: {
    noSystems: "In der Organisationsdatei stehen keine Systeme (`systems:`). Den Ausfall bitte mit `notiz <Text>` festhalten.",
    which: (list: string) => `Welches System ist ausgefallen? ${list}. Zum Beispiel \`ausfall 1\`.`,
    unknown: (given: string, list: string) =>
      `Ein System „${given}“ steht nicht in der Organisationsdatei. ${list}. Zum Beispiel \`ausfall 1\`.`,
    down: (name: string, by: string, rto: string | undefined, due: string | undefined, nr: number) =>
      `⛔ ${name} ausgefallen (gemeldet von ${by}).${rto && due ? ` Wiederanlauf-Ziel (RTO ${rto}): bis ${due}.` : ""} Wieder in Betrieb: \`ausfall ${nr} behoben\`.`,
    already: (name: string, since: string, nr: number) =>
      `${name} ist schon seit ${since} als ausgefallen gemeldet. Wieder in Betrieb: \`ausfall ${nr} behoben\`.`,
    back: (name: string, by: string) => `✅ ${name} wieder in Betrieb (gemeldet von ${by}).`,
    notDown: (name: string, nr: number) => `${name} ist nicht als ausgefallen gemeldet. Ausgefallen: \`ausfall ${nr}\`.`,
  },
  statusNext: "Nächster Schritt",
  statusQuestions: "Fragen",
  statusTemplates: "Fertige Texte: `vorlage` zeigt die Liste. Ihre Aufgaben: `meine aufgaben`, alle: `aufgaben`.",
  allTasksTitle: (phase: string) => `Alle Aufgaben bis ${phase}`,
  myTasksTitle: (roles: string) => `Ihre Aufgaben (${roles})`,
  myTasksNone: "Für Sie ist gerade nichts offen. Alle Aufgaben: `aufgaben`, Lage: `status`.",
  noRoleYet: (id: string, cmds: string[]) => `Sie haben in ${id} noch keine Rolle. Übernehmen: ${cmds.join(" · ")}.`,
  noFreeRole: (id: string, coord: string) =>
    `Sie haben in ${id} keine Rolle, alle sind besetzt. Fragen Sie die Koordination (${coord}), was Sie tun können.`,
  statusNextRoles: "Rollen besetzen: `rolle koordinator` / `rolle technik` / `rolle kommunikation`.",
  statusNextCritical: (nrs: number[]) => `Wichtige Aufgaben erledigen: ${nrs.join(", ")}.`,
  statusNextAdvance: "Alles Wichtige dieser Phase ist erledigt: `weiter` (Koordination).",
  statusNextClose: "Nachbereitung beantworten, dann `abschließen`.",
  statusLeft: (left: string) => `noch ${left}`,
  statusOverdue: (over: string) => `seit ${over} überfällig`,
  help: (types: string) =>
    [
      "**notfallbot** – hilft Schritt für Schritt durch einen IT-Notfall.",
      "",
      "**Notfall melden:** `/notfall <Art> [was ist passiert]`, z. B. `/notfall verschlüsselung Server zeigt Erpressernachricht`",
      "**Übung:** `/notfall übung <Art>`",
      "",
      `**Arten:** ${types}`,
      "",
      "**Im Notfall-Thread:**",
      "`rolle koordinator|technik|kommunikation [@Person]` · `status` · `ok <Nr>` / `erledigt <Nr>` · `überspringen <Nr> <Grund>` · `antwort <Nr> <Antwort>` · `vorlage [Name]` · `notiz <Text>` · `ausfall <Nr>` · `eskalieren <Stufe>` · `weiter [Begründung]` · `abschließen` · `export` · `handbuch`",
    ].join("\n"),
  helpInIncident:
    "Befehle hier: `meine aufgaben` · `erledigt <Nr>` · `rolle <Rolle>` · `antwort <Nr> <Antwort>` · `status` · `aufgaben` · `vorlage` · `notiz <Text>`. Alles andere wird dokumentiert.",
  typesLine: (id: string, title: string) => `\`${id}\` (${title})`,
  /** "Which kind of emergency?" (src/core/menu.ts) and pointing to a running incident of the same type. */
  menu: {
    ask: (text: string) => (text ? `Welche Art von Notfall ist „${text}“?` : "Welche Art von Notfall?"),
    none: (text: string) => (text ? `Zu „${text}“ passt keine Notfallart sicher. Welche ist es?` : "Welche Art von Notfall?"),
    all: (text: string) => (text ? `Alle Notfallarten – welche passt zu „${text}“?` : "Alle Notfallarten – welche ist es?"),
    other: (nr: number) => `**${nr}** · etwas anderes (alle Notfallarten)`,
    otherButton: "etwas anderes",
    howToAnswer: (max: number) => `Antworten Sie mit der Nummer (1–${max}) oder dem Namen.`,
    running: (id: string, since: string, command: string) =>
      `${id} läuft seit ${since} – dort weiter. Wirklich einen neuen Notfall? \`/notfall ${command}\``,
    newAnyway: "Trotzdem neuer Notfall",
    underAMinute: "weniger als 1 min",
  },
  didYouMean: (given: string, suggestion: string) => `„${given}“ kenne ich nicht. Meinten Sie \`${suggestion}\`? Alle Befehle: \`hilfe\`.`,
  err: {
    noIncident:
      "Hier läuft gerade kein Notfall. Einen melden: `/notfall <Art>`, z. B. `/notfall verschlüsselung`. Alle Arten: `/notfall hilfe`. Frühere Notfälle: `/notfall export NF-…`.",
    manyIncidents: (ids: string) => `Hier laufen mehrere Notfälle (${ids}). Bitte im Thread des richtigen Notfalls schreiben.`,
    elsewhereAction:
      "Diese Schaltfläche gehört nicht zu einem Notfall, der hier läuft. Nichts wurde geändert. Bitte die Schaltflächen im Thread des Notfalls benutzen; die Lage hier zeigt `/notfall status`.",
    elsewhereId: (id: string) =>
      `${id} läuft nicht hier. Status und Export eines Notfalls gibt es nur in seinem eigenen Kanal: dort \`/notfall status ${id}\` schreiben. Die Lage hier zeigt \`/notfall status\`.`,
    closed: (id: string) => `${id} ist bereits abgeschlossen. Einen neuen Notfall melden: \`/notfall <Art>\`.`,
    roleMissing: "Welche Rolle? Schreiben Sie `rolle koordinator`, `rolle technik` oder `rolle kommunikation`.",
    roleUnknown: (given: string, sugg?: string) =>
      `„${given}“ ist keine Rolle.${sugg ? ` Meinten Sie \`rolle ${sugg}\`?` : ""} Es gibt: \`koordinator\`, \`technik\`, \`kommunikation\`.`,
    roleTaken: (role: string, who: string) =>
      `${role} ist schon ${who}. Die Koordination kann umbesetzen: \`rolle <Rolle> @Person\`. Ist ${who} nicht erreichbar, übernimmt jemand mit Rolle mit Grund: \`rolle <Rolle> übernehmen <Grund>\`.`,
    takeoverNotAllowed: (cmd: string) =>
      `Übernehmen kann, wer schon eine Rolle hat (oder den Notfall gemeldet hat). Erst selbst eine Rolle übernehmen: \`${cmd}\`.`,
    takeoverReason: (cmd: string) => `Bitte mit Grund, er wird protokolliert, z. B. \`${cmd} seit 20 Minuten nicht erreichbar\`.`,
    /** `free`: a role nobody holds or is asked for (id); undefined when every role is taken. */
    roleAssignOthers: (coord: string, free?: string) =>
      `Andere einteilen darf nur die Koordination (${coord}). ${free ? `Sie selbst können eine freie Rolle übernehmen: \`rolle ${free}\`.` : "Alle Rollen sind vergeben; wer was hat, zeigt `status`."}`,
    /**
     * `ok rolle` by someone not asked: who is asked for which role (`asked`: "Name (Rolle)"), the roles nobody is
     * asked for (`free`, commands), who enters a person reached by phone (`phoneCmd`; `phoneBy` undefined: the writer
     * is the coordination), how to confirm as a person asked where one keyboard speaks for everyone (`asId`, `asName`).
     */
    noRoleToConfirm: (asked: string[], free: string[], phoneCmd?: string, phoneBy?: string, asId?: string, asName?: string) =>
      [
        "Für Sie ist keine Rolle zum Bestätigen offen.",
        asked.length ? `Angefragt: ${asked.join(", ")}.` : "",
        asId ? `Am Terminal als ${asName ?? asId} bestätigen: \`@${asId}: ok rolle\`.` : "",
        phoneCmd
          ? phoneBy
            ? `Telefonisch erreicht? Dann trägt die Koordination (${phoneBy}) die Person ein: \`${phoneCmd}\`.`
            : `Telefonisch erreicht? Dann tragen Sie die Person ein: \`${phoneCmd}\`.`
          : "",
        free.length ? `Freie Rolle übernehmen: ${free.map((c) => `\`${c}\``).join(", ")}.` : "",
        "Wer was hat: `status`.",
      ]
        .filter(Boolean)
        .join(" "),
    roleConfirmedByOther: (role: string, who: string) =>
      `${role} hat inzwischen ${who} bestätigt. Die Koordination kann umbesetzen: \`rolle <Rolle> übergeben @Person <Grund>\`.`,
    handoverIncomplete: (role: string, target?: string) =>
      `Bitte mit Person und Grund, z. B. \`rolle ${role} übergeben ${target ?? "@Petra"} Schichtwechsel\`.`,
    handoverNotAllowed: (role: string, holder: string, coord: string) =>
      `Übergeben kann ${holder !== "" ? `${holder} (hat ${role}) oder ` : ""}die Koordination (${coord}).`,
    mentionUnknown: (given: string) => `Wen meinen Sie mit „${given}“? Bitte die Person mit @ erwähnen, z. B. \`rolle technik @Name\`.`,
    taskNrMissing: (verb: string) => `Welche Aufgabe? Bitte mit Nummer, z. B. \`${verb} 3\`. Die Nummern stehen vor den Aufgaben.`,
    /** A ✅ or 👍 on a card with several open tasks: which one (the card's open numbers). */
    cardWhich: (verb: string, nrs: number[]) =>
      `Welche Aufgabe? Auf dieser Karte sind noch ${nrs.slice(0, -1).join(", ")} und ${nrs.at(-1)} offen. Bitte mit Nummer, z. B. \`${verb} ${nrs[0]}\`.`,
    taskUnknown: (nr: number, max: number) => `Eine Aufgabe ${nr} gibt es hier nicht (1–${max}). Übersicht: \`status\`.`,
    taskInactive: (nr: number) => `Aufgabe ${nr} gilt in diesem Notfall (noch) nicht. Übersicht: \`status\`.`,
    taskNotYours: (nr: number, role: string, holder: string) =>
      `Aufgabe ${nr} gehört zur Rolle ${role} (${holder}). Bestätigen kann sie diese Person oder die Koordination. Ihre offenen Aufgaben zeigt \`status\`.`,
    taskRoleFree: (nr: number, role: string, cmd: string) =>
      `Aufgabe ${nr} gehört zur Rolle ${role}, die noch frei ist. Erst übernehmen: \`${cmd}\`.`,
    taskAlready: (nr: number, state: string) => `Aufgabe ${nr} ist bereits ${state}.`,
    skipReason: (nr: number) => `Bitte mit Grund überspringen, z. B. \`überspringen ${nr} kein WLAN vorhanden\`.`,
    noteEmpty: "Was soll notiert werden? Zum Beispiel: `notiz Server um 9:10 vom Netz genommen`.",
    answerMissing: "Bitte mit Nummer und Antwort, z. B. `antwort 2 ja` oder `antwort 1 heute 8:30`.",
    answerUnknown: (ref: string) =>
      `Eine Frage „${ref}“ gibt es nicht. Die Nummern stehen vor den Fragen (z. B. \`antwort 2 ja\`, \`antwort L1 …\`).`,
    answerYesNo: (nr: string) => `Bitte mit ja, nein oder unklar antworten, z. B. \`antwort ${nr} ja\`.`,
    answerTime: (nr: string) =>
      `Die Zeit verstehe ich nicht. Beispiele: \`antwort ${nr} 8:30\`, \`antwort ${nr} gestern 17:45\`, \`antwort ${nr} vor 2 stunden\`.`,
    answerNotAllowed: "Antworten kann, wer eine Rolle hat. Erst eine Rolle übernehmen, z. B. `rolle technik`.",
    exportNotAllowed: "Exportieren kann, wer eine Rolle hat. Erst eine Rolle übernehmen, z. B. `rolle technik`.",
    onlyCoordinator: (what: string, coord: string) =>
      `${what} darf nur die Koordination (${coord}). Bitte dort Bescheid sagen; den Stand zeigt \`status\`.`,
    advanceBlocked: (items: string) =>
      `Noch offene wichtige Aufgaben: ${items}. Erst erledigen, oder mit Begründung weiter: \`weiter <Begründung>\`.`,
    closeNotYet: (phase: string) =>
      `Der Notfall ist in der Phase ${phase}. Normal: mit \`weiter\` bis zur Nachbereitung. Sofort abschließen nur mit Grund, z. B. \`abschließen Fehlalarm, Virenscanner irrte sich\`.`,
    closeBlocked: (items: string) => `Vor dem Abschluss noch offen: ${items}. Erledigen oder mit Grund: \`abschließen <Grund>\`.`,
    closeDuties: (items: string[]) =>
      `Noch nicht abgeschlossen, Meldepflichten sind offen:\n${items.map((x) => `• ${x}`).join("\n")}\nNach dem Abschluss erinnert der Bot an keine Frist mehr. Erst beantworten (\`antwort <Nr> ja|nein\`) oder die Meldung erledigen (\`erledigt <Nr>\`). Ist es entschieden, mit Grund abschließen, z. B. \`abschließen Meldungen mit Datenschutz geklärt, siehe Zeitleiste\`.`,
    levelUnknown: (given: string) => `„${given}“ ist keine Stufe. Es gibt: \`störung\`, \`notfall\`, \`krise\`, \`katastrophe\`.`,
    templateUnknown: (given: string, list: string) => `Eine Vorlage „${given}“ gibt es hier nicht. Verfügbar: ${list}.`,
    typeMissing: "Welche Art von Notfall soll geübt werden? Zum Beispiel: `/notfall übung verschlüsselung`.",
    alreadyOpen: (id: string) => `In diesem Thread läuft schon ${id}. Einen weiteren Notfall bitte außerhalb des Threads melden.`,
    alreadyOpenChat: (id: string) =>
      `In diesem Chat läuft schon ${id}. Einen weiteren Notfall bitte in einem anderen Chat oder Kanal melden, oder ${id} erst mit \`abschließen\` beenden.`,
    internal:
      "Das hat nicht geklappt (interner Fehler). Ihre Eingabe ist nicht verloren: bitte noch einmal senden. Besteht das Problem, IT-Dienstleister anrufen.",
    deliveryFailed: (what: string, code: string) =>
      `❗ Eine Nachricht konnte nicht zugestellt werden (${code}): „${what}“. Bitte Rechte/Kanal prüfen.`,
    handbookUnavailable: "Das Notfallhandbuch kann hier nicht erzeugt werden. Auf dem Server: `notfallbot handbuch --out handbuch.pdf`.",
  },
  /** The command line (`notfallbot …`): usage mistakes and what the commands print. */
  cli: {
    langUnknown: (given: string) => `--lang kennt nur de oder en (nicht "${given}").`,
    configHasErrors: "Die Organisationsdatei hat Fehler:",
    noConfigFile: "Keine Organisationsdatei gefunden. Vorlage kopieren: cp examples/praxis.yaml notfall.config.yaml",
    tenantNeedsFolder: "--tenant braucht NOTFALL_TENANTS=ORDNER (ein Ordner mit einer Organisationsdatei je Mandant).",
    tenantRequired: (known: string[]) =>
      `NOTFALL_TENANTS ist gesetzt: bitte --tenant NAME angeben (${known.join(", ") || "keine .yaml-Dateien im Ordner"}).`,
    tenantUnknown: (tenant: string, folder: string, known: string[]) =>
      `Mandant "${tenant}" gibt es nicht in ${folder} (dort: ${known.join(", ") || "keine .yaml-Dateien"}). Der Mandant ist der Dateiname ohne .yaml.`,
    whereTenant: (database: string, tenant: string) => `${database}, Mandant ${tenant}`,
    databaseUnreachable: (reason: string) => `Datenbank nicht erreichbar: ${reason}`,
    exportWhich: "Welcher Notfall? Beispiel: notfallbot export NF-2026-0001",
    incidentNotFound: (id: string, where: string) => `Notfall ${id} nicht gefunden in ${where}.`,
    keywords: "Stichworte",
    matchEmpty: 'Bitte eine Beschreibung angeben, z. B. notfallbot playbooks --match "Maus bewegt sich von allein"',
    /** `playbooks --match`: the matcher's ranking explained (src/core/match/explain.ts). */
    match: {
      opens: (id: string) => `öffnet: ${id}`,
      asks: (ids: string) => `fragt nach: ${ids}`,
      none: "erkennt nichts (Auswahl aller Notfallarten)",
      cue: { id: "Kennung", title: "Titel", trigger: "Auslöser", anzeichen: "Anzeichen" },
      coverage: (cue: string, text: string, percent: number) => `${cue} „${text}“ zu ${percent} %`,
      words: (words: string) => `Wörter: ${words}`,
      guessOnly: "(nur vermutet: Tippfehler oder unbekanntes Wortteil)",
      against: (words: string) => `dagegen: ${words}`,
    },
  },
  /** Why the audit chain of a timeline is broken (export and report), at the first bad entry. */
  chainProblem: {
    renumbered: (n: number, seq: number) => `Eintrag ${n}: Nummer ${seq} statt ${n} (gelöscht oder umsortiert)`,
    link: (n: number) => `Eintrag ${n}: Verweis auf den Vorgänger stimmt nicht`,
    content: (n: number) => `Eintrag ${n}: Inhalt wurde verändert`,
  },
  /** The database setting (`DATABASE_URL`, `--db`) and the connection, as the process reports them. */
  storage: {
    notPostgres:
      "DATABASE_URL muss mit postgres:// oder postgresql:// beginnen, z. B. DATABASE_URL=postgres://notfall:geheim@db.example:5432/notfall. Für SQLite DATABASE_URL weglassen und --db PFAD oder NOTFALL_DB setzen.",
    bothSet: (db: string) =>
      `--db ${db} und DATABASE_URL sind beide gesetzt: entweder SQLite (--db) oder PostgreSQL (DATABASE_URL). Eines davon weglassen.`,
    /** In logs and `/healthz` when the address cannot be taken apart (the password is never shown). */
    urlUnreadable: "PostgreSQL (DATABASE_URL nicht lesbar)",
    connectionLost: "PostgreSQL-Verbindung unterbrochen",
  },
  /** Log lines about the folder of organisation files (`NOTFALL_TENANTS`), read again every few seconds. */
  tenants: {
    folderUnreadable: (dir: string, code: string) => `NOTFALL_TENANTS: Ordner ${dir} nicht lesbar (${code}).`,
    badName: (name: string) => `NOTFALL_TENANTS: ${name} übersprungen: Dateiname nur aus a–z, 0–9, - und _ (z. B. praxis-muster.yaml).`,
    duplicate: (name: string, id: string) => `NOTFALL_TENANTS: ${name} übersprungen: ${id} gibt es schon als .yaml.`,
    issue: (id: string, issue: string) => `Mandant ${id}: ${issue}`,
    loaded: (id: string, file: string, again: boolean) => `Mandant ${id} ${again ? "neu gelesen" : "geladen"} (${file}).`,
    removed: (id: string) => `Mandant ${id} entfernt (Datei fehlt).`,
    coveredTwice: (chat: string, first: string, second: string) =>
      `NOTFALL_TENANTS: ${chat} steht bei ${first} und ${second}; gilt für ${first}.`,
    reloadFailed: "NOTFALL_TENANTS: Ordner konnte nicht neu gelesen werden.",
  },
  /**
   * What `notfallbot serve` itself reports to the operator on start and in its log (stderr): start-up, where it
   * listens, refused requests, delivery retries, internal errors. In the process's language, never both in one line.
   */
  ops: {
    noAdapter:
      "Kein Chat-Dienst eingerichtet. Setzen Sie z. B. SLACK_SIGNING_SECRET und SLACK_BOT_TOKEN (Slack, ein Workspace; viele Workspaces: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), MICROSOFT_APP_ID (Teams) oder MATRIX_HOMESERVER_URL (Matrix). Details: README.md",
    databaseUnreachable: (postgres: boolean, message: string) =>
      `Datenbank nicht erreichbar oder nicht migrierbar (${postgres ? "DATABASE_URL prüfen" : "--db / NOTFALL_DB prüfen"}): ${message}`,
    cannotListen: (where: string, code: string) =>
      `notfallbot kann nicht auf ${where} hören (${code}). Bitte HOST (Adresse dieses Rechners, z. B. 127.0.0.1 oder 0.0.0.0) und PORT prüfen.`,
    listening: (url: string, platforms: string, loopback: boolean) =>
      `notfallbot hört auf ${url} (${platforms}), ${
        loopback
          ? "nur von diesem Rechner erreichbar (Reverse Proxy davor); alle Schnittstellen: HOST=0.0.0.0"
          : "von außen erreichbar – davor gehört ein TLS-Reverse-Proxy; nur lokal: HOST=127.0.0.1"
      }`,
    database: (description: string, tenants: number | undefined, dir: string | undefined, owner: string | undefined) =>
      `Datenbank: ${description}${dir ? `, ${tenants ?? 0} Mandanten aus ${dir}` : ""}${owner ? ` (Prozess ${owner})` : ""}`,
    exiting: (why: string) => `${why} – notfallbot beendet sich`,
    adapterStopFailed: (platform: string) => `Adapter ${platform} hielt nicht sauber an`,
    requestRefused: (what: string, reason: string) => `Anfrage abgewiesen: ${what} (${reason})`,
    moreRefused: (n: number, what: string) => `${n} weitere Anfragen abgewiesen: ${what}`,
    deliveryNotRecorded: "Zustellung konnte nicht vermerkt werden",
    outboxUnreadable: "Postausgang konnte nicht gelesen werden",
    deliveryRetry: (code: string) => `Zustellung wird wiederholt (${code})`,
    deliveryFailed: (code: string) => `Zustellung endgültig fehlgeschlagen (${code})`,
    timerFailed: "Timer konnte nicht verarbeitet werden",
    deliveryFailureNotRecorded: "Zustellfehler konnte nicht vermerkt werden",
    handlingFailed: "Fehler bei der Verarbeitung",
    saveConflict: "Konflikt beim Speichern nach drei Versuchen",
    refusedElsewhere: (button: boolean, id: string | undefined, by: string) =>
      `Abgelehnt: ${button ? "Schaltfläche" : "Befehl"} für ${id ?? "(ungültige Nummer)"} von ${by}, der Notfall läuft nicht dort`,
    noTenantMore: (n: number) => ` (${n} weitere solche Ereignisse seit der letzten Meldung)`,
    noTenant: (platform: string, tenant: string, channel: string) =>
      `Kein Mandant für ${platform} ${tenant} (${channel}): Ereignis verworfen. Organisationsdatei mit covers.${platform} anlegen`,
    timerNoTenant: (id: string, tenant: string) => `Timer ${id} gehört zu keinem bekannten Mandanten (${tenant})`,
    timersUnreadable: "Fällige Timer konnten nicht gelesen werden",
    eventFailed: "Ereignis konnte nicht verarbeitet werden",
    deliveryIdsPruned: (n: number) => `${n} alte Zustell-Kennungen gelöscht`,
    deliveryIdsNotPruned: "Zustell-Kennungen konnten nicht gelöscht werden",
    leasesNotReturned: "Leases konnten nicht zurückgegeben werden",
    roleAcquired: "Rolle übernommen",
    roleLost: (why: string) => `Rolle verloren (${why})`,
    roleStopped: "angehalten",
    roleStarting: (role: string, why: string, platform: string) => `${role}: ${why}, ${platform} startet`,
    roleStopping: (role: string, why: string, platform: string) => `${role}: ${why}, ${platform} hält an`,
    roleSwitchFailed: (role: string, platform: string) => `${role}: ${platform} konnte nicht wechseln`,
    roleStandby: (role: string) => `Bereitschaft: ${role} läuft in einem anderen Prozess`,
    roleStartFailed: (role: string, platform: string, seconds: number) =>
      `${role}: ${platform} startet nicht; die Rolle geht für ${seconds} s an einen anderen Prozess`,
    roleNotReleased: "Rolle konnte nicht abgegeben werden",
    roleUncheckable: (role: string) => `${role}: Rolle nicht prüfbar`,
  },
  /** The Mermaid diagram of a playbook (`notfallbot playbooks --diagram`). */
  diagram: {
    generated: (id: string) => `Notfallart ${id}: aus der XState-Maschine und den Aufgaben erzeugt (src/machines/diagram.ts)`,
    noTasks: "keine Aufgaben",
    tasks: (n: number) => `${n} ${n === 1 ? "Aufgabe" : "Aufgaben"}`,
    critical: (n: number) => `${n} wichtig`,
    conditional: (n: number) => `${n} nur unter Bedingung`,
    phaseDone: "wichtige Aufgaben erledigt",
    advance: "weiter",
    close: "abschließen",
    reason: "Begründung",
    closeReason: "Grund",
    argument: "Angabe",
    condition: "Bedingung",
    target: (d: string) => `Ziel ${d}`,
    onlyIf: (c: string) => `nur wenn ${c}`,
    /** A question in a condition: its id, as in the playbook file. */
    question: (id: string, _nr: number) => id,
    answered: (q: string) => `${q} beantwortet`,
    levelFrom: (level: string) => `Stufe ab ${level}`,
    and: " und ",
    config: { nis2: "NIS2 im Organisationsfile", insurer: "Cyber-Versicherung eingetragen", praxis: "Praxis" },
    startsAfter: (title: string) => `startet, wenn ${title} erfüllt ist`,
    fromAware: (cond: string) => `läuft ab Kenntnisnahme${cond ? `, sobald ${cond}` : ""}`,
    startsWhen: (cond: string) => (cond ? `startet, sobald ${cond}` : "startet bei der Meldung"),
    byDefault: (q: string, value: string) => ` (vorsorglich ab Meldung, Vorgabe ${q} = ${value})`,
    metBy: (nrs: string) => `, erfüllt mit Aufgabe ${nrs}`,
    asap: "unverzüglich",
    sideExits: (advance: string, close: string) =>
      `Aus jeder Phase ${advance} auch mit offenen wichtigen Aufgaben (wird protokolliert), ${close}, z. B. Fehlalarm`,
    deadlines: "Fristen – Dauer, was sie startet, womit erfüllt",
    months: (n: number) => `${n} ${n === 1 ? "Monat" : "Monate"}`,
    days: (n: number) => `${n} ${n === 1 ? "Tag" : "Tage"}`,
  },
  /** Mistakes in the organisation file (`notfall.config.yaml`), each with what to write instead. */
  config: {
    help: "Alle Felder mit Beispielen: docs/configuration.md · Vorlagen: examples/praxis.yaml, examples/kmu.yaml",
    fileMissing: "Datei nicht gefunden. Eine Vorlage anlegen: cp examples/praxis.yaml notfall.config.yaml",
    fileIsFolder: "Das ist ein Ordner, keine Datei. Bitte den Pfad zur YAML-Datei angeben.",
    fileUnreadable: (code: string) => `Datei nicht lesbar (${code}).`,
    fileEmpty: "Die Datei ist leer. Eine Vorlage anlegen: cp examples/praxis.yaml notfall.config.yaml",
    /** What was left out when a section at the very top of the file is broken. */
    fileStart: "(Anfang der Datei)",
    unknownField: (key: string, hint: string) => `Unbekanntes Feld "${key}". ${hint}`,
    meant: (guess: string) => `Meinten Sie "${guess}"?`,
    belongsIn: (key: string, sections: string[]) => `"${key}" gehört in einen Abschnitt: ${sections.join(", ")}`,
    allowedHere: (keys: string[]) => `Erlaubt sind hier: ${keys.join(", ")}.`,
    notAllowed: (value: string, allowed: string[]) =>
      `${value} ist hier nicht erlaubt. Schreiben Sie ${allowed.map((v) => `"${v}"`).join(" oder ")}.`,
    kindHint: " (praxis = Arzt-, Zahnarzt- oder Therapiepraxis, kmu = Firma)",
    localeHint: " (Sprache der Bot-Texte)",
    priorityRange: (value: string) =>
      `Priorität ${value} geht nicht. Erlaubt sind ganze Zahlen von 1 bis 99 (1 = zuerst wiederherstellen).`,
    empty: "Darf nicht leer sein. Wert eintragen oder die Zeile löschen.",
    badFormat: (value: string) => `${value} hat nicht das erwartete Format.`,
    notFields: (hint: string) =>
      `Die Datei muss aus Feldern bestehen (${hint}), nicht aus einer Liste oder einem einzelnen Text. Vorlage: examples/praxis.yaml`,
    required: (field: string) => `Pflichtfeld fehlt. Bitte "${field}:" ergänzen.`,
    emptySection: "Der Abschnitt ist leer. Einträge darunter eingerückt ergänzen oder die Zeile löschen.",
    noValue: "Kein Wert eingetragen. Wert ergänzen oder die Zeile löschen.",
    phoneQuotes: (field: string, example: string) =>
      `Telefonnummern bitte in Anführungszeichen schreiben: ${field}: "${example}". Ohne Anführungszeichen liest YAML eine Zahl, und führende Nullen gehen verloren.`,
    notYesNo: (value: string, field: string) =>
      `${value} ist kein Ja/Nein-Wert. Schreiben Sie ${field}: true (ja) oder ${field}: false (nein).`,
    notWholeNumber: (found: string) =>
      `Erwartet eine ganze Zahl, gefunden ${found}. Priorität: 1 = zuerst wiederherstellen, 2 = danach, usw.`,
    notList: (found: string, hint: string) =>
      `Erwartet eine Liste, gefunden ${found}. Jeder Eintrag beginnt mit einem Bindestrich: ${hint}`,
    notSection: (found: string, keys: string[]) =>
      `Erwartet einen Abschnitt mit eingerückten Feldern${keys.length ? ` (${keys.map((k) => `${k}:`).join(", ")})` : ""}, gefunden ${found}.`,
    notText: (found: string, field: string, value: string) =>
      `Erwartet einen Text, gefunden ${found}. Tipp: den Wert in Anführungszeichen setzen, z. B. ${field}: "${value}".`,
    notExpected: (expected: string, found: string) => `Erwartet ${expected}, gefunden ${found}.`,
    /** A value as quoted in a message ("eine Liste", "die Zahl 3" …). */
    value: {
      empty: "einen leeren Wert",
      list: "eine Liste",
      text: (s: string) => `den Text "${s}"`,
      boolean: (b: string) => `den Wahrheitswert ${b}`,
      number: (n: string) => `die Zahl ${n}`,
      section: "einen Abschnitt mit Feldern",
    },
    phone: (example: string) =>
      `Keine Telefonnummer. Nur Ziffern, Leerzeichen, + am Anfang, - / und Klammern, z. B. "${example}". Hinweise gehören in ein eigenes Feld (z. B. hours).`,
    email: 'Keine E-Mail-Adresse. Beispiel: "it-notfall@beispiel.de".',
    url: 'Keine Internetadresse. Bitte mit https:// beginnen, z. B. "https://www.beispiel.de/meldung".',
    durationUnit: (n: string) => `Bei ${n} fehlt die Einheit. Schreiben Sie z. B. ${n}h (Stunden), ${n} Tage oder ${n}min.`,
    notDuration: (s: string) => `"${s}" ist keine Dauer. Schreiben Sie z. B. 4h, 30min, 1 Tag, 2 Tage oder PT4H.`,
    slackId: (s: string) =>
      `"${s}" ist keine Slack-Mitglieds-ID. Sie beginnt mit U oder W, z. B. "U04ABC123" (in Slack: Profil → ⋮ → Mitglieds-ID kopieren).`,
    teamsId: (s: string) =>
      `"${s}" ist kein Teams-Konto. Schreiben Sie die Anmeldeadresse (z. B. "petra@beispiel.de") oder die Objekt-ID aus Entra ID (z. B. "3a1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d").`,
    matrixId: (s: string) => `"${s}" ist keine Matrix-ID. Sie hat die Form "@name:server", z. B. "@petra:beispiel.de".`,
    consoleName: (s: string) =>
      `"${s}" geht im Terminal nicht als Name. Ein Wort aus Buchstaben, Ziffern, . _ -, z. B. "petra" (getippt als @petra: …).`,
    confirmTooLong: (s: string) =>
      `${s} ist zu lang: Im Notfall wartet niemand so lange auf eine Antwort. Höchstens 60 min, üblich sind 5 min.`,
    systemTwice: (name: string, first: number) => `System "${name}" steht doppelt (auch Eintrag ${first}). Bitte einen Eintrag löschen.`,
    unknownContact: (name: string, known: string[]) =>
      `Kein Kontakt "${name}" unter contacts:. Den Namen genau wie bei contacts: name: schreiben oder die Person dort eintragen (mit Telefonnummer). ${
        known.length
          ? `Bekannt sind: ${known
              .slice(0, 8)
              .map((n) => `"${n}"`)
              .join(", ")}${known.length > 8 ? " …" : ""}.`
          : "Unter contacts: steht noch niemand."
      }`,
    deputyTwice: (name: string) => `"${name}" steht in dieser Rolle schon weiter oben. Als Vertretung bitte eine andere Person eintragen.`,
    /** Indentation, in the words of the messages below: "ganz links", "mit 2 Leerzeichen". */
    spaces: (n: number) => (n === 0 ? "ganz links (ohne Leerzeichen)" : n === 1 ? "mit 1 Leerzeichen" : `mit ${n} Leerzeichen`),
    tab: "Die Zeile ist mit einem Tabulator eingerückt. YAML erlaubt nur Leerzeichen.",
    tabFix: (want: number) => `Den Tabulator durch ${want} Leerzeichen ersetzen (wie die Zeile darüber).`,
    tabs: (lines: string, more: boolean) =>
      `Die Datei ist mit Tabulatoren eingerückt (Zeilen ${lines}${more ? " …" : ""}). YAML erlaubt nur Leerzeichen. Im Editor „Tabulatoren durch Leerzeichen ersetzen“ wählen, je Ebene 2 Leerzeichen.`,
    dashSpace: (fixed: string) => `Nach dem Bindestrich fehlt ein Leerzeichen: "${fixed}".`,
    colon: (fixed: string) => `Nach dem Feldnamen fehlt der Doppelpunkt: "${fixed}".`,
    itemIndent: (here: string, above: string) =>
      `Dieser Listeneintrag beginnt ${here}, die Einträge darüber ${above}. Alle Einträge einer Liste beginnen genau untereinander mit "- ".`,
    fieldIndent: (here: string, key: string, above: string) =>
      `Diese Zeile beginnt ${here}, das Feld darüber${key ? ` (${key}:)` : ""} ${above}. Felder eines Abschnitts oder Eintrags stehen genau untereinander; ein neuer Eintrag beginnt mit "- ".`,
  },
  /** Mistakes in a playbook file (`playbooks/*.yaml`), after file, line and field; each with what to write instead. */
  playbook: {
    /** Several problems at once: the line above the list. */
    errors: (n: number) => `${n} Fehler in den Playbooks:`,
    unknownError: "Unbekannter Fehler",
    folderMissing: "Ordner mit Playbooks nicht gefunden.",
    noPlaybooks: "Keine Playbooks (*.yaml) in diesem Ordner.",
    idNotFileName: (id: string, fileId: string) => `"${id}" passt nicht zum Dateinamen. Die Kennung muss "${fileId}" heißen.`,
    unknownFragment: (id: string, known: string[]) =>
      `Baustein "${id}" gibt es nicht in playbooks/shared/.${known.length ? ` Vorhanden: ${known.join(", ")}` : ""}`,
    required: (field: string) => `Pflichtfeld fehlt. Bitte "${field}:" ergänzen.`,
    unknownField: (key: string, hint: string) => `Unbekanntes Feld "${key}". ${hint}`,
    meant: (guess: string) => `Meinten Sie "${guess}"?`,
    allowed: (list: string[]) => `Erlaubt: ${list.join(", ")}`,
    /** What a wrong value is "not", by field name: `"technick" ist keine Rolle`. */
    notA: {
      role: "keine Rolle",
      phase: "keine Phase",
      level: "keine Eskalationsstufe",
      min_level: "keine Eskalationsstufe",
      raise_to: "keine Eskalationsstufe",
      audience: "keine Zielgruppe",
      kind: "keine Fragenart",
      config: "kein Schalter der Organisationsdatei",
      from: "kein Startpunkt für eine Frist",
    } as Record<string, string>,
    wrongValue: (value: string, notA: string | undefined, allowed: string[]) =>
      `${value} ${notA ? `ist ${notA}` : "ist hier nicht erlaubt"}. Erlaubt: ${allowed.join(", ")}`,
    notFields: "Die Datei muss aus Feldern bestehen (id:, title:, …), nicht aus einer Liste oder einem einzelnen Text.",
    /** What a field expects, by type. */
    typeName: {
      string: "Text",
      boolean: "true oder false",
      number: "eine Zahl",
      array: 'eine Liste (Zeilen mit "- ")',
      object: "einen Abschnitt mit Feldern (name: wert)",
    } as Record<string, string>,
    expected: (expected: string, found: string, quoteTip: boolean) =>
      `Erwartet ${expected}, gefunden ${found}.${quoteTip ? ' Tipp: den Wert in Anführungszeichen setzen, z. B. "ja".' : ""}`,
    textOrLanguages: (found: string) => `Erwartet einen Text oder "de:" (Deutsch) mit optional "en:" (Englisch), gefunden ${found}.`,
    minEntries: (n: number) => `Braucht mindestens ${n} ${n === 1 ? "Eintrag" : "Einträge"}.`,
    notEmpty: "Darf nicht leer sein.",
    minChars: (n: number) => `Braucht mindestens ${n} Zeichen.`,
    tooSmall: (n: string) => `Zu klein (mindestens ${n}).`,
    tooLong: (n: string) => `Zu lang: höchstens ${n} Zeichen, damit es auf eine Zeile passt.`,
    tooBig: (n: string) => `Zu groß (höchstens ${n}).`,
    badId: (value: string) => `${value} ist keine gültige Kennung. Nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. "netz-trennen".`,
    badFormat: (value: string) => `${value} hat nicht das erwartete Format.`,
    /** The schema's own checks (src/machines/schema.ts), after the value: `"4 Stunden": ISO-8601-Dauer …`. */
    duration: "ISO-8601-Dauer wie PT15M, PT4H, P3D oder P1M erwartet",
    nameEn: "Nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. police oder breach-record",
    lowercaseId: "Nur Kleinbuchstaben, Ziffern und Bindestriche",
    rankMax: "Höchstens 99. Der Rang ordnet die Notfallarten im Handbuch: 1 steht vorn.",
    rankWhole: "Eine ganze Zahl erwartet, z. B. 1 (steht im Handbuch vorn), 2 oder 3.",
    /** Cross-reference checks of one playbook (src/machines/playbook-checks.ts). */
    idNotFile: (id: string, fileId: string) => `"${id}" passt nicht zum Dateinamen. Die Kennung muss "${fileId}" heißen (wie die Datei).`,
    noun: { question: "Frage", task: "Aufgabe", template: "Vorlage", deadline: "Frist", review: "Nachbereitungsfrage" },
    duplicateId: (noun: string, id: string, where: string) => `${noun} "${id}" gibt es schon (${where}). Bitte eine andere Kennung wählen.`,
    awarenessTimeOnly: "Nur eine Zeit-Frage (kind: time) kann den Zeitpunkt der Kenntnisnahme setzen.",
    awarenessTwice: (where: string) => `Nur eine Frage darf die Kenntnisnahme setzen; das tut schon ${where}.`,
    raiseYesNo: "raise_to geht nur bei Ja/Nein-Fragen (kind: yesno).",
    raiseNotAbove: (to: string, base: string) => `"${to}" liegt nicht über der Grundstufe "${base}" dieses Playbooks.`,
    levelNotAbove: (level: string, base: string) =>
      `"${level}" liegt nicht über der Grundstufe "${base}"; hier nur höhere Stufen beschreiben.`,
    answerNeedsQuestion: 'Eine Antwort-Bedingung braucht "question:" mit der Kennung der Frage.',
    unknownRef: (noun: string, id: string, guess: string | undefined, known: string[] | undefined) =>
      `${noun} "${id}" gibt es nicht.${guess ? ` Meinten Sie "${guess}"?` : known ? ` Vorhanden: ${known.join(", ")}` : ""}`,
    answerOnlyYesNo: (id: string, time: boolean) =>
      `Antwort-Bedingungen gehen nur bei Ja/Nein-Fragen; "${id}" ist eine ${time ? "Zeit" : "Freitext"}-Frage.`,
    notYesNoAnswer: (a: string, allowed: readonly string[]) =>
      `"${a}" ist keine Antwort auf eine Ja/Nein-Frage. Erlaubt: ${allowed.join(", ")}`,
    notYesNoQuestion: (id: string) => `"${id}" ist keine Ja/Nein-Frage; hier gehen nur Fragen mit kind: yesno.`,
    selfReference: "Eine Frage kann sich nicht auf sich selbst beziehen.",
    ownAnswer: "Eine Frage kann nicht von ihrer eigenen Antwort abhängen.",
    impliesYesNo: "implies geht nur bei Ja/Nein-Fragen (kind: yesno).",
    zielCriticalOnly: 'Ein Ziel ("ziel:") gibt es nur für wichtige Aufgaben. Bitte "critical: true" setzen oder "ziel:" weglassen.',
    zielZero: (ziel: string) => `"${ziel}" ist null Minuten. Bitte eine erreichbare Zeit angeben, z. B. PT5M (5 Minuten) oder PT1H.`,
    phaseWithoutTask: (phase: string) => `Die Phase "${phase}" hat keine Aufgabe. Jede Phase braucht mindestens eine.`,
    appliesWhenAlone: 'applies_when beschreibt die Bedingung "when:"; ohne "when:" bitte weglassen.',
    afterNeeded: 'Mit "from: deadline" muss "after:" die Frist nennen, nach der diese beginnt.',
    afterOnlyFromDeadline: '"after:" wirkt nur mit "from: deadline".',
    afterSelf: "Eine Frist kann nicht nach sich selbst beginnen.",
    afterCircle: (after: string, id: string) => `Kreis: "${after}" wartet selbst (über andere Fristen) auf "${id}".`,
    remindNeedsWithin: 'Erinnerungen vor Ablauf brauchen eine Frist "within:". Ohne "within" gilt "unverzüglich".',
    triggerForm: (fixed: string) => `Auslöser bitte in Kleinbuchstaben und ohne zusätzliche Leerzeichen: "${fixed}"`,
    triggerCommand: (trigger: string, word: string) =>
      `"${trigger}" beginnt mit einem Befehlswort von /notfall (${word}). Bitte anders formulieren.`,
    triggerTwice: (trigger: string, prev: number) => `Auslöser "${trigger}" steht schon in triggers[${prev}].`,
    fillerOnly: (text: string) =>
      `"${text}" besteht nur aus Füllwörtern. Bitte beschreiben, was man sieht, z. B. "Maus bewegt sich von allein".`,
    symptomTwice: (text: string, prev: number) => `Anzeichen "${text}" steht schon in anzeichen[${prev}] (gleiche Wörter).`,
    englishMissing:
      "Die englische Fassung fehlt (en:). Dieses Playbook hat schon englische Texte; ohne en: stünde hier bei --lang en Deutsch. Schreiben Sie den Text als de: und en: darunter.",
    placeholdersDiffer: (missing: string[], extra: string[]) =>
      `Die englische Fassung füllt andere Platzhalter als die deutsche.${missing.length ? ` Es fehlen: ${missing.join(", ")}.` : ""}${extra.length ? ` Nur englisch: ${extra.join(", ")}.` : ""}`,
    nameEnTaken: (name: string, where: string) => `Der englische Name "${name}" gehört schon zu ${where}.`,
    nameEnIsId: (name: string, where: string) => `"${name}" ist schon die Kennung einer anderen Vorlage (${where}).`,
    symptomAcross: (text: string, id: string, at: string) =>
      `Hinweis: Anzeichen "${text}" steht auch im Playbook "${id}" (${at}). Wer es meldet, wird dann gefragt, welches gemeint ist. Besser in einem Playbook genauer beschreiben.`,
    triggerAcross: (trigger: string, id: string, at: string) =>
      `Auslöser "${trigger}" steht auch im Playbook "${id}" (${at}). Jeder Auslöser darf nur in einem Playbook stehen.`,
    placeholderNoQuestion: (name: string, id: string, guess: string | undefined) =>
      `Platzhalter {{${name}}}: Frage "${id}" gibt es nicht.${guess ? ` Meinten Sie {{${guess}}}?` : ""}`,
    placeholderUnknown: (name: string, guess: string | undefined) =>
      `Unbekannter Platzhalter {{${name}}}.${guess ? ` Meinten Sie {{${guess}}}?` : " Erlaubt sind org.…, incident.…, role.… und answer.<frage>."}`,
  },
  /** YAML syntax mistakes (organisation file and playbooks), after the parser's own words in brackets. */
  yaml: {
    unknownAnchor: "Verweis (*name) auf einen Anker, den es nicht gibt.",
    badIndent: "Einrückung stimmt nicht. Felder auf derselben Ebene brauchen gleich viele Leerzeichen am Zeilenanfang.",
    tabAsIndent: "Tabulator zum Einrücken. Bitte nur Leerzeichen verwenden.",
    duplicateKey: "Dieses Feld steht doppelt im selben Abschnitt. Bitte eines davon löschen.",
    missingChar: "Es fehlt ein Zeichen, z. B. ein schließendes Anführungszeichen oder eine Klammer.",
    joinedLines:
      'Diese Zeile wurde mit der nächsten zusammengezogen. Meist ist die nächste Zeile zu weit eingerückt, oder ein Text enthält ": " ohne Anführungszeichen.',
    blockAsKey: "Hier steht ein Block, wo ein Feldname erwartet wird. Fehlt ein Doppelpunkt?",
    unexpectedToken: "Unerwartetes Zeichen. Texte mit Doppelpunkt, # oder Anführungszeichen bitte in Anführungszeichen setzen.",
    badScalarStart: "Ein Text darf nicht mit diesem Zeichen beginnen. Bitte den Text in Anführungszeichen setzen.",
    badEscape: "Ungültiges Steuerzeichen (\\) in Text mit doppelten Anführungszeichen.",
    multipleDocs: (organisation: boolean) =>
      `Mehrere YAML-Dokumente (---) in einer Datei. Eine Datei enthält genau ${organisation ? "eine Organisation" : "ein Playbook"}.`,
    tooManyAliases: "Zu viele Verweise (*name) auf Anker (&name). Bitte die Inhalte direkt hinschreiben.",
    colonInText: 'Ein Text enthält ": " (Doppelpunkt mit Leerzeichen). Bitte den ganzen Text in Anführungszeichen setzen.',
    itemIndent:
      'Diese Zeile ist anders eingerückt als die Felder darüber. Felder eines Eintrags stehen genau untereinander; ein neuer Eintrag beginnt mit "- ".',
    other: "YAML-Syntaxfehler.",
    fileMissing: "Datei nicht gefunden",
  },
  whatAdvance: "Die Phase wechseln",
  whatEscalate: "Die Stufe ändern",
  whatClose: "Abschließen",
  handbookDone: (where: string) => `📘 Notfallhandbuch erstellt: ${where}. Ausdrucken und neben das Telefon legen.`,
};
export type Catalog = typeof de;
