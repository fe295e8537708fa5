import { comparisonSection } from "./comparison_section.ts";
import { conditionSamples } from "./conditions.ts";
import { hypothesesSection } from "./hypotheses_section.ts";
import { type Child, element, type Html, raw } from "./html.ts";
import { metricsSection } from "./metrics_section.ts";
import { plotFigure } from "./plot_figure.ts";
import type { ReportExperiment, ReportInput } from "./report_input.ts";
import { REPORT_CSS } from "./report_style.ts";
import { runDetailsSection } from "./run_details_section.ts";
import { graphSpec } from "./specs/graph_spec.ts";

/**
 * The page's policy: it may load nothing (no scripts, fonts, images or
 * requests), only its own inline styles, so it works from disk and in CI
 * artifacts, and nothing in a run's data can make it fetch or run anything.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * One self-contained HTML page for the runs in `input`: per experiment, its
 * metrics (a table and a strip plot per metric: every replicate, mean and
 * 95% CI per condition, the baseline coloured apart), its hypotheses (table
 * and forest plot), time per step and condition with cache hits, failures
 * and provenance; a drawn dependency graph for a graph, and a comparison
 * when one is given. Plots are SVG drawn here by Vega-Lite and Vega; the
 * page has no script and loads nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { htmlReport } from "./html_report.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * const html = await htmlReport({
 *   title: "scaling_demo",
 *   experiments: [{ name: "scaling_demo", runs: [{ result: result.toJSON() }] }],
 * });
 * assert.match(html, /^<!doctype html>/);
 * assert.match(html, /data-metric="total"/);
 * ```
 */
export async function htmlReport(input: ReportInput): Promise<string> {
  const parts: Child[] = [
    element("h1", {}, [input.title]),
    element("p", { class: "lead" }, [
      `Crystallize report: ${input.experiments.length} experiment(s)`,
    ]),
  ];
  if (input.experiments.length > 1) {
    parts.push(element("nav", {}, [
      element(
        "ul",
        {},
        input.experiments.map((e, i) =>
          element("li", {}, [element("a", { href: `#experiment-${i}` }, [e.name])])
        ),
      ),
    ]));
  }
  if (input.graph !== undefined) {
    parts.push(element("section", { class: "graph" }, [
      element("h2", {}, ["Experiment graph"]),
      await plotFigure(graphSpec(input.graph.nodes, input.graph.edges), { "data-plot": "graph" }),
    ]));
  }
  if (input.comparison !== undefined) parts.push(await comparisonSection(input.comparison));
  for (const [i, experiment] of input.experiments.entries()) {
    parts.push(await experimentSection(experiment, `experiment-${i}`));
  }
  const page = element("html", { lang: "en" }, [
    element("head", {}, [
      raw('<meta charset="utf-8">'),
      raw('<meta name="viewport" content="width=device-width, initial-scale=1">'),
      raw(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`),
      element("title", {}, [input.title]),
      element("style", {}, [raw(REPORT_CSS)]),
    ]),
    element("body", {}, parts),
  ]);
  return `<!doctype html>\n${page.html}\n`;
}

async function experimentSection(experiment: ReportExperiment, id: string): Promise<Html> {
  const latest = experiment.runs.at(-1);
  if (latest === undefined) {
    return element("section", { class: "experiment", id, "data-experiment": experiment.name }, [
      element("h2", {}, [experiment.name]),
      element("p", {}, ["No finished run is stored."]),
    ]);
  }
  const versions = experiment.runs.map((r) => r.version).filter((v) => v !== undefined);
  const heading = versions.length === 0
    ? experiment.name
    : `${experiment.name} ${versions.length === 1 ? "" : "versions "}${
      versions.map((v) => `v${v}`).join(", ")
    }`;
  const p = latest.result.provenance;
  return element("section", { class: "experiment", id, "data-experiment": experiment.name }, [
    element("h2", {}, [heading]),
    element("p", { class: "lead" }, [
      `${p.replicates} replicate(s) per condition, seed ${
        p.seed ?? "none"
      }, ${p.executionStrategy}` +
      (experiment.runs.length > 1 ? `; details below are of v${latest.version}` : ""),
    ]),
    await metricsSection(conditionSamples(experiment.runs)),
    await hypothesesSection(experiment.runs),
    await runDetailsSection(latest.result),
  ]);
}
