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
const LANE_HEIGHT = 18;
/** Room for the lane names on the left. */
const Y_LABELS = 200;

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
    const lane = c.deadline(d.title, d.dueAt && ms(d.dueAt) > endMs ? d.dueAt : undefined);
    lanes.push(lane);
    const from = d.startedAt ?? start;
    // "unverzüglich" has no due time: the bar runs until it was met, or to the end of the picture
    const to = d.dueAt ?? d.metAt ?? end;
    bars.push({ lane, from: berlinAsUtc(from), to: berlinAsUtc(clip(to)), what: d.state === "missed" ? c.windowMissed : c.window });
    if (d.metAt) marks.push({ lane, at: berlinAsUtc(d.metAt), what: d.state === "met" ? c.met : c.metLate });
    else if (d.state === "missed" && d.dueAt) marks.push({ lane, at: berlinAsUtc(clip(d.dueAt)), what: c.missed });
  }

  const barDomain = [c.phases, c.waiting, c.window, c.windowMissed];
  const barRange = [PHASE, WAIT, WINDOW_OPEN, WINDOW_MISSED];
  const markDomain = [c.taken, c.firstAck, c.met, c.metLate, c.missed];
  // the scale is declared once (first layer); the second layer shares it
  const x = {
    type: "temporal",
    title: null,
    axis: { format: "%d.%m. %H:%M", labelAngle: 0, tickCount: 6, grid: true, gridColor: "#e6e6e6" },
  };
  const xScale = { scale: { type: "utc", domain } };
  const y = { field: "lane", type: "nominal", title: null, sort: lanes, axis: { labelLimit: Y_LABELS - 12, labelFontSize: 8.5 } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: CHART_WIDTH - Y_LABELS,
    height: lanes.length * LANE_HEIGHT,
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
