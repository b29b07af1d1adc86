/**
 * Every fixed text of the printed handbook, per language. The builder (build.ts) and the renderers (pdf.ts,
 * markdown.ts) take their words from here, so an English handbook needs a second entry, not a second layout.
 * Playbook and organisation content comes from the playbooks and the organisation file.
 */

import { showTime } from "../core/time.ts";

/** Languages the handbook can be printed in. */
export type HandbookLocale = "de";

/** A rewrite from chat wording to paper wording: pattern and replacement (`$1` etc. as in String.replace). */
export type PaperRule = readonly [RegExp, string];

export interface HandbookText {
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
  /** Words of the IT-Notfallkarte that are not the card's own content. */
  card: { chat: string };
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
      rules: [
        // "Verlauf exportieren (/notfall export) und sicher ablegen" → the paper log is what gets filed
        [/Verlauf exportieren \(\/notfall export\)/g, "Protokollblätter und, falls vorhanden, den Export aus dem Chat"],
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
};

/** "Gedruckt am … · Organisationsdatei vom …": on the cover and on every page, so an old printout is recognisable. */
export function datesLine(t: HandbookText, printed: Date, config: { present: boolean; date?: Date | undefined }): string {
  const c = t.chrome;
  const file = config.date ? c.configDate(showTime(config.date)) : config.present ? c.configUndated : c.noConfig;
  return `${c.printed(showTime(printed))} · ${file}`;
}
