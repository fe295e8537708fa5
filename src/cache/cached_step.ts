import { CACHE_ACCESS, type FrozenContext } from "../context/frozen_context.ts";
import type { CacheStatus } from "../storage/outcome.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { type MaybePromise, then } from "../promise.ts";
import { CacheKeyError } from "./cache_key_error.ts";
import { canonicalHash } from "./canonical_hash.ts";
import { type CachedStep, RNG_DEPENDENT, StepCache } from "./step_cache.ts";
import type { Logger } from "../context/logger.ts";

/** The step cache as one run uses it. */
export interface StepCachePlan {
  /** Where entries live. */
  readonly store: StepCache;
  /** `true` ignores stored entries (recompute and overwrite: strategy "rerun"). */
  readonly refresh: boolean;
  /** Index of the last cacheable step: keys are chained up to it. */
  readonly lastCacheable: number;
}

/**
 * The cache plan of a run: `undefined` when no step is cacheable or caching
 * is off (`dir` undefined). Warnings go to `logger`, once each per run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { createLogger } from "../context/logger.ts";
 * import { stepCachePlan } from "./cached_step.ts";
 *
 * const slow = pipelineStep((d: number[]) => d, { name: "slow", cacheable: true });
 * const fast = pipelineStep((d: number[]) => d, { name: "fast" });
 * const logger = createLogger({ level: "error" });
 * assert.equal(stepCachePlan([fast()], ".crystallize/cache", false, logger), undefined);
 * assert.equal(stepCachePlan([slow(), fast()], ".crystallize/cache", false, logger)?.lastCacheable, 0);
 * ```
 */
export function stepCachePlan(
  steps: readonly PipelineStep[],
  dir: string | undefined,
  refresh: boolean,
  logger: Logger,
): StepCachePlan | undefined {
  const lastCacheable = steps.findLastIndex((s) => s.cacheable);
  if (dir === undefined || lastCacheable < 0) return undefined;
  return { store: new StepCache(dir, (m) => logger.warn(m)), refresh, lastCacheable };
}

/** A step's output and where it came from. */
export interface CachedOutput {
  /** The output. */
  readonly out: unknown;
  /** `"hit"`, `"miss"`, or `"off"` when the input could not be hashed. */
  readonly status: CacheStatus;
}

/**
 * The key of step `step` in the chain of the steps before it: its name,
 * code hash and parameter values under `ctx` (explicit and injected), on top
 * of `previous`. A step's entry therefore changes when it or any step before
 * it changes code or parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep, standaloneContext } from "@crystallize/deno";
 * import { chainKey } from "./cached_step.ts";
 *
 * const step = pipelineStep((d: number[], _ctx, { k }) => d.map((x) => x * k), {
 *   name: "scale",
 *   params: { k: 1 },
 * });
 * const ctx = standaloneContext({ k: 2 });
 * const once = chainKey("", step(), ctx);
 * assert.equal(chainKey("", step(), ctx), once); // same step, params and chain: same key
 * assert.notEqual(chainKey("", step(), standaloneContext({ k: 3 })), once); // injected k differs
 * ```
 */
export function chainKey(previous: string, step: PipelineStep, ctx: FrozenContext): string {
  return canonicalHash(
    [previous, step.name, step.codeHash, step.paramValues(ctx)],
    `parameters of step '${step.name}'`,
  );
}

/**
 * Runs a cacheable step through the cache: on a hit, replays what the step
 * recorded (metrics, context keys, artifacts, the generator's state) and
 * returns its stored output without running it; on a miss, runs it,
 * captures the same and stores them. A step that drew random numbers is
 * stored under a key that also covers the generator's state before it, so
 * replicates with different seeds never share its entry, while steps that
 * draw nothing are shared across replicates and treatments with equal input
 * and parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep, standaloneContext } from "@crystallize/deno";
 * import { createLogger } from "../context/logger.ts";
 * import { chainKey, runCachedStep, stepCachePlan } from "./cached_step.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const double = pipelineStep((d: number[]) => d.map((x) => x * 2), { name: "double", cacheable: true });
 * const cache = stepCachePlan([double()], dir, false, createLogger({ level: "error" }))!;
 * const run = () => {
 *   const ctx = standaloneContext();
 *   return runCachedStep(cache, double(), [1, 2], ctx, chainKey("", double(), ctx));
 * };
 * assert.deepEqual(await run(), { out: [2, 4], status: "miss" });
 * assert.deepEqual(await run(), { out: [2, 4], status: "hit" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function runCachedStep(
  cache: StepCachePlan,
  step: PipelineStep,
  data: unknown,
  ctx: FrozenContext,
  chain: string,
): MaybePromise<CachedOutput> {
  let key: string;
  try {
    key = canonicalHash([chain, canonicalHash(data, `input of step '${step.name}'`)]);
  } catch (error) {
    if (!(error instanceof CacheKeyError)) throw error;
    cache.store.warnOnce(`key:${step.name}`, `step '${step.name}' runs uncached: ${error.message}`);
    return then(step.run(data, ctx), (out) => ({ out, status: "off" }));
  }
  const access = ctx[CACHE_ACCESS];
  const rngBefore = () => access.rngState() ?? (ctx.seed === undefined ? [] : ctx.rng.state());
  if (!cache.refresh) {
    let entry = cache.store.read(step.name, key);
    if (entry === RNG_DEPENDENT) {
      entry = cache.store.read(step.name, canonicalHash([key, rngBefore()]));
    }
    if (entry !== undefined && entry !== RNG_DEPENDENT) {
      replay(entry, ctx);
      return { out: entry.output, status: "hit" };
    }
  }
  const before = {
    metrics: ctx.metrics.counts(),
    keys: new Set(access.ownKeys()),
    artifacts: ctx.artifacts.size,
    rng: rngBefore(),
  };
  return then(step.run(data, ctx), (out) => {
    const rngAfter = access.rngState();
    const usedRng = rngAfter !== undefined && !sameState(before.rng, rngAfter);
    const entry: CachedStep = {
      output: out,
      metrics: ctx.metrics.since(before.metrics),
      added: access.ownKeys().filter((k) => !before.keys.has(k)).map((k) => [k, ctx.get(k)]),
      artifacts: ctx.artifacts.since(before.artifacts).map((a) => ({ name: a.name, data: a.data })),
      rngAfter: usedRng ? rngAfter : undefined,
    };
    const problem = uncloneable(out, `output of step '${step.name}'`);
    if (problem !== undefined) {
      cache.store.warnOnce(`output:${step.name}`, `step '${step.name}' is not cached: ${problem}`);
    } else if (usedRng) {
      cache.store.write(step.name, key, RNG_DEPENDENT);
      cache.store.write(step.name, canonicalHash([key, before.rng]), entry);
    } else {
      cache.store.write(step.name, key, entry);
    }
    return { out, status: "miss" };
  });
}

function replay(entry: CachedStep, ctx: FrozenContext): void {
  for (const [name, values, tags] of entry.metrics) {
    values.forEach((v, i) => ctx.metrics.add(name, v, isEmpty(tags[i]) ? undefined : tags[i]));
  }
  for (const [key, value] of entry.added) ctx.add(key, value);
  for (const a of entry.artifacts) ctx.artifacts.add(a.name, a.data);
  if (entry.rngAfter !== undefined) ctx[CACHE_ACCESS].restoreRng(entry.rngAfter);
}

/**
 * Why `value` would not come back from the cache as it is (a function, or
 * a class instance, which storage turns into a plain object), or `undefined`.
 */
function uncloneable(value: unknown, path: string): string | undefined {
  if (typeof value === "function" || typeof value === "symbol") {
    return `${path} is a ${typeof value}, which cannot be stored`;
  }
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return undefined;
  if (value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer) {
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const p = uncloneable(k, `${path} key`) ?? uncloneable(v, `${path}.get(${String(k)})`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const p = uncloneable(v, `${path} member`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = uncloneable(value[i], `${path}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return `${path} is an instance of ${value.constructor?.name ?? "a class"}; ` +
      "stored outputs come back as plain data, so return plain objects from cacheable steps";
  }
  for (const [k, v] of Object.entries(value)) {
    const p = uncloneable(v, `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

function sameState(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

function isEmpty(tags: object | undefined): boolean {
  return tags === undefined || Object.keys(tags).length === 0;
}
