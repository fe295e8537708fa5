/**
 * Statistics for verifying experiment results: two-sample tests, effect
 * sizes, a seeded bootstrap confidence interval and multiple-comparison
 * adjustment. Results are plain objects with camelCase keys; p-values match
 * scipy 1.17. Invalid input throws {@linkcode StatisticsInputError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm, mannWhitneyU, welchTTest } from "./mod.ts";
 *
 * const baseline = [0.81, 0.79, 0.83, 0.80, 0.82];
 * const candidate = [0.86, 0.84, 0.88, 0.85, 0.87];
 * const t = welchTTest(candidate, baseline, { alternative: "greater" });
 * const u = mannWhitneyU(candidate, baseline, { alternative: "greater" });
 * assert.ok(holm([t.pValue, u.pValue]).every((p) => p < 0.05));
 * ```
 *
 * @module
 */

export type { Alternative } from "./alternative.ts";
export { bootstrapMeanDiffCI } from "./bootstrap.ts";
export type { BootstrapOptions, BootstrapResult } from "./bootstrap.ts";
export { cohensD, hedgesG } from "./effect_size.ts";
export { StatisticsInputError } from "./errors.ts";
export type { StatisticsInputErrorDetails } from "./errors.ts";
export { mannWhitneyU } from "./mann_whitney.ts";
export type { MannWhitneyMethod, MannWhitneyOptions, MannWhitneyResult } from "./mann_whitney.ts";
export { benjaminiHochberg, holm } from "./p_adjust.ts";
export { studentTTest, welchTTest } from "./t_test.ts";
export type { TTestOptions, TTestResult } from "./t_test.ts";
