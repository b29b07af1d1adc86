/**
 * German words as people type them, reduced to comparable stems: case, umlauts and ß both ways, punctuation,
 * hyphens, file extensions, stop words, and stems from the Snowball German stemmer (`@orama/stemmers`).
 */
import { stemmer } from "@orama/stemmers/german";
import { stopwords as englishStopwords } from "@orama/stopwords/english";
import { stopwords as germanStopwords } from "@orama/stopwords/german";

/** One typed word, folded and stemmed, with the pieces a hyphen split off (`e-rezept` → `e`, `rezept`). */
export interface Word {
  /** Folded surface form without hyphens (`erezept`). */
  folded: string;
  /** Stems to compare: the Snowball stem and, for a participle, the stem without its `ge` (`abgestuerzt` → `absturzt`). */
  forms: string[];
  /** Hyphen pieces (folded), when the word had hyphens. */
  pieces: string[];
  /** Put together from a separated verb ("fährt … hoch" → `hochfahrt`): compared only as it is, never as a typo. */
  derived?: boolean;
}

/**
 * Lower case, accents removed, umlauts to their base vowel both ways: `ä`, `ae` → `a` (also `ö`/`oe`, `ü`/`ue`),
 * `ß` → `ss`. A spelled-out umlaut after a vowel or `q` stays (`feuer`, `quelle`). Only letters, digits, spaces,
 * dots and hyphens remain.
 */
export function foldWord(s: string): string {
  return s
    .toLowerCase()
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/(?<![aeiouq])([aou])e/g, "$1")
    .replace(/[^a-z0-9.\-\s]/g, " ");
}

/** Words that carry meaning in an emergency although generic stop-word lists drop them. */
const KEEP = new Set(["weg", "kein", "keine", "keinen", "keiner", "nicht", "nichts", "selbst", "down", "out", "off", "no", "not"]);
/** Fillers of chat German that the Snowball list lacks. */
const MORE_STOPWORDS =
  "wurde wurden worden unsere unserer unseren unserem unseres gibt gab seit heute gestern morgen gerade eben leider " +
  "hallo moin ja nein ok okay bzw usw ca etc evtl vielleicht glaube denke wohl halt echt einfach gleich grad mehrere " +
  "bekommen bekommt bekam kommt kam gemacht sagt sagen steht stand gesehen sehe sieht zeigt zeigen erscheint";
const STOP = new Set(
  [...germanStopwords, ...englishStopwords, ...MORE_STOPWORDS.split(" ")].map((w) => foldWord(w).trim()).filter((w) => !KEEP.has(w)),
);

/**
 * Everyday file extensions and address endings: `.pdf` in "rechnung.pdf" is no sign of anything. Any other
 * extension glued to a word or standing alone (`.locked`, `datei.docx.crypt`) is reported as the word `endung`
 * besides the extension itself, so "alle Dateien heißen jetzt .locked" meets "Dateien haben eine fremde Endung".
 */
const ORDINARY_EXTENSIONS = new Set(
  (
    "pdf doc docx xls xlsx xlsm ppt pptx odt ods odp rtf txt csv xml json htm html jpg jpeg png gif bmp tif tiff heic " +
    "svg mp3 mp4 mov avi wav zip rar 7z exe msi lnk iso msg eml vcf ics ini log bak tmp dat db sql de com org net eu " +
    "at ch info io uk us fr it nl be pl es nrw bund gov edu www"
  ).split(" "),
);

/**
 * Stems that say something is wrong but not what ("kaputt", "geht nicht", "weg", "Störung"), or only where
 * ("Praxis", "PC"): they count a little everywhere and never count against a playbook. Without this list, "router kaputt" would lean to whichever playbook
 * happens to use "kaputt" in a symptom phrase.
 */
export const GENERIC_STEMS: ReadonlySet<string> = new Set(
  (
    "kein keine nicht nichts weg geht gehen ging mehr raus rein ab down out off no not kaputt defekt ausgefallen " +
    "Ausfall gestört Störung Störungen Problem Probleme Fehler tot hängt funktioniert läuft laufen klappt seltsam " +
    "komisch plötzlich total ganz mal schon sofort dringend Hilfe bitte Notfall los passiert irgendwas irgendwie " +
    "meldet melden gemeldet Meldung " +
    // who, without saying what happened: "jemand hat angerufen" is no remote access
    "jemand jemandem jemanden irgendwer irgendjemand niemand " +
    // where it happens, not what: the setting of nearly every declaration
    "Praxis Firma Büro PC PCs Rechner Computer Arbeitsplatz Empfang Kollege Kollegin Mitarbeiter Mitarbeiterin alle " +
    "Kunde Kunden Patient Patienten"
  )
    .split(" ")
    .map((w) => stemmer(foldWord(w))),
);

/**
 * Stems that say something broke or stopped working ("kaputt", "defekt", "hängt", "ausgefallen", "Störung"): a
 * subset of {@link GENERIC_STEMS}. A playbook whose cues never use one of them (a lost device, remote access) is
 * not opened on a declaration that has one ("laptop kaputt" is no lost laptop).
 */
export const FAILURE_STEMS: ReadonlySet<string> = new Set(
  "kaputt defekt tot hängt funktioniert klappt ausgefallen Ausfall gestört Störung Störungen down broken crashed"
    .split(" ")
    .map((w) => stemmer(foldWord(w))),
);

/** Verbs of working that say something stopped when "nicht" follows ("geht nicht", "startet nicht mehr"). */
const WORKING_VERBS = ["geht", "gehen", "ging", "läuft", "laufen", "startet", "starten", "funktioniert", "klappt"];
/** Their stems (a playbook that uses them speaks of something that stopped working). */
export const WORKING_STEMS: ReadonlySet<string> = new Set(WORKING_VERBS.map((w) => stemmer(foldWord(w))));
const NOT_WORKING = new RegExp(
  `(?<![\\p{L}])(?:${WORKING_VERBS.join("|")}|lauft)\\s+(?:gar\\s+|überhaupt\\s+|ueberhaupt\\s+)?(?:nicht|nix|nimmer)(?![\\p{L}])`,
  "iu",
);

/**
 * Whether a description says that something broke: a word of {@link FAILURE_STEMS}, or a verb of working followed
 * by "nicht" ("teamviewer geht nicht"; "geht" alone is no sign: "brief ging an die falsche person").
 */
export function saysBroken(text: string, typed: readonly Word[]): boolean {
  return typed.some((w) => w.forms.some((f) => FAILURE_STEMS.has(f))) || NOT_WORKING.test(text.slice(0, 2000));
}

/** The word that stands for "an unusual file extension was mentioned". */
export const EXTENSION_WORD = "endung";

const GE_PREFIXES = /^(ab|an|auf|aus|bei|durch|ein|fest|her|hoch|los|mit|nach|raus|rein|runter|um|vor|weg|zu|zuruck|zusammen)ge(.{3,})$/;

/** Snowball stem plus, for a participle, the stem without its `ge` (`ausgefallen` → `ausfall`, `gehackt` → `hackt`). */
export function stemForms(folded: string): string[] {
  const stem = stemmer(folded);
  const forms = [stem];
  const sep = GE_PREFIXES.exec(stem);
  if (sep) forms.push(sep[1]! + sep[2]!);
  else if (/^ge.{4,}/.test(stem)) forms.push(stem.slice(2));
  return forms;
}

/** A word is worth comparing when it is no stop word, has two letters or more and is not a bare number. */
function meaningful(w: string): boolean {
  return w.length >= 2 && !STOP.has(w) && !/^\d+$/.test(w);
}

/**
 * The words of `text` worth comparing, in order, without repeats. At most `maxWords` words are read (a pasted
 * mail must not make a declaration slow).
 */
export function words(text: string, maxWords = 40): Word[] {
  const out: Word[] = [];
  const seen = new Set<string>();
  const push = (w: Word) => {
    if (seen.has(w.folded) || out.length >= maxWords) return;
    seen.add(w.folded);
    out.push(w);
  };
  let extension = false;
  for (const clause of text.slice(0, 2000).split(/[,;:!?()\n]+|\.(?=\s|$)/)) {
    if (out.length >= maxWords) break;
    const tokens = foldWord(clause).split(/\s+/).filter(Boolean);
    for (const raw of tokens) {
      if (out.length >= maxWords) break;
      // "datei.docx.locked", ".locked": the first piece is a word, the last one the extension that counts;
      // "rechnung.pdf" and "www.bsi.de" end in an everyday one and mean nothing
      const [base = "", ...exts] = raw.split(".");
      const ext = exts.filter(Boolean).pop();
      if (ext && /^[a-z][a-z0-9]{1,11}$/.test(ext) && !ORDINARY_EXTENSIONS.has(ext)) {
        extension = true;
        push(word(ext));
      }
      const w = base.replace(/^-+|-+$/g, "");
      if (!w) continue;
      const pieces = w.split(/-+/).filter(Boolean);
      const joined = pieces.join("");
      if (!meaningful(joined)) continue;
      push({ ...word(joined), pieces: pieces.length > 1 ? pieces.filter(meaningful) : [] });
    }
    // a verb whose particle closes the clause: "server fährt nicht hoch" → "hochfahrt", "strom fällt aus" → "ausfallt"
    const last = tokens[tokens.length - 1];
    if (last && PARTICLES.has(last)) {
      for (const t of tokens.slice(Math.max(0, tokens.length - 5), -1)) {
        if (t.length >= 3 && !STOP.has(t) && !KEEP.has(t) && /^[a-z]+$/.test(t)) push({ ...word(last + t), derived: true });
      }
    }
  }
  if (extension) push(word(EXTENSION_WORD));
  return out;
}

/** Particles of separable verbs, when they close a clause ("fährt nicht hoch", "fällt aus", "stürzt ab"). */
const PARTICLES = new Set(["ab", "an", "auf", "aus", "ein", "los", "hoch", "runter", "rein", "raus", "zu", "mit", "um"]);

function word(folded: string): Word {
  return { folded, forms: stemForms(folded), pieces: [] };
}
