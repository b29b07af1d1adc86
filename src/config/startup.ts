import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import { type ConfigReading, formatConfigIssue } from "./load.ts";

/**
 * What `npm start` and `notfallbot serve` say about the organisation file before they start. A broken file never
 * stops them (it may be the middle of an emergency): the warning names the file, each mistake with its line, and
 * what the bot does without, then the bot runs with the valid parts. One entry per line to show; undefined when there
 * is nothing to say.
 */
export function startupNotice(r: ConfigReading | undefined, locale: "de" | "en" = "de"): string[] | undefined {
  if (!r) return undefined;
  if (locale === "en") return startupNoticeEn(r);
  if (r.issues.length > 0) {
    const n = r.issues.length === 1 ? "einen Fehler" : `${r.issues.length} Fehler`;
    const without = r.config === undefined ? "ganz ohne Organisationsdatei" : `ohne diese Teile: ${r.dropped.join(", ")}`;
    return [
      `⚠️  ACHTUNG: Die Organisationsdatei ${r.file} hat ${n}. Der Bot startet trotzdem – ${without}.`,
      "Telefonnummern und Angaben daraus fehlen in Aufgaben und Vorlagen (als [[…]]), bis die Datei repariert ist.",
      ...r.issues.flatMap((i) => formatConfigIssue(i).split("\n")),
      "Reparieren, wenn Zeit ist, dann prüfen: notfallbot check-config",
    ];
  }
  const examples = r.warnings.find((w) => w.kind === "examples");
  if (examples) {
    return [
      `⚠️  Die Organisationsdatei ${r.file} enthält noch Beispieldaten aus der Vorlage (z. B. erfundene Telefonnummern). Prüfen: notfallbot check-config`,
    ];
  }
  return undefined;
}

/** The same in English (`--lang en`), the mistakes included. */
function startupNoticeEn(r: ConfigReading): string[] | undefined {
  if (r.issues.length > 0) {
    const n = r.issues.length === 1 ? "one mistake" : `${r.issues.length} mistakes`;
    const parts = r.dropped.map((d) => (d === de.config.fileStart ? en.config.fileStart : d));
    const without = r.config === undefined ? "without any organisation file" : `without these parts: ${parts.join(", ")}`;
    return [
      `⚠️  WARNING: the organisation file ${r.file} has ${n}. The bot starts anyway – ${without}.`,
      "Phone numbers and details from it are missing in tasks and templates (shown as [[…]]) until the file is fixed.",
      ...r.issues.flatMap((i) => formatConfigIssue(i, "en").split("\n")),
      "Fix it when there is time, then check: notfallbot check-config",
    ];
  }
  if (r.warnings.some((w) => w.kind === "examples"))
    return [
      `⚠️  The organisation file ${r.file} still holds example data from the template (e.g. made-up phone numbers). Check: notfallbot check-config`,
    ];
  return undefined;
}
