/**
 * Exit codes of the `crystallize` binary, for scripts and CI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT } from "./exit_codes.ts";
 *
 * assert.deepEqual([EXIT.OK, EXIT.FAILED, EXIT.USAGE], [0, 1, 2]);
 * ```
 */
export const EXIT = {
  /** Everything ran and every replicate succeeded. */
  OK: 0,
  /** The run finished but some replicates failed, or `--fail-on-hypothesis` found a non-significant result. */
  FAILED: 1,
  /** Bad usage or configuration: unknown flag, missing target, invalid config.yaml, a module that does not load. */
  USAGE: 2,
  /** Interrupted (Ctrl-C); the partial result is reported. */
  CANCELLED: 130,
} as const;

/** One of the {@linkcode EXIT} codes. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];
