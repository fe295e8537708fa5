import { ArtifactLog } from "./artifact_log.ts";
import { CrystallizeError } from "../errors.ts";
import { ContextMutationError } from "./context_mutation_error.ts";
import { deepFreeze } from "./deep_freeze.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { MetricTags, MetricValue } from "./metrics.ts";
import { MetricsLog } from "./metrics.ts";
import { Rng } from "./rng.ts";

/** Context keys the framework sets itself; treatments and steps cannot add them. */
export const RESERVED_CONTEXT_KEYS: readonly string[] = ["replicate", "condition", "seed_used"];

/** Name of the control condition. */
export const BASELINE = "baseline";

/** Where a context sits in a run, given when the framework creates one. */
export interface ContextInit {
  /** Replicate index (0-based); default 0. */
  replicate?: number;
  /** `"baseline"` or the treatment name; default `"baseline"`. */
  condition?: string;
  /** The seed of this replicate; `ctx.rng` is seeded from it. */
  seed?: number;
  /** The logger `ctx.logger` derives from; default: a quiet logger. */
  logger?: Logger;
  /** Aborts when the run is cancelled; default: a signal that never aborts. */
  signal?: AbortSignal;
}

/** Engine-only: marks the step now running (for `ctx.step` and artifact records). */
export const ENTER_STEP: unique symbol = Symbol("enterStep");

/**
 * Engine-only: whether the context holds any artifact, without creating the
 * artifact log (the run recorder asks once per condition; most write none).
 */
export const HAS_ARTIFACTS: unique symbol = Symbol("hasArtifacts");

/** Engine-only: the step cache's access to a context's store and generator. */
export const CACHE_ACCESS: unique symbol = Symbol("cacheAccess");

/** What the step cache reads and restores on a context (see {@linkcode CACHE_ACCESS}). */
export interface CacheAccess {
  /** Keys added to this context so far (its own keys, framework keys included). */
  ownKeys(): string[];
  /** The generator's state; `undefined` when it was not created yet. */
  rngState(): number[] | undefined;
  /** Replaces the generator with one continuing from `state`. */
  restoreRng(state: readonly number[]): void;
}

const NEVER_ABORTED = new AbortController().signal;
let quietLogger: Logger | undefined;

/**
 * The add-only store every part of one replicate of one condition shares:
 * the datasource, the treatment, plugins and steps. A key, once present, keeps
 * its value; plain objects and arrays are frozen on the way in, so reading a
 * value never lets a step change what another step sees. Metrics are the one
 * append-only exception.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrozenContext } from "@crystallize/deno";
 *
 * const ctx = new FrozenContext({ lr: 0.1 }, { replicate: 2, condition: "fast", seed: 7 });
 * assert.equal(ctx.get("lr"), 0.1);
 * assert.equal(ctx.get("missing", 5), 5);
 * ctx.add("batch", 32);
 * assert.equal(ctx.get("batch"), 32);
 * ctx.metrics.add("loss", 0.3);
 * assert.deepEqual(ctx.metrics.get("loss"), [0.3]);
 * const again = new FrozenContext({}, { seed: 7 });
 * assert.equal(ctx.rng.random(), again.rng.random()); // reproducible: seeded with 7
 * assert.equal(ctx.replicate, 2);
 * assert.equal(ctx.condition, "fast");
 * ```
 */
export class FrozenContext {
  /** Replicate index, 0-based. */
  readonly replicate: number;
  /** `"baseline"` or the name of the treatment being run. */
  readonly condition: string;
  /** Metrics recorded during this replicate; `ctx.metrics.add(name, value)`. */
  readonly metrics: MetricsLog = new MetricsLog();
  /** Aborts when the run is cancelled; long steps should check it. */
  readonly signal: AbortSignal;
  readonly #values: Record<string, unknown>;
  readonly #baseLogger: Logger | undefined;
  #logger: Logger | undefined;
  #rng: Rng | undefined;
  #artifacts: ArtifactLog | undefined;
  #step = "";

  /**
   * Creates a context over `values`. The object becomes the prototype of the
   * context's own store (not copied), so sharing one frozen object among many
   * contexts costs nothing; pass a fresh or frozen object.
   */
  constructor(values: Readonly<Record<string, unknown>> = {}, init: ContextInit = {}) {
    const store: Record<string, unknown> = Object.create(values);
    this.replicate = store.replicate = init.replicate ?? 0;
    this.condition = store.condition = init.condition ?? BASELINE;
    if (init.seed !== undefined) store.seed_used = init.seed;
    this.#values = store;
    this.#baseLogger = init.logger;
    this.signal = init.signal ?? NEVER_ABORTED;
  }

  /** The seed of this replicate (`undefined` when the run is unseeded). */
  get seed(): number | undefined {
    return this.#values.seed_used as number | undefined;
  }

  /**
   * The reproducible randomness of this replicate, seeded from `ctx.seed`.
   * Every condition of one replicate gets the same stream (common random
   * numbers), whatever the execution strategy.
   */
  get rng(): Rng {
    if (this.#rng === undefined) {
      const seed = this.seed;
      if (seed === undefined) {
        throw new CrystallizeError(
          "ctx.rng needs a seed, and this context has none: run through an Experiment (SeedPlugin is attached by default) or give standaloneContext() a seed",
        );
      }
      this.#rng = new Rng(seed);
    }
    return this.#rng;
  }

  /** A logger tagged with this replicate and condition. */
  get logger(): Logger {
    return this.#logger ??= (this.#baseLogger ?? (quietLogger ??= createLogger())).child({
      replicate: this.replicate,
      condition: this.condition,
    });
  }

  /** Artifacts written in this replicate; `ctx.artifacts.add(name, bytesOrText)`. */
  get artifacts(): ArtifactLog {
    return this.#artifacts ??= new ArtifactLog(() => this.#step);
  }

  /** Name of the step now running (`""` before the first step). */
  get step(): string {
    return this.#step;
  }

  /**
   * Engine-only: see {@linkcode CACHE_ACCESS} (left out of the documentation).
   *
   * @ignore
   */
  get [CACHE_ACCESS](): CacheAccess {
    return {
      ownKeys: () => Object.keys(this.#values),
      rngState: () => this.#rng?.state(),
      restoreRng: (state) => {
        this.#rng = Rng.fromState(state);
      },
    };
  }

  /** Engine-only: see {@linkcode HAS_ARTIFACTS}. */
  get [HAS_ARTIFACTS](): boolean {
    return this.#artifacts !== undefined && this.#artifacts.size > 0;
  }

  /** Engine-only: see {@linkcode ENTER_STEP}. */
  [ENTER_STEP](step: string): void {
    this.#step = step;
  }

  /** The value of `key`, or `fallback` when the context has no such key. */
  get<T = unknown>(key: string, fallback?: T): T {
    return (key in this.#values ? this.#values[key] : fallback) as T;
  }

  /** Whether the context holds `key`. */
  has(key: string): boolean {
    return key in this.#values;
  }

  /**
   * Adds a new key. Plain objects and arrays are frozen. Adding a key that
   * exists throws {@linkcode ContextMutationError}: contexts never change a value.
   */
  add(key: string, value: unknown): void {
    if (key in this.#values) {
      const why = RESERVED_CONTEXT_KEYS.includes(key)
        ? `'${key}' is set by the framework; pick another key name`
        : `it already holds ${preview(this.#values[key])}; contexts are add-only, use a new key`;
      throw new ContextMutationError(`Cannot add '${key}' to the context: ${why}`);
    }
    this.#values[key] = deepFreeze(value);
  }

  /** Records a metric value; same as `ctx.metrics.add(name, value, tags)`. */
  record(name: string, value: MetricValue, tags?: MetricTags): void {
    this.metrics.add(name, value, tags);
  }

  /** Every key, the framework's included. */
  keys(): string[] {
    const keys: string[] = [];
    for (const key in this.#values) keys.push(key);
    return keys;
  }

  /** A plain snapshot `{key: value}` of the context. */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key in this.#values) out[key] = this.#values[key];
    return out;
  }
}

function preview(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * A context outside any experiment, for unit-testing steps and datasources.
 * `initial` is copied (nested plain objects are frozen); the seed defaults
 * to 0 so `ctx.rng` works.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standaloneContext } from "@crystallize/deno";
 *
 * const ctx = standaloneContext({ delta: 2 });
 * ctx.metrics.add("total", 3);
 * assert.equal(ctx.get("delta"), 2);
 * assert.deepEqual(ctx.metrics.get("total"), [3]);
 * assert.equal(ctx.condition, "baseline");
 * ```
 */
export function standaloneContext(
  initial: Readonly<Record<string, unknown>> = {},
  init: ContextInit = {},
): FrozenContext {
  const values: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(initial)) {
    if (RESERVED_CONTEXT_KEYS.includes(key)) {
      throw new ContextMutationError(
        `standaloneContext(): '${key}' is set by the framework; pass it as an option ({ ${
          key === "seed_used" ? "seed" : key
        } }) instead`,
      );
    }
    values[key] = deepFreeze(value);
  }
  return new FrozenContext(values, { seed: 0, ...init });
}
