import { ENTER_STEP, FrozenContext, HAS_ARTIFACTS } from "../context/frozen_context.ts";
import { type CachedOutput, chainKey, runCachedStep } from "../cache/cached_step.ts";
import { isPromiseLike, type MaybePromise } from "../promise.ts";
import type {
  CacheStatus,
  CancelledReplicate,
  ConditionOutcome,
  ReplicateError,
} from "../storage/outcome.ts";
import type { ConditionPlan } from "./condition_plan.ts";
import type { ReplicateLimit } from "./replicate_limit.ts";
import type { RunPlan } from "./run_plan.ts";
import { replicateSeed } from "./seeding.ts";
import { ARTIFACT_WRITER } from "../storage/run_recorder.ts";

/**
 * The state of one condition of one replicate while it runs: treatment,
 * seeding hook, `beforeReplicate` hooks, datasource, then each step between
 * its hooks. Stays synchronous as long as everything it calls is; records
 * where it is, so a failure names the step, hook or datasource.
 *
 * The clock is read once per boundary: a step's end is the next step's start
 * (and the condition's end) unless hooks or step listeners ran in between,
 * so their time is never counted in a step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, pipelineStep } from "@crystallize/deno";
 * import { conditionPlan } from "./condition_plan.ts";
 * import { ConditionRun } from "./condition_run.ts";
 *
 * const double = pipelineStep((d: number, ctx) => {
 *   ctx.metrics.add("twice", d * 2);
 *   return d * 2;
 * }, { name: "double" });
 * const plan = {
 *   experimentName: "demo", runId: "r1", datasource: dataSource(() => 21, { name: "n" })(),
 *   steps: [double()], conditions: [conditionPlan("baseline", {}, undefined)],
 *   seeding: { master: 1, autoSeed: true }, seedFn: undefined,
 *   hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
 *   logger: createLogger({ level: "silent" }), signal: new AbortController().signal, events: undefined,
 * };
 * const run = new ConditionRun(plan, 0, plan.conditions[0]);
 * assert.equal(run.start(), 42); // synchronous pipeline: a plain value
 * assert.deepEqual(run.succeed().metrics, { twice: [42] });
 * ```
 */
export class ConditionRun {
  /** The condition's context. */
  readonly ctx: FrozenContext;
  /**
   * When the condition ended, once it has and while no listener ran since:
   * a condition that follows at once starts from it.
   */
  endedAt: number | undefined;
  readonly #plan: RunPlan;
  readonly #started: number;
  /** Per-step wall time, ms, sized for the whole pipeline; `#ran` of them are set. */
  readonly #stepMs: number[];
  /** Per-step cache status, when the run caches (sized like `#stepMs`). */
  readonly #cache: CacheStatus[] | undefined;
  #ran = 0;
  readonly #condition: ConditionPlan;
  readonly #limit: ReplicateLimit | undefined;
  /** Chained key of the steps so far (see `chainKey`). */
  #chain = "";
  #where = "treatment";
  /** The step running or about to run, once the datasource has delivered. */
  #next: string | undefined;
  /** When the last step ended, while nothing else has run since. */
  #lastEnd: number | undefined;

  /**
   * Prepares the condition (its context, seeded) and emits
   * `replicate-started`; `startedAt` is the clock reading to count from,
   * when the caller just took one.
   */
  constructor(
    plan: RunPlan,
    replicate: number,
    condition: ConditionPlan,
    limit?: ReplicateLimit,
    startedAt?: number,
  ) {
    this.#plan = plan;
    this.#limit = limit;
    this.#condition = condition;
    this.#started = startedAt ?? performance.now();
    // Sized once: a pushed-to array would allocate room for 17 numbers.
    this.#stepMs = new Array(plan.steps.length);
    this.#cache = plan.cache === undefined ? undefined : new Array(plan.steps.length);
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

  /**
   * Treatment, hooks, datasource (or `given` data), steps; returns the
   * pipeline's output. The synchronous path creates no closure.
   */
  start(given?: { readonly value: unknown }): MaybePromise<unknown> {
    const apply = this.#condition.apply;
    if (apply !== undefined) {
      const applied = apply(this.ctx);
      if (isPromiseLike(applied)) return this.#prepareAfter(applied, given);
    }
    return this.#prepare(given);
  }

  #prepareAfter(
    applied: PromiseLike<unknown>,
    given: { readonly value: unknown } | undefined,
  ): PromiseLike<unknown> {
    return applied.then(() => this.#prepare(given));
  }

  /** The seeding hook and `beforeReplicate` hooks, then the data. */
  #prepare(given: { readonly value: unknown } | undefined): MaybePromise<unknown> {
    const plan = this.#plan;
    const seed = this.ctx.seed;
    if (plan.seedFn !== undefined && seed !== undefined) {
      this.#where = "plugin SeedPlugin.seedFn";
      plan.seedFn(seed);
    }
    if (plan.hooks.beforeReplicate.length > 0) return this.#beforeReplicate(given);
    return this.#fetch(given);
  }

  #beforeReplicate(given: { readonly value: unknown } | undefined): MaybePromise<unknown> {
    const hooks = this.#plan.hooks.beforeReplicate;
    const ran = this.#hooks(hooks, "beforeReplicate", (h) => h.call(this.ctx));
    return isPromiseLike(ran) ? ran.then(() => this.#fetch(given)) : this.#fetch(given);
  }

  #fetch(given: { readonly value: unknown } | undefined): MaybePromise<unknown> {
    let data: unknown;
    if (given !== undefined) data = given.value;
    else {
      this.#where = "datasource";
      data = this.#plan.datasource.fetch(this.ctx);
    }
    return isPromiseLike(data) ? data.then((d) => this.#runFrom(0, d)) : this.#runFrom(0, data);
  }

  #runFrom(index: number, data: unknown): MaybePromise<unknown> {
    const steps = this.#plan.steps;
    for (let i = index; i < steps.length; i++) {
      const out = this.#step(i, data);
      if (isPromiseLike(out)) return this.#runAfter(out, i + 1);
      data = out;
    }
    return data;
  }

  // Closures live in methods of their own: a closure over a loop's or a
  // method's variables makes V8 allocate their context on every call, also
  // on the synchronous path (≈150 B a replicate, measured).
  #runAfter(out: PromiseLike<unknown>, next: number): PromiseLike<unknown> {
    return out.then((d) => this.#runFrom(next, d));
  }

  #step(i: number, data: unknown): MaybePromise<unknown> {
    const plan = this.#plan;
    const step = plan.steps[i];
    // A cancel noticed from here on stopped the replicate at this step.
    this.#next = step.name;
    if (this.#limit !== undefined) this.#limit.check();
    else if ((plan.cancel ?? plan.signal).aborted) throw plan.signal.reason;
    if (plan.events?.steps) this.#emitStep(i, undefined, "off");
    this.ctx[ENTER_STEP](step.name);
    if (plan.hooks.beforeStep.length > 0) return this.#beforeStep(i, data);
    return this.#invoke(i, data);
  }

  #beforeStep(i: number, data: unknown): MaybePromise<unknown> {
    const step = this.#plan.steps[i];
    this.#lastEnd = undefined;
    const ran = this.#hooks(
      this.#plan.hooks.beforeStep,
      "beforeStep",
      (h) => h.call(step, this.ctx),
    );
    return isPromiseLike(ran) ? ran.then(() => this.#invoke(i, data)) : this.#invoke(i, data);
  }

  #invoke(i: number, data: unknown): MaybePromise<unknown> {
    const step = this.#plan.steps[i];
    this.#where = step.name;
    const started = this.#lastEnd ?? performance.now();
    this.#lastEnd = undefined;
    const cache = this.#plan.cache;
    if (cache !== undefined) {
      if (i <= cache.lastCacheable) this.#chain = chainKey(this.#chain, step, this.ctx);
      if (step.cacheable) {
        const cached = runCachedStep(cache, step, data, this.ctx, this.#chain);
        return isPromiseLike(cached)
          ? this.#finishCachedAfter(cached, i, started)
          : this.#finishStep(i, started, cached.out, cached.status);
      }
    }
    const out = step.run(data, this.ctx);
    return isPromiseLike(out)
      ? this.#finishAfter(out, i, started)
      : this.#finishStep(i, started, out, "off");
  }

  #finishAfter(out: PromiseLike<unknown>, i: number, started: number): PromiseLike<unknown> {
    return out.then((v) => this.#finishStep(i, started, v, "off"));
  }

  #finishCachedAfter(
    cached: PromiseLike<CachedOutput>,
    i: number,
    started: number,
  ): PromiseLike<unknown> {
    return cached.then((c) => this.#finishStep(i, started, c.out, c.status));
  }

  #finishStep(i: number, started: number, out: unknown, cache: CacheStatus): MaybePromise<unknown> {
    const plan = this.#plan;
    const ended = performance.now();
    this.#stepMs[i] = ended - started;
    if (this.#cache !== undefined) this.#cache[i] = cache;
    this.#ran = i + 1;
    if (plan.events?.steps) this.#emitStep(i, this.#stepMs[i], cache);
    else if (plan.hooks.afterStep.length === 0) this.#lastEnd = ended;
    if (plan.hooks.afterStep.length === 0) return out;
    const step = plan.steps[i];
    const ran = this.#hooks(plan.hooks.afterStep, "afterStep", (h) => h.call(step, out, this.ctx));
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

  /** The outcome of a finished pipeline: its metrics and stored artifacts. */
  succeed(): ConditionOutcome {
    const recorder = this.#plan.recorder;
    if (recorder === undefined || !this.ctx[HAS_ARTIFACTS]) return this.#finish(undefined);
    this.#lastEnd = undefined;
    let names: string[];
    try {
      names = recorder.writeArtifacts(this.ctx);
    } catch (error) {
      this.#where = ARTIFACT_WRITER;
      return this.fail(error);
    }
    return this.#finish(undefined, names);
  }

  /** The outcome of a failed condition, naming where it failed (a cancel is not a failure). */
  fail(error: unknown): ConditionOutcome {
    this.#lastEnd = undefined;
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
    this.#plan.events?.emit({
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
    const ended = this.#lastEnd ?? performance.now();
    const durationMs = ended - this.#started;
    const events = this.#plan.events;
    const ok = error === undefined && cancelled === undefined;
    if (!events?.replicates) this.endedAt = ended;
    else {
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
    if (this.#ran < this.#stepMs.length) {
      // The steps that did not run have no time (and no cache status).
      this.#stepMs.length = this.#ran;
      if (this.#cache !== undefined) this.#cache.length = this.#ran;
    }
    const metrics = ok ? this.ctx.metrics.toObject() : {};
    return cancelled === undefined
      ? {
        condition: this.ctx.condition,
        seed: this.ctx.seed,
        metrics,
        error,
        durationMs,
        stepMs: this.#stepMs,
        cache: this.#cache,
        artifacts,
      }
      : {
        condition: this.ctx.condition,
        seed: this.ctx.seed,
        metrics,
        error,
        cancelled,
        durationMs,
        stepMs: this.#stepMs,
        cache: this.#cache,
        artifacts,
      };
  }
}
