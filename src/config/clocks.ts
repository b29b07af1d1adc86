import { flagsOf, type OrgConfig } from "../core/org.ts";
import { type Deadline, loc, type Playbook } from "../machines/schema.ts";

/** One legal or contractual clock as the playbooks define it, and whether it runs for this organisation. */
export interface LegalClock {
  id: string;
  title: string;
  /** "72 Stunden", "1 Monat", or "unverzüglich". */
  period: string;
  /** "ab Kenntnis", "ab Feststellung", "nach …". */
  start: string;
  /** What the law or contract asks, in one sentence. */
  basis: string;
  /** False when the organisation file switches it off (NIS2 without `nis2: true`, insurer without `insurer:`). */
  applies: boolean;
  /** Why it does or does not apply, in a few words. */
  why: string;
  /** The switch it depends on: `always` (DSGVO), `nis2` or `insurer`. */
  when: "always" | "nis2" | "insurer";
  /** Audience of the template the playbook uses for the notice (e.g. `datenschutzbehoerde`), if any. */
  audience?: string;
}

/**
 * Every deadline of the playbooks, once each (first definition wins), in playbook order. A deadline whose
 * condition names a configuration switch (`config: nis2` / `config: insurer`) only applies when that switch is on;
 * all others (DSGVO) apply always, once their condition in the incident holds.
 */
export function legalClocks(playbooks: readonly Playbook[], cfg: OrgConfig | undefined, locale: "de" | "en" = "de"): LegalClock[] {
  const w = CLOCK_WORDS[locale];
  const flags = flagsOf(cfg);
  const byId = new Map<string, { d: Deadline; pb: Playbook }>();
  for (const pb of playbooks) for (const d of pb.deadlines) if (!byId.has(d.id)) byId.set(d.id, { d, pb });
  const titles = new Map([...byId.values()].map(({ d }) => [d.id, loc(d.title, locale)]));
  return [...byId.values()].map(({ d, pb }) => {
    const sw = d.when?.config;
    const applies = sw ? flags[sw] : true;
    const why =
      sw === "nis2" ? (applies ? "nis2: true" : "nis2: false") : sw === "insurer" ? (applies ? w.insurerOn : w.insurerOff) : w.always;
    const audience = d.template ? pb.templates.find((t) => t.id === d.template)?.audience : undefined;
    return {
      id: d.id,
      title: loc(d.title, locale),
      period: d.within ? isoDuration(d.within, locale) : w.immediately,
      start:
        d.from === "trigger" ? w.fromTrigger : d.from === "deadline" ? w.after(titles.get(d.after ?? "") ?? d.after ?? "?") : w.fromAware,
      basis: loc(d.basis, locale),
      applies,
      why,
      when: sw === "nis2" || sw === "insurer" ? sw : "always",
      ...(audience ? { audience } : {}),
    };
  });
}

/** The words of {@link legalClocks}, per language. */
const CLOCK_WORDS = {
  de: {
    always: "immer",
    insurerOn: "Versicherung eingetragen",
    insurerOff: "keine Versicherung eingetragen",
    immediately: "unverzüglich",
    fromTrigger: "ab Feststellung",
    fromAware: "ab Kenntnis",
    after: (title: string) => `nach „${title}“`,
  },
  en: {
    always: "always",
    insurerOn: "insurer entered",
    insurerOff: "no insurer entered",
    immediately: "without undue delay",
    fromTrigger: "from detection",
    fromAware: "from awareness",
    after: (title: string) => `after "${title}"`,
  },
} as const;

const UNIT_NAMES: Record<"de" | "en", Record<string, [string, string]>> = {
  de: {
    Y: ["Jahr", "Jahre"],
    M: ["Monat", "Monate"],
    W: ["Woche", "Wochen"],
    D: ["Tag", "Tage"],
    H: ["Stunde", "Stunden"],
    m: ["Minute", "Minuten"],
  },
  en: {
    Y: ["year", "years"],
    M: ["month", "months"],
    W: ["week", "weeks"],
    D: ["day", "days"],
    H: ["hour", "hours"],
    m: ["minute", "minutes"],
  },
};

/** `PT72H` → "72 Stunden", `P1M` → "1 Monat", `P1DT2H` → "1 Tag 2 Stunden". Unreadable input is returned as is. */
export function isoDurationGerman(iso: string): string {
  return isoDuration(iso, "de");
}

/** The same in either language: `PT72H` → "72 hours" in English. */
export function isoDuration(iso: string, locale: "de" | "en"): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return iso;
  const parts: string[] = [];
  (["Y", "M", "W", "D", "H", "m"] as const).forEach((unit, i) => {
    const n = m[i + 1];
    if (n === undefined) return;
    const [one, many] = UNIT_NAMES[locale][unit]!;
    parts.push(`${n} ${Number(n) === 1 ? one : many}`);
  });
  return parts.length ? parts.join(" ") : iso;
}
