import { showDuration } from "../core/time.ts";
import { TIMELINE_KIND } from "../core/timeline-text.ts";
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

const berlinEn = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** The report's running heads and footers in English (the German ones are the handbook's). */
const CHROME_EN: PrintChrome = {
  continued: (section) => `${section} (continued)`,
  page: (n, of) => `Page ${n} of ${of}`,
  pageRef: (n) => `p. ${n}`,
  time: "Time",
  initials: "Initials",
  call: "Tel.",
};

export const REPORT_TEXT: Record<"de" | "en", ReportText> = {
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
      kinds: TIMELINE_KIND.de,
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
  en: {
    title: (id) => `Incident report ${id}`,
    subject: "Incident report for the insurer, the police and the data protection authority",
    intro: (exported) =>
      `Created on ${exported} by notfallbot from the stored timeline of the incident. All times in German time (Europe/Berlin). Italics show what the people involved typed, word for word.`,
    drill: "DRILL – not a real incident",
    drillText: "This report comes from a drill. Nothing in it was reported outside.",
    time: (iso) => berlinEn.format(new Date(iso)).replace(",", ""),
    duration: (ms) => showDuration(ms, "en"),
    chrome: CHROME_EN,
    facts: {
      heading: "At a glance",
      type: "Type of incident",
      title: "Name",
      level: "Level",
      opened: "Opened",
      aware: "Known since",
      closed: "Closed",
      stillOpen: "not closed yet",
      duration: "Duration",
      declaredBy: "Reported by",
      description: "Description",
      closeReason: "Reason for closing",
    },
    chart: {
      heading: "The course of events at a glance",
      caption:
        "One blue bar per phase, from start to end. Per role: grey is the time until someone took it on; the dot is the takeover, the triangle the first task taken on. Per deadline: the light bar is the running deadline, the diamond the moment it was met (green on time, red late), the cross a missed deadline.",
      phases: "Phase",
      phase: (name) => name,
      role: (name) => name,
      deadline: (title, dueLater) => (dueLater ? `${title} (due ${dueLater})` : title),
      waiting: "until taken on",
      window: "deadline running",
      windowMissed: "deadline running (missed)",
      taken: "role taken on",
      firstAck: "first task taken on",
      met: "deadline met",
      metLate: "met late",
      missed: "deadline missed",
      failed: "The picture could not be drawn; the tables below hold the same information.",
    },
    deadlines: {
      heading: "Deadlines",
      none: "No deadline ran in this incident.",
      columns: { title: "Deadline", started: "Start", due: "Due", met: "Met on", result: "Result" },
      asap: "without undue delay",
      state: { met: "met", missed: "missed", open: "open" },
    },
    roles: {
      heading: "Roles",
      columns: {
        role: "Role",
        holder: "Held by",
        taken: "Taken on",
        firstAck: "First task taken on",
        reaction: "Response time",
      },
      nobody: "nobody",
    },
    phases: {
      heading: "Phases",
      columns: { phase: "Phase", from: "From", to: "To", duration: "Duration", override: "Moved on despite open important tasks" },
      running: "running",
    },
    lessons: {
      heading: "Lessons learned",
      noAnswer: "No answer recorded.",
      followUps: "Open points",
      none: "none",
    },
    tasks: {
      heading: "Actions",
      counts: (done, skipped, open) => `${done} done, ${skipped} skipped (with a reason), ${open} open.`,
      columns: { task: "Skipped task", reason: "Reason" },
    },
    answers: {
      heading: "Assessment (answers to the questions)",
      columns: { question: "Question", answer: "Answer" },
      none: "—",
    },
    timeline: {
      heading: "Timeline",
      columns: { nr: "No.", time: "Time", who: "Who", kind: "Kind", text: "Entry" },
      kinds: TIMELINE_KIND.en,
    },
    chain: {
      heading: "Audit chain",
      ok: (entries) =>
        `Intact: all ${entries} entries of the timeline are unchanged. Each entry holds the checksum (SHA-256) of the one before it; changing, deleting or reordering an entry breaks the chain.`,
      broken: (firstBad, problem) =>
        `BROKEN from entry ${firstBad}: ${problem}. The timeline was changed after it was written; entries from this point on are not proven.`,
      head: "Last checksum (SHA-256):",
      how: "To check: the JSON file of the same export holds every entry with its checksum. The last checksum is also in the footer of every page.",
      footOk: (id, head) => `${id} · audit chain intact · last checksum ${head}`,
      footBroken: (id, firstBad) => `${id} · audit chain BROKEN from entry ${firstBad}`,
    },
  },
};
