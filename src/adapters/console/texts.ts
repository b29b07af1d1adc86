/** Texts of the terminal program itself (start and end of a session), German and English. */

/** An incident that is still open in the terminal's channel, as the start and end notices name it. */
export interface OpenIncidentNote {
  id: string;
  /** Type of incident in plain words (the playbook title or what was typed). */
  title: string;
  /** Name of the current phase, already in the bot's language. */
  phase: string;
  drill: boolean;
}

/** How many open incidents a notice lists by name; more are counted. */
const LISTED = 3;

export interface ConsoleTexts {
  /**
   * Shown when a person starts the bot at a terminal: where the data is, which organisation (undefined: no file;
   * empty: a file without a name), what to type.
   */
  intro(db: string, organisation: string | undefined): string[];
  /** One paragraph per open incident (at most {@link LISTED}), then what to type. Empty when none is open. */
  resume(open: readonly OpenIncidentNote[]): string[];
  /** Said when the input ends: what keeps running and how to come back. Empty when nothing is open. */
  farewell(open: readonly OpenIncidentNote[], again: string): string[];
  /** Before a message that replaces an earlier one (the terminal cannot edit what it printed). */
  updated: string;
  /** Before a message only one person should see. */
  onlyFor: (who: string) => string;
  /** Who a plain line speaks as when no `--user` is given. */
  defaultUser: string;
}

const de: ConsoleTexts = {
  updated: "(aktualisiert)",
  onlyFor: (who) => `(nur für ${who})`,
  defaultUser: "ich",
  intro: (db, org) => [
    `notfallbot im Terminal · Datenbank ${db}`,
    org !== undefined
      ? `Organisation: ${org || "(ohne Namen)"}`
      : "Ohne Organisationsdatei: Vorlagen zeigen Lücken [[…]]. Anlegen: cp examples/praxis.yaml notfall.config.yaml",
    "Tippen Sie `/notfall hilfe` oder z. B. `/notfall verschlüsselung`. `@anna: …` spricht als anna. Ende: Strg+D.",
  ],
  resume(open) {
    if (open.length === 0) return [];
    const lines = open.slice(0, LISTED).map((o) => `${o.drill ? "🧪 ÜBUNG " : ""}${o.id} läuft noch: ${o.title}, Phase ${o.phase}.`);
    if (open.length > LISTED) lines.push(`… und ${open.length - LISTED} weitere offene Notfälle.`);
    lines.push(
      open.length === 1
        ? "Weiter wie bisher. Die Lage zeigt `status`."
        : "Mehrere Notfälle sind offen. Die Lage eines Notfalls: `status NF-…`.",
    );
    return lines;
  },
  farewell(open, again) {
    if (open.length === 0) return [];
    const ids = open.map((o) => o.id).join(", ");
    return [
      `Eingabe beendet. ${ids} ${open.length === 1 ? "läuft" : "laufen"} weiter – alles ist gespeichert.`,
      "Solange der Bot nicht läuft, kommen keine Erinnerungen. Die Fristen laufen trotzdem weiter.",
      `Weitermachen: \`${again}\``,
    ];
  },
};

const en: ConsoleTexts = {
  updated: "(updated)",
  onlyFor: (who) => `(only for ${who})`,
  defaultUser: "me",
  intro: (db, org) => [
    `notfallbot in the terminal · database ${db}`,
    org !== undefined
      ? `Organisation: ${org || "(no name)"}`
      : "No organisation file: templates show gaps [[…]]. Create one: cp examples/praxis.yaml notfall.config.yaml",
    "Type `/notfall help` or e.g. `/notfall ransomware`. `@anna: …` speaks as anna. To end: Ctrl+D.",
  ],
  resume(open) {
    if (open.length === 0) return [];
    const lines = open.slice(0, LISTED).map((o) => `${o.drill ? "🧪 DRILL " : ""}${o.id} is still open: ${o.title}, phase ${o.phase}.`);
    if (open.length > LISTED) lines.push(`… and ${open.length - LISTED} more open incidents.`);
    lines.push(
      open.length === 1
        ? "Carry on as before. `status` shows where things stand."
        : "Several incidents are open. One incident's status: `status NF-…`.",
    );
    return lines;
  },
  farewell(open, again) {
    if (open.length === 0) return [];
    const ids = open.map((o) => o.id).join(", ");
    return [
      `Input ended. ${ids} ${open.length === 1 ? "stays" : "stay"} open – everything is saved.`,
      "While the bot is not running, no reminders are sent. The deadlines keep running all the same.",
      `To carry on: \`${again}\``,
    ];
  },
};

export function consoleTexts(locale: "de" | "en" | undefined): ConsoleTexts {
  return locale === "en" ? en : de;
}
