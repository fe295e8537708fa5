/**
 * Statistics: tests validated against scipy, effect sizes, p-value
 * corrections, and ready-made verifiers for hypotheses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hypothesis, stats } from "@crystallize/deno";
 * import { welchTTest } from "@crystallize/deno/stats";
 *
 * assert.equal(stats.welchTTest([1, 2, 3, 4], [2, 3, 4, 5]).pValue, welchTTest([1, 2, 3, 4], [2, 3, 4, 5]).pValue);
 * assert.deepEqual(hypothesis({ verifier: stats.welch(), metrics: "total" }).metrics, ["total"]);
 * ```
 * @module
 */
export * from "./stats/mod.ts";
export * from "./ready_verifiers.ts";
