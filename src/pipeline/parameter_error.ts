import { CrystallizeError } from "../errors.ts";

/**
 * A step, datasource or verifier was given a parameter it does not declare,
 * or a required parameter had no value. The message names the owner, the
 * parameter and the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParameterError, pipelineStep } from "@crystallize/deno";
 *
 * const scale = pipelineStep((d: number[], _ctx, { k }) => d.map((x) => x * k), {
 *   name: "scale",
 *   params: { k: 1 },
 * });
 * // "step 'scale' has no parameter 'q'..."
 * assert.throws(() => scale({ q: 2 } as never), ParameterError);
 * ```
 */
export class ParameterError extends CrystallizeError {}
