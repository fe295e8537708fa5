/**
 * The root of every error Crystallize throws on purpose. Catch it to tell
 * framework errors (bad configuration, missing metrics, invalid steps) from
 * errors thrown by experiment code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CrystallizeError, ParameterError } from "@crystallize/deno";
 *
 * const error: unknown = new ParameterError("step 'x' has no parameter 'y'");
 * assert.ok(error instanceof CrystallizeError); // every framework error is one
 * assert.ok(!(new TypeError("from experiment code") instanceof CrystallizeError));
 * ```
 */
export class CrystallizeError extends Error {
  /** Creates an error; `options.cause` keeps the original error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The message of anything thrown: an error's `message`, or the value as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorMessage } from "./errors.ts";
 *
 * assert.equal(errorMessage(new Error("disk full")), "disk full");
 * assert.equal(errorMessage("plain"), "plain");
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
