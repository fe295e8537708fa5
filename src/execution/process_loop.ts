/**
 * The process executor of `ParallelExecution`: replicates on a pool of
 * worker processes. It is loaded on the first process-mode run, not with
 * the plugin: every worker process imports the library (its experiment
 * modules do), and the pool, the spec builder and the launcher are the
 * parent's alone.
 * @module
 */
import { dirname } from "../path.ts";
import { outputRoot } from "../storage/output_root.ts";
import type { RunPlan } from "../run/run_plan.ts";
import type { ExperimentView, LoopContext } from "../run/plugin.ts";
import { moduleFolders } from "./module_folders.ts";
import { workerEntry } from "./worker/entry.ts";
import { denoExecutable } from "./worker/framed_child.ts";
import { launchFlags } from "./worker/launch_flags.ts";
import { type LibraryBuild, libraryBuild } from "./worker/library_build.ts";
import type { WorkerSpec } from "./worker/messages.ts";
import type { WorkerPermissions } from "./worker/permissions.ts";
import { workerSpec } from "./worker/spec.ts";
import {
  injectedLauncher,
  type PoolRequest,
  runPoolOn,
  type WorkerLauncher,
} from "./worker/worker_launcher.ts";
import { WorkerPool } from "./worker/worker_pool.ts";
import type { WorkerLaunch } from "./worker/worker_process.ts";
import { pathOfFileUrl } from "../file_url.ts";

/**
 * This copy of the library, which workers may read (as the CLI's workers
 * may): they start with lazy imports (see `launchFlags`), so a literal
 * `import()` of the library a step's code runs (`experiment.apply()`, say)
 * loads then, with a read permission check. A remote copy needs none.
 */
const LIBRARY_READS = import.meta.url.startsWith("file:")
  ? ["mod.ts", "src"].map((path) => pathOfFileUrl(new URL(`../../${path}`, import.meta.url)))
  : [];

/** The pool a `keepAlive` plugin keeps between runs (created on its first run). */
export interface KeptPool {
  /** The pool, once the first run created it. */
  pool?: WorkerPool;
}

/** How the process executor runs: the plugin's settings. */
export interface ProcessLoopSettings {
  /** Workers to start at most. */
  readonly workers: number;
  /** Permissions on top of the modules' folders and the output root. */
  readonly permissions: WorkerPermissions;
  /** Heap limit per worker, MiB. */
  readonly maxHeapMb: number | undefined;
  /** V8 flags of the workers. */
  readonly v8Flags: readonly string[];
  /** Grace period before cancelled workers are killed, ms. */
  readonly cancelGraceMs: number;
  /** Where the workers kept between runs live (`keepAlive`); none: a pool of this run only. */
  readonly kept: KeptPool | undefined;
  /** Whether workers load the library's JavaScript copy (see `library_build.ts`). */
  readonly libraryBuild: boolean;
}

/**
 * Runs the loop's replicates on worker processes started by the launcher
 * the run's host injected (see `worker_launcher.ts`), else by a pool of its
 * own; each outcome is reported as it arrives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, ParallelExecution } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../examples/scaling_demo.ts";
 *
 * // ParallelExecution({ executorType: "process" }) runs its loop here.
 * const experiment = Experiment.builder("on_processes").datasource(fetchNumbers()).addStep(total())
 *   .plugins([new ParallelExecution({ executorType: "process", maxWorkers: 1 })]).replicates(2).build();
 * assert.equal((await experiment.run()).metrics.baseline.metrics.total.length, 2);
 * ```
 */
export async function runOnProcesses(
  settings: ProcessLoopSettings,
  experiment: ExperimentView,
  loop: LoopContext,
): Promise<void> {
  const injected = injectedLauncher(loop);
  if (injected === undefined) denoExecutable(); // fails early, before any worker, when workers may not be started
  const request: PoolRequest = {
    spec: await workerSpec(loop.plan, loop.plan.logger.level),
    workers: Math.min(settings.workers, loop.replicates),
    timeoutMs: loop.timeoutMs,
    cancelGraceMs: settings.cancelGraceMs,
    maxHeapMb: settings.maxHeapMb,
    permissions: settings.permissions,
  };
  const launcher = injected ?? ownLauncher(settings, experiment, loop.plan);
  await launcher.runPool(request, {
    replicates: loop.replicates,
    signal: loop.signal,
    events: loop.plan.events,
    logger: loop.plan.logger,
    report: loop.report,
  });
}

/** Starts the workers itself: from the pool kept between runs (`keepAlive`), or a pool of this run. */
function ownLauncher(
  settings: ProcessLoopSettings,
  experiment: ExperimentView,
  plan: RunPlan,
): WorkerLauncher {
  const { kept } = settings;
  return {
    runPool: async (request, run) => {
      const pool = kept === undefined
        ? new WorkerPool({ keepAlive: false, maxIdle: 0 })
        : kept.pool ??= new WorkerPool({ keepAlive: true, maxIdle: settings.workers });
      const build = settings.libraryBuild ? await libraryBuild(denoExecutable()) : undefined;
      const launch = workerLaunch(
        settings,
        experiment,
        request.spec,
        build,
        plan.datasource.readPaths,
      );
      try {
        await runPoolOn(pool, launch, request, run);
      } finally {
        if (kept === undefined) await pool.close();
      }
    },
  };
}

/**
 * How workers for this run start: the generated entry importing the
 * experiment's modules, and flags granting read on those modules' folders
 * and on what the datasource reads (upstream runs of an `ExperimentInput`),
 * read on the library, read and write on the output root, the step cache and the stored run's
 * folder, what `permissions` adds, the project's `deno.json` (the
 * program's own code: all of it), the library's JavaScript copy when there
 * is one, and the V8 flags.
 */
function workerLaunch(
  settings: ProcessLoopSettings,
  experiment: ExperimentView,
  spec: WorkerSpec,
  build: LibraryBuild | undefined,
  sourceReads: readonly string[] = [],
): WorkerLaunch {
  // The experiment's folder of runs, not this run's version folder: the
  // flags stay the same from run to run, so kept workers can be reused.
  const runs = spec.record === undefined ? undefined : dirname(spec.record.dir);
  const storage = [outputRoot(experiment), spec.cache?.dir, runs]
    .filter((p): p is string => p !== undefined);
  const flags = launchFlags({
    read: [...moduleFolders(spec), ...storage, ...sourceReads, ...LIBRARY_READS],
    write: storage,
    granted: settings.permissions,
    lazyImports: true,
    config: "project",
    libraryBuild: build,
    v8Flags: settings.v8Flags,
    maxHeapMb: settings.maxHeapMb,
  });
  return { entry: workerEntry(spec, { loading: "static" }), flags };
}
