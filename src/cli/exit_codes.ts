/**
 * Exit codes of the `crystallize` binary, for scripts and CI.
 *
 * @example
 * ```ts
 * if (result.errors.length > 0) Deno.exit(EXIT.FAILED);
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
