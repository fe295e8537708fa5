import { join } from "../path.ts";
import { stepCachePlan } from "../cache/cached_step.ts";
import type { FrozenContext } from "../context/frozen_context.ts";
import type { DataSource } from "../data/datasource.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { withStepCaching } from "../pipeline/step_caching.ts";
import { conditionPlans } from "../run/condition_plan.ts";
import { executeCondition } from "../run/condition_runner.ts";
import type { EventSink } from "../run/events.ts";
import type { RunPlan } from "../run/run_plan.ts";
import type { BasePlugin, ExperimentView } from "../run/plugin.ts";
import { outputRoot } from "../storage/output_root.ts";
import { isPromiseLike } from "../promise.ts";
import type { RunSettings } from "./run_settings.ts";

/** What {@linkcode planRun} reads of an experiment. */
export interface PlannedParts {
  readonly name: string;
  readonly datasource: DataSource | undefined;
  readonly pipeline: Pipeline | undefined;
  readonly initialContext: Readonly<Record<string, unknown>>;
  readonly outputDir?: string;
}

/**
 * The plan every replicate of a run follows: its conditions (baseline, then
 * the run's treatments), seeding, the plugins' per-replicate hooks bound to
 * `view` (what hooks receive as the experiment), logger, cancellation, time
 * limit, progress events and step cache. The experiment must be valid
 * (datasource and steps set).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, treatment } from "@crystallize/deno";
 * import { planRun } from "./plan_run.ts";
 * import { runSettings } from "./run_settings.ts";
 *
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).treatments([treatment("t", { x: 1 })]).seed(9).build();
 * const plan = planRun(experiment, experiment, runSettings(experiment, {}), "run-1", undefined);
 * assert.deepEqual(plan.conditions.map((c) => c.name), ["baseline", "t"]);
 * assert.deepEqual(plan.seeding, { master: 9, autoSeed: true });
 * ```
 */
export function planRun(
  experiment: PlannedParts,
  view: ExperimentView,
  settings: RunSettings,
  runId: string,
  events: EventSink | undefined,
): RunPlan {
  const steps = withStepCaching(experiment.pipeline!.steps, settings.stepCaching);
  return {
    experimentName: experiment.name,
    runId,
    datasource: experiment.datasource!,
    steps,
    conditions: conditionPlans(experiment.initialContext, settings.treatments),
    seeding: settings.seed === undefined
      ? undefined
      : { master: settings.seed, autoSeed: settings.seeding.autoSeed },
    seedFn: settings.seeding.seedFn,
    hooks: boundHooks(settings.plugins, view),
    logger: settings.logger,
    signal: settings.signal ?? new AbortController().signal,
    timeoutMs: settings.timeoutMs,
    events,
    cache: stepCachePlan(
      steps,
      settings.cache ? join(outputRoot(experiment), "cache") : undefined,
      settings.strategy === "rerun",
      settings.logger,
    ),
  };
}

/** The plugins' per-replicate hooks, in plugin order, each bound to `view` and named. */
function boundHooks(plugins: readonly BasePlugin[], view: ExperimentView): RunPlan["hooks"] {
  return {
    beforeReplicate: plugins.flatMap((p) =>
      p.beforeReplicate
        ? [{ plugin: p.pluginName, call: (ctx: FrozenContext) => p.beforeReplicate!(view, ctx) }]
        : []
    ),
    beforeStep: plugins.flatMap((p) =>
      p.beforeStep
        ? [{
          plugin: p.pluginName,
          call: (step: PipelineStep, ctx: FrozenContext) => p.beforeStep!(view, step, ctx),
        }]
        : []
    ),
    afterStep: plugins.flatMap((p) =>
      p.afterStep
        ? [{
          plugin: p.pluginName,
          call: (step: PipelineStep, data: unknown, ctx: FrozenContext) =>
            p.afterStep!(view, step, data, ctx),
        }]
        : []
    ),
  };
}

/**
 * Runs the plan's last condition once (replicate 0) and returns the
 * pipeline's output (what `experiment.apply` does): on `data`, or on what
 * the datasource fetches when `data` is `undefined`. Errors propagate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { applyOnce, planRun } from "./plan_run.ts";
 * import { runSettings } from "./run_settings.ts";
 *
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d * 2, { name: "double" })()).build();
 * const plan = planRun(experiment, experiment, runSettings(experiment, { replicates: 1 }), "r", undefined);
 * assert.equal(await applyOnce(plan, 21), 42);
 * assert.equal(await applyOnce(plan, undefined), 2);
 * ```
 */
export async function applyOnce(plan: RunPlan, data: unknown): Promise<unknown> {
  const index = plan.conditions.length - 1;
  const out = executeCondition(plan, 0, index, data === undefined ? undefined : { value: data });
  return isPromiseLike(out) ? await out : out;
}
