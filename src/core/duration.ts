/**
 * RTO/RPO values as people write them in the organisation file: "4h", "4 Std.", "30 min", "1 Tag", "2 Wochen",
 * or ISO-8601 ("PT4H", "PT30M", "P1D"). The canonical form ("4 h", "30 min", "1 Tag", "3 Tage") is readable
 * German and is what the core's status view parses to show the time left.
 */
const UNITS: [RegExp, "min" | "h" | "d" | "w"][] = [
  [/^(m|min|mins|minute|minuten)\.?$/, "min"],
  [/^(h|std|stunde|stunden|hrs?)\.?$/, "h"],
  [/^(d|tag|tage|tagen|days?)\.?$/, "d"],
  [/^(w|wo|woche|wochen|weeks?)\.?$/, "w"],
];

/** Canonical form of a duration, or undefined when it cannot be read. Zero is not a duration. */
export function normaliseDuration(input: string): string | undefined {
  const s = input.trim();
  const iso = /^P(?:(\d+)D|T(\d+)H|T(\d+)M|(\d+)W)$/i.exec(s);
  if (iso) {
    if (iso[1]) return canonical(Number(iso[1]), "d");
    if (iso[2]) return canonical(Number(iso[2]), "h");
    if (iso[3]) return canonical(Number(iso[3]), "min");
    return canonical(Number(iso[4]), "w");
  }
  const m = /^(\d+)\s*([a-zA-Zäöü.]+)$/.exec(s);
  if (!m) return undefined;
  const word = m[2]!.toLowerCase();
  const unit = UNITS.find(([re]) => re.test(word))?.[1];
  return unit ? canonical(Number(m[1]), unit) : undefined;
}

function canonical(n: number, unit: "min" | "h" | "d" | "w"): string | undefined {
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  if (unit === "min") return `${n} min`;
  if (unit === "h") return `${n} h`;
  const days = unit === "w" ? n * 7 : n;
  return days === 1 ? "1 Tag" : `${days} Tage`;
}

/** Milliseconds of a canonical (or any readable) duration; undefined if unreadable. */
export function durationMs(value: string): number | undefined {
  const c = normaliseDuration(value);
  if (!c) return undefined;
  const m = /^(\d+) (min|h|Tag|Tage)$/.exec(c)!;
  const n = Number(m[1]);
  return m[2] === "min" ? n * 60_000 : m[2] === "h" ? n * 3_600_000 : n * 86_400_000;
}
