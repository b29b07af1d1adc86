import { None, parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./chart.ts";

/** Vega-Lite's compiler warnings are for authors of specifications; the report is not the place for them. */
const QUIET = {
  level(): number {
    return 0;
  },
  error: () => QUIET,
  warn: () => QUIET,
  info: () => QUIET,
  debug: () => QUIET,
};

/**
 * Renders a Vega-Lite specification to SVG, headless: Vega's scenegraph and SVG string renderer run in Node without
 * a browser or a canvas (text is measured by Vega's built-in estimate). Asynchronous because Vega runs its dataflow
 * so; the data are inline, nothing is loaded.
 */
export async function chartSvg(spec: VegaLiteSpec): Promise<string> {
  const vg = compile(spec as unknown as TopLevelSpec, { logger: QUIET }).spec;
  const view = new View(parse(vg), { renderer: "none", logLevel: None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
