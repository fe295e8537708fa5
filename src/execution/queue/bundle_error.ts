import { CrystallizeError } from "../../errors.ts";

/**
 * A bundle cannot be packed, or one fetched from Redis is not what it claims to be.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BundleError, CrystallizeError } from "@crystallize/deno";
 *
 * assert.ok(new BundleError("no") instanceof CrystallizeError);
 * ```
 */
export class BundleError extends CrystallizeError {}
