/**
 * Statistics: tests validated against scipy, effect sizes, p-value
 * corrections, and ready-made verifiers for hypotheses.
 *
 * @example
 * ```ts
 * import { stats } from "../../mod.ts";
 * stats.welchTTest([1, 2, 3, 4], [2, 3, 4, 5]).pValue;
 * hypothesis({ verifier: stats.welch(), metrics: "total" });
 * ```
 * @module
 */
export * from "./stats/mod.ts";
export * from "./ready_verifiers.ts";
