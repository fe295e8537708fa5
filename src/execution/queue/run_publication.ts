/**
 * What a coordinator stores on the queue for a run before its batches: the
 * code bundle, the run's task for workers and its entry for `cluster
 * status` — or, for a run continuing an unfinished one of the same
 * lineage, nothing but the bundle's lease. With a shared output root, the
 * run's folder there is prepared too.
 * @module
 */
import { Buffer } from "node:buffer";
import type { Redis } from "npm:ioredis@5.8.2";
import type { Logger } from "../../context/logger.ts";
import type { Bundle } from "./bundle.ts";
import { type QueueKeys, queueKeys } from "./queue_keys.ts";
import { encode, type QueueRunRequest, type QueueTask } from "./queue_task.ts";
import { lineageKey, namespaceOf } from "./run_identity.ts";
import { SharedRunFolder } from "./shared_output.ts";

/** A run as published on the queue. */
export interface PublishedRun {
  /** Its namespace. */
  readonly namespace: string;
  /** Whether it continues an unfinished run of the same lineage (its jobs may still be queued). */
  readonly reattached: boolean;
  /** Its folder on the shared output root, when the run is stored and has one. */
  readonly shared: SharedRunFolder | undefined;
  /** The token in that folder, which the run's task names. */
  readonly sharedToken: string | undefined;
}

/** How big a run is, for `cluster status`. */
export interface RunSize {
  /** Replicates. */
  readonly replicates: number;
  /** Batches (jobs). */
  readonly batches: number;
}

/** Bundles expire a week after their last use. */
const BUNDLE_TTL_S = 7 * 24 * 3600;

/**
 * Stores a run's bundle and task — or finds the unfinished run of the same
 * lineage it continues — and, with a shared output root and a stored run,
 * prepares (or finds) the run's folder there.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server; see tests/queue_test.ts.
 * import { publishRun } from "./run_publication.ts";
 *
 * const { namespace, reattached } = await publishRun(redis, request, { replicates: 8, batches: 2 }, console);
 * ```
 */
export async function publishRun(
  redis: Redis,
  request: QueueRunRequest,
  size: RunSize,
  logger: Pick<Logger, "warn">,
): Promise<PublishedRun> {
  const keys = queueKeys(request.queue);
  // Sent together: one round trip, not two.
  const [, previous] = await Promise.all([
    storeBundle(redis, keys, request.bundle),
    redis.get(keys.lineage(lineageKey(request, size.replicates))),
  ]);
  const root = request.spec.record === undefined ? undefined : request.sharedOutput;
  if (previous !== null && await redis.exists(keys.runTask(previous)) === 1) {
    // A warning: the earlier coordinator of this run stopped before it finished.
    logger.warn(
      `reattached to unfinished run ${previous} on queue '${request.queue}': collecting what finished, enqueueing what is missing`,
    );
    const shared = root === undefined ? undefined : await SharedRunFolder.reopen(root, previous);
    return { namespace: previous, reattached: true, ...sharedParts(shared) };
  }
  const namespace = namespaceOf(request.spec.runId);
  const shared = root === undefined ? undefined : await SharedRunFolder.create(root, namespace);
  await storeTask(redis, request, { namespace, sharedToken: shared?.token }, size);
  return { namespace, reattached: false, ...sharedParts(shared) };
}

function sharedParts(
  shared: { readonly folder: SharedRunFolder; readonly token: string | undefined } | undefined,
) {
  return { shared: shared?.folder, sharedToken: shared?.token };
}

/**
 * Stores a bundle (for a week), over whatever its key holds: workers refuse
 * bytes that do not match the hash, so bytes another client put there first
 * would otherwise fail every run of this code.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { storeBundle } from "./run_publication.ts";
 *
 * await storeBundle(redis, queueKeys("crystallize"), bundle);
 * ```
 */
export async function storeBundle(redis: Redis, keys: QueueKeys, bundle: Bundle): Promise<void> {
  await redis.set(keys.bundle(bundle.hash), Buffer.from(bundle.bytes), "EX", BUNDLE_TTL_S);
}

/**
 * Stores a run's task, what `cluster status` shows of it, and its lineage.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { storeTask } from "./run_publication.ts";
 *
 * await storeTask(redis, request, { namespace: "r1", sharedToken: undefined }, { replicates: 8, batches: 2 });
 * ```
 */
export async function storeTask(
  redis: Redis,
  request: QueueRunRequest,
  run: { readonly namespace: string; readonly sharedToken: string | undefined },
  size: RunSize,
): Promise<void> {
  const { bundle, spec, permissions, cancelGraceMs, timeoutMs, maxHeapMb } = request;
  const keys = queueKeys(request.queue);
  const task: QueueTask = {
    format: 1,
    run: run.namespace,
    bundle: bundle.hash,
    spec: { ...spec, record: undefined },
    permissions,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    cancelGraceMs,
    ...(maxHeapMb === undefined ? {} : { maxHeapMb }),
    records: spec.record !== undefined,
    ...(run.sharedToken === undefined ? {} : { sharedToken: run.sharedToken }),
  };
  await redis.multi()
    .set(keys.runTask(run.namespace), encode(task))
    .hset(keys.runMeta(run.namespace), {
      experiment: spec.experimentName,
      replicates: size.replicates,
      batches: size.batches,
      startedAt: new Date().toISOString(),
    })
    .sadd(keys.runs, run.namespace)
    .set(keys.lineage(lineageKey(request, size.replicates)), run.namespace)
    .exec();
}
