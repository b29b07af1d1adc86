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
  phoneMissing: "– Nummer auf der Notfallkarte oder im Vertrag nachsehen",
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
  taskHintReactions: "✅ auf eine Aufgabe reagieren = erledigt, 👍 = übernommen. Oder antworten: `erledigt <Nr>`.",
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
      "`rolle koordinator|technik|kommunikation [@Person]` · `status` · `ok <Nr>` / `erledigt <Nr>` · `überspringen <Nr> <Grund>` · `antwort <Nr> <Antwort>` · `vorlage [Name]` · `notiz <Text>` · `eskalieren <Stufe>` · `weiter [Begründung]` · `abschließen` · `export` · `handbuch`",
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
  whatAdvance: "Die Phase wechseln",
  whatEscalate: "Die Stufe ändern",
  whatClose: "Abschließen",
  handbookDone: (where: string) => `📘 Notfallhandbuch erstellt: ${where}. Ausdrucken und neben das Telefon legen.`,
};
export type Catalog = typeof de;
