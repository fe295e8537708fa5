import type { HypothesisResult } from "../verify/hypothesis.ts";
import type { CancelledReplicate, ReplicateError } from "../storage/outcome.ts";
import type { Provenance } from "../storage/provenance.ts";
import type {
  ArtifactIndex,
  ExperimentMetrics,
  ResultJson,
  StoredRunInfo,
} from "../storage/result_json.ts";
import { resultSummary } from "../report/text_summary.ts";
import { lazyImport } from "../lazy_import.ts";
import { markdownSummary } from "../report/markdown.ts";
import { type ResultRow, resultRows } from "../report/rows.ts";

/**
 * What a run produced: metrics per condition in replicate order, verified
 * hypotheses, failed replicates and provenance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 *
 * const result = await experiment.run({ replicates: 32 });
 * assert.equal(result.metrics.baseline.metrics.total.length, 32);
 * assert.equal(result.getHypothesis("by_p_value")?.ranking.best, "boost_total");
 * assert.match(result.toString(), /boost_total/); // a readable summary
 * ```
 */
export class Result {
  /** Metrics per condition. */
  readonly metrics: ExperimentMetrics;
  /** Verified hypotheses, in the order they were given. */
  readonly hypotheses: readonly HypothesisResult[];
  /** Failed replicates (the run went on without them). */
  readonly errors: readonly ReplicateError[];
  /**
   * Replicates the run's cancel stopped while they ran (a cancelled run's
   * partial result: `RunCancelledError.result`); not failures, so not in
   * `errors`. Empty for a run that finished.
   */
  readonly cancelled: readonly CancelledReplicate[];
  /** How the run happened. */
  readonly provenance: Provenance;
  /** Stored artifacts (empty unless an `ArtifactPlugin` stored the run). */
  readonly artifacts: ArtifactIndex;
  /** The run's version folder, when an `ArtifactPlugin` stored it. */
  readonly outputDir: string | undefined;

  /** Assembles a result. */
  constructor(
    metrics: Omit<ExperimentMetrics, "hypotheses">,
    hypotheses: readonly HypothesisResult[],
    errors: readonly ReplicateError[],
    provenance: Provenance,
    stored?: StoredRunInfo,
    cancelled: readonly CancelledReplicate[] = [],
  ) {
    this.metrics = { ...metrics, hypotheses };
    this.hypotheses = hypotheses;
    this.errors = errors;
    this.cancelled = cancelled;
    this.provenance = provenance;
    this.artifacts = stored?.artifacts ?? {};
    this.outputDir = stored?.dir;
  }

  /** The hypothesis result named `name`, if it was verified. */
  getHypothesis(name: string): HypothesisResult | undefined {
    return this.hypotheses.find((h) => h.name === name);
  }

  /** Plain data for `JSON.stringify`. */
  toJSON(): ResultJson {
    return {
      experiment: this.provenance.experiment,
      metrics: {
        baseline: this.metrics.baseline.metrics,
        treatments: Object.fromEntries(
          Object.entries(this.metrics.treatments).map(([k, v]) => [k, v.metrics]),
        ),
      },
      hypotheses: this.hypotheses,
      errors: this.errors,
      ...(this.cancelled.length === 0 ? {} : { cancelled: this.cancelled }),
      provenance: this.provenance,
      artifacts: this.artifacts,
      ...(this.outputDir === undefined ? {} : { outputDir: this.outputDir }),
    };
  }

  /**
   * One self-contained HTML page about this run (no script, loads nothing:
   * it opens from disk and in CI artifacts): per metric a strip plot of
   * every replicate per condition with mean and 95% CI (baseline coloured
   * apart), each hypothesis' table and forest plot, time per step and
   * condition with cache hits, failures and provenance. Plots are drawn
   * here as SVG by Vega-Lite and Vega, loaded on first use.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { experiment } from "../../examples/scaling_demo.ts";
   *
   * const result = await experiment.run({ replicates: 8 });
   * const html = await result.toHtml();
   * assert.match(html, /<svg /);
   * const file = await Deno.makeTempFile({ suffix: ".html" });
   * await Deno.writeTextFile(file, html); // open it in a browser
   * await Deno.remove(file);
   * ```
   */
  async toHtml(options: { readonly title?: string } = {}): Promise<string> {
    // Loaded on first use (and not at start-up: see lazyImport): the report's 20-odd modules are
    // not needed to run.
    const { htmlReport } = await lazyImport<typeof import("../report/html_report.ts")>(
      new URL("../report/html_report.ts", import.meta.url),
    );
    const name = this.provenance.experiment;
    return await htmlReport({
      title: options.title ?? name,
      experiments: [{
        name,
        runs: [{ result: this.toJSON(), version: this.provenance.stored?.version }],
      }],
    });
  }

  /**
   * One row per recorded value — replicate × condition × metric — with the
   * replicate's seed, the run id and the stored version: the shape of a
   * data frame or a CSV file (`crystallize show --format csv`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { experiment } from "../../examples/scaling_demo.ts";
   *
   * const result = await experiment.run({ replicates: 2 });
   * const rows = result.toRows();
   * assert.deepEqual(rows.map((r) => `${r.condition}#${r.replicate} ${r.metric}`), [
   *   "baseline#0 total", "baseline#1 total", "boost_total#0 total", "boost_total#1 total",
   * ]);
   * ```
   */
  toRows(): ResultRow[] {
    return resultRows(this.toJSON(), this.provenance.stored?.version ?? null);
  }

  /**
   * A Markdown summary for an issue or an LLM prompt: metrics per
   * condition (n, mean ± 95% CI), hypotheses, failures, provenance.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { experiment } from "../../examples/scaling_demo.ts";
   *
   * const result = await experiment.run({ replicates: 4 });
   * assert.match(result.toMarkdown(), /## Hypothesis by_p_value/);
   * ```
   */
  toMarkdown(): string {
    return markdownSummary([{ result: this.toJSON(), version: this.provenance.stored?.version }]);
  }

  /**
   * A readable summary: metrics per condition (n, mean ± 95% CI), hypotheses
   * with p-values and the ranking, artifacts, failed replicates and
   * provenance; the same summary `crystallize run` and `show` print, with
   * fixes worded for code.
   */
  toString(): string {
    return resultSummary(this.toJSON());
  }
}
