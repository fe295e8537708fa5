import { InvalidArgumentError } from "npm:commander@15.1.0";
import { type WholeNumberFlag, wholeNumberProblem } from "./whole_number.ts";

/**
 * A commander argument parser for the flag: the number, or an
 * `InvalidArgumentError` with {@linkcode wholeNumberProblem}'s message
 * (commander prints it and the CLI exits 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Command } from "npm:commander@15.1.0";
 * import { wholeNumberFlag } from "./whole_number_flag.ts";
 *
 * const command = new Command().exitOverride()
 *   .option("--seed <n>", "master seed", wholeNumberFlag({ flag: "--seed", min: 0, max: 2 ** 32 - 1, example: 42 }));
 * assert.equal(command.parse(["--seed", "7"], { from: "user" }).opts().seed, 7);
 * ```
 */
export function wholeNumberFlag(spec: WholeNumberFlag): (text: string) => number {
  return (text) => {
    const problem = wholeNumberProblem(text, spec);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
    return Number(text);
  };
}
