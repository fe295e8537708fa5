import type { MetricValue } from "../context/metrics.ts";
import { CrystallizeError } from "../errors.ts";
import { HypothesisError } from "./hypothesis_error.ts";
import { isPromiseLike } from "../promise.ts";
import { MissingMetricError } from "./missing_metric_error.ts";
import { benjaminiHochberg, holm } from "./stats/mod.ts";
import type { Samples, Verifier, VerifierOutput } from "./verifier.ts";

/** How p-values of several treatments are adjusted for multiple comparisons. */
export type Correction = "holm" | "benjamini-hochberg" | "none";

/** One treatment's verdict: the verifier's output, plus the adjusted p-value when several treatments were compared. */
export type TreatmentVerdict = VerifierOutput & {
  /** The treatment. */
  readonly treatment: string;
  /** Multiple-comparison adjusted p-value (set when two or more treatments have a `pValue`). */
  readonly pValueAdjusted?: number;
};

/** What "best" means when no `rankBy` is given: the treatment with the smallest p-value. */
export const DEFAULT_RANK_BY_LABEL = "lowest p-value";

/** Treatments ordered by score, lower is better. */
export interface Ranking {
  /**
   * What the score is, so "best" can be read: `"lowest p-value"` by default
   * (the treatment differing most significantly from the baseline — in
   * either direction for a two-sided test), else the hypothesis'
   * `rankByLabel`. Absent in runs stored before it was recorded.
   */
  readonly by?: string;
  /** The treatment with the lowest score, or `null` when none was verified. */
  readonly best: string | null;
  /** Every verified treatment with its score, best first (ties keep treatment order). */
  readonly ranked: readonly { readonly treatment: string; readonly score: number }[];
}

/** The outcome of one hypothesis across treatments. */
export interface HypothesisResult {
  /** Hypothesis name. */
  readonly name: string;
  /** The metrics compared. */
  readonly metrics: readonly string[];
  /** One verdict per treatment, in treatment order. */
  readonly results: readonly TreatmentVerdict[];
  /** The ranking by `rankBy`. */
  readonly ranking: Ranking;
}

/** Options of {@linkcode hypothesis}. */
export interface HypothesisOptions {
  /** Name; default `"hypothesis"`. */
  name?: string;
  /** The statistical check. */
  verifier: Verifier;
  /** Metric(s) to compare; default: every metric the baseline recorded. */
  metrics?: string | readonly string[];
  /**
   * Score of a verdict, lower is better; default: its `pValue` (1 when
   * absent), so the best treatment is the one differing most significantly
   * from the baseline — in either direction when the verifier's test is
   * two-sided. Rank by direction with a one-sided test (`alternative:
   * "greater"` or `"less"`) or by effect, e.g. `(v) => -v.effectSize`.
   */
  rankBy?: (verdict: TreatmentVerdict) => number;
  /**
   * What `rankBy` ranks by, as summaries show it after "best"
   * (`"highest effectSize"`); default {@linkcode DEFAULT_RANK_BY_LABEL}
   * without `rankBy`, else `"lowest rankBy score"`.
   */
  rankByLabel?: string;
  /** Multiple-comparison correction across treatments; default `"holm"`. */
  correction?: Correction;
}

/** A condition's aggregated metrics, as hypotheses read them. */
export type ConditionMetrics = Readonly<Record<string, readonly MetricValue[]>>;

/**
 * A claim checked after all replicates: for each treatment, the verifier
 * compares the baseline and treatment samples of the chosen metrics;
 * verdicts get Holm-adjusted p-values when several treatments are compared,
 * and treatments are ranked by `rankBy`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hypothesis, stats } from "@crystallize/deno";
 *
 * const byP = new Hypothesis({ name: "by_p_value", verifier: stats.welch(), metrics: "total" });
 * assert.equal(byP.name, "by_p_value");
 * ```
 */
export class Hypothesis {
  /** Hypothesis name. */
  readonly name: string;
  /** The verifier. */
  readonly verifier: Verifier;
  /** The metrics compared (`undefined`: all of the baseline's). */
  readonly metrics: readonly string[] | undefined;
  /** Score function, lower is better. */
  readonly rankBy: (verdict: TreatmentVerdict) => number;
  /** What the score is ("lowest p-value"). */
  readonly rankByLabel: string;
  /** p-value correction. */
  readonly correction: Correction;

  /** Creates a hypothesis; a missing verifier throws. */
  constructor(options: HypothesisOptions) {
    if (typeof options?.verifier?.verify !== "function") {
      throw new CrystallizeError(
        `Hypothesis '${
          options?.name ?? "hypothesis"
        }' needs a verifier instance, e.g. { verifier: stats.welch() } (call the factory)`,
      );
    }
    this.name = options.name ?? "hypothesis";
    this.verifier = options.verifier;
    this.metrics = typeof options.metrics === "string" ? [options.metrics] : options.metrics;
    this.rankBy = options.rankBy ?? ((v) => v.pValue ?? 1);
    this.rankByLabel = options.rankByLabel ??
      (options.rankBy === undefined ? DEFAULT_RANK_BY_LABEL : "lowest rankBy score");
    this.correction = options.correction ?? "holm";
  }

  /**
   * Verifies every treatment against the baseline. Treatments without a
   * successful replicate are skipped. A metric missing from a condition throws
   * {@linkcode MissingMetricError}.
   */
  async verify(
    baseline: ConditionMetrics,
    treatments: readonly (readonly [string, ConditionMetrics])[],
  ): Promise<HypothesisResult> {
    const metrics = this.metrics ?? Object.keys(baseline);
    const baseSamples = this.#samples(metrics, "baseline", baseline);
    const raw: TreatmentVerdict[] = [];
    for (const [treatment, values] of treatments) {
      const out = this.verifier.verify(baseSamples, this.#samples(metrics, treatment, values));
      raw.push({ ...(isPromiseLike(out) ? await out : out), treatment });
    }
    const results = this.#adjust(raw);
    const ranking = { by: this.rankByLabel, ...rank(results, this.rankBy) };
    return { name: this.name, metrics, results, ranking };
  }

  #samples(metrics: readonly string[], condition: string, values: ConditionMetrics): Samples {
    const out: Record<string, readonly number[]> = {};
    for (const metric of metrics) {
      const list = values[metric];
      if (list === undefined || list.length === 0) {
        const recorded = Object.keys(values);
        throw new MissingMetricError(
          metric,
          `Hypothesis '${this.name}' needs metric '${metric}', but no replicate of '${condition}' recorded it; ` +
            (recorded.length > 0
              ? `recorded metrics: ${recorded.map((m) => `'${m}'`).join(", ")}`
              : "no metrics were recorded: have a step call ctx.metrics.add(name, value)"),
        );
      }
      const bad = list.findIndex((v) => typeof v !== "number");
      if (bad >= 0) {
        throw new HypothesisError(
          this.name,
          `Hypothesis '${this.name}': metric '${metric}' of '${condition}' must hold numbers, ` +
            `but value #${bad} is ${JSON.stringify(list[bad])}`,
        );
      }
      out[metric] = list as readonly number[];
    }
    return out;
  }

  #adjust(verdicts: TreatmentVerdict[]): TreatmentVerdict[] {
    const withP = verdicts.flatMap((v, i) =>
      typeof v.pValue === "number" && !Number.isNaN(v.pValue) ? [i] : []
    );
    if (this.correction === "none" || withP.length < 2) return verdicts;
    const adjust = this.correction === "holm" ? holm : benjaminiHochberg;
    const adjusted = adjust(withP.map((i) => verdicts[i].pValue as number));
    const out = verdicts.slice();
    withP.forEach((i, k) => out[i] = { ...verdicts[i], pValueAdjusted: adjusted[k] });
    return out;
  }
}

/** Ranks verdicts by score, lower first; NaN scores go last; ties keep order. */
function rank(
  verdicts: readonly TreatmentVerdict[],
  rankBy: (v: TreatmentVerdict) => number,
): Ranking {
  const ranked = verdicts
    .map((v) => ({ treatment: v.treatment, score: rankBy(v) }))
    .sort((a, b) =>
      (Number.isNaN(a.score) ? 1 : 0) - (Number.isNaN(b.score) ? 1 : 0) || a.score - b.score
    );
  return { best: ranked[0]?.treatment ?? null, ranked };
}

/**
 * Declares a {@linkcode Hypothesis}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hypothesis, stats } from "@crystallize/deno";
 *
 * const byP = hypothesis({
 *   name: "by_p_value",
 *   verifier: stats.welch({ alpha: 0.05 }),
 *   metrics: "total",
 *   rankBy: (r) => r.pValue ?? 1,
 * });
 * assert.deepEqual(byP.metrics, ["total"]);
 * ```
 */
export function hypothesis(options: HypothesisOptions): Hypothesis {
  return new Hypothesis(options);
}
