import { type ConditionSample, metricNames } from "./conditions.ts";
import { type Child, element, type Html, htmlTable } from "./html.ts";
import { plotFigure } from "./plot_figure.ts";
import { metricSpec } from "./specs/metric_spec.ts";
import { meanCiText } from "./mean_text.ts";

/**
 * The metrics of an experiment's conditions: a table of n and mean ± 95% CI
 * per condition and metric, and a strip plot per metric.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsSection } from "./metrics_section.ts";
 *
 * const html = await metricsSection([
 *   { label: "baseline", condition: "baseline", version: 1, baseline: true, metrics: { mae: [1, 2, 3] } },
 * ]);
 * assert.match(html.html, /data-metric="mae"/);
 * assert.match(html.html, /2 ± 2\.484/);
 * ```
 */
export async function metricsSection(samples: readonly ConditionSample[]): Promise<Html> {
  const metrics = metricNames(samples);
  if (metrics.length === 0) {
    return element("section", { class: "metrics" }, [
      element("h3", {}, ["Metrics"]),
      element("p", {}, ["No metrics were recorded."]),
    ]);
  }
  const rows: Child[][] = [];
  for (const metric of metrics) {
    for (const s of samples) {
      const values = s.metrics[metric];
      if (values === undefined) continue;
      const { n, text } = meanCiText(values);
      rows.push([metric, s.baseline ? element("strong", {}, [s.label]) : s.label, String(n), text]);
    }
  }
  const plots = await Promise.all(
    metrics.map((metric) =>
      plotFigure(metricSpec(metric, samples), { "data-plot": "metric", "data-metric": metric })
    ),
  );
  return element("section", { class: "metrics" }, [
    element("h3", {}, ["Metrics"]),
    htmlTable(["metric", "condition", "n", "mean ± 95% CI"], rows),
    ...plots,
  ]);
}
