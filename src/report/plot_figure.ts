import { element, type Html, raw } from "./html.ts";
import { renderSvg, type VegaLiteSpec } from "./render_svg.ts";

/**
 * A `<figure class="plot">` holding the SVG of `spec` (drawn headless),
 * with `data-*` attributes naming what it plots, so readers and tests can
 * find a metric's plot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotFigure } from "./plot_figure.ts";
 *
 * const figure = await plotFigure({ data: { values: [{ x: 1 }] }, mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" } } }, { "data-plot": "demo" });
 * assert.match(figure.html, /^<figure class="plot" data-plot="demo"><svg /);
 * ```
 */
export async function plotFigure(
  spec: VegaLiteSpec,
  attributes: Readonly<Record<string, string>>,
): Promise<Html> {
  // Vega's SVG writer escapes the text and attributes it emits (names and values from the run).
  return element("figure", { class: "plot", ...attributes }, [raw(await renderSvg(spec))]);
}
