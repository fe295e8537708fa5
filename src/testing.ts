/**
 * Helpers for unit-testing steps, datasources and verifiers outside an
 * experiment (`@crystallize/deno/testing`): a standalone context, and one
 * call that runs a step or fetches a datasource under it and returns what it
 * recorded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { runStep } from "@crystallize/deno/testing";
 *
 * const addDelta = pipelineStep((data: number[], ctx, { delta }) => {
 *   ctx.metrics.add("first", data[0] + delta);
 *   return data.map((x) => x + delta);
 * }, { name: "add_delta", params: { delta: 0 } });
 *
 * // `delta` is injected from the context, as a treatment would set it.
 * const { output, metrics } = await runStep(addDelta(), [1, 2], { delta: 10 });
 * assert.deepEqual(output, [11, 12]);
 * assert.deepEqual(metrics, { first: [11] });
 * ```
 * @module
 */
import { type ContextInit, FrozenContext, standaloneContext } from "./context/frozen_context.ts";
import type { MetricValue } from "./context/metrics.ts";
import type { DataSource } from "./data/datasource.ts";
import type { PipelineStep } from "./pipeline/step.ts";

export { type ContextInit, FrozenContext, standaloneContext };

/** What {@linkcode runStep} and {@linkcode fetchData} return. */
export interface Outcome<T> {
  /** The step's output, or the datasource's data. */
  readonly output: T;
  /** The metrics recorded while it ran: name → values in order. */
  readonly metrics: Readonly<Record<string, readonly MetricValue[]>>;
  /** The context it ran under (its artifacts, added keys). */
  readonly ctx: FrozenContext;
}

/**
 * Runs one step on `data` under a {@linkcode standaloneContext} made from
 * `initial` (and `init`: seed, replicate, condition...), awaiting it when it
 * is async.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { runStep } from "@crystallize/deno/testing";
 *
 * const noisy = pipelineStep((n: number, ctx) => n + ctx.rng.random(), { name: "noisy" });
 * const a = await runStep(noisy(), 1, {}, { seed: 7 });
 * const b = await runStep(noisy(), 1, {}, { seed: 7 });
 * assert.equal(a.output, b.output); // same seed, same draw
 * ```
 */
export async function runStep<In, Out>(
  step: PipelineStep<In, Out>,
  data: In,
  initial: Readonly<Record<string, unknown>> = {},
  init: ContextInit = {},
): Promise<Outcome<Out>> {
  const ctx = standaloneContext(initial, init);
  const output = await step.run(data, ctx);
  return { output, metrics: ctx.metrics.toObject(), ctx };
}

/**
 * Fetches one replicate's data from a datasource under a
 * {@linkcode standaloneContext} made from `initial` and `init`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource } from "@crystallize/deno";
 * import { fetchData } from "@crystallize/deno/testing";
 *
 * const numbers = dataSource((ctx, { count }) => Array.from({ length: count }, () => ctx.replicate), {
 *   name: "numbers",
 *   params: { count: 2 },
 * });
 * assert.deepEqual((await fetchData(numbers(), { count: 3 }, { replicate: 4 })).output, [4, 4, 4]);
 * ```
 */
export async function fetchData<Out>(
  source: DataSource<Out>,
  initial: Readonly<Record<string, unknown>> = {},
  init: ContextInit = {},
): Promise<Outcome<Out>> {
  const ctx = standaloneContext(initial, init);
  const output = await source.fetch(ctx);
  return { output, metrics: ctx.metrics.toObject(), ctx };
}
