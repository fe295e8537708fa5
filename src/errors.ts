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
