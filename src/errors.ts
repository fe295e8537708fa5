/**
 * The root of every error Crystallize throws on purpose. Catch it to tell
 * framework errors (bad configuration, missing metrics, invalid steps) from
 * errors thrown by experiment code.
 *
 * @example
 * ```ts
 * import { CrystallizeError } from "./errors.ts";
 * try {
 *   throw new CrystallizeError("example");
 * } catch (e) {
 *   if (e instanceof CrystallizeError) console.log(e.message);
 * }
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
 * errorMessage(new Error("disk full")); // "disk full"
 * errorMessage("plain"); // "plain"
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
