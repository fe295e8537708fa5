import type { HypothesisResult, TreatmentVerdict } from "../verify/hypothesis.ts";
import { type Child, element, type Html, htmlTable } from "./html.ts";
import { plotFigure } from "./plot_figure.ts";
import type { ReportRun } from "./report_run.ts";
import { forestSpec } from "./specs/forest_spec.ts";
import { formatCell, formatNumber } from "./text_format.ts";
import { verdictEffect } from "./verdict_fields.ts";

/** A verdict with the label it is shown under (`boost`, or `boost (v3)` across versions). */
interface LabelledVerdict {
  readonly label: string;
  readonly verdict: TreatmentVerdict;
  readonly hypothesis: HypothesisResult;
}

/**
 * Per hypothesis (across the runs given, treatments labelled `t (vN)` when
 * there are several): who is best and by what, a table of every treatment's
 * statistic, p-value, adjusted p-value, effect size, interval, significance
 * and rank, and a forest plot of the effects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { hypothesesSection } from "./hypotheses_section.ts";
 *
 * const hypotheses = [{
 *   name: "h", metrics: ["total"],
 *   results: [{ treatment: "boost", pValue: 0.01, significant: true, ci: { low: 1, high: 3, estimate: 2 } }],
 *   ranking: { by: "lowest p-value", best: "boost", ranked: [{ treatment: "boost", score: 0.01 }] },
 * }];
 * const html = await hypothesesSection([{ result: { hypotheses } as unknown as ResultJson }]);
 * assert.match(html.html, /data-plot="forest"/);
 * ```
 */
export async function hypothesesSection(runs: readonly ReportRun[]): Promise<Html> {
  const versioned = runs.length > 1;
  const byName = new Map<string, LabelledVerdict[]>();
  for (const { result, version } of runs) {
    for (const h of result.hypotheses) {
      const list = byName.get(h.name) ?? byName.set(h.name, []).get(h.name)!;
      for (const verdict of h.results) {
        const label = versioned ? `${verdict.treatment} (v${version ?? "?"})` : verdict.treatment;
        list.push({ label, verdict, hypothesis: h });
      }
    }
  }
  if (byName.size === 0) return element("section", { class: "hypotheses" }, []);
  const parts: Child[] = [element("h3", {}, ["Hypotheses"])];
  for (const [name, verdicts] of byName) {
    const latest = verdicts.at(-1)!.hypothesis;
    const by = latest.ranking.by ?? "lowest rank score";
    parts.push(
      element("h4", {}, [`${name} on ${latest.metrics.join(", ")}`]),
      element("p", {}, [`best (${by}): ${latest.ranking.best ?? "none"}`]),
      htmlTable(
        [
          "treatment",
          "statistic",
          "p",
          "p adjusted",
          "effect size",
          "95% CI",
          "significant",
          "rank",
          "other values",
        ],
        verdicts.map(verdictRow),
      ),
    );
    const merged = { ...latest, results: verdicts.map((v) => v.verdict) };
    const spec = forestSpec(merged, verdicts.map((v) => v.label));
    if (spec !== undefined) {
      parts.push(await plotFigure(spec, { "data-plot": "forest", "data-hypothesis": name }));
    }
  }
  return element("section", { class: "hypotheses" }, parts);
}

function verdictRow({ label, verdict, hypothesis }: LabelledVerdict): Child[] {
  const effect = verdictEffect(verdict);
  const interval = effect?.low === undefined || effect.high === undefined
    ? "-"
    : `[${formatNumber(effect.low)}, ${formatNumber(effect.high)}]`;
  const place = hypothesis.ranking.ranked.findIndex((r) => r.treatment === verdict.treatment);
  const best = hypothesis.ranking.best === verdict.treatment;
  return [
    best ? element("strong", {}, [label]) : label,
    formatCell(verdict.statistic),
    formatCell(verdict.pValue),
    formatCell(verdict.pValueAdjusted),
    formatCell(verdict.effectSize),
    interval,
    formatCell(verdict.significant),
    place < 0 ? "-" : String(place + 1),
    otherValues(verdict),
  ];
}

/** Fields of the table. */
const SHOWN = new Set([
  "treatment",
  "statistic",
  "pValue",
  "pValueAdjusted",
  "effectSize",
  "ci",
  "significant",
]);

/** What else a verifier reported (a custom verifier's own numbers), as `name=value`. */
function otherValues(verdict: TreatmentVerdict): string {
  const other = Object.entries(verdict)
    .filter(([k, v]) => !SHOWN.has(k) && (typeof v === "number" || typeof v === "boolean"))
    .map(([k, v]) => `${k}=${formatCell(v)}`);
  return other.length === 0 ? "-" : other.join(", ");
}
