import { RunRecorder } from "../../storage/run_recorder.ts";
import { stepCachePlan } from "../../cache/cached_step.ts";
import { createLogger, type LogRecord } from "../../context/logger.ts";
import type { DataSource } from "../../data/datasource.ts";
import { conditionPlan } from "../../run/condition_plan.ts";
import type { EventSink, ProgressEvent } from "../../run/events.ts";
import type { RunPlan } from "../../run/run_plan.ts";
import { isPlainObject } from "../../plain_object.ts";
import { Treatment } from "../../run/treatment.ts";
import { CrystallizeError } from "../../errors.ts";
import { ResourceFactory } from "../../pipeline/resource_factory.ts";
import type { PipelineStep } from "../../pipeline/step.ts";
import { withStepCaching } from "../../pipeline/step_caching.ts";
import type { ExportRef, WorkerSpec } from "./messages.ts";

/** What a worker sends back while it runs replicates. */
export interface RebuildSinks {
  /** A progress event. */
  readonly event: (event: ProgressEvent) => void;
  /** A `ctx.logger` record. */
  readonly log: (record: LogRecord) => void;
}

/**
 * Rebuilds a run plan inside a worker from a {@linkcode WorkerSpec} and the
 * experiment modules (imported by the worker's entry): calls the exported
 * factories with the same parameters and restores resource factories, so
 * replicates run exactly as in the parent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../../examples/scaling_demo.ts";
 * import { workerSpec } from "./spec.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const keep = new KeepPlan();
 * await Experiment.builder("on_workers").datasource(fetchNumbers()).addStep(total())
 *   .plugins([keep]).replicates(2).build().run({ seed: 1 });
 * const spec = await workerSpec(keep.plan!, "warn");
 * import { runReplicate } from "../../run/condition_runner.ts";
 * import { allRefs } from "./messages.ts";
 * import { rebuildPlan } from "./rebuild.ts";
 *
 * const modules: Record<string, Record<string, unknown>> = {};
 * for (const { module } of allRefs(spec)) modules[module] = await import(module);
 * const post = () => {};
 * const plan = rebuildPlan(spec, modules, new AbortController().signal, { event: post, log: post });
 * assert.deepEqual(plan.steps.map((s) => s.name), ["total"]);
 * const outcome = await runReplicate(plan, 0);
 * assert.equal(outcome.conditions[0].metrics.total.length, 1);
 * ```
 */
export function rebuildPlan(
  spec: WorkerSpec,
  modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  signal: AbortSignal,
  sinks: RebuildSinks,
): RunPlan {
  const resolve = (ref: ExportRef): unknown => {
    const mod = modules[ref.module];
    if (mod === undefined || !(ref.name in mod)) {
      throw new CrystallizeError(`Worker: export '${ref.name}' of ${ref.module} is missing`);
    }
    return mod[ref.name];
  };
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (!isPlainObject(value)) return value;
    if ("$crystallizeResource" in value) {
      const resource = resolve(value.$crystallizeResource as ExportRef);
      if (!(resource instanceof ResourceFactory)) {
        throw new CrystallizeError("Worker: resource export changed type");
      }
      return resource;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  };
  const build = <T>(call: WorkerSpec["datasource"]): T => {
    const factory = resolve(call.ref);
    if (typeof factory !== "function") {
      throw new CrystallizeError(`Worker: ${call.ref.name} is not a factory`);
    }
    return factory(decode(call.params)) as T;
  };
  const conditions = spec.conditions.map((c) => {
    const treatment = c.treatment === undefined ? undefined : resolve(c.treatment);
    if (treatment !== undefined && !(treatment instanceof Treatment)) {
      throw new CrystallizeError(`Worker: ${c.treatment!.name} is not a treatment`);
    }
    return conditionPlan(c.name, decode(c.values) as Record<string, unknown>, treatment);
  });
  const events: EventSink | undefined =
    spec.events.errors || spec.events.replicates || spec.events.steps
      ? { replicates: spec.events.replicates, steps: spec.events.steps, emit: sinks.event }
      : undefined;
  // Each step as cacheable as the parent's run made it (the run may choose per step).
  const steps = spec.steps.flatMap((s) => {
    const step = build<PipelineStep>(s);
    return withStepCaching([step], { [step.name]: s.cacheable });
  });
  const logger = createLogger({ level: spec.logLevel, sink: sinks.log });
  return {
    experimentName: spec.experimentName,
    runId: spec.runId,
    datasource: build<DataSource>(spec.datasource),
    steps,
    conditions,
    seeding: spec.seeding,
    seedFn: undefined,
    hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
    logger,
    signal,
    events,
    cache: stepCachePlan(steps, spec.cache?.dir, spec.cache?.refresh ?? false, logger),
    recorder: spec.record === undefined ? undefined : new RunRecorder(spec.record, logger),
    reused: spec.reused === undefined
      ? undefined
      : new Map(Object.entries(spec.reused).map(([c, list]) => [c, new Set(list)])),
  };
}
