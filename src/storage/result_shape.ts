/**
 * The shape of a result as JSON (see `src/shape.ts`): what
 * the CLI checks before it reads a result that came from a sandboxed runner
 * or from a stored run's `run.json`, both of which experiment code could
 * have written.
 * @module
 */
import {
  anything,
  array,
  boolean,
  count,
  label,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  type Shape,
  string,
} from "../shape.ts";

const CONDITION_TIMING = object({ replicates: count, failed: optional(count) });
const STEP_TIMING = object({ step: label, calls: count, totalMs: number(), meanMs: number() });
const CONDITION_STEP_TIMING = object({
  step: label,
  calls: count,
  totalMs: number(),
  cacheHits: count,
});

/**
 * The parts of a result the CLI reads (summaries, exit codes, the terminal
 * UI), from the runner or from a stored run's `run.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESULT } from "./result_shape.ts";
 * assert.match(RESULT({}, "run.json") ?? "", /run\.json\.experiment must be a string/);
 * ```
 */
export const RESULT: Shape = object({
  experiment: label,
  metrics: object({
    baseline: record(array(anything)),
    treatments: record(record(array(anything))),
  }),
  hypotheses: array(object({
    name: label,
    metrics: array(label),
    results: array(object({ treatment: label })),
    ranking: object({
      best: oneOf(literal(null), label),
      ranked: array(object({ treatment: label, score: anything })),
      by: optional(label),
    }),
  })),
  errors: array(object({
    condition: label,
    replicate: count,
    step: label,
    name: label,
    message: string(),
  })),
  cancelled: optional(array(object({
    condition: label,
    replicate: count,
    step: label,
  }))),
  provenance: object({
    runId: label,
    startedAt: label,
    durationMs: number(),
    replicates: count,
    seed: optional(number()),
    seedDrawn: boolean,
    executionStrategy: label,
    hypotheses: array(label),
    cancelled: optional(boolean),
    datasource: object({ name: label, params: anything }),
    pipeline: object({
      steps: array(object({
        name: label,
        params: anything,
        codeHash: label,
        cacheable: optional(boolean),
      })),
    }),
    treatments: array(object({ name: label, values: anything, function: optional(boolean) })),
    cache: object({ hits: count, misses: count, off: optional(count) }),
    timings: object({
      steps: array(STEP_TIMING),
      stepsByCondition: optional(record(array(CONDITION_STEP_TIMING))),
      conditions: record(CONDITION_TIMING),
    }),
    environment: object({
      deno: label,
      v8: optional(label),
      typescript: optional(label),
      os: label,
      arch: label,
    }),
    git: optional(object({ commit: label, branch: optional(label), dirty: optional(boolean) })),
    stored: optional(object({
      version: count,
      dir: optional(label),
      upToDate: optional(boolean),
      resumedFrom: optional(count),
      reused: optional(record(count)),
      removed: optional(array(count)),
      retention: optional(count),
    })),
  }),
  artifacts: record(record(array(oneOf(literal(null), label)))),
  outputDir: optional(label),
});
