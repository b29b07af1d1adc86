import { fold } from "../core/text.ts";
import { pageRef } from "./model.ts";
import type { HandbookText } from "./text.ts";

/**
 * Playbook texts are written for the chat ("/notfall notiz", "(Vorlage polizei)", "Playbook email-konto"). On paper
 * there is no chat: {@link paperText} says the same in words and points at the page where the template, the other
 * incident type or the log sheet is printed.
 */

/** Something a text may refer to by name, and where it is printed. */
export interface PaperTarget {
  title: string;
  anchor: string;
}

/** What a playbook's texts can refer to on paper. */
export interface PaperContext {
  t: HandbookText;
  /** Templates printed for this incident type (its own and the shared ones), by id. */
  templates: ReadonlyMap<string, PaperTarget>;
  /** Incident types, by playbook id. */
  playbooks: ReadonlyMap<string, PaperTarget>;
  /** Playbook ids by the names people type after /notfall (id and triggers, lower case). */
  playbookNames: ReadonlyMap<string, string>;
  /** Anchor of the log sheet. */
  log: string;
}

/** Folded (lower case, umlauts spelt out), anything else a hyphen: "IT-Dienstleister" → "it-dienstleister". */
function slug(s: string): string {
  return fold(s)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The template a text names, by id („mitarbeitende“), by the start of its id („NIS2“) or by its title. */
export function findTemplate(name: string, templates: ReadonlyMap<string, PaperTarget>): PaperTarget | undefined {
  const key = slug(name);
  if (!key) return undefined;
  const exact = templates.get(key);
  if (exact) return exact;
  for (const [id, target] of templates) if (id.startsWith(`${key}-`)) return target;
  for (const target of templates.values()) if (slug(target.title).includes(key)) return target;
  return undefined;
}

/** Marks another incident type while its sentence is rewritten: private-use characters, never in a playbook. */
const PB_OPEN = "\uE002";
const PB_CLOSE = "\uE003";
const PB = `${PB_OPEN}([a-z0-9-]+)${PB_CLOSE}`;

/** A template name as the playbooks write it: `mitarbeitende`, `it-dienstleister`, or quoted „IT-Dienstleister“. */
const TEMPLATE_NAME = `(?:„([^“”"]+)[“”"]|"([^"]+)"|([a-z0-9]+(?:-[a-z0-9]+)*))`;

/** Chat wording of one text said in words for paper, with page references. Unknown names are left as they are. */
export function paperText(text: string, cx: PaperContext): string {
  const { t } = cx;
  let out = text;
  // "Einfach mit /notfall notiz in diesen Verlauf schreiben." → the whole sentence points at the log sheet
  out = out.replace(/[^.!?:]*\/notfall (?:notiz|note)\b[^.!?]*[.!?]?/g, (sentence) => {
    const lead = /^\s*/.exec(sentence)?.[0] ?? "";
    return `${lead}${t.paper.logSentence(pageRef(cx.log))}`;
  });
  out = out.replace(/\s*\(\/notfall (?:rolle|role)\)/g, t.paper.rolesRef(pageRef(cx.log)));
  // "Vorlage bank", "(Vorlage „Polizei“)", "die Vorlage it-dienstleister": the template's title and page
  out = out.replace(
    new RegExp(String.raw`(\()?\b${t.paper.templateWord}:? ${TEMPLATE_NAME}(\))?`, "g"),
    (all, open: string | undefined, article: string | undefined, q1, q2, id, close: string | undefined) => {
      // English prose says "template" for other things too ("the IT provider template and …"): only "(template it)"
      if (t.locale === "en" && !(open && close)) return all;
      const found = findTemplate(q1 ?? q2 ?? id, cx.templates);
      if (!found) return all;
      const ref = pageRef(found.anchor);
      if (open && close) return `(${t.forms.refInBrackets(found.title, ref)})`;
      return `${open ?? ""}${article ?? ""}${t.forms.ref(found.title, ref)}${close ?? ""}`;
    },
  );
  // "/notfall E-Mail gehackt", "/notfall email-konto", "Playbook verschluesselung": first mark the other type …
  const mark = (id: string) => `${PB_OPEN}${id}${PB_CLOSE}`;
  out = out.replace(/\/notfall((?: [^\s.,;:()]+){1,4})/g, (all, tail: string) => {
    const words = tail.trim().split(" ");
    for (let n = words.length; n > 0; n--) {
      const id = cx.playbookNames.get(words.slice(0, n).join(" ").toLowerCase());
      if (id) return [mark(id), ...words.slice(n)].join(" ");
    }
    return all;
  });
  out = out.replace(/\bPlaybook ([a-z0-9]+(?:-[a-z0-9]+)*)/g, (all, id: string) => (cx.playbooks.has(id) ? mark(id) : all));
  // … then say "open an incident for it" as "work through its section"
  const section = (id: string) => {
    const pb = cx.playbooks.get(id)!;
    return t.forms.section(pb.title, pageRef(pb.anchor));
  };
  out = out.replace(
    new RegExp(
      `(?:außerhalb dieses Threads )?((?:zusätzlich )?)einen (?:eigenen |neuen |zusätzlichen )?Fall( zur passenden Notfallart)? eröffnen,? (z\\. B\\. |mit |etwa )?${PB}`,
      "g",
    ),
    (_all, also: string, any: string | undefined, eg: string | undefined, id: string) =>
      any || eg === "z. B. " ? t.paper.openAny(also, section(id)) : t.paper.openThis(also, section(id)),
  );
  out = out.replace(
    new RegExp(
      `(?:dafür )?((?:zusätzlich )?)einen (?:eigenen |neuen |zusätzlichen )?Fall (?:mit ${PB} eröffnen|eröffnen \\(${PB}\\))`,
      "g",
    ),
    (_all, also: string, id1: string | undefined, id2: string | undefined) => t.paper.openThis(also, section((id1 ?? id2)!)),
  );
  out = out.replace(new RegExp(PB, "g"), (_all, id: string) => section(id));
  for (const [pattern, replacement] of t.paper.rules) out = out.replace(pattern, replacement);
  return out;
}

/** Chat syntax that must never reach paper; tests and the builder check for it. */
export const CHAT_SYNTAX = /\/notfall\b|\bPlaybook [a-z]|\bim Bot\b|\bin diesen Verlauf\b|\bthis thread\b|\bin the bot\b/;
