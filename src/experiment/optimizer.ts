import { CrystallizeError } from "../errors.ts";
import { Treatment } from "../run/treatment.ts";

/** What an optimizer minimises or maximises: the mean of one metric. */
export interface Objective {
  /** Metric name. */
  readonly metric: string;
  /** Default `"minimize"`. */
  readonly direction?: "minimize" | "maximize";
}

/**
 * An ask/tell optimizer over treatments, driven by
 * `experiment.optimize(optimizer, { numTrials })`: each trial it is asked
 * for treatments to try, then told the objective's mean for the first one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseOptimizer, dataSource, Experiment, pipelineStep, Treatment } from "@crystallize/deno";
 *
 * class Fixed extends BaseOptimizer {
 *   seen: number[] = [];
 *   ask() {
 *     return [new Treatment("t", { delta: 1 })];
 *   }
 *   tell(values: Readonly<Record<string, number>>) {
 *     this.seen.push(...Object.values(values));
 *   }
 *   getBestTreatment() {
 *     return new Treatment("best", { delta: 1 });
 *   }
 * }
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const sum = pipelineStep((d: number[], ctx) => {
 *   ctx.metrics.add("sum", d[0] + d[1]);
 *   return d;
 * }, { name: "sum" });
 * const experiment = Experiment.builder("fixed").datasource(dataSource(() => [1, 2], { name: "n" })())
 *   .addStep(addDelta()).addStep(sum()).build();
 * const optimizer = new Fixed({ metric: "sum" });
 * assert.equal((await experiment.optimize(optimizer, { numTrials: 2 })).name, "best");
 * assert.equal(optimizer.seen.length, 2); // told once per trial
 * ```
 */
export abstract class BaseOptimizer {
  /** The objective. */
  readonly objective: Objective;

  /** Creates the optimizer. */
  constructor(objective: Objective) {
    this.objective = objective;
  }

  /** Treatments to try next (the first one is scored). */
  abstract ask(): Treatment[];
  /** The objective's value for the last asked treatment: `{ [metric]: mean }`. */
  abstract tell(values: Readonly<Record<string, number>>): void;
  /** The best treatment found so far. */
  abstract getBestTreatment(): Treatment;
}

/**
 * Tries every combination of a parameter grid in order (the last parameter
 * varies fastest) and returns the best one as treatment `"grid_best"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, GridSearchOptimizer, pipelineStep } from "@crystallize/deno";
 *
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const sum = pipelineStep((d: number[], ctx) => {
 *   ctx.metrics.add("sum", d[0] + d[1]);
 *   return d;
 * }, { name: "sum" });
 * const experiment = Experiment.builder("grid").datasource(dataSource(() => [1, 2], { name: "n" })())
 *   .addStep(addDelta()).addStep(sum()).build();
 * const grid = new GridSearchOptimizer({ delta: [0, 1, 2] }, { metric: "sum" });
 * const best = await experiment.optimize(grid, { numTrials: 3 });
 * assert.deepEqual(grid.results, [3, 5, 7]); // objective values in trial order
 * assert.deepEqual(best.values, { delta: 0 }); // minimized by default
 * ```
 */
export class GridSearchOptimizer extends BaseOptimizer {
  /** Every combination, in trial order. */
  readonly combinations: readonly Readonly<Record<string, unknown>>[];
  /** Objective values told so far, in trial order. */
  readonly results: number[] = [];
  #asked = 0;

  /** Creates the optimizer; an empty grid or an empty value list throws. */
  constructor(paramGrid: Readonly<Record<string, readonly unknown[]>>, objective: Objective) {
    super(objective);
    const keys = Object.keys(paramGrid);
    if (
      keys.length === 0 ||
      keys.some((k) => !Array.isArray(paramGrid[k]) || paramGrid[k].length === 0)
    ) {
      throw new CrystallizeError(
        "GridSearchOptimizer needs at least one parameter, each with a non-empty list of values, e.g. { delta: [0, 1, 2] }",
      );
    }
    this.combinations = keys.reduce<Record<string, unknown>[]>(
      (combos, key) => combos.flatMap((c) => paramGrid[key].map((v) => ({ ...c, [key]: v }))),
      [{}],
    );
  }

  /** How many trials were asked for. */
  get trialIndex(): number {
    return this.#asked;
  }

  /** The next combination as treatment `grid_<i>`; throws once the grid is exhausted. */
  ask(): Treatment[] {
    if (this.#asked >= this.combinations.length) {
      throw new CrystallizeError(
        `GridSearchOptimizer: all ${this.combinations.length} combinations were tried; use numTrials <= ${this.combinations.length}`,
      );
    }
    const i = this.#asked++;
    return [new Treatment(`grid_${i}`, this.combinations[i])];
  }

  /** Records the objective value of the last asked combination. */
  tell(values: Readonly<Record<string, number>>): void {
    const value = values[this.objective.metric];
    if (typeof value !== "number") {
      throw new CrystallizeError(
        `GridSearchOptimizer.tell() needs { ${this.objective.metric}: number }`,
      );
    }
    this.results.push(value);
  }

  /** The best combination told so far, as treatment `"grid_best"`. */
  getBestTreatment(): Treatment {
    if (this.results.length === 0) {
      throw new CrystallizeError(
        "GridSearchOptimizer has no results yet: run experiment.optimize() first",
      );
    }
    const sign = this.objective.direction === "maximize" ? -1 : 1;
    let best = 0;
    this.results.forEach((v, i) => {
      if (sign * v < sign * this.results[best]) best = i;
    });
    return new Treatment("grid_best", this.combinations[best]);
  }
}
