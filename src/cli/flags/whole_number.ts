/** Bounds and an example value of a numeric flag. */
export interface WholeNumberFlag {
  /** The flag, as users type it (`--replicates`). */
  readonly flag: string;
  /** Smallest value accepted. */
  readonly min: number;
  /** Largest value accepted (at most `Number.MAX_SAFE_INTEGER`). */
  readonly max: number;
  /** A typical value, shown in the message. */
  readonly example: number;
}

/**
 * Why `text` is not a value of the flag, or `undefined` when it is: only
 * plain decimal digits are numbers here (`1e6`, `0x10`, `3.5`, `-1`, ` 7`
 * and `1_000` are refused, although `Number()` reads most of them), and the
 * value must lie in `[min, max]`, compared exactly (no rounding of long
 * digit strings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wholeNumberProblem } from "./whole_number.ts";
 *
 * const replicates = { flag: "--replicates", min: 1, max: 1_000_000, example: 20 };
 * assert.equal(wholeNumberProblem("20", replicates), undefined);
 * assert.equal(
 *   wholeNumberProblem("1e6", replicates),
 *   "--replicates takes a whole number from 1 to 1000000 in plain digits, e.g. --replicates 20; got '1e6'",
 * );
 * ```
 */
export function wholeNumberProblem(text: string, spec: WholeNumberFlag): string | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n >= BigInt(spec.min) && n <= BigInt(spec.max)) return undefined;
  }
  return `${spec.flag} takes a whole number from ${spec.min} to ${spec.max} in plain digits, ` +
    `e.g. ${spec.flag} ${spec.example}; got '${text}'`;
}
