import { dirname } from "../../path.ts";
import { canonicalHash } from "../../cache/canonical_hash.ts";
import { createSha256 } from "../../sha256.ts";
import type { WorkerSpec } from "../worker/messages.ts";
import type { WorkerPermissions } from "../worker/permissions.ts";
import { encode } from "./queue_task.ts";

/** What a run's lineage is made of. */
export interface RunIdentity {
  /** The run's spec. */
  readonly spec: WorkerSpec;
  /** Its code bundle. */
  readonly bundle: { readonly hash: string };
  /** What it grants its code. */
  readonly permissions: WorkerPermissions;
  /** Replicates per job. */
  readonly batchSize: number;
}

/**
 * What identifies a run across coordinators: the experiment, where it is
 * stored, its code, seed, conditions, steps, permissions and batching. A run
 * of the same lineage continues an unfinished one instead of starting
 * another (a resumed run differs only in its id and what it reuses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineageKey } from "./run_identity.ts";
 *
 * const ref = { module: "file:///exp/steps.ts", name: "total" };
 * const spec = { experimentName: "e", runId: "r1", datasource: { ref, params: {} }, steps: [], conditions: [], seeding: { master: 1, autoSeed: true }, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const request = { spec, bundle: { hash: "h" }, permissions: {}, batchSize: 5 };
 * const resumed = { ...request, spec: { ...spec, runId: "r2" } };
 * assert.equal(lineageKey(request, 10), lineageKey(resumed, 10));
 * assert.notEqual(lineageKey(request, 10), lineageKey(request, 11));
 * ```
 */
export function lineageKey(request: RunIdentity, replicates: number): string {
  const { spec } = request;
  return createSha256().update(encode({
    experiment: spec.experimentName,
    stored: spec.record === undefined ? null : dirname(spec.record.dir),
    ...computation(spec, request.bundle.hash, request.permissions),
    refresh: spec.cache?.refresh ?? null,
    replicates,
    batchSize: request.batchSize,
  })).digest("hex");
}

/**
 * The name of a run's work root on a worker (the folder its code may write:
 * step cache, scratch output): one per computation — code, datasource,
 * steps, conditions, seeding and grants — so runs of the same experiment
 * share step caches, while a task that names another run's bundle (any
 * client of Redis can write one) gets a folder of its own and cannot read
 * what that run computed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workRootName } from "./run_identity.ts";
 * import { decodeTask, encode } from "./queue_task.ts";
 *
 * const ref = { module: "file:///exp/steps.ts", name: "total" };
 * const spec = { experimentName: "e", runId: "r1", datasource: { ref, params: {} }, steps: [], conditions: [], seeding: { master: 1, autoSeed: true }, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const task = { bundle: "h", spec, permissions: {} };
 * assert.equal(workRootName(task), workRootName(decodeTask(encode({ format: 1, run: "r2", ...task, spec: { ...spec, runId: "r2" }, cancelGraceMs: 0, records: false }))));
 * assert.notEqual(workRootName(task), workRootName({ ...task, spec: { ...spec, seeding: { master: 2, autoSeed: true } } }));
 * ```
 */
export function workRootName(
  task: {
    readonly bundle: string;
    readonly spec: WorkerSpec;
    readonly permissions: WorkerPermissions;
  },
): string {
  // Canonical, not V8's bytes: a task read back from Redis names the same folder as the one written.
  return canonicalHash(computation(task.spec, task.bundle, task.permissions), "task");
}

/** What a run computes, as plain data: the same for runs whose replicates compute the same. */
function computation(spec: WorkerSpec, bundle: string, permissions: WorkerPermissions) {
  return {
    bundle,
    datasource: spec.datasource,
    steps: spec.steps,
    conditions: spec.conditions,
    seeding: spec.seeding ?? null,
    permissions,
  };
}

/**
 * A run id usable in Redis keys and job ids; others are replaced by their hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namespaceOf } from "./run_identity.ts";
 *
 * assert.equal(namespaceOf("3f2a-b1"), "3f2a-b1");
 * assert.match(namespaceOf("a run:with spaces"), /^[0-9a-f]{32}$/);
 * ```
 */
export function namespaceOf(runId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(runId)
    ? runId
    : createSha256().update(runId).digest("hex").slice(0, 32);
}
