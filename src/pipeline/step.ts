import type { FrozenContext } from "../context/frozen_context.ts";
import type { MaybePromise } from "../promise.ts";
import { lazyCodeHash } from "./code_hash.ts";
import { paramReader, registerReaders } from "./context_readers.ts";
import { BoundParams, type ParamDefaults, type Resolved } from "./declared_params.ts";
import { callerModuleUrl } from "./module_ref.ts";

/** The function behind a step: transforms `data`, may record metrics on `ctx`. */
export type StepFunction<In, Out, P extends ParamDefaults> = (
  data: In,
  ctx: FrozenContext,
  params: Resolved<P>,
) => MaybePromise<Out>;

/** Options of {@linkcode pipelineStep}. */
export interface StepOptions<P extends ParamDefaults> {
  /** Step name in provenance, events and errors; default: the function's name. */
  name?: string;
  /**
   * Declared parameters with their defaults. A parameter not given to the
   * factory is injected from the context when the context has that key (a
   * treatment sets it), else it takes its default; `undefined` makes it required.
   */
  params?: P;
  /**
   * Whether the step's output is cached on disk, keyed by its code, its
   * explicit and injected parameters, its input and the steps before it.
   * Default false. See the README's "Caching" section.
   */
  cacheable?: boolean;
}

/**
 * One stage of a pipeline, bound to its explicit parameters. Built by calling
 * a factory from {@linkcode pipelineStep}.
 */
export interface PipelineStep<In = unknown, Out = unknown> {
  /** Step name. */
  readonly name: string;
  /** Parameters given explicitly to the factory (fixed for every replicate). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Whether the output may be cached. */
  readonly cacheable: boolean;
  /** SHA-256 of the step function's source. */
  readonly codeHash: string;
  /** The factory that built this step (rebuild-by-reference for workers). */
  readonly factory: StepFactory<In, Out, ParamDefaults>;
  /** Runs the step on `data` under `ctx`; awaits only when the function is async. */
  run(data: In, ctx: FrozenContext): MaybePromise<Out>;
  /** The parameter values a run under `ctx` gets, resource factories unbuilt (for cache keys). */
  paramValues(ctx: FrozenContext): Readonly<Record<string, unknown>>;
}

/** Builds a {@linkcode PipelineStep}; explicit parameters fix values, the rest are injected. */
export interface StepFactory<In, Out, P extends ParamDefaults> {
  (explicit?: Partial<P>): PipelineStep<In, Out>;
  /** Step name every instance gets. */
  readonly stepName: string;
  /** Declared parameters and their defaults. */
  readonly defaults: P;
  /** The module that defined the factory, when known. */
  readonly moduleUrl: string | undefined;
}

/**
 * Declares a pipeline step and returns its factory. Calling the factory with
 * some parameters fixes them; every other declared parameter is injected per
 * replicate: context value if present (a treatment sets it), else default.
 * Steps may be `async`; they are awaited. An unknown parameter name throws a
 * `ParameterError` naming the step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep, standaloneContext } from "@crystallize/deno";
 *
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const ctx = standaloneContext({ delta: 5 });
 * assert.deepEqual(addDelta().run([1, 2], ctx), [6, 7]); // delta injected from the context
 * assert.deepEqual(addDelta({ delta: 1 }).run([1, 2], ctx), [2, 3]); // always 1
 * total().run([1, 2], ctx);
 * assert.deepEqual(ctx.metrics.get("total"), [3]);
 * ```
 */
export function pipelineStep<In, Out, P extends ParamDefaults = Record<never, never>>(
  fn: StepFunction<In, Out, P>,
  options: StepOptions<P> = {},
): StepFactory<In, Out, P> {
  const hashOf = lazyCodeHash(fn);
  const name = options.name ?? (fn.name || `step_${hashOf().slice(0, 8)}`);
  const defaults = (options.params ?? {}) as P;
  const cacheable = options.cacheable ?? false;
  const factory = (explicit?: Partial<P>): PipelineStep<In, Out> => {
    const bound = BoundParams.bind(`step '${name}'`, defaults, explicit);
    const step: PipelineStep<In, Out> = {
      name,
      params: bound.explicit,
      cacheable,
      get codeHash() {
        return hashOf();
      },
      factory: factory as unknown as StepFactory<In, Out, ParamDefaults>,
      run: (data, ctx) => fn(data, ctx, bound.resolve(ctx)),
      paramValues: (ctx) => bound.values(ctx),
    };
    registerReaders(step, () => [paramReader("step", name, defaults, bound.explicit, fn)]);
    return step;
  };
  return Object.assign(factory, { stepName: name, defaults, moduleUrl: callerModuleUrl() });
}
