/** German message catalogue: every text a person reads. Plain language, short sentences, one next step. */
export const de = {
  levelName: { stoerung: "Störung", notfall: "Notfall", krise: "Krise", katastrophe: "Katastrophe" },
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
  headerNext:
    "**Nächster Schritt:** Rollen übernehmen (Knopf drücken oder `rolle koordinator`, `rolle technik`, `rolle kommunikation` schreiben).",
  headerNextNoButtons:
    "**Nächster Schritt:** Rollen übernehmen: schreiben Sie `rolle koordinator`, `rolle technik` oder `rolle kommunikation`.",
  /** Appended to the next step of the header: where the incident continues (a chat has no threads). */
  headerWhere: { thread: "Alles Weitere hier im Thread.", here: "Alles Weitere hier." },
  claimButton: { koordinator: "Ich koordiniere", technik: "Ich bin Technik", kommunikation: "Ich kommuniziere" },
  questionsTitle: "Bitte kurz beantworten",
  questionsHint: "Antworten mit `antwort <Nr> <Antwort>`, z. B. `antwort 1 heute 8:30` oder `antwort 2 ja`.",
  answerYes: "ja",
  answerNo: "nein",
  answerUnclear: "unklar",
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
  levelChanged: (from: string, to: string, meaning: string) => `📈 Stufe geändert: ${from} → **${to}**. ${meaning}`,
  levelUnchanged: (lvl: string) => `Die Stufe ist bereits ${lvl}.`,
  noteSaved: "📝 Notiert.",
  closedTitle: (id: string) => `🏁 ${id} abgeschlossen – Zusammenfassung`,
  summary: {
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
    review: "Antworten aus der Nachbereitung",
    noReview: "Keine Antworten erfasst.",
    followUps: "Offene Punkte (nachverfolgen)",
    none: "keine",
    drillScore: "Übungsbewertung",
    criticalOnTime: "Wichtige Aufgaben rechtzeitig",
    wouldMeet: "Fristen wären eingehalten worden",
    closeReason: "Grund für den Abschluss",
  },
  exportDone: (files: string, ok: boolean) =>
    `📄 Export erstellt: ${files}\n${ok ? "Prüfkette in Ordnung: Die Zeitleiste wurde nicht verändert." : "❗ Prüfkette gebrochen: Die Zeitleiste wurde verändert."}`,
  statusTitle: (id: string) => `Lage ${id}`,
  statusOpenTasks: "Offene Aufgaben",
  statusDeadlines: "Fristen",
  statusNext: "Nächster Schritt",
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
  typesLine: (id: string, title: string) => `\`${id}\` (${title})`,
  chooseType: (text: string, options: string) => `Welche Art von Notfall ist „${text}“? ${options}`,
  chooseTypeNone: (text: string, options: string) =>
    `Zu „${text}“ kenne ich keine Notfallart. Meinten Sie eine davon? ${options}\nOder schreiben Sie \`/notfall hilfe\`.`,
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
    roleTaken: (role: string, who: string) => `${role} ist schon ${who}. Die Koordination kann umbesetzen: \`rolle <Rolle> @Person\`.`,
    roleAssignOthers: (coord: string) =>
      `Andere einteilen darf nur die Koordination (${coord}). Sie selbst können eine freie Rolle übernehmen: \`rolle technik\`.`,
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
    templateInactive: (name: string, how: string | undefined) =>
      how
        ? `Die Vorlage „${name}“ gilt erst nach der passenden Antwort: \`${how}\`.`
        : `Die Vorlage „${name}“ gilt erst auf einer höheren Stufe oder mit passender Organisationsdatei. Lage: \`status\`.`,
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
