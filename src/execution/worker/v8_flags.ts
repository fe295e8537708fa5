import { CrystallizeError } from "../../errors.ts";

/**
 * V8 flags worker processes start with unless `ParallelExecution({ v8Flags })`
 * says otherwise.
 *
 * `--no-concurrent-recompilation`: a worker calls a CPU-bound step only a
 * handful of times, and with concurrent recompilation V8 may keep running
 * such a step through its on-stack-replacement code, which measured ~25 %
 * slower on integer loops (`deno task bench:workers`). Compiling on the main
 * thread costs a few milliseconds once per worker; float-heavy steps are
 * unaffected.
 */
export const DEFAULT_WORKER_V8_FLAGS: readonly string[] = Object.freeze([
  "--no-concurrent-recompilation",
]);

/**
 * The `deno run` argument carrying `flags` and, with `maxHeapMb`, the heap
 * limit: Deno reads one `--v8-flags`, so they must share it. Empty when
 * there is nothing to pass. A flag must start with `--` and hold no comma
 * (Deno splits the list at commas); otherwise a `CrystallizeError` names it.
 *
 * @example
 * ```ts
 * import { v8FlagsArguments } from "./v8_flags.ts";
 * v8FlagsArguments(["--no-concurrent-recompilation"], 512);
 * // ["--v8-flags=--no-concurrent-recompilation,--max-old-space-size=512"]
 * v8FlagsArguments([]); // []
 * ```
 */
export function v8FlagsArguments(flags: readonly string[], maxHeapMb?: number): string[] {
  for (const flag of flags) checkV8Flag(flag);
  const all = maxHeapMb === undefined ? flags : [...flags, `--max-old-space-size=${maxHeapMb}`];
  return all.length === 0 ? [] : [`--v8-flags=${all.join(",")}`];
}

function checkV8Flag(flag: unknown): void {
  if (typeof flag !== "string" || !/^--[^,\s]+$/.test(flag)) {
    throw new CrystallizeError(
      `ParallelExecution: v8Flags entries must look like "--flag" or "--flag=value" ` +
        `(no commas or spaces), got ${JSON.stringify(flag)}`,
    );
  }
}
