import { CrystallizeError } from "../errors.ts";
import type { Alternative } from "./stats/mod.ts";
import {
  bootstrapMeanDiffCI,
  cohensD,
  mannWhitneyU,
  studentTTest,
  welchTTest,
} from "./stats/mod.ts";
import { normalMeanDiffCI } from "./stats/normal_ci.ts";
import { type Samples, type Verifier, verifier, type VerifierOutput } from "./verifier.ts";

/** Options of the ready-made verifiers. */
export interface ReadyVerifierOptions {
  /** Significance level; default 0.05. */
  alpha?: number;
  /** Direction of the test, treatment relative to baseline; default `"two-sided"`. */
  alternative?: Alternative;
  /** Metric to test when the hypothesis compares several; default: its only metric. */
  metric?: string | null;
  /** Confidence level of the CI of the mean difference; default 0.95. */
  confidence?: number;
  /** Bootstrap resamples for the CI; default 2000. */
  resamples?: number;
  /**
   * How the CI of the mean difference is computed: `"bootstrap"` (seeded
   * percentile bootstrap, {@linkcode bootstrapMeanDiffCI}), `"normal"` (its
   * large-sample limit: estimate ± z·√(σ²_t/n_t + σ²_b/n_b) with plug-in
   * variances, one pass over the data), or `"auto"` (default):
   * the bootstrap while it draws at most {@linkcode BOOTSTRAP_DRAW_BUDGET}
   * values (`resamples` × both sample sizes; with 2000 resamples, up to about
   * 2,000 replicates per condition), the normal interval beyond. Either way the
   * result is deterministic; `ci.method` says which was used.
   */
  ciMethod?: CIMethod;
}

/** How a ready verifier's CI is computed (see {@linkcode ReadyVerifierOptions.ciMethod}). */
export type CIMethod = "auto" | "bootstrap" | "normal";

/**
 * Most values the `"auto"` CI of a ready verifier resamples (2²³): about
 * 0.1–0.2 s of bootstrap at most. Past it the bootstrap would cost ~15 ns per
 * draw × 2000 resamples per replicate, while the percentile interval has
 * converged to the normal one (both samples are then over ~2,000 values).
 */
export const BOOTSTRAP_DRAW_BUDGET = 2 ** 23;

/** What the ready-made verifiers report. */
export interface ReadyVerifierOutput extends VerifierOutput {
  /** Test statistic. */
  readonly statistic: number;
  /** p-value. */
  readonly pValue: number;
  /** `pValue < alpha`. */
  readonly significant: boolean;
  /** Cohen's d of treatment vs baseline. */
  readonly effectSize: number;
  /** CI of mean(treatment) − mean(baseline), and how it was computed. */
  readonly ci: {
    readonly low: number;
    readonly high: number;
    readonly estimate: number;
    readonly method: "bootstrap" | "normal";
  };
}

const DEFAULTS = {
  alpha: 0.05,
  alternative: "two-sided" as Alternative,
  metric: null as string | null,
  confidence: 0.95,
  resamples: 2000,
  ciMethod: "auto" as CIMethod,
};

type TestFn = (
  treated: readonly number[],
  baseline: readonly number[],
  alternative: Alternative,
) => {
  statistic: number;
  pValue: number;
};

function readyVerifier(name: string, test: TestFn) {
  return verifier(
    (baseline: Samples, treated: Samples, p: typeof DEFAULTS): ReadyVerifierOutput => {
      const metric = pickMetric(name, baseline, p.metric);
      const t = treated[metric], b = baseline[metric];
      const { statistic, pValue } = test(t, b, p.alternative);
      return {
        statistic,
        pValue,
        significant: pValue < p.alpha,
        effectSize: cohensD(t, b),
        ci: meanDiffCI(name, t, b, p),
      };
    },
    { name, params: DEFAULTS },
  );
}

function meanDiffCI(
  name: string,
  t: readonly number[],
  b: readonly number[],
  p: typeof DEFAULTS,
): ReadyVerifierOutput["ci"] {
  if (p.ciMethod !== "auto" && p.ciMethod !== "bootstrap" && p.ciMethod !== "normal") {
    throw new CrystallizeError(
      `${name}: ciMethod must be "auto", "bootstrap" or "normal", got ${
        JSON.stringify(p.ciMethod)
      }`,
    );
  }
  const method = p.ciMethod === "auto"
    ? (p.resamples * (t.length + b.length) <= BOOTSTRAP_DRAW_BUDGET ? "bootstrap" : "normal")
    : p.ciMethod;
  const ci = method === "bootstrap"
    ? bootstrapMeanDiffCI(t, b, { confidence: p.confidence, resamples: p.resamples, seed: 0 })
    : normalMeanDiffCI(t, b, { confidence: p.confidence });
  return { ...ci, method };
}

function pickMetric(name: string, samples: Samples, metric: string | null): string {
  const names = Object.keys(samples);
  if (metric !== null) {
    if (!names.includes(metric)) {
      throw new CrystallizeError(
        `${name}: metric '${metric}' is not among the hypothesis' metrics (${names.join(", ")})`,
      );
    }
    return metric;
  }
  if (names.length !== 1) {
    throw new CrystallizeError(
      `${name} tests one metric, but the hypothesis compares ${names.length} (${
        names.join(", ")
      }); ` +
        `pass { metric: "..." } or give the hypothesis a single metric`,
    );
  }
  return names[0];
}

const welchFactory = readyVerifier(
  "welch",
  (t, b, alternative) => welchTTest(t, b, { alternative }),
);
const studentFactory = readyVerifier(
  "student_t",
  (t, b, alternative) => studentTTest(t, b, { alternative }),
);
const mannWhitneyFactory = readyVerifier(
  "mann_whitney",
  (t, b, alternative) => mannWhitneyU(t, b, { alternative }),
);

/**
 * Welch's t-test (unequal variances) of treatment vs baseline, with Cohen's d
 * and a CI of the mean difference (bootstrap for small samples, normal
 * approximation for large ones: see {@linkcode ReadyVerifierOptions.ciMethod}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hypothesis, stats } from "@crystallize/deno";
 *
 * const faster = hypothesis({
 *   name: "faster",
 *   verifier: stats.welch({ alpha: 0.01, alternative: "less" }),
 *   metrics: "ms",
 * });
 * const verdict = faster.verifier.verify({ ms: [10, 11, 12, 11] }, { ms: [5, 6, 5, 6] });
 * assert.equal((await verdict).significant, true);
 * ```
 */
export function welch(options: ReadyVerifierOptions = {}): Verifier {
  return welchFactory(options);
}

/**
 * Student's t-test (pooled variance) of treatment vs baseline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hypothesis, stats } from "@crystallize/deno";
 *
 * const h = hypothesis({ verifier: stats.studentT(), metrics: "score" });
 * const verdict = await h.verifier.verify({ score: [1, 2, 3, 4] }, { score: [3, 4, 5, 6] });
 * assert.equal(verdict.pValue?.toFixed(4), "0.0710"); // t = 2.19 with 6 degrees of freedom
 * assert.equal(verdict.significant, false); // at the default alpha 0.05
 * ```
 */
export function studentT(options: ReadyVerifierOptions = {}): Verifier {
  return studentFactory(options);
}

/**
 * Mann-Whitney U test of treatment vs baseline (no normality assumption).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hypothesis, stats } from "@crystallize/deno";
 *
 * const h = hypothesis({ verifier: stats.mannWhitney(), metrics: "latency" });
 * const verdict = await h.verifier.verify({ latency: [1, 2, 3, 4] }, { latency: [5, 6, 7, 8] });
 * assert.ok(verdict.pValue! < 0.05);
 * ```
 */
export function mannWhitney(options: ReadyVerifierOptions = {}): Verifier {
  return mannWhitneyFactory(options);
}
