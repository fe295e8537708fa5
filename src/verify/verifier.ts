import { BoundParams, type ParamDefaults } from "../pipeline/declared_params.ts";
import { callerModuleUrl } from "../pipeline/module_ref.ts";
import type { MaybePromise } from "../promise.ts";

/** Metric samples of one condition: one array of numbers per metric. */
export type Samples = Readonly<Record<string, readonly number[]>>;

/**
 * What a verifier reports for one treatment. `pValue` and `significant` are
 * conventional (ranking and p-value correction use `pValue`); anything else
 * is kept as given.
 */
export interface VerifierOutput {
  /** p-value of the test, if it has one. */
  readonly pValue?: number;
  /** Whether the effect is significant at the verifier's level. */
  readonly significant?: boolean;
  /** Any other figures (effect size, CI, statistic, ...). */
  readonly [key: string]: unknown;
}

/** The function behind a verifier. */
export type VerifierFunction<P extends ParamDefaults> = (
  baseline: Samples,
  treated: Samples,
  params: P,
) => MaybePromise<VerifierOutput>;

/** A statistical check of baseline vs treatment samples, bound to its parameters. */
export interface Verifier {
  /** Verifier name. */
  readonly name: string;
  /** All parameter values (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Compares the samples. */
  verify(baseline: Samples, treated: Samples): MaybePromise<VerifierOutput>;
}

/** Builds a {@linkcode Verifier}. */
export interface VerifierFactory<P extends ParamDefaults> {
  (explicit?: Partial<P>): Verifier;
  /** Name every instance gets. */
  readonly verifierName: string;
  /** Declared parameters and their defaults. */
  readonly defaults: P;
  /** The module that defined the factory, when known. */
  readonly moduleUrl: string | undefined;
}

/** Options of {@linkcode verifier}. */
export interface VerifierOptions<P extends ParamDefaults> {
  /** Name; default: the function's name, else `"verifier"`. */
  name?: string;
  /** Declared parameters with defaults (`undefined` = required). */
  params?: P;
}

/**
 * Declares a verifier and returns its factory. The function gets the
 * baseline and treatment samples of the hypothesis' metrics
 * (`{[metric]: number[]}`) and its parameters. Parameters are fixed when the
 * factory is called: explicit values over defaults; an unknown name throws a
 * `ParameterError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stats, verifier } from "@crystallize/deno";
 *
 * const welch = verifier((baseline, treated, { alpha }) => {
 *   const t = stats.welchTTest(treated.total, baseline.total);
 *   return { pValue: t.pValue, significant: t.pValue < alpha };
 * }, { name: "welch", params: { alpha: 0.05 } });
 * const strict = welch({ alpha: 0.01 });
 * const verdict = await strict.verify({ total: [1, 2, 3, 4] }, { total: [2, 3, 4, 5] });
 * assert.equal(verdict.significant, false);
 * ```
 */
export function verifier<P extends ParamDefaults = Record<never, never>>(
  fn: VerifierFunction<P>,
  options: VerifierOptions<P> = {},
): VerifierFactory<P> {
  const name = options.name ?? (fn.name || "verifier");
  const defaults = (options.params ?? {}) as P;
  const factory = (explicit?: Partial<P>): Verifier => {
    const params = BoundParams.bind(`verifier '${name}'`, defaults, explicit).withDefaults();
    return { name, params, verify: (baseline, treated) => fn(baseline, treated, params) };
  };
  return Object.assign(factory, { verifierName: name, defaults, moduleUrl: callerModuleUrl() });
}
