/** Times are stored in UTC (ISO strings) and shown in Europe/Berlin, correct across summer time. */
const TZ = "Europe/Berlin";

const FULL: Intl.DateTimeFormatOptions = {
  timeZone: TZ,
  weekday: "short",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
};
/** English with the month as a word ("Mon 2 Mar 2026, 09:00"): 02/03 reads as 3 February to half the English-speaking world. */
const FULL_EN: Intl.DateTimeFormatOptions = { ...FULL, day: "numeric", month: "short" };
const fmt = { de: new Intl.DateTimeFormat("de-DE", FULL), en: new Intl.DateTimeFormat("en-GB", FULL_EN) };
const timeOnly = new Intl.DateTimeFormat("de-DE", { timeZone: TZ, hour: "2-digit", minute: "2-digit" });

/** "Mo., 02.03.2026, 09:00" (Europe/Berlin). */
export function showTime(iso: string | Date, locale: "de" | "en" = "de"): string {
  return fmt[locale].format(typeof iso === "string" ? new Date(iso) : iso);
}

export function showClock(iso: string | Date): string {
  return timeOnly.format(typeof iso === "string" ? new Date(iso) : iso);
}

/** "2 h 15 min", "3 Tage 4 h". */
export function showDuration(ms: number, locale: "de" | "en" = "de"): string {
  const neg = ms < 0;
  let m = Math.round(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const parts: string[] = [];
  if (d) parts.push(locale === "de" ? `${d} ${d === 1 ? "Tag" : "Tage"}` : `${d} ${d === 1 ? "day" : "days"}`);
  if (h) parts.push(`${h} h`);
  if (m || parts.length === 0) parts.push(`${m} min`);
  return (neg ? "-" : "") + parts.slice(0, 2).join(" ");
}

/** Offset of Europe/Berlin from UTC at `at`, in minutes (60 in winter, 120 in summer). */
export function berlinOffsetMinutes(at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: TZ,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - Math.floor(at.getTime() / 60000) * 60000) / 60000);
}

/** The UTC instant of a Berlin wall-clock time. */
export function fromBerlin(y: number, mo: number, d: number, h: number, mi: number): Date {
  const guess = new Date(Date.UTC(y, mo - 1, d, h, mi));
  const off1 = berlinOffsetMinutes(new Date(guess.getTime() - 60 * 60000));
  const t = new Date(guess.getTime() - off1 * 60000);
  const off2 = berlinOffsetMinutes(t);
  return off2 === off1 ? t : new Date(guess.getTime() - off2 * 60000);
}

/**
 * Parse a point in time as people type it: `jetzt`, `08:30`, `heute 8:30`, `gestern 17:45`, `02.03. 08:30`,
 * `02.03.2026 08:30`, `vor 2 stunden`, `vor 30 min`, `2 hours ago`, or an ISO time. Berlin wall-clock. A bare time in the
 * future is taken as yesterday. Returns undefined when it cannot be read, or when it lies in the future.
 */
export function parseWhen(input: string, now: Date): Date | undefined {
  const s = input
    .trim()
    .toLowerCase()
    .replace(/\s+uhr\b/, "")
    .replace(/\s+/g, " ");
  if (/^(jetzt|now|gerade|eben)$/.test(s)) return now;
  const ago =
    /^vor (\d{1,3}) ?(min|minute|minuten|m|h|std|stunde|stunden|tag|tagen|d)$/.exec(s) ??
    /^(\d{1,3}) ?(min|mins|minute|minutes|m|h|hr|hrs|hour|hours|d|day|days) ago$/.exec(s);
  if (ago) {
    const n = Number(ago[1]);
    const unit = ago[2]!;
    const ms = unit.startsWith("m") ? n * 60000 : unit.startsWith("t") || unit.startsWith("d") ? n * 86400000 : n * 3600000;
    return new Date(now.getTime() - ms);
  }
  if (/^\d{4}-\d{2}-\d{2}t/.test(s)) {
    const d = new Date(input.trim());
    return Number.isNaN(d.getTime()) || d > now ? undefined : d;
  }
  const berlinNow = new Date(now.getTime() + berlinOffsetMinutes(now) * 60000);
  let y = berlinNow.getUTCFullYear();
  let mo = berlinNow.getUTCMonth() + 1;
  let d = berlinNow.getUTCDate();
  let rest = s;
  let explicitDay = false;
  const day = /^(heute|today|gestern|yesterday|vorgestern) ?(.*)$/.exec(rest);
  if (day) {
    const back = day[1] === "gestern" || day[1] === "yesterday" ? 1 : day[1] === "vorgestern" ? 2 : 0;
    const t = new Date(Date.UTC(y, mo - 1, d - back));
    y = t.getUTCFullYear();
    mo = t.getUTCMonth() + 1;
    d = t.getUTCDate();
    rest = day[2]!;
    explicitDay = true;
  }
  const date = /^(\d{1,2})\.(\d{1,2})\.(\d{2,4})?,? ?(.*)$/.exec(rest);
  if (date) {
    d = Number(date[1]);
    mo = Number(date[2]);
    if (date[3]) y = date[3].length === 2 ? 2000 + Number(date[3]) : Number(date[3]);
    rest = date[4]!;
    explicitDay = true;
  }
  const time = /^(\d{1,2})[:.](\d{2})$/.exec(rest) ?? (explicitDay && rest === "" ? ["", "0", "00"] : null);
  if (!time) return undefined;
  const h = Number(time[1]);
  const mi = Number(time[2]);
  if (h > 23 || mi > 59 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  let at = fromBerlin(y, mo, d, h, mi);
  if (at > now && !explicitDay) at = new Date(at.getTime() - 86400000);
  if (at > now) return undefined;
  return at;
}

/** Add an ISO-8601 duration (PT15M, PT72H, P1D, P1M) to a time. Months are calendar months. */
export function addDuration(from: Date, iso: string, sign: 1 | -1 = 1): Date {
  const m = /^P(?:(\d+)M(?=$|T|\d))?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) throw new Error(`Ungültige Dauer: ${iso}`);
  const t = new Date(from.getTime());
  if (m[1]) t.setUTCMonth(t.getUTCMonth() + sign * Number(m[1]));
  const ms = (Number(m[2] ?? 0) * 24 * 60 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 60000;
  return new Date(t.getTime() + sign * ms);
}
