import { isPromiseLike, type MaybePromise } from "../promise.ts";
import type { ConditionOutcome, ReplicateOutcome } from "../storage/outcome.ts";
import type { Handoff } from "./back_to_back.ts";
import { ConditionRun } from "./condition_run.ts";
import { ReplicateLimit } from "./replicate_limit.ts";
import type { RunPlan } from "./run_plan.ts";

/**
 * Runs one replicate: every condition of the plan in order (baseline first).
 * A failing condition is recorded and the next one still runs; conditions
 * resume reuses are skipped. The finished replicate is recorded when the run
 * is stored. Returns a promise only when some step, hook or datasource was
 * async. The serial loop passes a `handoff`: the replicate starts from its
 * reading and, when nothing follows its end, leaves its end there (see
 * `back_to_back.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { runReplicate } from "./condition_runner.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const keep = new KeepPlan();
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => [1, 2], { name: "n" })())
 *   .addStep(total()).plugins([keep]).build();
 * await experiment.run();
 * const outcome = await runReplicate(keep.plan!, 0); // a plain value when nothing was async
 * assert.deepEqual(outcome.conditions[0].metrics, { total: [3] });
 * ```
 */
export function runReplicate(
  plan: RunPlan,
  replicate: number,
  handoff?: Handoff,
): MaybePromise<ReplicateOutcome> {
  // A time limit's timer starts here, so the replicate does not start from a handed-over reading.
  const limit = plan.timeoutMs === undefined ? undefined : new ReplicateLimit(plan, replicate);
  const startedAt = limit === undefined ? handoff?.endedAt : undefined;
  if (handoff !== undefined) handoff.endedAt = undefined;
  // Sized once and trimmed at the end: a pushed-to array would allocate room for 17.
  const outcomes = new Array<ConditionOutcome>(plan.conditions.length);
  return continueReplicate(plan, replicate, limit, handoff, outcomes, 0, 0, startedAt);
}

/**
 * Runs the conditions from `from` on, `done` of them recorded so far. A
 * condition that follows a synchronous one starts when that one ended (one
 * clock read less); the synchronous path creates no closure. A replicate
 * whose end nothing follows (no time limit to release, no outcome line to
 * store) hands its end on, for the serial loop's next replicate.
 */
function continueReplicate(
  plan: RunPlan,
  replicate: number,
  limit: ReplicateLimit | undefined,
  handoff: Handoff | undefined,
  outcomes: ConditionOutcome[],
  from: number,
  done: number,
  startedAt: number | undefined,
): MaybePromise<ReplicateOutcome> {
  for (let c = from; c < plan.conditions.length; c++) {
    // Once the run is cancelled, no condition starts (those not run are not recorded).
    if ((plan.cancel ?? plan.signal).aborted) break;
    if (plan.reused?.get(plan.conditions[c].name)?.has(replicate)) continue;
    const run = new ConditionRun(plan, replicate, plan.conditions[c], limit, startedAt);
    const outcome = settle(run);
    if (isPromiseLike(outcome)) {
      return continueAfter(outcome, plan, replicate, limit, handoff, outcomes, c + 1, done);
    }
    outcomes[done++] = outcome;
    startedAt = run.endedAt;
  }
  limit?.release();
  outcomes.length = done;
  const outcome = { replicate, conditions: outcomes };
  if (plan.recorder !== undefined) plan.recorder.appendOutcome(outcome);
  else if (handoff !== undefined && limit === undefined) handoff.endedAt = startedAt;
  return outcome;
}

/**
 * Goes on once a condition settled asynchronously: a function of its own,
 * since a closure in `continueReplicate`'s loop would make V8 allocate the
 * loop's context for every condition, also on the synchronous path.
 */
function continueAfter(
  settled: Promise<ConditionOutcome>,
  plan: RunPlan,
  replicate: number,
  limit: ReplicateLimit | undefined,
  handoff: Handoff | undefined,
  outcomes: ConditionOutcome[],
  next: number,
  done: number,
): Promise<ReplicateOutcome> {
  return settled.then((o) => {
    outcomes[done] = o;
    return continueReplicate(plan, replicate, limit, handoff, outcomes, next, done + 1, undefined);
  });
}

/**
 * Runs one replicate of one condition, recording a failure instead of
 * throwing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, pipelineStep } from "@crystallize/deno";
 * import { conditionPlan } from "./condition_plan.ts";
 * import { runCondition } from "./condition_runner.ts";
 *
 * const broken = pipelineStep((): number => {
 *   throw new Error("no");
 * }, { name: "broken" });
 * const plan = {
 *   experimentName: "demo", runId: "r1", datasource: dataSource(() => 1, { name: "n" })(),
 *   steps: [broken()], conditions: [conditionPlan("baseline", {}, undefined)],
 *   seeding: undefined, seedFn: undefined, hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
 *   logger: createLogger({ level: "silent" }), signal: new AbortController().signal, events: undefined,
 * };
 * const outcome = await runCondition(plan, 0, 0);
 * assert.equal(outcome.error?.step, "broken");
 * ```
 */
export function runCondition(
  plan: RunPlan,
  replicate: number,
  condition: number,
): MaybePromise<ConditionOutcome> {
  return settle(new ConditionRun(plan, replicate, plan.conditions[condition]));
}

function settle(run: ConditionRun): MaybePromise<ConditionOutcome> {
  let result: MaybePromise<unknown>;
  try {
    result = run.start();
  } catch (error) {
    return run.fail(error);
  }
  return isPromiseLike(result)
    ? result.then(() => run.succeed(), (e) => run.fail(e))
    : run.succeed();
}

/**
 * Runs one replicate of one condition and returns the pipeline's output;
 * errors propagate (used by `experiment.apply`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, pipelineStep } from "@crystallize/deno";
 * import { conditionPlan } from "./condition_plan.ts";
 * import { executeCondition } from "./condition_runner.ts";
 *
 * const double = pipelineStep((d: number) => d * 2, { name: "double" });
 * const plan = {
 *   experimentName: "demo", runId: "r1", datasource: dataSource(() => 1, { name: "n" })(),
 *   steps: [double()], conditions: [conditionPlan("baseline", {}, undefined)],
 *   seeding: undefined, seedFn: undefined, hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
 *   logger: createLogger({ level: "silent" }), signal: new AbortController().signal, events: undefined,
 * };
 * assert.equal(await executeCondition(plan, 0, 0, { value: 21 }), 42);
 * ```
 */
export function executeCondition(
  plan: RunPlan,
  replicate: number,
  condition: number,
  data?: { readonly value: unknown },
): MaybePromise<unknown> {
  return new ConditionRun(plan, replicate, plan.conditions[condition]).start(data);
}
