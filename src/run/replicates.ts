/**
 * The most replicates per condition a run may ask for, wherever the count
 * comes from: `Experiment({ replicates })`, `.replicates(n)`,
 * `run({ replicates })`, `replicates:` in config.yaml and the CLI's
 * `--replicates`. Every replicate keeps one value per metric in memory and
 * one line in a stored run, so a typo such as `1e9` would otherwise run for
 * days before anyone noticed; a million leaves room for any real experiment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_REPLICATES } from "@crystallize/deno";
 * import { replicatesProblem } from "./replicates.ts";
 *
 * assert.equal(replicatesProblem(MAX_REPLICATES + 1), "replicates must be a whole number from 1 to 1000000, got 1000001");
 * ```
 */
export const MAX_REPLICATES = 1_000_000;

/**
 * Why `n` is not a usable replicate count, or `undefined` when it is: a
 * whole number from 1 to {@linkcode MAX_REPLICATES} (so never a fraction,
 * `NaN`, `Infinity` or an integer beyond `Number.MAX_SAFE_INTEGER`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicatesProblem } from "./replicates.ts";
 *
 * assert.equal(replicatesProblem(20), undefined);
 * assert.equal(replicatesProblem(2.5), "replicates must be a whole number from 1 to 1000000, got 2.5");
 * assert.equal(replicatesProblem(1e9), "replicates must be a whole number from 1 to 1000000, got 1000000000");
 * ```
 */
export function replicatesProblem(n: unknown): string | undefined {
  if (Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= MAX_REPLICATES) {
    return undefined;
  }
  const shown = typeof n === "number" || typeof n === "bigint" ? String(n) : JSON.stringify(n);
  return `replicates must be a whole number from 1 to ${MAX_REPLICATES}, got ${shown}`;
}
