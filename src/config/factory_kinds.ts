import type { DataSourceFactory } from "../data/datasource.ts";
import type { ParamDefaults } from "../pipeline/declared_params.ts";
import type { StepFactory } from "../pipeline/step.ts";
import { mannWhitney, studentT, welch } from "../verify/ready_verifiers.ts";
import type { Verifier, VerifierFactory } from "../verify/verifier.ts";
import type { FactoryKind } from "./folder_modules.ts";

function ownName(value: unknown, property: string): string | undefined {
  if (typeof value !== "function") return undefined;
  const name = (value as unknown as Record<string, unknown>)[property];
  return typeof name === "string" && typeof (value as { defaults?: unknown }).defaults === "object"
    ? name
    : undefined;
}

/**
 * Step factories (`pipelineStep(...)`) in `steps.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { STEP_KIND } from "./factory_kinds.ts";
 *
 * const addDelta = pipelineStep((d: number) => d, { name: "add_delta" });
 * assert.equal(STEP_KIND.nameOf(addDelta), "add_delta");
 * ```
 */
export const STEP_KIND: FactoryKind<StepFactory<unknown, unknown, ParamDefaults>> = {
  label: "step",
  module: "steps",
  declaredWith: "pipelineStep(...)",
  nameOf: (value) => ownName(value, "stepName"),
  cast: (value) => value as StepFactory<unknown, unknown, ParamDefaults>,
};

/**
 * Datasource factories (`dataSource(...)`) in `datasources.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource } from "@crystallize/deno";
 * import { DATASOURCE_KIND } from "./factory_kinds.ts";
 *
 * const numbers = dataSource(() => [1], { name: "numbers" });
 * assert.equal(DATASOURCE_KIND.nameOf(numbers), "numbers");
 * ```
 */
export const DATASOURCE_KIND: FactoryKind<DataSourceFactory<unknown, ParamDefaults>> = {
  label: "datasource",
  module: "datasources",
  declaredWith: "dataSource(...)",
  nameOf: (value) => ownName(value, "sourceName"),
  cast: (value) => value as DataSourceFactory<unknown, ParamDefaults>,
};

/**
 * Verifier factories (`verifier(...)`) in `verifiers.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifier } from "@crystallize/deno";
 * import { VERIFIER_KIND } from "./factory_kinds.ts";
 *
 * const byMean = verifier(() => ({ pValue: 1 }), { name: "by_mean" });
 * assert.equal(VERIFIER_KIND.nameOf(byMean), "by_mean");
 * ```
 */
export const VERIFIER_KIND: FactoryKind<VerifierFactory<ParamDefaults>> = {
  label: "verifier",
  module: "verifiers",
  declaredWith: "verifier(...)",
  nameOf: (value) => ownName(value, "verifierName"),
  cast: (value) => value as VerifierFactory<ParamDefaults>,
};

/** A ready verifier of the `stats` namespace, usable by name in `hypotheses`. */
export interface BuiltInVerifier {
  /** Declared parameters with defaults. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Builds the verifier with explicit parameters. */
  readonly build: (params: Readonly<Record<string, unknown>>) => Verifier;
}

function builtIn(make: (options: Record<string, unknown>) => Verifier): BuiltInVerifier {
  return { defaults: make({}).params, build: (params) => make({ ...params }) };
}

/**
 * The `stats` ready verifiers by the names a config may use (their own name,
 * and the `stats.*` function name), consulted when `verifiers.ts` does not
 * export the name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILT_IN_VERIFIERS } from "./factory_kinds.ts";
 *
 * assert.equal(BUILT_IN_VERIFIERS.welch.build({ alpha: 0.01 }).params.alpha, 0.01);
 * ```
 */
export const BUILT_IN_VERIFIERS: Readonly<Record<string, BuiltInVerifier>> = {
  welch: builtIn(welch),
  student_t: builtIn(studentT),
  studentT: builtIn(studentT),
  mann_whitney: builtIn(mannWhitney),
  mannWhitney: builtIn(mannWhitney),
};
