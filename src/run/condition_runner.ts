import { ENTER_STEP, FrozenContext, HAS_ARTIFACTS } from "../context/frozen_context.ts";
import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import {
  type CachedOutput,
  chainKey,
  runCachedStep,
  type StepCachePlan,
} from "../cache/cached_step.ts";
import { replicateSeed, type Seeding } from "./seed.ts";
import { isPromiseLike, type MaybePromise } from "../promise.ts";
import type { ProgressEvent } from "./events.ts";
import type { CacheStatus } from "../storage/outcome.ts";
import { ARTIFACT_WRITER, type RunRecorder } from "../storage/run_recorder.ts";
import type {
  CancelledReplicate,
  ConditionOutcome,
  ReplicateError,
  ReplicateOutcome,
} from "../storage/outcome.ts";
import type { ConditionPlan } from "./condition_plan.ts";

/** Progress event sink of a run, with what its listeners want. */
export interface EventSink {
  /** Whether listeners want replicate-started/finished events. */
  readonly replicates: boolean;
  /** Whether listeners want step-started/finished events. */
  readonly steps: boolean;
  /** Delivers an event. */
  readonly emit: (event: ProgressEvent) => void;
}

/** A plugin hook bound to its experiment, named for error messages. */
export interface BoundHook<A extends unknown[]> {
  /** The plugin's name. */
  readonly plugin: string;
  /** Calls the hook. */
  readonly call: (...args: A) => MaybePromise<void>;
}

/** Everything a replicate needs, fixed for the whole run. */
export interface RunPlan {
  /** Name of the experiment (in events). */
  readonly experimentName: string;
  /** Id of this run. */
  readonly runId: string;
  /** Source of each replicate's data. */
  readonly datasource: DataSource;
  /** Pipeline steps, in order. */
  readonly steps: readonly PipelineStep[];
  /** Baseline first, then each active treatment. */
  readonly conditions: readonly ConditionPlan[];
  /** How replicate seeds are derived (`undefined`: unseeded). */
  readonly seeding: Seeding | undefined;
  /** Extra seeding hook of the SeedPlugin. */
  readonly seedFn: ((seed: number) => void) | undefined;
  /** Per-replicate plugin hooks, in plugin order. */
  readonly hooks: {
    readonly beforeReplicate: readonly BoundHook<[FrozenContext]>[];
    readonly beforeStep: readonly BoundHook<[PipelineStep, FrozenContext]>[];
    readonly afterStep: readonly BoundHook<[PipelineStep, unknown, FrozenContext]>[];
  };
  /** Logger behind `ctx.logger`. */
  readonly logger: Logger;
  /** Run cancellation. */
  readonly signal: AbortSignal;
  /** Per-replicate time limit, ms (cooperative in-isolate: `ctx.signal` aborts, step boundaries check). */
  readonly timeoutMs?: number;
  /** Progress events, when anyone listens. */
  readonly events: EventSink | undefined;
  /** The step cache, when the pipeline has cacheable steps and caching is on. */
  readonly cache?: StepCachePlan;
  /** Records artifacts and finished replicates, when the run is stored. */
  readonly recorder?: RunRecorder;
  /** Replicates to skip per condition (resume reuses their stored outcomes). */
  readonly reused?: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * Runs one replicate: every condition of the plan in order (baseline first).
 * A failing condition is recorded and the next one still runs. Returns a
 * promise only when some step, hook or datasource was async.
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
export function runReplicate(plan: RunPlan, replicate: number): MaybePromise<ReplicateOutcome> {
  const limit = plan.timeoutMs === undefined ? undefined : new ReplicateLimit(plan, replicate);
  const outcomes: ConditionOutcome[] = [];
  const from = (c: number): MaybePromise<ReplicateOutcome> => {
    for (; c < plan.conditions.length; c++) {
      // Once the run is cancelled, no condition starts (those not run are not recorded).
      if (plan.signal.aborted) break;
      if (plan.reused?.get(plan.conditions[c].name)?.has(replicate)) continue;
      const outcome = runCondition(plan, replicate, c, limit);
      if (isPromiseLike(outcome)) {
        return outcome.then((o) => {
          outcomes.push(o);
          return from(c + 1);
        });
      }
      outcomes.push(outcome);
    }
    limit?.release();
    const outcome = { replicate, conditions: outcomes };
    plan.recorder?.appendOutcome(outcome);
    return outcome;
  };
  return from(0);
}

/**
 * A replicate's time limit inside one isolate. Code cannot be interrupted
 * here, so the limit is cooperative: `ctx.signal` aborts when it expires
 * (stopping steps that await with it), and every step boundary checks the
 * deadline (stopping synchronous pipelines between steps).
 */
class ReplicateLimit {
  readonly signal: AbortSignal;
  readonly deadline: number;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #forward: () => void;
  readonly #plan: RunPlan;

  constructor(plan: RunPlan, replicate: number) {
    this.#plan = plan;
    const ms = plan.timeoutMs!;
    this.deadline = performance.now() + ms;
    const reason = new DOMException(
      `replicate ${replicate} ran longer than timeoutMs=${ms}`,
      "TimeoutError",
    );
    this.#timer = setTimeout(() => this.#controller.abort(reason), ms);
    this.#forward = () => this.#controller.abort(plan.signal.reason);
    plan.signal.addEventListener("abort", this.#forward, { once: true });
    this.signal = this.#controller.signal;
  }

  /** Throws the abort reason when the run is cancelled or the deadline passed. */
  check(): void {
    if (!this.signal.aborted && performance.now() > this.deadline) {
      clearTimeout(this.#timer);
      this.#controller.abort(
        new DOMException(
          `replicate ran longer than timeoutMs=${this.#plan.timeoutMs}`,
          "TimeoutError",
        ),
      );
    }
    if (this.signal.aborted) throw this.signal.reason;
  }

  release(): void {
    clearTimeout(this.#timer);
    this.#plan.signal.removeEventListener("abort", this.#forward);
  }
}

/** Runs one replicate of one condition, recording a failure instead of throwing. */
export function runCondition(
  plan: RunPlan,
  replicate: number,
  condition: number,
  limit?: ReplicateLimit,
): MaybePromise<ConditionOutcome> {
  const run = new ConditionRun(plan, replicate, plan.conditions[condition], undefined, limit);
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
 */
export function executeCondition(
  plan: RunPlan,
  replicate: number,
  condition: number,
  data?: { readonly value: unknown },
): MaybePromise<unknown> {
  return new ConditionRun(plan, replicate, plan.conditions[condition], data).start();
}

/** The state of one condition of one replicate while it runs. */
class ConditionRun {
  readonly ctx: FrozenContext;
  readonly #plan: RunPlan;
  readonly #started: number;
  readonly #stepMs: number[] = [];
  readonly #given: { readonly value: unknown } | undefined;
  readonly #condition: ConditionPlan;
  readonly #limit: ReplicateLimit | undefined;
  /** Per-step cache status, when the run caches. */
  readonly #cache: CacheStatus[] | undefined;
  /** Chained key of the steps so far (see `chainKey`). */
  #chain = "";
  #where = "treatment";
  /** The step running or about to run, once the datasource has delivered. */
  #next: string | undefined;

  constructor(
    plan: RunPlan,
    replicate: number,
    condition: ConditionPlan,
    given?: { readonly value: unknown },
    limit?: ReplicateLimit,
  ) {
    this.#plan = plan;
    this.#limit = limit;
    this.#given = given;
    this.#condition = condition;
    this.#started = performance.now();
    this.#cache = plan.cache === undefined ? undefined : [];
    const seed = plan.seeding === undefined ? undefined : replicateSeed(plan.seeding, replicate);
    this.ctx = new FrozenContext(condition.values, {
      replicate,
      condition: condition.name,
      seed,
      logger: plan.logger,
      signal: limit?.signal ?? plan.signal,
    });
    if (plan.events?.replicates) {
      plan.events.emit({
        type: "replicate-started",
        experiment: plan.experimentName,
        runId: plan.runId,
        replicate,
        condition: condition.name,
      });
    }
  }

  /** Treatment, hooks, datasource, steps. */
  start(): MaybePromise<unknown> {
    const plan = this.#plan;
    const apply = this.#condition.apply;
    const applied = apply === undefined ? undefined : apply(this.ctx);
    const seeded = thenDo(applied, () => {
      const seed = this.ctx.seed;
      if (plan.seedFn !== undefined && seed !== undefined) {
        this.#where = "plugin SeedPlugin.seedFn";
        plan.seedFn(seed);
      }
      return this.#hooks(
        plan.hooks.beforeReplicate,
        "beforeReplicate",
        (h) => h.call(this.ctx),
      );
    });
    const fetched = thenDo(seeded, () => {
      if (this.#given !== undefined) return this.#given.value;
      this.#where = "datasource";
      return plan.datasource.fetch(this.ctx);
    });
    return isPromiseLike(fetched)
      ? fetched.then((d) => this.#runFrom(0, d))
      : this.#runFrom(0, fetched);
  }

  #runFrom(index: number, data: unknown): MaybePromise<unknown> {
    const steps = this.#plan.steps;
    for (let i = index; i < steps.length; i++) {
      const out = this.#step(i, data);
      if (isPromiseLike(out)) return out.then((d) => this.#runFrom(i + 1, d));
      data = out;
    }
    return data;
  }

  #step(i: number, data: unknown): MaybePromise<unknown> {
    const plan = this.#plan;
    const step = plan.steps[i];
    // A cancel noticed from here on stopped the replicate at this step.
    this.#next = step.name;
    if (this.#limit !== undefined) this.#limit.check();
    else if (plan.signal.aborted) throw plan.signal.reason;
    if (plan.events?.steps) this.#emitStep(i, undefined, "off");
    this.ctx[ENTER_STEP](step.name);
    if (plan.hooks.beforeStep.length > 0) {
      const ran = this.#hooks(
        plan.hooks.beforeStep,
        "beforeStep",
        (h) => h.call(step, this.ctx),
      );
      if (isPromiseLike(ran)) return ran.then(() => this.#invoke(i, data));
    }
    return this.#invoke(i, data);
  }

  #invoke(i: number, data: unknown): MaybePromise<unknown> {
    const step = this.#plan.steps[i];
    this.#where = step.name;
    const started = performance.now();
    const cache = this.#plan.cache;
    if (cache !== undefined) {
      if (i <= cache.lastCacheable) this.#chain = chainKey(this.#chain, step, this.ctx);
      if (step.cacheable) {
        const cached = runCachedStep(cache, step, data, this.ctx, this.#chain);
        const finish = (c: CachedOutput) => this.#finishStep(i, started, c.out, c.status);
        return isPromiseLike(cached) ? cached.then(finish) : finish(cached);
      }
    }
    const out = step.run(data, this.ctx);
    return isPromiseLike(out)
      ? out.then((v) => this.#finishStep(i, started, v, "off"))
      : this.#finishStep(i, started, out, "off");
  }

  #finishStep(
    i: number,
    started: number,
    out: unknown,
    cache: CacheStatus,
  ): MaybePromise<unknown> {
    const plan = this.#plan;
    this.#stepMs.push(performance.now() - started);
    this.#cache?.push(cache);
    if (plan.events?.steps) this.#emitStep(i, this.#stepMs[i], cache);
    if (plan.hooks.afterStep.length === 0) return out;
    const step = plan.steps[i];
    const ran = this.#hooks(
      plan.hooks.afterStep,
      "afterStep",
      (h) => h.call(step, out, this.ctx),
    );
    return isPromiseLike(ran) ? ran.then(() => out) : out;
  }

  #hooks<H extends { readonly plugin: string }>(
    hooks: readonly H[],
    name: string,
    call: (hook: H) => MaybePromise<void>,
    from = 0,
  ): MaybePromise<void> {
    for (let i = from; i < hooks.length; i++) {
      this.#where = `plugin ${hooks[i].plugin}.${name}`;
      const ran = call(hooks[i]);
      if (isPromiseLike(ran)) return ran.then(() => this.#hooks(hooks, name, call, i + 1));
    }
  }

  #emitStep(i: number, durationMs: number | undefined, cache: CacheStatus): void {
    const plan = this.#plan;
    const base = {
      experiment: plan.experimentName,
      runId: plan.runId,
      replicate: this.ctx.replicate,
      condition: this.ctx.condition,
      step: plan.steps[i].name,
      index: i,
    };
    plan.events!.emit(
      durationMs === undefined
        ? { type: "step-started", ...base }
        : { type: "step-finished", ...base, durationMs, cache },
    );
  }

  succeed(): ConditionOutcome {
    const recorder = this.#plan.recorder;
    if (recorder === undefined || !this.ctx[HAS_ARTIFACTS]) return this.#finish(undefined);
    let names: string[];
    try {
      names = recorder.writeArtifacts(this.ctx);
    } catch (error) {
      this.#where = ARTIFACT_WRITER;
      return this.fail(error);
    }
    return this.#finish(undefined, names);
  }

  fail(error: unknown): ConditionOutcome {
    // Whatever stops a replicate once the run is cancelled is the cancel, not a failure.
    if (this.#plan.signal.aborted) return this.#cancelled();
    const e = error instanceof Error ? error : new Error(String(error));
    const record: ReplicateError = {
      condition: this.ctx.condition,
      replicate: this.ctx.replicate,
      step: this.#where,
      name: e.name,
      message: e.message,
      stack: e.stack,
    };
    const events = this.#plan.events;
    events?.emit({
      type: "error",
      experiment: this.#plan.experimentName,
      runId: this.#plan.runId,
      replicate: record.replicate,
      condition: record.condition,
      step: record.step,
      message: record.message,
    });
    return this.#finish(record);
  }

  #cancelled(): ConditionOutcome {
    const record: CancelledReplicate = {
      condition: this.ctx.condition,
      replicate: this.ctx.replicate,
      step: this.#next ?? this.#where,
    };
    this.#plan.events?.emit({
      type: "replicate-cancelled",
      experiment: this.#plan.experimentName,
      runId: this.#plan.runId,
      ...record,
    });
    return this.#finish(undefined, undefined, record);
  }

  #finish(
    error: ReplicateError | undefined,
    artifacts?: readonly string[],
    cancelled?: CancelledReplicate,
  ): ConditionOutcome {
    const durationMs = performance.now() - this.#started;
    const events = this.#plan.events;
    const ok = error === undefined && cancelled === undefined;
    if (events?.replicates) {
      events.emit({
        type: "replicate-finished",
        experiment: this.#plan.experimentName,
        runId: this.#plan.runId,
        replicate: this.ctx.replicate,
        condition: this.ctx.condition,
        durationMs,
        ok,
        ...(cancelled === undefined ? {} : { cancelled: true }),
      });
    }
    return {
      condition: this.ctx.condition,
      seed: this.ctx.seed,
      metrics: ok ? this.ctx.metrics.toObject() : {},
      error,
      ...(cancelled === undefined ? {} : { cancelled }),
      durationMs,
      stepMs: this.#stepMs,
      cache: this.#cache,
      artifacts,
    };
  }
}

function thenDo<T>(value: MaybePromise<unknown>, next: () => MaybePromise<T>): MaybePromise<T> {
  return isPromiseLike(value) ? value.then(next) : next();
}
