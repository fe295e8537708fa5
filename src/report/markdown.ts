import { conditionSamples, metricNames } from "./conditions.ts";
import { meanCiText } from "./mean_text.ts";
import type { ReportRun } from "./report_run.ts";
import { formatCell, formatNumber } from "./text_format.ts";
import { verdictEffect } from "./verdict_fields.ts";

/** Failures listed at most. */
const MAX_FAILURES = 10;

/**
 * A Markdown summary of an experiment's runs, for an issue or an LLM
 * prompt: metrics per condition (n, mean ± 95% CI; `treatment (vN)` rows
 * when several versions are given), each hypothesis' table (p, adjusted
 * p, effect, interval, significance, rank), failures and provenance of
 * the newest run. Table cells are escaped (`|`, line breaks, HTML).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { markdownSummary } from "./markdown.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * const md = markdownSummary([{ result: result.toJSON() }]);
 * assert.match(md, /^# scaling_demo/);
 * assert.match(md, /\| boost_total \| total \| 4 \|/);
 * ```
 */
export function markdownSummary(runs: readonly ReportRun[]): string {
  const latest = runs.at(-1);
  if (latest === undefined) return "";
  const { result, version } = latest;
  const p = result.provenance;
  const lines = [
    `# ${result.experiment}${version === undefined ? "" : ` v${version}`}`,
    "",
    `${p.replicates} replicate(s) per condition, seed ${p.seed ?? "none"}, ${p.executionStrategy}.`,
    "",
    "## Metrics (mean ± 95% CI)",
    "",
    "| condition | metric | n | mean ± CI |",
    "| --- | --- | ---: | --- |",
  ];
  const samples = conditionSamples(runs);
  for (const metric of metricNames(samples)) {
    for (const s of samples) {
      const values = s.metrics[metric];
      if (values === undefined) continue;
      const { n, text } = meanCiText(values);
      lines.push(row([s.label, metric, String(n), text]));
    }
  }
  for (const h of result.hypotheses) {
    lines.push(
      "",
      `## Hypothesis ${cell(h.name)} on ${cell(h.metrics.join(", "))}`,
      "",
      `best (${cell(h.ranking.by ?? "lowest rank score")}): ${cell(h.ranking.best ?? "none")}`,
      "",
      "| treatment | p | p adjusted | effect | 95% CI | significant | rank |",
      "| --- | ---: | ---: | ---: | --- | --- | ---: |",
    );
    for (const r of h.results) {
      const effect = verdictEffect(r);
      const place = h.ranking.ranked.findIndex((x) => x.treatment === r.treatment);
      lines.push(row([
        r.treatment,
        formatCell(r.pValue),
        formatCell(r.pValueAdjusted),
        effect === undefined ? "-" : formatNumber(effect.estimate),
        effect?.low === undefined || effect.high === undefined
          ? "-"
          : `[${formatNumber(effect.low)}, ${formatNumber(effect.high)}]`,
        formatCell(r.significant),
        place < 0 ? "-" : String(place + 1),
      ]));
    }
  }
  lines.push("", `## Failures: ${result.errors.length}`);
  for (const e of result.errors.slice(0, MAX_FAILURES)) {
    lines.push(`- ${cell(`${e.condition} #${e.replicate} in ${e.step}: ${e.name}: ${e.message}`)}`);
  }
  if (result.errors.length > MAX_FAILURES) {
    lines.push(`- … and ${result.errors.length - MAX_FAILURES} more`);
  }
  lines.push(
    "",
    "## Provenance",
    "",
    `- run ${cell(p.runId)}, started ${cell(p.startedAt)}, ${(p.durationMs / 1000).toFixed(2)} s`,
    `- steps: ${cell(p.pipeline.steps.map((s) => s.name).join(" → "))}`,
    `- cache: ${p.cache.hits} hits, ${p.cache.misses} misses`,
    `- Deno ${cell(p.environment.deno)}, ${cell(p.environment.os)}/${cell(p.environment.arch)}` +
      (p.git === undefined ? "" : `, git ${cell(p.git.commit.slice(0, 12))}`),
  );
  return `${lines.join("\n")}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}

/** Text that stays one Markdown table cell and renders as text (no HTML, no line break). */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\|`<>]/g, (c) => `\\${c}`);
}
