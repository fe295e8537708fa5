import { CrystallizeError } from "../errors.ts";
import type { Result } from "../run/result.ts";
import { toTreatment, type Treatment } from "../run/treatment.ts";
import type { RunOptions } from "./experiment_options.ts";
import type { BaseOptimizer } from "./optimizer.ts";

/** Options of {@linkcode optimizeTrials}: what `experiment.optimize` takes. */
export interface TrialOptions {
  /** Trials to run. */
  readonly numTrials: number;
  /** Replicates per trial; default 1. */
  readonly replicatesPerTrial?: number;
}

/**
 * Drives `optimizer` for `numTrials` trials: each asks it for treatments,
 * runs them with `run` (no hypotheses), tells it the mean of the objective
 * metric of the first one, and finally returns its best treatment. A trial
 * without numeric values of the metric throws, naming the failures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, GridSearchOptimizer, pipelineStep } from "@crystallize/deno";
 * import { optimizeTrials } from "./optimize_trials.ts";
 *
 * const scale = pipelineStep((d: number, ctx, { k }) => {
 *   ctx.metrics.add("y", d * k);
 *   return d;
 * }, { name: "scale", params: { k: 1 } });
 * const experiment = Experiment.builder("search").datasource(dataSource(() => 2, { name: "two" })())
 *   .addStep(scale()).build();
 * const grid = new GridSearchOptimizer({ k: [3, 1, 2] }, { metric: "y", direction: "minimize" });
 * const best = await optimizeTrials(grid, { numTrials: 3 }, (options) => experiment.run(options));
 * assert.deepEqual(best.values, { k: 1 });
 * ```
 */
export async function optimizeTrials(
  optimizer: BaseOptimizer,
  options: TrialOptions,
  run: (options: RunOptions) => Promise<Result>,
): Promise<Treatment> {
  const metric = optimizer.objective.metric;
  for (let trial = 0; trial < options.numTrials; trial++) {
    const asked = optimizer.ask();
    const result = await run({
      treatments: asked,
      hypotheses: [],
      replicates: options.replicatesPerTrial ?? 1,
    });
    const first = asked[0] === undefined ? undefined : toTreatment(asked[0]).name;
    const values = first === undefined
      ? undefined
      : result.metrics.treatments[first]?.metrics[metric];
    const numbers = (values ?? []).filter((v): v is number => typeof v === "number");
    if (first === undefined || numbers.length === 0) {
      const errors = result.errors.map((e) =>
        `${e.condition} #${e.replicate} in ${e.step}: ${e.message}`
      );
      throw new CrystallizeError(
        `optimize(): trial ${trial} produced no numeric '${metric}' values for treatment '${
          first ?? "(none asked)"
        }'` +
          (errors.length > 0
            ? `; failures: ${errors.slice(0, 3).join("; ")}`
            : "; record it with ctx.metrics.add"),
      );
    }
    optimizer.tell({ [metric]: numbers.reduce((a, b) => a + b, 0) / numbers.length });
  }
  return optimizer.getBestTreatment();
}
