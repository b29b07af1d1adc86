import { showDuration } from "../core/time.ts";
import type { PrintChrome } from "../handbook/pdf.ts";
import { HANDBOOK_TEXT } from "../handbook/text.ts";

/**
 * Every fixed text of the incident report, per language; the document builder (document.ts) and the chart take
 * their words from here. What people typed and what the playbook says come from the incident.
 */

export interface ReportText {
  title: (id: string) => string;
  subject: string;
  intro: (exported: string) => string;
  drill: string;
  drillText: string;
  /** Dates and times in Europe/Berlin, and durations. */
  time: (iso: string) => string;
  duration: (ms: number) => string;
  /** Continuation pages and footers: the same words as the handbook's. */
  chrome: PrintChrome;
  facts: {
    heading: string;
    type: string;
    title: string;
    level: string;
    opened: string;
    aware: string;
    closed: string;
    stillOpen: string;
    duration: string;
    declaredBy: string;
    description: string;
    closeReason: string;
  };
  chart: {
    heading: string;
    caption: string;
    phases: string;
    phase: (name: string) => string;
    role: (name: string) => string;
    deadline: (title: string, dueLater: string | undefined) => string;
    waiting: string;
    window: string;
    windowMissed: string;
    taken: string;
    firstAck: string;
    met: string;
    metLate: string;
    missed: string;
    /** Shown instead of the picture when it could not be drawn. */
    failed: string;
  };
  deadlines: {
    heading: string;
    none: string;
    columns: { title: string; started: string; due: string; met: string; result: string };
    asap: string;
    state: { met: string; missed: string; open: string };
  };
  roles: {
    heading: string;
    columns: { role: string; holder: string; taken: string; firstAck: string; reaction: string };
    nobody: string;
  };
  phases: {
    heading: string;
    columns: { phase: string; from: string; to: string; duration: string; override: string };
    running: string;
  };
  lessons: { heading: string; noAnswer: string; followUps: string; none: string };
  tasks: {
    heading: string;
    counts: (done: number, skipped: number, open: number) => string;
    columns: { task: string; reason: string };
  };
  answers: { heading: string; columns: { question: string; answer: string }; none: string };
  timeline: {
    heading: string;
    columns: { nr: string; time: string; who: string; kind: string; text: string };
    kinds: Record<string, string>;
  };
  chain: {
    heading: string;
    ok: (entries: number) => string;
    broken: (firstBad: number, problem: string) => string;
    head: string;
    how: string;
    footOk: (id: string, head: string) => string;
    footBroken: (id: string, firstBad: number) => string;
  };
}

const berlin = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export const REPORT_TEXT: Record<"de", ReportText> = {
  de: {
    title: (id) => `Vorfallsbericht ${id}`,
    subject: "Vorfallsbericht für Versicherung, Polizei und Datenschutzbehörde",
    intro: (exported) =>
      `Erstellt am ${exported} von notfallbot aus der gespeicherten Zeitleiste des Vorfalls. Alle Zeiten in deutscher Zeit (Europe/Berlin). Kursiv gedruckt ist, was Beteiligte wörtlich eingegeben haben.`,
    drill: "ÜBUNG – kein echter Vorfall",
    drillText: "Dieser Bericht stammt aus einer Übung. Nichts davon wurde nach außen gemeldet.",
    time: (iso) => berlin.format(new Date(iso)).replace(",", ""),
    duration: (ms) => showDuration(ms),
    chrome: HANDBOOK_TEXT.de.chrome,
    facts: {
      heading: "Auf einen Blick",
      type: "Art des Vorfalls",
      title: "Bezeichnung",
      level: "Stufe",
      opened: "Eröffnet",
      aware: "Kenntnis seit",
      closed: "Abgeschlossen",
      stillOpen: "noch nicht abgeschlossen",
      duration: "Dauer",
      declaredBy: "Gemeldet von",
      description: "Beschreibung",
      closeReason: "Grund für den Abschluss",
    },
    chart: {
      heading: "Ablauf im Bild",
      caption:
        "Je Phase ein blauer Balken von Beginn bis Ende. Je Rolle: grau die Zeit, bis jemand sie übernommen hat; der Punkt ist die Übernahme, das Dreieck die erste bestätigte Aufgabe. Je Frist: der helle Balken ist die laufende Frist, die Raute der Zeitpunkt der Erfüllung (grün rechtzeitig, rot zu spät), das Kreuz eine versäumte Frist.",
      phases: "Phase",
      phase: (name) => name,
      role: (name) => name,
      deadline: (title, dueLater) => (dueLater ? `${title} (fällig ${dueLater})` : title),
      waiting: "bis zur Übernahme",
      window: "Fristlauf",
      windowMissed: "Fristlauf (versäumt)",
      taken: "Rolle übernommen",
      firstAck: "erste Aufgabe bestätigt",
      met: "Frist erfüllt",
      metLate: "zu spät erfüllt",
      missed: "Frist versäumt",
      failed: "Das Bild konnte nicht gezeichnet werden; die Tabellen unten enthalten dieselben Angaben.",
    },
    deadlines: {
      heading: "Fristen",
      none: "In diesem Vorfall lief keine Frist.",
      columns: { title: "Frist", started: "Beginn", due: "Fällig", met: "Erfüllt am", result: "Ergebnis" },
      asap: "unverzüglich",
      state: { met: "eingehalten", missed: "versäumt", open: "offen" },
    },
    roles: {
      heading: "Rollen",
      columns: {
        role: "Rolle",
        holder: "Besetzt durch",
        taken: "Übernommen",
        firstAck: "Erste Aufgabe bestätigt",
        reaction: "Reaktionszeit",
      },
      nobody: "niemand",
    },
    phases: {
      heading: "Phasen",
      columns: { phase: "Phase", from: "Von", to: "Bis", duration: "Dauer", override: "Weiter trotz offener wichtiger Aufgaben" },
      running: "läuft",
    },
    lessons: {
      heading: "Lehren aus dem Vorfall",
      noAnswer: "Keine Antwort erfasst.",
      followUps: "Offene Punkte",
      none: "keine",
    },
    tasks: {
      heading: "Maßnahmen",
      counts: (done, skipped, open) => `${done} erledigt, ${skipped} übersprungen (mit Grund), ${open} offen.`,
      columns: { task: "Übersprungene Aufgabe", reason: "Grund" },
    },
    answers: {
      heading: "Einschätzung (Antworten auf die Fragen)",
      columns: { question: "Frage", answer: "Antwort" },
      none: "—",
    },
    timeline: {
      heading: "Zeitleiste",
      columns: { nr: "Nr.", time: "Zeit", who: "Wer", kind: "Art", text: "Eintrag" },
      kinds: {
        opened: "Eröffnet",
        role: "Rolle",
        task: "Aufgabe",
        answer: "Antwort",
        note: "Notiz",
        phase: "Phase",
        override: "Weiter trotz",
        level: "Stufe",
        escalate: "Stufe",
        deadline: "Frist",
        reminder: "Erinnerung",
        message: "Nachricht",
        text: "Nachricht",
        template: "Vorlage",
        closed: "Abschluss",
        close: "Abschluss",
        export: "Export",
        review: "Nachbereitung",
        "delivery-failed": "Zustellung",
      },
    },
    chain: {
      heading: "Prüfkette",
      ok: (entries) =>
        `In Ordnung: Alle ${entries} Einträge der Zeitleiste sind unverändert. Jeder Eintrag enthält die Prüfsumme (SHA-256) seines Vorgängers; wer einen Eintrag ändert, löscht oder umsortiert, bricht die Kette.`,
      broken: (firstBad, problem) =>
        `GEBROCHEN ab Eintrag ${firstBad}: ${problem}. Die Zeitleiste wurde nach dem Eintragen verändert; Einträge ab dieser Stelle sind nicht belegt.`,
      head: "Letzte Prüfsumme (SHA-256):",
      how: "Nachprüfen: Die JSON-Datei desselben Exports enthält jeden Eintrag mit seiner Prüfsumme. Die letzte Prüfsumme steht auch in der Fußzeile jeder Seite.",
      footOk: (id, head) => `${id} · Prüfkette in Ordnung · letzte Prüfsumme ${head}`,
      footBroken: (id, firstBad) => `${id} · Prüfkette GEBROCHEN ab Eintrag ${firstBad}`,
    },
  },
};
