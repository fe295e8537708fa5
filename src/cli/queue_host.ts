import { shipExperiment } from "../execution/queue/ship_experiment.ts";
import { coordinateQueueRun } from "../execution/queue/coordinator.ts";
import type { PoolRequest, PoolRun, QueueSettings } from "../execution/worker/worker_launcher.ts";
import type { Sandbox } from "./sandbox.ts";
import { CliError } from "./cli_error.ts";
import { queueKeys } from "../execution/queue/queue_keys.ts";

/**
 * The queue settings of a runner's request, when the command line allows
 * them: the runner runs experiment code, so it may not choose where the CLI
 * connects — a queue run must use the Redis named by `--redis`, and as its
 * shared output root (where the CLI reads and removes files) only the
 * folder named by `--shared-output`, which applies when the experiment names
 * none. Numbers are checked too (they come from the runner).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allowedQueue } from "./queue_host.ts";
 *
 * const asked = { connection: "redis://10.0.0.9:6379", queue: "q", batchSize: 5, redisWaitMs: 1000, checkEveryMs: 100 };
 * assert.throws(() => allowedQueue(asked, undefined), /--redis redis:\/\/10\.0\.0\.9:6379/);
 * assert.equal(allowedQueue(asked, asked.connection).batchSize, 5);
 * assert.equal(allowedQueue(asked, asked.connection, "/mnt/shared").sharedOutput, "/mnt/shared");
 * assert.throws(() => allowedQueue({ ...asked, sharedOutput: "/home" }, asked.connection), /--shared-output \/home/);
 * ```
 */
export function allowedQueue(
  asked: QueueSettings,
  redis: string | undefined,
  sharedOutput?: string,
): QueueSettings {
  if (redis === undefined || redis !== asked.connection) {
    throw new CliError(
      `the experiment runs on the queue at ${asked.connection}; the CLI connects only to the Redis ` +
        `named on its command line: add --redis ${asked.connection}`,
    );
  }
  const whole = (n: unknown, min: number, max: number) =>
    typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
  if (
    !whole(asked.batchSize, 1, 10_000) || !whole(asked.redisWaitMs, 0, 86_400_000) ||
    !whole(asked.checkEveryMs, 10, 3_600_000)
  ) {
    throw new CliError(
      "the experiment's queue settings are out of bounds (batchSize, redisWaitMs, checkEveryMs)",
    );
  }
  if (asked.sharedOutput !== undefined && asked.sharedOutput !== sharedOutput) {
    throw new CliError(
      `the experiment's queue run shares ${asked.sharedOutput} with its workers; the CLI uses only the ` +
        `shared output root named on its command line: add --shared-output ${asked.sharedOutput}`,
    );
  }
  const shared = sharedOutput === undefined ? {} : { sharedOutput };
  return { ...asked, queue: queueKeys(String(asked.queue)).queue, ...shared };
}

/**
 * Coordinates a queue run the sandboxed runner asked for (`--executor
 * queue`, or a `QueueExecution` plugin): the runner may not reach the
 * network, so the CLI talks to Redis. The request is checked as a pool's is
 * (every module inside the sandbox's readable folders); the bundle holds
 * the sandbox's readable folders (not its output roots), and the run grants
 * its code what the sandbox grants — config.yaml `permissions:` and
 * `--allow-*` flags — never what the experiment's plugin asks for.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server and workers; see tests/queue_test.ts.
 * import { hostQueue } from "./queue_host.ts";
 *
 * await hostQueue(sandbox, request, settings, run); // each outcome goes to run.report
 * ```
 */
export async function hostQueue(
  sandbox: Sandbox,
  request: PoolRequest,
  settings: QueueSettings,
  run: PoolRun,
): Promise<void> {
  const shipped = await shipExperiment(request.spec, {
    roots: sandbox.read,
    library: sandbox.library,
    exclude: [...sandbox.write, ...(sandbox.denyRead ?? [])],
    outputRoot: sandbox.home,
  });
  return await coordinateQueueRun(
    {
      ...settings,
      ...shipped,
      permissions: sandbox.granted,
      timeoutMs: request.timeoutMs,
      cancelGraceMs: request.cancelGraceMs,
      maxHeapMb: request.maxHeapMb,
    },
    run,
    run,
  );
}
