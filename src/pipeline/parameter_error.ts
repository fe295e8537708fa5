import { CrystallizeError } from "../errors.ts";

/**
 * A step, datasource or verifier was given a parameter it does not declare,
 * or a required parameter had no value. The message names the owner, the
 * parameter and the fix.
 *
 * @example
 * ```ts
 * import { pipelineStep } from "./step.ts";
 * const scale = pipelineStep((d: number[], _ctx, { k }) => d.map((x) => x * k), {
 *   name: "scale",
 *   params: { k: 1 },
 * });
 * try {
 *   scale({ q: 2 } as never);
 * } catch (e) {
 *   console.log(e instanceof ParameterError); // true: "step 'scale' has no parameter 'q'..."
 * }
 * ```
 */
export class ParameterError extends CrystallizeError {}
