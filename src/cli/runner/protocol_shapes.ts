/**
 * The shapes of what the sandboxed runner sends the CLI (see
 * `src/shape.ts`). The runner runs experiment code, so
 * every message is checked before the CLI shows, stores or acts on it: a
 * malformed one stops the run with a `ProtocolError`, never a crash of the
 * CLI or a request it would act on unchecked.
 * @module
 */
import { checked, ERROR_DATA, EVENT } from "../../execution/worker/message_shapes.ts";
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
import { RESULT } from "../../storage/result_shape.ts";
import type { FromRunner } from "./protocol.ts";

const EXPORTED: Shape = object({
  module: label,
  exportName: label,
  kind: literal("experiment", "graph"),
  name: label,
  description: optional(string()),
  replicates: count,
  treatments: array(label),
});

const FAILURE: Shape = (v, path) =>
  ERROR_DATA(v, path) ??
    object({ kind: literal("usage", "run"), result: optional(RESULT) })(v, path);

const EXPORT_REF: Shape = object({ module: label, name: label });
const FACTORY_CALL: Shape = object({ ref: EXPORT_REF, params: record(anything) });

const POOL_REQUEST: Shape = object({
  spec: object({
    experimentName: label,
    datasource: FACTORY_CALL,
    steps: array(FACTORY_CALL),
    conditions: array(object({
      name: label,
      values: record(anything),
      treatment: optional(EXPORT_REF),
    })),
    events: object({ replicates: boolean, steps: boolean, errors: boolean }),
  }),
  workers: count,
  timeoutMs: optional(number({ min: 0 })),
  cancelGraceMs: number({ min: 0 }),
  maxHeapMb: optional(count),
});

const FROM_RUNNER: Shape = tagged({
  inspected: object({
    found: array(EXPORTED),
    failed: array(object({ module: label, error: ERROR_DATA })),
  }),
  loaded: object({ experiments: array(EXPORTED) }),
  events: object({ events: array(EVENT) }),
  pool: object({ id: count, request: POOL_REQUEST, replicates: count }),
  "pool-cancel": object({ id: count }),
  done: object({
    runs: array(object({ result: RESULT })),
    failures: optional(record(ERROR_DATA)),
  }),
  failed: object({ error: FAILURE }),
});

/**
 * A frame from the runner, checked: throws a `ProtocolError` naming what is
 * wrong when it is not a runner message.
 *
 * @example
 * ```ts
 * import { checkFromRunner } from "./protocol_shapes.ts";
 * const m = checkFromRunner({ type: "pool-cancel", id: 1 });
 * if (m.type !== "pool-cancel") throw new Error();
 * ```
 */
export function checkFromRunner(frame: unknown): FromRunner {
  return checked<FromRunner>(FROM_RUNNER, frame, "runner");
}
