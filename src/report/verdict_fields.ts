import type { TreatmentVerdict } from "../verify/hypothesis.ts";

/** A verdict's effect as a forest plot draws it. */
export interface VerdictEffect {
  /** The point estimate. */
  readonly estimate: number;
  /** Lower end of its interval, when the verifier reported one. */
  readonly low: number | undefined;
  /** Upper end of its interval, when the verifier reported one. */
  readonly high: number | undefined;
  /** What the estimate is. */
  readonly kind: "mean difference" | "effect size";
}

/**
 * The effect a verifier reported for a treatment: its `ci` (the interval
 * of mean(treatment) − mean(baseline) of the ready verifiers, with
 * `estimate`), else its `effectSize` without an interval; `undefined` when
 * it reported neither as finite numbers. Verifier output is anything the
 * verifier returned: every field is checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verdictEffect } from "./verdict_fields.ts";
 *
 * const ci = { low: 0.5, high: 1.5, estimate: 1 };
 * assert.deepEqual(verdictEffect({ treatment: "t", ci }), { estimate: 1, low: 0.5, high: 1.5, kind: "mean difference" });
 * assert.equal(verdictEffect({ treatment: "t", effectSize: 0.3 })?.kind, "effect size");
 * assert.equal(verdictEffect({ treatment: "t", effectSize: "big" }), undefined);
 * ```
 */
export function verdictEffect(verdict: TreatmentVerdict): VerdictEffect | undefined {
  const ci = verdict.ci as Record<string, unknown> | undefined;
  if (typeof ci === "object" && ci !== null) {
    const { low, high, estimate } = ci;
    if (finite(low) && finite(high)) {
      const point = finite(estimate) ? estimate : (low + high) / 2;
      return { estimate: point, low, high, kind: "mean difference" };
    }
  }
  if (finite(verdict.effectSize)) {
    return { estimate: verdict.effectSize, low: undefined, high: undefined, kind: "effect size" };
  }
  return undefined;
}

function finite(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}
