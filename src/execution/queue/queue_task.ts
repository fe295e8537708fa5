/**
 * What travels through Redis between a coordinator and its workers: a run's
 * task (stored once per run), batch jobs (BullMQ job data), and batch
 * results (entries of the run's results stream). Values are encoded with
 * V8's structured serialization, as between worker processes, so metrics
 * such as `NaN`, `-0` or `Infinity` arrive bit-identical; everything read
 * from Redis is checked before use, since any client of the server can
 * write there.
 * @module
 */
import { Buffer } from "node:buffer";
import { deserialize, serialize } from "node:v8";
import type { LogRecord } from "../../context/logger.ts";
import { pathNameProblem } from "../../path_name.ts";
import type { ProgressEvent } from "../../run/events.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import {
  ERROR_DATA,
  EVENT,
  LOG_RECORD,
  ProtocolError,
  REPLICATE_OUTCOME,
} from "../worker/message_shapes.ts";
import type { ErrorData, WorkerSpec } from "../worker/messages.ts";
import type { WorkerPermissions } from "../worker/permissions.ts";
import type { QueueSettings } from "../worker/worker_launcher.ts";
import type { Bundle } from "./bundle.ts";
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
} from "../../shape.ts";

/** A run as workers see it: stored once under the run's namespace. */
export interface QueueTask {
  /** Format of this record. */
  readonly format: 1;
  /** The run's namespace (its id on the queue). */
  readonly run: string;
  /** Hash of the code bundle the spec's modules are in. */
  readonly bundle: string;
  /** The run's spec, with the coordinator's module URLs and paths. */
  readonly spec: WorkerSpec;
  /** Permissions the run grants its code (a worker grants no more than its own flags). */
  readonly permissions: WorkerPermissions;
  /** Per-replicate time limit, ms. */
  readonly timeoutMs?: number;
  /** How long cancelled worker processes may finish before they are killed, ms. */
  readonly cancelGraceMs: number;
  /** Heap limit per worker process, MiB. */
  readonly maxHeapMb?: number;
  /** Whether the run is stored: workers then record artifacts to send back. */
  readonly records: boolean;
  /**
   * Set when the coordinator has a shared output root: what its file
   * `<root>/<run>/run.token` holds, so a worker whose `--shared-output` is
   * the same folder writes artifacts there instead of sending their bytes.
   */
  readonly sharedToken?: string;
}

/** Everything a coordinator needs for one run on a queue: plain data. */
export interface QueueRunRequest extends QueueSettings {
  /** The run's spec, as for local worker processes. */
  readonly spec: WorkerSpec;
  /** The code bundle the spec's modules are shipped in. */
  readonly bundle: Bundle;
  /** Permissions the run grants its code. */
  readonly permissions: WorkerPermissions;
  /** Per-replicate time limit, ms. */
  readonly timeoutMs?: number;
  /** How long cancelled workers may finish a replicate, ms. */
  readonly cancelGraceMs: number;
  /** Heap limit per worker process, MiB. */
  readonly maxHeapMb?: number;
}

/** One job: a batch of replicates of a run. */
export interface BatchJob {
  /** The run's namespace. */
  readonly run: string;
  /** The batch's index. */
  readonly batch: number;
  /** Its replicate indices, ascending. */
  readonly replicates: readonly number[];
}

/** An artifact a replicate wrote on a worker, sent back to the coordinator. */
export interface ShippedArtifact {
  /** Replicate index. */
  readonly replicate: number;
  /** Condition name. */
  readonly condition: string;
  /** File name. */
  readonly name: string;
  /** The step that wrote it. */
  readonly step: string;
  /** Its bytes. */
  readonly data: Uint8Array;
}

/**
 * An artifact a replicate wrote into the run's folder of the shared output
 * root: only where, its size and hash travel; the coordinator checks the
 * file before it stores a copy.
 */
export interface SharedArtifact {
  /** Replicate index. */
  readonly replicate: number;
  /** Condition name. */
  readonly condition: string;
  /** File name. */
  readonly name: string;
  /** The step that wrote it. */
  readonly step: string;
  /** Where it is, relative to the run's folder of the shared output root, `/`-separated. */
  readonly file: string;
  /** SHA-256 of its bytes, hex. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** What a worker reports for a batch it finished (or could not run). */
export interface BatchResult {
  /** The batch's index. */
  readonly batch: number;
  /** The worker that ran it. */
  readonly worker: string;
  /** One outcome per replicate of the batch. */
  readonly outcomes: readonly ReplicateOutcome[];
  /** Progress events of the batch, in order. */
  readonly events: readonly ProgressEvent[];
  /** `ctx.logger` records of the batch. */
  readonly logs: readonly LogRecord[];
  /** Artifacts written by the batch's replicates: their bytes, or where they are on the shared output root. */
  readonly artifacts: readonly (ShippedArtifact | SharedArtifact)[];
  /** Set when the worker could not run the batch at all (its outcomes are then empty). */
  readonly error?: ErrorData;
}

const PATHS = oneOf(boolean, array(string(4096)));

const REF = object({ module: string(8192), name: label });

const FACTORY_CALL = object({ ref: REF, params: record(anything) });

const TASK: Shape = object({
  format: literal(1),
  run: label,
  bundle: string(64),
  spec: object({
    experimentName: label,
    runId: label,
    datasource: FACTORY_CALL,
    steps: array(FACTORY_CALL),
    conditions: array(object({ name: label, values: record(anything), treatment: optional(REF) })),
    seeding: anything,
    events: object({ replicates: boolean, steps: boolean, errors: boolean }),
    logLevel: literal("debug", "info", "warn", "error", "silent"),
    cache: optional(object({ dir: string(8192), refresh: boolean })),
    reused: optional(record(array(count))),
  }),
  permissions: object(
    Object.fromEntries(
      ["read", "write", "net", "env", "run", "sys", "ffi"].map((k) => [k, optional(PATHS)]),
    ),
  ),
  timeoutMs: optional(number({ min: 0 })),
  cancelGraceMs: number({ min: 0, max: 600_000 }),
  maxHeapMb: optional(number({ integer: true, min: 1, max: 1 << 20 })),
  records: boolean,
  sharedToken: optional(string(64)),
});

const JOB: Shape = object({ run: label, batch: count, replicates: array(count, 100_000) });

/** A name that becomes a file name in the coordinator's stored run. */
const PATH_NAME: Shape = (v, path) => {
  const problem = pathNameProblem(v);
  return problem === undefined ? undefined : `${path} cannot be a file name: ${problem}`;
};

/** An outcome whose artifact names are file names (the coordinator stores them). */
const SHIPPED_OUTCOME: Shape = (v, path) =>
  REPLICATE_OUTCOME(v, path) ??
    object({ conditions: array(object({ artifacts: optional(array(PATH_NAME)) })) })(v, path);

const ARTIFACT = { replicate: count, condition: label, name: PATH_NAME, step: label };

const RESULT: Shape = object({
  batch: count,
  worker: label,
  outcomes: array(SHIPPED_OUTCOME, 100_000),
  events: array(EVENT),
  logs: array(LOG_RECORD),
  artifacts: array(oneOf(
    object({
      ...ARTIFACT,
      data: (v, path) => v instanceof Uint8Array ? undefined : `${path} must be bytes`,
    }),
    object({ ...ARTIFACT, file: string(8192), sha256: string(64), bytes: count }),
  )),
  error: optional(ERROR_DATA),
});

/**
 * Encodes a value for Redis (V8 structured serialization).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeTask, encode } from "./queue_task.ts";
 *
 * assert.throws(() => decodeTask(encode({ format: 2 })), /malformed/);
 * ```
 */
export function encode(value: unknown): Buffer {
  return serialize(value);
}

/**
 * A run's task read from Redis, checked; a {@linkcode ProtocolError} when
 * the bytes are not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeTask, encode } from "./queue_task.ts";
 *
 * assert.throws(() => decodeTask(encode("not a task")), /malformed/);
 * ```
 */
export function decodeTask(bytes: Uint8Array): QueueTask {
  return checkedData<QueueTask>(TASK, decoded(bytes), "a run's task");
}

/**
 * A batch job's data, checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkJob } from "./queue_task.ts";
 *
 * assert.deepEqual(checkJob({ run: "r", batch: 0, replicates: [0, 1] }).replicates, [0, 1]);
 * assert.throws(() => checkJob({ run: "r", batch: -1, replicates: [] }));
 * ```
 */
export function checkJob(data: unknown): BatchJob {
  return checkedData<BatchJob>(JOB, data, "a queue job");
}

/**
 * A batch result read from a run's results stream, checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeResult, encode } from "./queue_task.ts";
 *
 * const result = { batch: 0, worker: "w", outcomes: [{ replicate: 0, conditions: [] }], events: [], logs: [], artifacts: [] };
 * assert.deepEqual(decodeResult(encode(result)), result);
 * ```
 */
export function decodeResult(bytes: Uint8Array): BatchResult {
  return checkedData<BatchResult>(RESULT, decoded(bytes), "a batch result");
}

/** `value` as `T` once it has `shape`, else a `ProtocolError` naming what was read and the problem. */
function checkedData<T>(shape: Shape, value: unknown, what: string): T {
  let problem: string | undefined;
  try {
    problem = value === undefined ? "it is not V8-serialized data" : shape(value, "value");
  } catch {
    problem = "it nests too deep";
  }
  if (problem !== undefined) {
    throw new ProtocolError(
      `${what} read from Redis is malformed (${problem}): some other client wrote it, or a different Crystallize version; it was ignored`,
    );
  }
  return value as T;
}

function decoded(bytes: Uint8Array): unknown {
  try {
    return deserialize(bytes);
  } catch {
    return undefined; // reported as malformed by the shape check
  }
}

/**
 * The BullMQ job id of a batch: a run adding a batch twice (a reattached
 * coordinator) adds it once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobId } from "./queue_task.ts";
 *
 * assert.equal(jobId("r1", 3), "r1.3");
 * ```
 */
export function jobId(run: string, batch: number): string {
  return `${run}.${batch}`;
}
