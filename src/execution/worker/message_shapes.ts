/**
 * The shapes of what worker processes send (see `shape.ts`): a worker runs
 * experiment code, so the parent checks every message before acting on it.
 * @module
 */
import { CrystallizeError } from "../../errors.ts";
import type { FromWorker } from "./messages.ts";
import {
  anything,
  array,
  boolean,
  count,
  label,
  literal,
  number,
  object,
  optional,
  record,
  type Shape,
  string,
  tagged,
} from "../../shape.ts";

/** A message from a child process that does not have the protocol's shape. */
export class ProtocolError extends CrystallizeError {}

/** An error as plain data. */
export const ERROR_DATA: Shape = object({
  name: label,
  message: string(),
  stack: optional(string()),
});

const RUN = { experiment: label, runId: label };
const REPLICATE = { ...RUN, replicate: count, condition: label };
const STEP = { ...REPLICATE, step: label, index: optional(count) };
const GRAPH_NODE = object({ experiment: label, message: optional(string()) });

/**
 * A progress event, by its type: the fields every reader of events (the
 * progress display, the terminal UI, event listeners) uses, typed. Unknown
 * types are refused.
 */
export const EVENT: Shape = tagged({
  "experiment-started": GRAPH_NODE,
  "experiment-skipped": GRAPH_NODE,
  "experiment-finished": GRAPH_NODE,
  "experiment-failed": GRAPH_NODE,
  "run-started": object({
    ...RUN,
    replicates: count,
    conditions: array(label),
    strategy: label,
    resumedFrom: optional(count),
    reused: optional(record(count)),
  }),
  "replicate-started": object(REPLICATE),
  "step-started": object(STEP),
  "step-finished": object({ ...STEP, durationMs: number(), cache: literal("hit", "miss", "off") }),
  "replicate-finished": object({
    ...REPLICATE,
    durationMs: number(),
    ok: boolean,
    cancelled: optional(boolean),
  }),
  "replicate-cancelled": object({ ...REPLICATE, step: label }),
  error: object({ ...REPLICATE, step: label, message: string() }),
  "run-cancelled": object({ ...RUN, durationMs: number(), finished: count, cancelled: count }),
  "run-finished": object({ ...RUN, durationMs: number(), replicates: count, errors: count }),
});

/** A `ctx.logger` record. */
export const LOG_RECORD: Shape = object({
  level: literal("debug", "info", "warn", "error"),
  message: string(),
  time: number(),
  fields: record(anything),
});

/** What one replicate produced. */
export const REPLICATE_OUTCOME: Shape = object({
  replicate: count,
  conditions: array(object({
    condition: label,
    seed: optional(number({ integer: true })),
    metrics: record(array(anything)),
    error: optional(object({
      condition: label,
      replicate: count,
      step: label,
      name: label,
      message: string(),
      stack: optional(string()),
    })),
    durationMs: number(),
    stepMs: array(number()),
    cache: optional(array(literal("hit", "miss", "off"))),
    artifacts: optional(array(label)),
  })),
});

const FROM_WORKER: Shape = tagged({
  ready: anything,
  "init-failed": object({ error: ERROR_DATA }),
  outcome: object({ outcome: REPLICATE_OUTCOME }),
  event: object({ event: EVENT }),
  log: object({ record: LOG_RECORD }),
  crash: object({ error: ERROR_DATA }),
});

/**
 * A frame from a worker, checked: throws {@linkcode ProtocolError} naming
 * what is wrong when it is not a worker message.
 *
 * @example
 * ```ts
 * import { checkFromWorker } from "./message_shapes.ts";
 * if (checkFromWorker({ type: "ready" }).type !== "ready") throw new Error();
 * ```
 */
export function checkFromWorker(frame: unknown): FromWorker {
  return checked<FromWorker>(FROM_WORKER, frame, "worker");
}

/**
 * `value` as `T` once it has `shape`; a {@linkcode ProtocolError} naming
 * the sender and the problem otherwise.
 *
 * @example
 * ```ts
 * import { checked } from "./message_shapes.ts";
 * import { object, string } from "../../shape.ts";
 * const m = checked<{ name: string }>(object({ name: string() }), { name: "a" }, "runner");
 * if (m.name !== "a") throw new Error();
 * ```
 */
export function checked<T>(shape: Shape, value: unknown, sender: string): T {
  let problem: string | undefined;
  try {
    problem = shape(value, "message");
  } catch (error) {
    // Nesting deep enough to exhaust the stack is no message of ours either.
    if (!(error instanceof RangeError)) throw error;
    problem = "it nests too deep";
  }
  if (problem !== undefined) {
    throw new ProtocolError(
      `the ${sender} process sent a malformed message (${problem}); it runs experiment code, ` +
        "which may have tampered with it, so the run was stopped",
    );
  }
  return value as T;
}
