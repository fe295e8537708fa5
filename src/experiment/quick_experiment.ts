import { FrozenContext } from "../context/frozen_context.ts";
import { isPromiseLike, type MaybePromise } from "../promise.ts";
import { replicateSeed, seedSettings } from "../run/seeding.ts";
import { replicatesProblem } from "../run/replicates.ts";

/** Options of {@linkcode quickExperiment}. */
export interface QuickExperimentOptions {
  /** Replicates per configuration: a whole number from 1 to `MAX_REPLICATES`; default 1. */
  replicates?: number;
  /** Master seed; default: drawn at random. Replicate `i` of every config gets the same seed. */
  seed?: number;
}

/**
 * Runs a plain function for every configuration and replicate, without
 * datasources, pipelines or plugins: the quickest way to compare a few
 * settings. `fn(config, ctx)` gets a context with `replicate`, `condition`
 * (the configuration's name), `seed` and `rng`. Returns the values per
 * configuration, in replicate order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quickExperiment } from "@crystallize/deno";
 *
 * const out = await quickExperiment((cfg: { n: number }, ctx) => cfg.n + ctx.rng.random(), {
 *   small: { n: 1 },
 *   large: { n: 100 },
 * }, { replicates: 3, seed: 7 });
 * assert.equal(out.small.length, 3);
 * assert.ok(out.large.every((x) => x >= 100 && x < 101));
 * ```
 */
export async function quickExperiment<C, R>(
  fn: (config: C, ctx: FrozenContext) => MaybePromise<R>,
  configs: Readonly<Record<string, C>>,
  options: QuickExperimentOptions = {},
): Promise<Record<string, R[]>> {
  const replicates = options.replicates ?? 1;
  const problem = replicatesProblem(replicates);
  if (problem !== undefined) throw new RangeError(`quickExperiment(): ${problem}`);
  const { seed: master, autoSeed } = seedSettings({ seed: options.seed });
  const out: Record<string, R[]> = {};
  for (const [name, config] of Object.entries(configs)) {
    const values: R[] = out[name] = [];
    for (let i = 0; i < replicates; i++) {
      const seed = replicateSeed({ master, autoSeed }, i);
      const ctx = new FrozenContext({}, { replicate: i, condition: name, seed });
      const value = fn(config, ctx);
      values.push(isPromiseLike(value) ? await value : value);
    }
  }
  return out;
}
