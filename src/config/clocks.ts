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
  /** Audience of the template the playbook uses for the notice (e.g. `datenschutzbehoerde`), if any. */
  audience?: string;
}

/**
 * Every deadline of the playbooks, once each (first definition wins), in playbook order. A deadline whose
 * condition names a configuration switch (`config: nis2` / `config: insurer`) only applies when that switch is on;
 * all others (DSGVO) apply always, once their condition in the incident holds.
 */
export function legalClocks(playbooks: readonly Playbook[], cfg: OrgConfig | undefined): LegalClock[] {
  const flags = flagsOf(cfg);
  const byId = new Map<string, { d: Deadline; pb: Playbook }>();
  for (const pb of playbooks) for (const d of pb.deadlines) if (!byId.has(d.id)) byId.set(d.id, { d, pb });
  const titles = new Map([...byId.values()].map(({ d }) => [d.id, loc(d.title)]));
  return [...byId.values()].map(({ d, pb }) => {
    const sw = d.when?.config;
    const applies = sw ? flags[sw] : true;
    const why =
      sw === "nis2"
        ? applies
          ? "nis2: true"
          : "nis2: false"
        : sw === "insurer"
          ? applies
            ? "Versicherung eingetragen"
            : "keine Versicherung eingetragen"
          : "immer";
    const audience = d.template ? pb.templates.find((t) => t.id === d.template)?.audience : undefined;
    return {
      id: d.id,
      title: loc(d.title),
      period: d.within ? isoDurationGerman(d.within) : "unverzüglich",
      start:
        d.from === "trigger"
          ? "ab Feststellung"
          : d.from === "deadline"
            ? `nach „${titles.get(d.after ?? "") ?? d.after ?? "?"}“`
            : "ab Kenntnis",
      basis: loc(d.basis),
      applies,
      why,
      ...(audience ? { audience } : {}),
    };
  });
}

const UNIT_NAMES: Record<string, [string, string]> = {
  Y: ["Jahr", "Jahre"],
  M: ["Monat", "Monate"],
  W: ["Woche", "Wochen"],
  D: ["Tag", "Tage"],
  H: ["Stunde", "Stunden"],
  m: ["Minute", "Minuten"],
};

/** `PT72H` → "72 Stunden", `P1M` → "1 Monat", `P1DT2H` → "1 Tag 2 Stunden". Unreadable input is returned as is. */
export function isoDurationGerman(iso: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return iso;
  const parts: string[] = [];
  (["Y", "M", "W", "D", "H", "m"] as const).forEach((unit, i) => {
    const n = m[i + 1];
    if (n === undefined) return;
    const [one, many] = UNIT_NAMES[unit]!;
    parts.push(`${n} ${Number(n) === 1 ? one : many}`);
  });
  return parts.length ? parts.join(" ") : iso;
}
