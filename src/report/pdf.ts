import { layoutDocument } from "../handbook/pdf.ts";
import { CHART_WIDTH, timeBarSpec } from "./chart.ts";
import { chartSvg } from "./chart-svg.ts";
import { reportDocument } from "./document.ts";
import type { IncidentReport } from "./model.ts";
import { REPORT_TEXT } from "./text.ts";

/**
 * The incident report as a PDF (A4): facts, the time bar, deadlines, roles, phases, lessons, measures, answers, the
 * whole timeline and the hash chain's verdict with the final checksum (also in every page's footer). Asynchronous
 * because the chart is drawn by Vega; a chart that cannot be drawn leaves a sentence, never a missing report.
 */
export async function renderReportPdf(r: IncidentReport): Promise<Buffer> {
  const t = REPORT_TEXT[r.locale];
  let chart: { svg: string; height: number } | undefined;
  try {
    const svg = await chartSvg(timeBarSpec(r, t));
    chart = { svg, height: svgHeightAt(svg, CHART_WIDTH) };
  } catch {
    chart = undefined;
  }
  return layoutDocument(reportDocument(r, t, chart)).pdf;
}

/** The height of an SVG drawn `width` wide, from its own width and height. */
export function svgHeightAt(svg: string, width: number): number {
  const w = Number(/<svg[^>]*\swidth="([\d.]+)/.exec(svg)?.[1]);
  const h = Number(/<svg[^>]*\sheight="([\d.]+)/.exec(svg)?.[1]);
  return w > 0 && h > 0 ? (h / w) * width : width / 3;
}
