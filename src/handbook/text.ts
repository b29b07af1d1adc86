/**
 * Every fixed text of the printed handbook, per language. The builder (build.ts) and the renderers (pdf.ts,
 * markdown.ts) take their words from here, so an English handbook needs a second entry, not a second layout.
 * Playbook and organisation content comes from the playbooks and the organisation file.
 */

import type { Catalog } from "../core/i18n/de.ts";
import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import { showTime } from "../core/time.ts";

/** Languages the handbook can be printed in. */
export type HandbookLocale = "de" | "en";

/** A rewrite from chat wording to paper wording: pattern and replacement (`$1` etc. as in String.replace). */
export type PaperRule = readonly [RegExp, string];

export interface HandbookText {
  locale: HandbookLocale;
  /** The chat's message catalogue of the same language: names of levels, roles and phases. */
  names: Pick<Catalog, "levelName" | "roleName" | "roleShort" | "phaseName">;
  /** Triage answers as printed in a condition ("ja" / "yes"). */
  answers: Record<string, string>;
  /** `{{org.kind}}` on paper. */
  kind: { praxis: string; kmu: string };
  title: string;
  subject: string;
  /** Running heads, footers and banners (pdf.ts, markdown.ts). */
  chrome: {
    continued: (section: string) => string;
    page: (n: number, of: number) => string;
    /** A reference to a page: "S. 7". */
    pageRef: (n: string) => string;
    printed: (date: string) => string;
    configDate: (date: string) => string;
    noConfig: string;
    /** An organisation file whose date is not known (the caller did not name the file). */
    configUndated: string;
    /** Printed on every page while the organisation file still holds example data. */
    examples: string;
    /** Column labels beside a tick box. */
    time: string;
    initials: string;
    /** Label before the numbers printed beside a task. */
    call: string;
    /** Markdown: the tick box and the comment at the top. */
    mdGenerated: string;
  };
  cover: {
    examplesTitle: string;
    examplesText: (fields: string) => string;
    examplesMore: (fields: string, more: number) => string;
    emergencyNumber: (n: string) => string;
    keep: string;
    howTitle: string;
    how: string[];
    tocTitle: string;
    tocFirst: string;
    tocTypes: string;
    tocSheets: string;
  };
  /** The IT-Notfallkarte (emergency card). */
  card: {
    title: string;
    subtitle: string;
    calm: string;
    number: (n: string) => string;
    rather: string;
    sayTitle: string;
    say: string[];
    doTitle: string;
    do: { text: string; strong?: boolean }[];
    chat: string;
  };
  common: { title: string; intro: string; tocLabel: string };
  incident: {
    level: string;
    raiseWhen: (level: string) => string;
    intro: string;
    alsoCommon: (ref: string) => string;
    later: string;
    laterIntro: string;
    templates: (list: string) => string;
    noTasks: string;
    within: (duration: string) => string;
    onlyIf: (parts: string) => string;
    fromLevel: (level: string) => string;
    configWords: Record<string, string>;
    answered: string;
    or: string;
    formsTitle: (title: string) => string;
  };
  forms: {
    sharedTitle: string;
    sharedIntro: string;
    heading: (title: string) => string;
    for: (audience: string) => string;
    external: string;
    onlyIf: (when: string) => string;
    usedBy: (types: string) => string;
    audience: Record<string, string>;
    /** Template reference in a task: "Vorlage „Title“ (S. 7)" / inside brackets "Vorlage „Title“, S. 7". */
    ref: (title: string, ref: string) => string;
    refInBrackets: (title: string, ref: string) => string;
    /** A title quoted: „Title“ / "Title". */
    quote: (title: string) => string;
    /** Reference to another incident type's section. */
    section: (title: string, ref: string) => string;
  };
  contacts: {
    title: string;
    keep: string;
    address: (address: string, phone: string, email: string) => string;
    roles: string;
    external: string;
    columns: { body: string; name: string; phone: string; hint: string };
    bodies: { it: string; dpo: string; authority: string; police: string; insurer: string; bank: string };
    hints: { authority: string; police: string; insurerFirst: string; insurerPolicy: (p: string) => string; bank: string };
    noInsurer: string;
    noInsurerHint: string;
    fixed: readonly (readonly [string, string])[];
    insurerTerms: (terms: string) => string;
    phoneList: string;
    phoneColumns: { name: string; role: string; phone: string; alt: string };
    phoneGap: (name: string) => string;
  };
  callSheet: {
    title: string;
    intro: string;
    columns: { body: string; phone: string; at: string; by: string; result: string };
  };
  log: {
    title: string;
    intro: string;
    head: string;
    columns: { time: string; who: string; what: string; decision: string };
  };
  recovery: {
    title: string;
    intro: string;
    columns: { nr: string; system: string; rto: string; rpo: string; notes: string };
    gapSystem: string;
    outro: string;
  };
  deadlines: {
    title: string;
    intro: string;
    columns: { report: string; period: string; applies: string; about: string };
    yes: string;
    yesBecause: (why: string) => string;
    no: (why: string) => string;
    always: string;
    authority: string;
    dpo: string;
    insurer: string;
    note: string;
  };
  /** Labels of the call targets (phones.ts) and the gap shown when the number is missing. */
  phones: Record<string, { label: string; gap: string }>;
  /** Chat wording rewritten for paper, applied in this order to task texts and template bodies. */
  paper: {
    /**
     * A template named in a text, as a RegExp source with four parts: `(\\()?` an opening bracket, an article, the word,
     * then {@link TEMPLATE_NAME} and `(\\))?` (added by paper.ts). German: "Vorlage bank", English: "(template bank)".
     */
    templateWord: string;
    rules: readonly PaperRule[];
    /** Sentence that replaces one telling people to type a note in the chat. */
    logSentence: (ref: string) => string;
    /** Replaces "(/notfall rolle)". */
    rolesRef: (ref: string) => string;
    /** "einen Fall eröffnen, mit /notfall X": `also` is "zusätzlich " or "". */
    openThis: (also: string, section: string) => string;
    /** "einen Fall zur passenden Notfallart eröffnen, z. B. /notfall X". */
    openAny: (also: string, section: string) => string;
  };
}

export const HANDBOOK_TEXT: Record<HandbookLocale, HandbookText> = {
  de: {
    locale: "de",
    names: de,
    answers: { ja: "ja", nein: "nein", unklar: "unklar" },
    kind: { praxis: "Praxis", kmu: "Firma" },
    title: "IT-Notfallhandbuch",
    subject: "IT-Notfallhandbuch",
    chrome: {
      continued: (section) => `${section} (Fortsetzung)`,
      page: (n, of) => `Seite ${n} von ${of}`,
      pageRef: (n) => `S. ${n}`,
      printed: (date) => `Gedruckt am ${date}`,
      configDate: (date) => `Organisationsdatei vom ${date}`,
      noConfig: "ohne Organisationsdatei",
      configUndated: "Datum der Organisationsdatei unbekannt",
      examples: "BEISPIELDATEN – nicht für den Ernstfall",
      time: "Uhrzeit",
      initials: "Kürzel",
      call: "Tel.",
      mdGenerated: "erzeugt mit notfallbot handbuch",
    },
    cover: {
      examplesTitle: "BEISPIELDATEN – nicht für den Ernstfall",
      examplesText: (fields) =>
        `Die Organisationsdatei enthält noch Beispieldaten aus der Vorlage (${fields}). Wer diese Nummern im Notfall anruft, erreicht niemanden. Erst die echten Angaben eintragen, dann neu drucken.`,
      examplesMore: (fields, more) => `${fields} und ${more} weitere`,
      emergencyNumber: (n) => `Interne IT-Notfallnummer: ${n}`,
      keep: "Ausgedruckt aufbewahren: am Empfang, im Büro der Leitung und zu Hause. Dieses Handbuch muss funktionieren, wenn kein Server, keine E-Mail, kein Internet und keine Telefonanlage mehr geht.",
      howTitle: "So benutzen Sie dieses Handbuch",
      how: [
        "Die IT-Notfallkarte aushängen: Sie sagt allen, was sofort zu tun ist.",
        "Die Notfallart im Inhalt suchen: die häufigsten und dringendsten stehen vorn.",
        "Aufgaben abhaken, mit Uhrzeit und Kürzel. Die Telefonnummer steht bei der Aufgabe.",
        "Alles mit Uhrzeit auf dem Protokollblatt festhalten. Vorlagen auf den Linien von Hand ausfüllen.",
      ],
      tocTitle: "Inhalt",
      tocFirst: "Zuerst",
      tocTypes: "Notfallarten (die wahrscheinlichsten und dringendsten zuerst)",
      tocSheets: "Blätter zum Ausfüllen und Übersichten",
    },
    card: {
      title: "IT-Notfallkarte",
      subtitle: "Verhalten bei IT-Notfällen",
      calm: "Ruhe bewahren & IT-Notfall melden",
      number: (n) => `Interne IT-Notfallnummer: ${n}`,
      rather: "Lieber einmal zu oft anrufen als einmal zu wenig. Ob Defekt oder Angriff, entscheidet die IT, nicht Sie.",
      sayTitle: "Was Sie am Telefon sagen",
      say: [
        "Wer meldet? Name und Rückrufnummer.",
        "Welches IT-System ist betroffen? Gerät, Programm, Bildschirmmeldung.",
        "Wie haben Sie gearbeitet, was haben Sie beobachtet?",
        "Wann ist es passiert oder aufgefallen?",
        "Wo steht das Gerät? Gebäude, Raum, Arbeitsplatz.",
      ],
      doTitle: "Was Sie sofort tun",
      do: [
        { text: "Am betroffenen Gerät nicht weiterarbeiten.", strong: true },
        {
          text: "Bei Verdacht auf einen Angriff (Erpresserschreiben, Dateien lassen sich nicht öffnen, Maus bewegt sich von selbst): Netzwerkkabel am Gerät ziehen (Nase am Stecker drücken, die Lämpchen an der Buchse gehen aus) und WLAN ausschalten. Das Gerät bleibt eingeschaltet.",
          strong: true,
        },
        { text: "Beobachtungen aufschreiben, Bildschirm mit dem Handy fotografieren." },
        {
          text: "Nichts auf eigene Faust reparieren oder löschen. Ausschalten nur auf Anweisung der IT oder der IT-Notfall-Koordination.",
        },
        { text: "Bei Feuer, Rauch oder Verletzten zuerst 112 rufen und das Gebäude verlassen.", strong: true },
      ],
      chat: "Läuft der Notfall-Chat noch, kann der Notfall auch dort gemeldet werden: Der Assistent führt durch dieselben Schritte. Dieses Handbuch funktioniert auch ohne ihn.",
    },
    common: {
      title: "Bei jedem Notfall",
      intro:
        "Diese Aufgaben gelten für jede Art von IT-Notfall, zusätzlich zu denen der jeweiligen Notfallart. Abhaken, wenn erledigt, mit Uhrzeit und Kürzel. Fett gedruckt: wichtig, muss erledigt sein, bevor es weitergeht.",
      tocLabel: "Bei jedem Notfall",
    },
    incident: {
      level: "Stufe",
      raiseWhen: (level) => `${level}, wenn`,
      intro:
        "Jetzt sofort, nach Rolle. Abhaken, wenn erledigt, mit Uhrzeit und Kürzel. Fett gedruckt: wichtig, muss erledigt sein, bevor es weitergeht.",
      alsoCommon: (ref) => `Dazu kommen die Aufgaben „Bei jedem Notfall“ (${ref}).`,
      later: "Danach, Phase für Phase",
      laterIntro: "Wenn die Sofortmaßnahmen laufen. Die Rolle steht in Klammern.",
      templates: (list) => `Vorlagen zu dieser Notfallart: ${list}.`,
      noTasks: "[[Sofortmaßnahmen für diese Notfallart ergänzen]]",
      within: (d) => `binnen ${d}`,
      onlyIf: (parts) => `nur wenn: ${parts}`,
      fromLevel: (level) => `ab Stufe ${level}`,
      configWords: { nis2: "wenn NIS2 gilt", insurer: "mit Cyber-Versicherung", praxis: "in Praxen" },
      answered: "beantwortet",
      or: " oder ",
      formsTitle: (title) => `Vorlagen: ${title}`,
    },
    forms: {
      sharedTitle: "Gemeinsame Vorlagen",
      sharedIntro:
        "Diese Vorlagen gehören zu mehreren Notfallarten und stehen deshalb nur einmal hier. Auf den Linien von Hand ausfüllen; die kleine Schrift darunter sagt, was hingehört.",
      heading: (title) => `Vorlage: ${title}`,
      for: (audience) => `Für: ${audience}`,
      external: "Geht nach außen: erst nach Freigabe durch die Koordination senden",
      onlyIf: (when) => `Nur wenn: ${when}`,
      usedBy: (types) => `Gehört zu: ${types}`,
      audience: {
        mitarbeitende: "Mitarbeitende",
        patienten: "Patient:innen",
        kunden: "Kund:innen",
        datenschutzbehoerde: "Datenschutzbehörde",
        behoerde: "Behörde",
        "it-dienstleister": "IT-Dienstleister",
        polizei: "Polizei",
        presse: "Presse",
        versicherung: "Versicherung",
        bank: "Bank",
        partner: "Geschäftspartner",
        intern: "intern",
      },
      ref: (title, ref) => `Vorlage „${title}“ (${ref})`,
      refInBrackets: (title, ref) => `Vorlage „${title}“, ${ref}`,
      quote: (title) => `„${title}“`,
      section: (title, ref) => `Abschnitt „${title}“ (${ref})`,
    },
    contacts: {
      title: "Notfallkontakte",
      keep: "Diese Nummern müssen auch funktionieren, wenn Server, E-Mail und Telefonanlage ausgefallen sind.",
      address: (address, phone, email) => [address, `Telefon ${phone}`, email].join(" · "),
      roles: "Rollen im Notfall",
      external: "Externe Stellen",
      columns: { body: "Stelle", name: "Name", phone: "Telefon", hint: "Hinweis" },
      bodies: {
        it: "IT-Dienstleister",
        dpo: "Datenschutz\u00adbeauftragte:r",
        authority: "Datenschutz\u00adbehörde",
        police: "Polizei (ZAC)",
        insurer: "Cyber-Versicherung",
        bank: "Bank",
      },
      hints: {
        authority: "Meldung binnen 72 Stunden ab Kenntnis",
        police: "Anzeige erstatten, Beweise mitbringen",
        insurerFirst: "Zuerst die Hotline anrufen",
        insurerPolicy: (p) => `Versicherungsschein ${p}`,
        bank: "Bei Betrug: Überweisung sofort stoppen lassen",
      },
      noInsurer: "keine eingetragen",
      noInsurerHint: "Falls vorhanden: Abschnitt insurer: in der Organisationsdatei ergänzen",
      fixed: [
        ["Feuer, Rauch, Verletzte: Notruf", "112"],
        ["Polizei-Notruf bei akuter Gefahr", "110"],
        ["BSI Service-Center (Beratung bei Cyberangriffen)", "0800 274 1000"],
      ],
      insurerTerms: (terms) => `Besondere Bedingungen der Versicherung: ${terms}`,
      phoneList: "Telefonliste",
      phoneColumns: { name: "Name", role: "Rolle", phone: "Telefon", alt: "Ausweichnummer, E-Mail" },
      phoneGap: (name) => `Telefon ${name}`,
    },
    callSheet: {
      title: "Kontaktblatt: wen wir wann erreicht haben",
      intro:
        "Jeden Anruf eintragen, auch wenn niemand abnimmt. Schadennummer, Aktenzeichen und Namen der Ansprechperson gleich dazuschreiben.",
      columns: { body: "Stelle", phone: "Telefon", at: "Angerufen um", by: "von", result: "Erreicht (Name), Ergebnis, Aktenzeichen" },
    },
    log: {
      title: "Protokoll: wer hat wann was getan oder entschieden",
      intro:
        "Jede Beobachtung, jeden Anruf, jede Maßnahme und jede Entscheidung mit Uhrzeit eintragen, auch Entscheidungen gegen etwas (mit Grund). Datenschutzbehörde, Versicherung und Polizei fragen später genau danach.",
      head: [
        "Notfallart: [[Notfallart]]",
        "Bemerkt am: [[Datum, Uhrzeit]] Kenntnis am: [[Datum, Uhrzeit (ab hier laufen die Fristen)]]",
        "Koordination: [[Name, Handy]] Vertretung: [[Name, Handy]]",
        "Technik: [[Name, Handy]] Kommunikation: [[Name, Handy]]",
      ].join("\n"),
      columns: { time: "Uhrzeit", who: "Wer", what: "Was ist passiert, was wurde getan?", decision: "Entscheidung (mit Grund)" },
    },
    recovery: {
      title: "Wiederanlauf-Reihenfolge",
      intro:
        "In dieser Reihenfolge werden die Systeme wiederhergestellt: die wichtigsten zuerst. RTO = wie schnell das System spätestens wieder laufen muss. RPO = wie viel Datenverlust höchstens tragbar ist (so alt darf die letzte Sicherung höchstens sein).",
      columns: { nr: "Nr.", system: "System", rto: "RTO", rpo: "RPO", notes: "Hinweise" },
      gapSystem: "Wichtigstes System (z. B. Praxissoftware, ERP)",
      outro:
        "Vor dem Wiederanschluss jedes Gerät prüfen, nur aus einer sauberen Sicherung wiederherstellen und die Freigabe für den Normalbetrieb gibt die Koordination.",
    },
    deadlines: {
      title: "Meldefristen",
      intro:
        "Alle Fristen laufen ab Kenntnis: ab dem ersten glaubhaften Hinweis, nicht erst ab Gewissheit. Die Fristen nach DSGVO und NIS2 laufen nebeneinander. Den Zeitpunkt der Kenntnis oben auf dem Protokollblatt eintragen.",
      columns: { report: "Meldung", period: "Frist", applies: "Gilt für uns", about: "Worum es geht" },
      yes: "ja",
      yesBecause: (why) => `ja (${why})`,
      no: (why) => `nein (${why})`,
      always: "immer",
      authority: "Datenschutzbehörde",
      dpo: "Datenschutzbeauftragte:r",
      insurer: "Versicherung",
      note: "Hinweis: Diese Übersicht ersetzt keine Rechtsberatung. Ob gemeldet werden muss, entscheidet die Leitung mit der oder dem Datenschutzbeauftragten.",
    },
    phones: {
      emergency_phone: { label: "Interne IT-Notfallnummer", gap: "Interne IT-Notfallnummer" },
      "it.hotline": { label: "IT-Dienstleister", gap: "Notfall-Hotline IT-Dienstleister" },
      "dpo.phone": { label: "Datenschutzbeauftragte:r", gap: "Telefon Datenschutzbeauftragte:r" },
      "authority.phone": { label: "Datenschutzbehörde", gap: "Telefon Datenschutzbehörde" },
      "police.phone": { label: "Polizei / ZAC", gap: "Telefon Polizei / ZAC" },
      "insurer.hotline": { label: "Cyber-Versicherung", gap: "Notfall-Hotline Versicherung" },
      "property_insurer.hotline": {
        label: "Gebäude- oder Elektronikversicherung",
        gap: "Schadenhotline Gebäude- oder Elektronikversicherung",
      },
      "bank.hotline": { label: "Bank", gap: "Telefon Bank (Überweisung stoppen)" },
      "software.hotline": { label: "Hersteller der Software", gap: "Hotline Hersteller der Praxis- bzw. Firmensoftware" },
      "kv.phone": { label: "Kassenärztliche Vereinigung", gap: "Telefon Kassenärztliche Vereinigung" },
    },
    paper: {
      templateWord: "(die |der )?Vorlage",
      rules: [
        // "Verlauf exportieren (/notfall export) und sicher ablegen" → the paper log is what gets filed
        [/Verlauf exportieren \(\/notfall export\) und/g, "Protokollblätter und, falls vorhanden, den Export aus dem Chat"],
        [/\s*\(\/notfall [^)]*\)/g, ""],
        [/\b(?:einen )?neuen Fall mit dem passenden Playbook eröffnen/g, "den passenden Abschnitt dieses Handbuchs abarbeiten"],
        [
          /\b((?:die |den )?)(?:Antworten|Fragen|Datenschutz-Fragen)( zu Datenschutz)? im Bot (?:aktualisieren|beantworten)/g,
          "$1Antworten$2 auf dem Protokollblatt festhalten",
        ],
        [/\bim Bot\b/g, "auf dem Protokollblatt"],
        [/\b(?:im|in diesen|in den) Verlauf\b/g, "auf dem Protokollblatt"],
        [/\baus dem Verlauf\b/g, "aus dem Protokoll"],
      ],
      logSentence: (ref) => `Auf dem Protokollblatt festhalten (${ref}).`,
      rolesRef: (ref) => ` (auf dem Protokollblatt eintragen, ${ref})`,
      openThis: (also, section) => `${also}den ${section} abarbeiten`,
      openAny: (also, section) => `${also}den passenden Abschnitt dieses Handbuchs abarbeiten, z. B. ${section}`,
    },
  },
  en: {
    locale: "en",
    names: en,
    answers: { ja: "yes", nein: "no", unklar: "unclear" },
    kind: { praxis: "practice", kmu: "company" },
    title: "IT Emergency Handbook",
    subject: "IT Emergency Handbook",
    chrome: {
      continued: (section) => `${section} (continued)`,
      page: (n, of) => `Page ${n} of ${of}`,
      pageRef: (n) => `p. ${n}`,
      printed: (date) => `Printed on ${date}`,
      configDate: (date) => `Organisation file of ${date}`,
      noConfig: "without an organisation file",
      configUndated: "date of the organisation file unknown",
      examples: "EXAMPLE DATA – not for a real emergency",
      time: "Time",
      initials: "Initials",
      call: "Tel.",
      mdGenerated: "generated with notfallbot (handbook command)",
    },
    cover: {
      examplesTitle: "EXAMPLE DATA – not for a real emergency",
      examplesText: (fields) =>
        `The organisation file still holds example data from the sample file (${fields}). Calling these numbers in an emergency reaches nobody. Enter the real details first, then print again.`,
      examplesMore: (fields, more) => `${fields} and ${more} more`,
      emergencyNumber: (n) => `Internal IT emergency number: ${n}`,
      keep: "Keep printed copies: at the front desk, in the manager's office and at home. This handbook must work when no server, no e-mail, no internet and no phone system works any more.",
      howTitle: "How to use this handbook",
      how: [
        "Put up the IT emergency card: it tells everyone what to do at once.",
        "Find the type of emergency in the contents: the most likely and most urgent come first.",
        "Tick off tasks, with time and initials. The phone number is printed beside the task.",
        "Write everything down with the time on the log sheet. Fill in the forms by hand on the lines.",
      ],
      tocTitle: "Contents",
      tocFirst: "First",
      tocTypes: "Types of emergency (the most likely and most urgent first)",
      tocSheets: "Sheets to fill in and overviews",
    },
    card: {
      title: "IT Emergency Card",
      subtitle: "What to do in an IT emergency",
      calm: "Stay calm & report the IT emergency",
      number: (n) => `Internal IT emergency number: ${n}`,
      rather: "Better to call once too often than once too few. Whether it is a fault or an attack is for IT to decide, not you.",
      sayTitle: "What to say on the phone",
      say: [
        "Who is calling? Name and call-back number.",
        "Which IT system is affected? Device, program, message on the screen.",
        "What were you doing, what did you notice?",
        "When did it happen or when was it noticed?",
        "Where is the device? Building, room, workplace.",
      ],
      doTitle: "What to do at once",
      do: [
        { text: "Stop working on the affected device.", strong: true },
        {
          text: "If you suspect an attack (ransom note, files will not open, the mouse moves by itself): pull the network cable out of the device (press the tab on the plug; the lights at the socket go out) and switch off Wi-Fi. Leave the device switched on.",
          strong: true,
        },
        { text: "Write down what you noticed; photograph the screen with your mobile phone." },
        {
          text: "Do not repair or delete anything on your own. Switch off only when IT or the IT emergency coordinator tells you to.",
        },
        { text: "In case of fire, smoke or injuries, call 112 first and leave the building.", strong: true },
      ],
      chat: "If the emergency chat still works, the emergency can also be reported there: the assistant guides through the same steps. This handbook works without it too.",
    },
    common: {
      title: "In every emergency",
      intro:
        "These tasks apply to every kind of IT emergency, in addition to those of the type at hand. Tick them off when done, with time and initials. In bold: important, must be done before going on.",
      tocLabel: "In every emergency",
    },
    incident: {
      level: "Level",
      raiseWhen: (level) => `${level} if`,
      intro: "Right now, by role. Tick off when done, with time and initials. In bold: important, must be done before going on.",
      alsoCommon: (ref) => `The tasks "In every emergency" (${ref}) come on top.`,
      later: "After that, phase by phase",
      laterIntro: "Once the immediate actions are under way. The role is given in brackets.",
      templates: (list) => `Forms for this type of emergency: ${list}.`,
      noTasks: "[[Add the immediate actions for this type of emergency]]",
      within: (d) => `within ${d}`,
      onlyIf: (parts) => `only if: ${parts}`,
      fromLevel: (level) => `from level ${level}`,
      configWords: { nis2: "if NIS2 applies", insurer: "with a cyber insurance", praxis: "in medical practices" },
      answered: "answered",
      or: " or ",
      formsTitle: (title) => `Forms: ${title}`,
    },
    forms: {
      sharedTitle: "Shared forms",
      sharedIntro:
        "These forms belong to several types of emergency and are therefore printed only once, here. Fill them in by hand on the lines; the small print below says what goes there.",
      heading: (title) => `Form: ${title}`,
      for: (audience) => `For: ${audience}`,
      external: "Goes outside: send only once the coordinator has approved it",
      onlyIf: (when) => `Only if: ${when}`,
      usedBy: (types) => `Belongs to: ${types}`,
      audience: {
        mitarbeitende: "Staff",
        patienten: "Patients",
        kunden: "Customers",
        datenschutzbehoerde: "Data protection authority",
        behoerde: "Authority",
        "it-dienstleister": "IT provider",
        polizei: "Police",
        presse: "Press",
        versicherung: "Insurer",
        bank: "Bank",
        partner: "Business partners",
        intern: "internal",
      },
      ref: (title, ref) => `form "${title}" (${ref})`,
      refInBrackets: (title, ref) => `form "${title}", ${ref}`,
      quote: (title) => `"${title}"`,
      section: (title, ref) => `section "${title}" (${ref})`,
    },
    contacts: {
      title: "Emergency contacts",
      keep: "These numbers must work even when servers, e-mail and the phone system are down.",
      address: (address, phone, email) => [address, `Phone ${phone}`, email].join(" · "),
      roles: "Roles in an emergency",
      external: "External contacts",
      columns: { body: "Contact", name: "Name", phone: "Phone", hint: "Note" },
      bodies: {
        it: "IT provider",
        dpo: "Data protection officer",
        authority: "Data protection authority",
        police: "Police (ZAC)",
        insurer: "Cyber insurance",
        bank: "Bank",
      },
      hints: {
        authority: "Report within 72 hours of awareness",
        police: "File a complaint, bring the evidence",
        insurerFirst: "Call the hotline first",
        insurerPolicy: (p) => `Policy ${p}`,
        bank: "In case of fraud: have the transfer stopped at once",
      },
      noInsurer: "none entered",
      noInsurerHint: "If you have one: add the insurer: section to the organisation file",
      fixed: [
        ["Fire, smoke, injuries: emergency call", "112"],
        ["Police emergency call in acute danger", "110"],
        ["BSI service centre (advice on cyber attacks)", "0800 274 1000"],
      ],
      insurerTerms: (terms) => `Special terms of the insurance: ${terms}`,
      phoneList: "Phone list",
      phoneColumns: { name: "Name", role: "Role", phone: "Phone", alt: "Other number, e-mail" },
      phoneGap: (name) => `Phone ${name}`,
    },
    callSheet: {
      title: "Call sheet: whom we reached and when",
      intro:
        "Enter every call, even when nobody answers. Write down the claim number, file number and the name of the person you spoke to straight away.",
      columns: { body: "Contact", phone: "Phone", at: "Called at", by: "by", result: "Reached (name), result, file number" },
    },
    log: {
      title: "Log: who did or decided what, and when",
      intro:
        "Enter every observation, every call, every action and every decision with the time, decisions against something too (with the reason). The data protection authority, the insurer and the police will ask for exactly this later.",
      head: [
        "Type of emergency: [[Type of emergency]]",
        "Noticed on: [[Date, time]] Aware since: [[Date, time (the deadlines run from here)]]",
        "Coordinator: [[Name, mobile]] Deputy: [[Name, mobile]]",
        "Technical: [[Name, mobile]] Communication: [[Name, mobile]]",
      ].join("\n"),
      columns: { time: "Time", who: "Who", what: "What happened, what was done?", decision: "Decision (with reason)" },
    },
    recovery: {
      title: "Recovery order",
      intro:
        "Systems are restored in this order: the most important first. RTO = how soon the system must be running again at the latest. RPO = how much data loss is bearable at most (the last backup may be at most this old).",
      columns: { nr: "No.", system: "System", rto: "RTO", rpo: "RPO", notes: "Notes" },
      gapSystem: "Most important system (e.g. practice software, ERP)",
      outro:
        "Check every device before reconnecting it, restore only from a clean backup, and the coordinator gives the go-ahead for normal operation.",
    },
    deadlines: {
      title: "Reporting deadlines",
      intro:
        "All deadlines run from awareness: from the first credible sign, not only from certainty. The deadlines under the GDPR and NIS2 run side by side. Write the time of awareness at the top of the log sheet.",
      columns: { report: "Report", period: "Deadline", applies: "Applies to us", about: "What it is about" },
      yes: "yes",
      yesBecause: (why) => `yes (${why})`,
      no: (why) => `no (${why})`,
      always: "always",
      authority: "Data protection authority",
      dpo: "Data protection officer",
      insurer: "Insurer",
      note: "Note: this overview is no legal advice. Whether a report is required is decided by the management together with the data protection officer.",
    },
    phones: {
      emergency_phone: { label: "Internal IT emergency number", gap: "Internal IT emergency number" },
      "it.hotline": { label: "IT provider", gap: "Emergency hotline of the IT provider" },
      "dpo.phone": { label: "Data protection officer", gap: "Phone of the data protection officer" },
      "authority.phone": { label: "Data protection authority", gap: "Phone of the data protection authority" },
      "police.phone": { label: "Police / ZAC", gap: "Phone of the police / ZAC" },
      "insurer.hotline": { label: "Cyber insurance", gap: "Emergency hotline of the insurer" },
      "property_insurer.hotline": {
        label: "Property or electronics insurance",
        gap: "Claims hotline of the property or electronics insurer",
      },
      "bank.hotline": { label: "Bank", gap: "Phone of the bank (stop a transfer)" },
      "software.hotline": { label: "Software vendor", gap: "Hotline of the vendor of the practice or business software" },
      "kv.phone": { label: "KV (physicians' association)", gap: "Phone of the KV" },
    },
    paper: {
      // only in brackets: "(template staff)"; a bare "template" is too common a word in English prose
      templateWord: "(the )?template",
      rules: [
        [
          /\bExport the record \(\/notfall export\) and file it safely/g,
          "File the log sheets and, if there is one, the export from the chat safely",
        ],
        [/\s*\(\/notfall [^)]*\)/g, ""],
        [/\bopen a (?:new )?case outside this thread( at once)?, with\b/g, "work through$1 the"],
        [
          /\bopen a case for the matching type of emergency outside this thread, e\.g\./g,
          "work through the matching section of this handbook, e.g.",
        ],
        [/\bopen a case for it, e\.g\./g, "work through the matching section of this handbook, e.g."],
        [/\bopen a separate case for that as well\b/g, "work through that section as well"],
        [/\balso needs a case of its own\b/g, "also needs its own section of this handbook"],
        [/\bopen a case of its own for that, e\.g\./g, "work through the matching section for that, e.g."],
        [/\bopen a case with\b/g, "work through the"],
        [/\b(?:in|into) this thread\b/g, "on the log sheet"],
        [/\bin the bot\b/g, "on the log sheet"],
      ],
      logSentence: (ref) => `Write it down on the log sheet (${ref}).`,
      rolesRef: (ref) => ` (enter them on the log sheet, ${ref})`,
      openThis: (also, section) => `${also}work through the ${section}`,
      openAny: (also, section) => `${also}work through the matching section of this handbook, e.g. ${section}`,
    },
  },
};

/** "Gedruckt am … · Organisationsdatei vom …": on the cover and on every page, so an old printout is recognisable. */
export function datesLine(t: HandbookText, printed: Date, config: { present: boolean; date?: Date | undefined }): string {
  const c = t.chrome;
  const file = config.date ? c.configDate(showTime(config.date, t.locale)) : config.present ? c.configUndated : c.noConfig;
  return `${c.printed(showTime(printed, t.locale))} · ${file}`;
}
