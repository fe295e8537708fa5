import { CrystallizeError } from "../errors.ts";

/**
 * Thrown when code tries to change a value a {@linkcode FrozenContext} already
 * holds. Contexts are add-only so that every step of a replicate sees the same
 * values, whatever order plugins and steps run in.
 *
 * @example
 * ```ts
 * import { standaloneContext } from "./frozen_context.ts";
 * const ctx = standaloneContext({ lr: 0.1 });
 * try {
 *   ctx.add("lr", 0.2);
 * } catch (e) {
 *   console.log(e instanceof ContextMutationError); // true
 * }
 * ```
 */
export class ContextMutationError extends CrystallizeError {}
