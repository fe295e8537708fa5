import { CrystallizeError } from "../errors.ts";

/**
 * Thrown when code tries to change a value a {@linkcode FrozenContext} already
 * holds. Contexts are add-only so that every step of a replicate sees the same
 * values, whatever order plugins and steps run in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ContextMutationError, standaloneContext } from "@crystallize/deno";
 *
 * const ctx = standaloneContext({ lr: 0.1 });
 * assert.throws(() => ctx.add("lr", 0.2), ContextMutationError);
 * ```
 */
export class ContextMutationError extends CrystallizeError {}
