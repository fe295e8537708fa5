import type { MetricValue } from "../context/metrics.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { CancelledReplicate, ReplicateError, ReplicateOutcome } from "../storage/outcome.ts";
import type { CacheUse, ConditionStepTiming, StepTiming } from "../storage/provenance.ts";

/** Replicate outcomes folded per condition, in replicate order. */
export interface Aggregate {
  /** Metric values per condition: each metric's values concatenated in replicate order. */
  readonly metrics: Map<string, Record<string, MetricValue[]>>;
  /** Seeds per condition, in replicate order. */
  readonly seeds: Record<string, (number | undefined)[]>;
  /** Failed replicates, by replicate then condition. */
  readonly errors: ReplicateError[];
  /** Replicates the run's cancel stopped, by replicate then condition (not failures). */
  readonly cancelled: CancelledReplicate[];
  /** Cache hits and misses of cacheable steps, in total and per step. */
  readonly cache: CacheUse;
  /** Per-step timing summaries. */
  readonly steps: StepTiming[];
  /** Per condition, each step's calls, time and cache hits (steps in pipeline order). */
  readonly stepsByCondition: Record<string, ConditionStepTiming[]>;
  /** Per-condition replicate counts (run and failed) and mean durations. */
  readonly conditions: Record<string, { replicates: number; failed: number; meanMs: number }>;
}

/**
 * Folds outcomes (in replicate order) into per-condition metrics, seeds,
 * errors and timings. `conditions` fixes the key order: baseline first, then
 * treatments, whether or not any replicate of them succeeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, treatment, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { runReplicate } from "./condition_runner.ts";
 * import { aggregate } from "./aggregate.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), {
 *   name: "numbers",
 * });
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const keep = new KeepPlan();
 * await Experiment.builder("demo").datasource(numbers()).addStep(total())
 *   .treatments([treatment("boost", {})]).plugins([keep]).build().run();
 * const plan = keep.plan!;
 * const outcomes = [await runReplicate(plan, 0), await runReplicate(plan, 1)];
 * const agg = aggregate(outcomes, ["baseline", "boost"], plan.steps);
 * assert.equal(agg.metrics.get("baseline")?.total.length, 2); // one value per successful replicate
 * assert.deepEqual(agg.errors, []);
 * ```
 */
export function aggregate(
  outcomes: readonly ReplicateOutcome[],
  conditions: readonly string[],
  steps: readonly PipelineStep[],
): Aggregate {
  const metrics = new Map<string, Record<string, MetricValue[]>>();
  const seeds: Record<string, (number | undefined)[]> = {};
  const durations: Record<string, { replicates: number; failed: number; totalMs: number }> = {};
  for (const c of conditions) {
    metrics.set(c, {});
    seeds[c] = [];
    durations[c] = { replicates: 0, failed: 0, totalMs: 0 };
  }
  const errors: ReplicateError[] = [];
  const cancelled: CancelledReplicate[] = [];
  const stepTotals = steps.map(() => ({ calls: 0, totalMs: 0, maxMs: 0 }));
  const byCondition: Record<
    string,
    { -readonly [K in keyof ConditionStepTiming]: ConditionStepTiming[K] }[]
  > = {};
  const perCondition = (condition: string) =>
    byCondition[condition] ??= steps.map((s) => ({
      step: s.name,
      calls: 0,
      totalMs: 0,
      cacheHits: 0,
    }));
  for (const c of conditions) perCondition(c);
  const cacheCounts = steps.map(() => ({ hits: 0, misses: 0, off: 0 }));
  for (const outcome of outcomes) {
    for (const c of outcome.conditions) {
      if (c.cancelled !== undefined) {
        // Neither run nor failed: it is reported apart, and counts in no sample.
        cancelled.push(c.cancelled);
        continue;
      }
      const target = metrics.get(c.condition) ?? metrics.set(c.condition, {}).get(c.condition)!;
      for (const name in c.metrics) {
        const into = target[name] ??= [];
        for (const v of c.metrics[name]) into.push(v);
      }
      (seeds[c.condition] ??= []).push(c.seed);
      const d = durations[c.condition] ??= { replicates: 0, failed: 0, totalMs: 0 };
      d.replicates++;
      d.totalMs += c.durationMs;
      if (c.error !== undefined) {
        errors.push(c.error);
        d.failed++;
      }
      const own = perCondition(c.condition);
      c.stepMs.forEach((ms, i) => {
        const t = stepTotals[i];
        t.calls++;
        t.totalMs += ms;
        if (ms > t.maxMs) t.maxMs = ms;
        const mine = own[i];
        if (mine !== undefined) {
          mine.calls++;
          mine.totalMs += ms;
        }
        if (steps[i].cacheable) {
          const status = c.cache?.[i] ?? "off";
          cacheCounts[i][status === "hit" ? "hits" : status === "miss" ? "misses" : "off"]++;
          if (status === "hit" && mine !== undefined) mine.cacheHits++;
        }
      });
    }
  }
  return {
    metrics,
    seeds,
    errors,
    cancelled,
    cache: cacheUse(steps, cacheCounts),
    steps: steps.map((s, i) => ({
      step: s.name,
      calls: stepTotals[i].calls,
      totalMs: stepTotals[i].totalMs,
      meanMs: stepTotals[i].calls === 0 ? 0 : stepTotals[i].totalMs / stepTotals[i].calls,
      maxMs: stepTotals[i].maxMs,
    })),
    stepsByCondition: byCondition,
    conditions: Object.fromEntries(
      Object.entries(durations).map(([c, d]) => [c, {
        replicates: d.replicates,
        failed: d.failed,
        meanMs: d.replicates === 0 ? 0 : d.totalMs / d.replicates,
      }]),
    ),
  };
}

function cacheUse(
  steps: readonly PipelineStep[],
  counts: readonly { hits: number; misses: number; off: number }[],
): CacheUse {
  const total = { hits: 0, misses: 0, off: 0 };
  const perStep: Record<string, { hits: number; misses: number; off: number }> = {};
  steps.forEach((s, i) => {
    if (!s.cacheable) return;
    const c = counts[i];
    const into = perStep[s.name] ??= { hits: 0, misses: 0, off: 0 };
    for (const k of ["hits", "misses", "off"] as const) {
      into[k] += c[k];
      total[k] += c[k];
    }
  });
  return { ...total, steps: perStep };
}
