/**
 * How the runner reports what stopped it: as a usage failure (the target
 * or its settings are wrong: exit code 2) or a run failure (exit code 1).
 * @module
 */
import { ConfigError } from "../../config/config_error.ts";
import { CrystallizeError } from "../../errors.ts";
import { errorData } from "../../execution/worker/messages.ts";
import { RebuildError } from "../../execution/worker/rebuild_error.ts";
import { ValidationError } from "../../experiment/validation_error.ts";
import { GraphError } from "../../graph/graph_error.ts";
import { ParameterError } from "../../pipeline/parameter_error.ts";
import type { Result } from "../../run/result.ts";
import type { RunnerFailure } from "./protocol.ts";

/**
 * The runner's own word that the target or the settings are wrong (no such
 * export, a module that does not load, an output root it may not write).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failure, UsageFailure } from "./failure.ts";
 *
 * assert.equal(failure(new UsageFailure("demo.ts exports no Experiment")).kind, "usage");
 * ```
 */
export class UsageFailure extends CrystallizeError {}

/**
 * The errors that say the experiment as defined cannot run — fix its code,
 * config or settings — rather than that running it failed.
 */
const USAGE_ERRORS = [
  UsageFailure,
  ConfigError,
  ValidationError,
  RebuildError,
  ParameterError,
  GraphError,
] as const;

/**
 * What the runner reports for an error: its data, whether it is a usage
 * failure (by its class: see `USAGE_ERRORS`), and the result it carries
 * (a cancelled run's partial result, a computed result whose hypothesis
 * failed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValidationError } from "@crystallize/deno";
 * import { failure } from "./failure.ts";
 *
 * assert.equal(failure(new ValidationError("Experiment 'x'", ["no datasource"])).kind, "usage");
 * // Only the class counts: an error of experiment code that takes the name is a failed run.
 * const named = Object.assign(new Error("from a step"), { name: "ValidationError" });
 * assert.equal(failure(named).kind, "run");
 * ```
 */
export function failure(error: unknown): RunnerFailure {
  const carried = (error as { result?: unknown })?.result;
  const result = carried !== null && typeof carried === "object" &&
      typeof (carried as Result).toJSON === "function"
    ? (carried as Result).toJSON()
    : undefined;
  const usage = USAGE_ERRORS.some((type) => error instanceof type);
  return { ...errorData(error), kind: usage ? "usage" : "run", ...(result ? { result } : {}) };
}
