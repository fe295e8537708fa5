/**
 * Per-step caching choices for one run: whether each step's output is
 * cached, whatever its `cacheable` option says (the terminal UI's lock per
 * step).
 * @module
 */
import type { PipelineStep } from "./step.ts";

/**
 * Step name → `true` to cache its output, `false` to compute it every time
 * (`RunOptions.stepCaching`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, type StepCaching } from "@crystallize/deno";
 *
 * const one = dataSource(() => 1, { name: "one" });
 * const slow = pipelineStep((d: number) => d, { name: "slow", cacheable: true });
 * const outputDir = await Deno.makeTempDir();
 * const experiment = new Experiment({ name: "caching", datasource: one(), pipeline: [slow()], outputDir });
 * const caching: StepCaching = { slow: false };
 * const result = await experiment.run({ stepCaching: caching });
 * assert.deepEqual(result.provenance.cache.steps, {}); // slow ran uncached this time
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export type StepCaching = Readonly<Record<string, boolean>>;

/**
 * `steps` with the cacheability `caching` chooses; a step it does not name
 * keeps its own. A changed step is a copy that runs, hashes and rebuilds
 * (by its factory) as the original does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { withStepCaching } from "./step_caching.ts";
 *
 * const slow = pipelineStep((d: number[]) => d, { name: "slow", cacheable: true });
 * const fast = pipelineStep((d: number[]) => d, { name: "fast" });
 * const steps = withStepCaching([slow(), fast()], { slow: false, fast: true });
 * assert.deepEqual(steps.map((s) => s.cacheable), [false, true]);
 * assert.deepEqual(steps[1].run([1], undefined as never), [1]); // still the same step
 * ```
 */
export function withStepCaching(
  steps: readonly PipelineStep[],
  caching: StepCaching | undefined,
): readonly PipelineStep[] {
  if (caching === undefined) return steps;
  return steps.map((step) => {
    const cacheable = caching[step.name];
    if (cacheable === undefined || cacheable === step.cacheable) return step;
    return {
      name: step.name,
      params: step.params,
      cacheable,
      get codeHash() {
        return step.codeHash;
      },
      factory: step.factory,
      run: (data, ctx) => step.run(data, ctx),
      paramValues: (ctx) => step.paramValues(ctx),
    };
  });
}

/**
 * The names `caching` gives that no step of the pipeline has, so a typo is
 * refused instead of silently caching nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { unknownSteps } from "./step_caching.ts";
 *
 * const slow = pipelineStep((d: number[]) => d, { name: "slow" });
 * assert.deepEqual(unknownSteps([slow()], { slow: true, slwo: false }), ["slwo"]);
 * ```
 */
export function unknownSteps(
  steps: readonly PipelineStep[],
  caching: StepCaching | undefined,
): string[] {
  return Object.keys(caching ?? {}).filter((name) => !steps.some((s) => s.name === name));
}
