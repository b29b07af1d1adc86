import type { IncidentReport, Iso } from "./model.ts";
import type { ReportText } from "./text.ts";

/**
 * The time bar of an incident as a Vega-Lite specification: one lane for the phases, one per role (waiting until
 * someone took it, when they did, when they first acknowledged a task) and one per deadline (its window, and when it
 * was met or missed). A pure function of the report, so the picture is plain data that tests can read; chart-svg.ts
 * renders it with Vega (no browser, no canvas) and the PDF places the SVG with svg-to-pdfkit.
 */

/** A Vega-Lite top-level specification (kept as plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** Width of the picture in points: the text width of an A4 page with 50 pt margins. */
export const CHART_WIDTH = 495;
const LANE_HEIGHT = 17;
/** Font size of the lane names, and the height of one line of a wrapped name. */
const LABEL_SIZE = 8;
const LABEL_LINE = 9;
/** Room for the lane names on the left, in points. */
const LABELS = 195;
/** Room on the right for half of the last time label, which is centred on its tick ("07.12. 06:42"). */
const RIGHT = 30;
/** Shorter than this, the axis shows seconds: with minutes only, its ticks all read the same time. */
const SECONDS_BELOW_MS = 10 * 60_000;
/**
 * Lane names are wrapped at this many characters instead of being cut with "…": on paper a deadline must be readable
 * whole ("Meldung an die Datenschutzbehörde (Art. 33 DSGVO) (fällig 05.03. 09:00)"). 44 characters of Helvetica at
 * 8 pt take about 185 pt, inside {@link LABELS}. Headless Vega measures text by an estimate that is far wider than
 * Helvetica's letters and would cut them; the layout therefore gives the labels a fixed room (autosize none) and no
 * limit.
 */
const LABEL_CHARS = 44;

/** Greedy word wrap at {@link LABEL_CHARS}; a word longer than a line stays whole on its own line. */
export function wrapLabel(text: string, max = LABEL_CHARS): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [text];
}

/** Colours that stay apart when printed in black and white (they differ in lightness too). */
const PHASE = "#2e75b6";
const WAIT = "#d9d9d9";
const WINDOW_OPEN = "#fbe5d6";
const WINDOW_MISSED = "#f4b183";
const MARK_COLORS = { taken: "#000000", ack: "#7f7f7f", met: "#548235", missed: "#c00000" };

const BERLIN = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/**
 * The wall-clock time in Europe/Berlin written as if it were UTC: the chart uses a UTC time scale, so its axis shows
 * Berlin time whatever the time zone of the machine.
 */
export function berlinAsUtc(iso: Iso): string {
  const p = Object.fromEntries(BERLIN.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`;
}

const ms = (iso: Iso) => new Date(iso).getTime();

/** "05.03. 09:00" in Berlin time, as the axis writes it (a due time later than the picture, beside its lane). */
function dayAndTime(iso: Iso): string {
  const [, y, mo, d, h, mi] = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+)/.exec(berlinAsUtc(iso)) ?? [];
  return y ? `${d}.${mo}. ${h}:${mi}` : iso;
}

/** The specification of the time bar. */
export function timeBarSpec(r: IncidentReport, t: ReportText): VegaLiteSpec {
  const c = t.chart;
  const start = r.openedAt;
  // the picture ends where the incident ends, or at the latest event it shows; later due times are cut off
  const shown = [r.until, ...r.roles.flatMap((x) => [x.takenAt, x.firstAckAt]), ...r.deadlines.map((d) => d.metAt)].filter((x): x is Iso =>
    Boolean(x),
  );
  const endMs = Math.max(...shown.map(ms), ms(start) + 60_000);
  const pad = (endMs - ms(start)) * 0.03;
  const domain = [berlinAsUtc(new Date(ms(start) - pad).toISOString()), berlinAsUtc(new Date(endMs + pad).toISOString())];
  const end = new Date(endMs).toISOString();
  const clip = (iso: Iso) => (ms(iso) > endMs ? end : iso);

  // one lane per phase, role and deadline, named on the left: no legend needed (the caption explains the marks)
  const lanes: string[] = [];
  const bars: { lane: string; from: string; to: string; what: string }[] = [];
  const marks: { lane: string; at: string; what: string }[] = [];
  for (const p of r.phases) {
    const lane = c.phase(p.name);
    if (!lanes.includes(lane)) lanes.push(lane);
    bars.push({ lane, from: berlinAsUtc(p.from), to: berlinAsUtc(clip(p.to ?? r.until)), what: c.phases });
  }
  for (const role of r.roles) {
    const lane = c.role(role.short);
    lanes.push(lane);
    bars.push({ lane, from: berlinAsUtc(start), to: berlinAsUtc(role.takenAt ?? end), what: c.waiting });
    if (role.takenAt) marks.push({ lane, at: berlinAsUtc(role.takenAt), what: c.taken });
    if (role.firstAckAt) marks.push({ lane, at: berlinAsUtc(role.firstAckAt), what: c.firstAck });
  }
  for (const d of r.deadlines) {
    const lane = c.deadline(d.title, d.dueAt && ms(d.dueAt) > endMs ? dayAndTime(d.dueAt) : undefined);
    lanes.push(lane);
    const from = d.startedAt ?? start;
    // "unverzüglich" has no due time: the bar runs until it was met, or to the end of the picture
    const to = d.dueAt ?? d.metAt ?? end;
    bars.push({ lane, from: berlinAsUtc(from), to: berlinAsUtc(clip(to)), what: d.state === "missed" ? c.windowMissed : c.window });
    if (d.metAt) marks.push({ lane, at: berlinAsUtc(d.metAt), what: d.state === "met" ? c.met : c.metLate });
    else if (d.state === "missed" && d.dueAt) marks.push({ lane, at: berlinAsUtc(clip(d.dueAt)), what: c.missed });
  }

  // long names on two or three lines (Vega draws an array as lines); the lanes grow to hold them
  const wrapped = Object.fromEntries(lanes.map((l) => [l, wrapLabel(l)]));
  const lines = Object.values(wrapped);
  const mostLines = Math.max(1, ...lines.map((w) => w.length));
  const laneHeight = Math.max(LANE_HEIGHT, mostLines * LABEL_LINE + 4);

  const barDomain = [c.phases, c.waiting, c.window, c.windowMissed];
  const barRange = [PHASE, WAIT, WINDOW_OPEN, WINDOW_MISSED];
  const markDomain = [c.taken, c.firstAck, c.met, c.metLate, c.missed];
  // the scale is declared once (first layer); the second layer shares it
  const x = {
    type: "temporal",
    title: null,
    axis: {
      format: endMs - ms(start) < SECONDS_BELOW_MS ? "%H:%M:%S" : "%d.%m. %H:%M",
      labelAngle: 0,
      tickCount: 6,
      grid: true,
      gridColor: "#e6e6e6",
    },
  };
  const xScale = { scale: { type: "utc", domain } };
  const y = {
    field: "lane",
    type: "nominal",
    title: null,
    sort: lanes,
    axis: {
      labelLimit: 0,
      labelFontSize: LABEL_SIZE,
      labelLineHeight: LABEL_LINE,
      labelExpr: `${JSON.stringify(wrapped)}[datum.value] || datum.value`,
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: CHART_WIDTH - LABELS - RIGHT,
    height: lanes.length * laneHeight,
    autosize: { type: "none" },
    padding: { left: LABELS, top: 4, right: RIGHT, bottom: 22 },
    background: "white",
    config: {
      font: "Helvetica",
      view: { stroke: "#bfbfbf" },
      axis: { labelFontSize: 8, labelColor: "#222222", domainColor: "#7f7f7f", tickColor: "#7f7f7f" },
    },
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar", clip: true, height: { band: 0.7 } },
        encoding: {
          x: { ...x, ...xScale, field: "from" },
          x2: { field: "to" },
          y,
          color: { field: "what", type: "nominal", title: null, scale: { domain: barDomain, range: barRange }, legend: null },
        },
      },
      {
        data: { values: marks },
        mark: { type: "point", filled: true, size: 70, clip: true, strokeWidth: 1 },
        encoding: {
          x: { ...x, field: "at" },
          y,
          shape: {
            field: "what",
            type: "nominal",
            title: null,
            scale: { domain: markDomain, range: ["circle", "triangle-up", "diamond", "diamond", "cross"] },
            legend: null,
          },
          fill: {
            field: "what",
            type: "nominal",
            title: null,
            scale: {
              domain: markDomain,
              range: [MARK_COLORS.taken, MARK_COLORS.ack, MARK_COLORS.met, MARK_COLORS.missed, MARK_COLORS.missed],
            },
            legend: null,
          },
          stroke: { value: "#ffffff" },
        },
      },
    ],
    resolve: { scale: { color: "independent", fill: "independent", shape: "independent" } },
  };
}
