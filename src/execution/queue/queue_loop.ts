/**
 * The loop of `QueueExecution`: the run's spec, then the CLI's host (when
 * it injected a launcher) or this process coordinates the run on the queue.
 * It is loaded on the first queue run, not with the plugin: every worker
 * process imports the library (its experiment modules do), and the spec
 * builder, the launcher and the coordinator are the coordinator's alone.
 * @module
 */
import { dirname } from "../../path.ts";
import { resolvePath } from "../../resolve_path.ts";
import { outputRoot } from "../../storage/output_root.ts";
import type { ExperimentView, LoopContext } from "../../run/plugin.ts";
import { moduleFolders } from "../module_folders.ts";
import type { WorkerPermissions } from "../worker/permissions.ts";
import { injectedLauncher, type QueueSettings } from "../worker/worker_launcher.ts";
import { workerSpec } from "../worker/spec.ts";
import { pathOfFileUrl } from "../../file_url.ts";

/** What a queue run is coordinated with: the plugin's settings, `batchSize` resolved. */
export interface QueueLoopSettings extends Omit<QueueSettings, "batchSize"> {
  /** Replicates per job, when set (default: a 32nd of the run's replicates, 1 to 50). */
  readonly batchSize: number | undefined;
  /** Extra permissions of experiment code. */
  readonly permissions: WorkerPermissions;
  /** Heap limit per worker process, MiB. */
  readonly maxHeapMb: number | undefined;
  /** Grace period of cancelled workers, ms. */
  readonly cancelGraceMs: number;
}

/** This copy of the library's root folder (bundles name it, so workers map its imports). */
const LIBRARY_ROOT = pathOfFileUrl(new URL("../../../", import.meta.url)).replace(/[\\/]$/, "");

/**
 * Runs the loop's replicates on the queue and reports each outcome as it
 * comes back.
 *
 * @example
 * ```ts ignore
 * // Not run: it needs a Redis server and queue workers.
 * import { runOnQueue } from "./queue_loop.ts";
 *
 * await runOnQueue(settings, experiment, loop);
 * ```
 */
export async function runOnQueue(
  plugin: QueueLoopSettings,
  experiment: ExperimentView,
  loop: LoopContext,
): Promise<void> {
  const spec = await workerSpec(loop.plan, loop.plan.logger.level);
  const settings: QueueSettings = {
    connection: plugin.connection,
    queue: plugin.queue,
    batchSize: plugin.batchSize ?? Math.max(1, Math.min(50, Math.ceil(loop.replicates / 32))),
    redisWaitMs: plugin.redisWaitMs,
    checkEveryMs: plugin.checkEveryMs,
    ...(plugin.sharedOutput === undefined ? {} : { sharedOutput: plugin.sharedOutput }),
  };
  const common = {
    spec,
    timeoutMs: loop.timeoutMs,
    cancelGraceMs: plugin.cancelGraceMs,
    maxHeapMb: plugin.maxHeapMb,
    permissions: plugin.permissions,
  };
  const sinks = { events: loop.plan.events, logger: loop.plan.logger };
  // Under the CLI the runner may not reach the network: its host coordinates the run.
  const launcher = injectedLauncher(loop);
  if (launcher !== undefined) {
    const run = { replicates: loop.replicates, signal: loop.signal, report: loop.report };
    await launcher.runPool({ ...common, workers: 1, queue: settings }, { ...run, ...sinks });
    return;
  }
  const runs = spec.record === undefined ? undefined : dirname(spec.record.dir);
  const [{ shipExperiment }, { coordinateQueueRun }] = await Promise.all([
    import("./ship_experiment.ts"),
    import("./coordinator.ts"),
  ]);
  const shipped = await shipExperiment(spec, {
    roots: moduleFolders(spec),
    library: LIBRARY_ROOT,
    exclude: [outputRoot(experiment), spec.cache?.dir, runs].filter((p): p is string =>
      p !== undefined
    ).map((p) => resolvePath(p)),
    outputRoot: resolvePath(outputRoot({})),
  });
  await coordinateQueueRun({ ...settings, ...common, ...shipped }, sinks, loop);
}
