/**
 * The candidate `name` was most likely meant to be, or `undefined` when none
 * is close: equal ignoring case, `_` and `-` (`rankBy` → `rank_by`), or within
 * a small edit distance (one edit per three characters, at least one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { didYouMean } from "./did_you_mean.ts";
 *
 * assert.equal(didYouMean("replicate", ["name", "replicates", "steps"]), "replicates");
 * assert.equal(didYouMean("addDelta", ["add_delta", "total"]), "add_delta");
 * assert.equal(didYouMean("zzz", ["name"]), undefined);
 * ```
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalise(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (normalise(candidate) === wanted) return candidate;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * `; did you mean 'x'?` for {@linkcode didYouMean}'s suggestion, or `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { suggestion } from "./did_you_mean.ts";
 *
 * assert.equal(
 *   `unknown key 'replicate'${suggestion("replicate", ["replicates"])}`,
 *   "unknown key 'replicate'; did you mean 'replicates'?",
 * );
 * ```
 */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const match = didYouMean(name, candidates);
  return match === undefined ? "" : `; did you mean '${match}'?`;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1, cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => [i, ...Array(cols - 1).fill(0)]);
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}
