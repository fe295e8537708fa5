/**
 * The shape of a result as JSON (see `src/execution/worker/shape.ts`): what
 * the CLI checks before it reads a result that came from a sandboxed runner
 * or from a stored run's `run.json`, both of which experiment code could
 * have written.
 * @module
 */
import {
  anything,
  array,
  boolean,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  type Shape,
  string,
} from "../execution/worker/shape.ts";

const NAME = 64 * 1024;
const COUNT = number({ integer: true, min: 0 });

const CONDITION_TIMING = object({ replicates: COUNT, failed: optional(COUNT) });

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
  experiment: string(NAME),
  metrics: object({
    baseline: record(array(anything)),
    treatments: record(record(array(anything))),
  }),
  hypotheses: array(object({
    name: string(NAME),
    metrics: array(string(NAME)),
    results: array(object({ treatment: string(NAME) })),
    ranking: object({
      best: oneOf(literal(null), string(NAME)),
      ranked: array(object({ treatment: string(NAME), score: anything })),
      by: optional(string(NAME)),
    }),
  })),
  errors: array(object({
    condition: string(NAME),
    replicate: COUNT,
    step: string(NAME),
    name: string(NAME),
    message: string(),
  })),
  cancelled: optional(array(object({
    condition: string(NAME),
    replicate: COUNT,
    step: string(NAME),
  }))),
  provenance: object({
    runId: string(NAME),
    startedAt: string(NAME),
    durationMs: number(),
    replicates: COUNT,
    seed: optional(number()),
    seedDrawn: boolean,
    executionStrategy: string(NAME),
    hypotheses: array(string(NAME)),
    cancelled: optional(boolean),
    pipeline: object({ steps: array(object({ name: string(NAME) })) }),
    cache: object({ hits: COUNT, misses: COUNT }),
    timings: object({ conditions: record(CONDITION_TIMING) }),
    environment: object({ deno: string(NAME), os: string(NAME), arch: string(NAME) }),
    git: optional(object({ commit: string(NAME), dirty: optional(boolean) })),
    stored: optional(object({
      version: COUNT,
      upToDate: optional(boolean),
      resumedFrom: optional(COUNT),
      reused: optional(record(COUNT)),
      removed: optional(array(COUNT)),
      retention: optional(COUNT),
    })),
  }),
  artifacts: record(record(array(oneOf(literal(null), string(NAME))))),
  outputDir: optional(string(NAME)),
});
