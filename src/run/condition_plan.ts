import { deepFreeze } from "../context/deep_freeze.ts";
import { BASELINE } from "../context/frozen_context.ts";
import { mergeValues, type Treatment, type TreatmentFunction } from "./treatment.ts";

/** One condition of a run: its name and the context values every replicate of it starts from. */
export interface ConditionPlan {
  /** `"baseline"` or the treatment name. */
  readonly name: string;
  /** Initial context merged with the treatment's values (deep-frozen, shared by all replicates). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The treatment function, for function treatments. */
  readonly apply: TreatmentFunction | undefined;
  /** The treatment this condition comes from (`undefined` for a plain baseline). */
  readonly treatment: Treatment | undefined;
}

/**
 * One condition from its starting values. The values are deep-frozen here,
 * the one place every strategy gets its conditions from (the parent, and a
 * worker process from the values it was sent), so a step changing a value
 * in place fails the same way whatever runs it, and no replicate sees
 * another's change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treatment } from "@crystallize/deno";
 * import { conditionPlan } from "./condition_plan.ts";
 *
 * const fast = treatment("fast", { model: { lr: 0.1 } });
 * const plan = conditionPlan("fast", { model: { lr: 0.1 } }, fast);
 * assert.ok(Object.isFrozen(plan.values.model));
 * ```
 */
export function conditionPlan(
  name: string,
  values: Readonly<Record<string, unknown>>,
  treatment: Treatment | undefined,
): ConditionPlan {
  return { name, values: deepFreeze(values), apply: treatment?.apply, treatment };
}

/**
 * The conditions of a run: the baseline (with the values of a treatment
 * named `"baseline"`, if any), then every other treatment, each starting
 * from `initial` with the treatment's values merged on top.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treatment } from "@crystallize/deno";
 * import { conditionPlans } from "./condition_plan.ts";
 *
 * const plans = conditionPlans({ delta: 0 }, [treatment("boost", { delta: 1 })]);
 * assert.deepEqual(plans.map((c) => c.name), ["baseline", "boost"]);
 * assert.deepEqual(plans.map((c) => c.values.delta), [0, 1]);
 * ```
 */
export function conditionPlans(
  initial: Readonly<Record<string, unknown>>,
  treatments: readonly Treatment[],
): ConditionPlan[] {
  const of = (name: string, t: Treatment | undefined) =>
    conditionPlan(name, t === undefined ? initial : mergeValues(initial, t.values), t);
  return [
    of(BASELINE, treatments.find((t) => t.isBaseline)),
    ...treatments.filter((t) => !t.isBaseline).map((t) => of(t.name, t)),
  ];
}
