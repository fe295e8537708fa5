/**
 * Renders Vega-Lite specifications to SVG text without a browser: Vega-Lite
 * compiles a spec to Vega, and Vega's headless view (`renderer: "none"`)
 * writes the scene as SVG markup. Both libraries are loaded on first use, so
 * only code that draws pays their ≈130–250 ms import.
 * @module
 */

import type * as VegaModule from "npm:vega@6.4.0";
import type * as VegaLiteModule from "npm:vega-lite@6.5.0";
import { lazyImport } from "../lazy_import.ts";

/** A Vega-Lite specification (plain JSON; see vega.github.io/vega-lite). */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

interface Renderer {
  render(spec: VegaLiteSpec): Promise<string>;
}

let loaded: Promise<Renderer> | undefined;

/**
 * The libraries' specifiers, imported through {@linkcode lazyImport}: a
 * literal one cost every `import "mod.ts"` ≈80 ms of npm resolution for ~50
 * packages it never ran. `deno.lock` pins them.
 */
const VEGA_LITE = "npm:vega-lite@6.5.0";
const VEGA = "npm:vega@6.4.0";

async function loadRenderer(): Promise<Renderer> {
  const [vegaLite, vega] = await Promise.all([
    lazyImport<typeof VegaLiteModule>(VEGA_LITE),
    lazyImport<typeof VegaModule>(VEGA),
  ]);
  return {
    async render(spec) {
      const compiled =
        vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
      // No loader is given the data: every spec carries its values inline, nothing is fetched.
      const view = new vega.View(vega.parse(compiled), { renderer: "none" });
      try {
        return await view.toSVG();
      } finally {
        view.finalize();
      }
    },
  };
}

/**
 * The SVG markup of a Vega-Lite spec whose data are inline `values`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render_svg.ts";
 *
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * assert.match(svg, /^<svg /);
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  loaded ??= loadRenderer();
  return await (await loaded).render(spec);
}
