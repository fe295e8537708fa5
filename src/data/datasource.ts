import type { FrozenContext } from "../context/frozen_context.ts";
import { BoundParams, type ParamDefaults, type Resolved } from "../pipeline/declared_params.ts";
import { callerModuleUrl } from "../pipeline/module_ref.ts";
import { lazyCodeHash } from "../pipeline/code_hash.ts";
import { paramReader, registerReaders } from "../pipeline/context_readers.ts";
import type { MaybePromise } from "../promise.ts";

/** The function behind a datasource: produces a replicate's input data. */
export type FetchFunction<Out, P extends ParamDefaults> = (
  ctx: FrozenContext,
  params: Resolved<P>,
) => MaybePromise<Out>;

/** Options of {@linkcode dataSource}. */
export interface DataSourceOptions<P extends ParamDefaults> {
  /** Name in provenance and errors; default: the function's name, else `"datasource"`. */
  name?: string;
  /** Declared parameters with defaults; injected from the context like step parameters. */
  params?: P;
  /** Replicate count this source implies (used when a run gives none). */
  replicates?: number;
}

/** Where each replicate's data comes from. Built by a {@linkcode dataSource} factory. */
export interface DataSource<Out = unknown> {
  /** Name of the source. */
  readonly name: string;
  /** Parameters given explicitly to the factory. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Replicate count this source implies, if any. */
  readonly replicates?: number;
  /** Identifies what the source produces beyond its name and params (its code; upstream runs for inputs). */
  readonly codeHash?: string;
  /** The factory that built it (rebuild-by-reference for workers), when made by {@linkcode dataSource}. */
  readonly factory?: DataSourceFactory<Out, ParamDefaults>;
  /**
   * Folders the source reads besides the experiment's modules (an
   * `ExperimentInput`'s upstream runs): worker processes get read access.
   */
  readonly readPaths?: readonly string[];
  /**
   * Forgets what the source cached about the world outside the run (an
   * `ExperimentInput` forgets which upstream runs it located); called at the
   * start of every run.
   */
  refresh?(): void;
  /** Produces the data of one replicate of one condition. */
  fetch(ctx: FrozenContext): MaybePromise<Out>;
}

/** Builds a {@linkcode DataSource}. */
export interface DataSourceFactory<Out, P extends ParamDefaults> {
  (explicit?: Partial<P>): DataSource<Out>;
  /** Name every instance gets. */
  readonly sourceName: string;
  /** Declared parameters and their defaults. */
  readonly defaults: P;
  /** The module that defined the factory, when known. */
  readonly moduleUrl: string | undefined;
}

/**
 * Declares a datasource and returns its factory. It is fetched once per
 * replicate and condition, after the treatment is applied, so it may read
 * `ctx.replicate`, `ctx.condition`, `ctx.rng` and treatment values. Declared
 * parameters resolve like step parameters: explicit > context > default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, standaloneContext } from "@crystallize/deno";
 *
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.replicate), {
 *   name: "numbers",
 * });
 * const source = numbers();
 * assert.equal(source.name, "numbers");
 * assert.deepEqual(await source.fetch(standaloneContext({}, { replicate: 1 })), [2, 3, 4]);
 * ```
 */
export function dataSource<Out, P extends ParamDefaults = Record<never, never>>(
  fn: FetchFunction<Out, P>,
  options: DataSourceOptions<P> = {},
): DataSourceFactory<Out, P> {
  const name = options.name ?? (fn.name || "datasource");
  const hashOf = lazyCodeHash(fn);
  const defaults = (options.params ?? {}) as P;
  const factory = (explicit?: Partial<P>): DataSource<Out> => {
    const bound = BoundParams.bind(`datasource '${name}'`, defaults, explicit);
    const source: DataSource<Out> = {
      name,
      params: bound.explicit,
      replicates: options.replicates,
      get codeHash() {
        return hashOf();
      },
      factory: factory as unknown as DataSourceFactory<Out, ParamDefaults>,
      fetch: (ctx) => fn(ctx, bound.resolve(ctx)),
    };
    registerReaders(source, () => [paramReader("datasource", name, defaults, bound.explicit, fn)]);
    return source;
  };
  return Object.assign(factory, { sourceName: name, defaults, moduleUrl: callerModuleUrl() });
}
