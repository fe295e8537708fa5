import { resolvePath } from "../../resolve_path.ts";
import { DEFAULT_BUNDLE_CACHE_MAX } from "../../execution/queue/bundle_cache.ts";
import { DEFAULT_QUEUE } from "../../execution/queue/queue_keys.ts";
import { errorMessage } from "../../errors.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { checkPermissionFlags } from "../flags/permission_flags.ts";
import { redisUrlFlag } from "../flags/redis_flag.ts";
import { sharedOutputFlag } from "../flags/shared_output_flag.ts";
import { printable } from "../printable.ts";
import { QueueWorker } from "../queue_worker.ts";
import { checkWorkerCache } from "../queue_worker_sandbox.ts";
import { libraryRoot, type PermissionKind, permissionsFromFlags } from "../sandbox.ts";

/** Options of `crystallize worker`, as parsed from the command line. */
export interface WorkerCommandOptions
  extends Partial<Record<`allow${Capitalize<PermissionKind>}`, string | boolean>> {
  /** `--redis`. */
  readonly redis: string;
  /** `--queue`. */
  readonly queue?: string;
  /** `--concurrency`: batches at once. */
  readonly concurrency?: number;
  /** `--cache`: folder for bundles and scratch output. */
  readonly cache?: string;
  /** `--shared-output`: the shared output root, as mounted here. */
  readonly sharedOutput?: string;
  /** `--bundle-cache-max`: unpacked bundles kept. */
  readonly bundleCacheMax?: number;
  /** `--lock-ms`: how long a batch's lock lasts; a dead worker's batch comes back after about twice this. */
  readonly lockMs?: number;
  /** `--heartbeat-ms`. */
  readonly heartbeatMs?: number;
}

/**
 * `crystallize worker --redis URL`: takes batches of replicates from the
 * queue until SIGTERM or Ctrl-C, which let the running batches finish (a
 * second one returns them to the queue at once). Experiment code runs in
 * worker processes sandboxed as in a local run, and gets at most the
 * permissions this command's own `--allow-*` flags name. Returns 0 once it
 * has stopped.
 *
 * @example
 * ```ts ignore
 * // Runs until stopped; needs a Redis server.
 * import { workerCommand } from "./worker.ts";
 *
 * await workerCommand({ redis: "redis://127.0.0.1:6379", concurrency: 2, allowNet: "api.example.com:443" });
 * ```
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<ExitCode> {
  checkPermissionFlags(options);
  const lockMs = options.lockMs ?? 30_000;
  const cacheDir = resolvePath(options.cache ?? ".crystallize-worker");
  const permissions = permissionsFromFlags(options, Deno.cwd());
  try {
    await Deno.mkdir(cacheDir, { recursive: true });
  } catch (error) {
    throw new CliError(
      `the worker cannot create its cache folder ${cacheDir} (${errorMessage(error)}); ` +
        "give --cache <dir> where it may write",
    );
  }
  // By its path and by where links lead (Deno grants a path, not what it leads to).
  for (const path of new Set([cacheDir, await Deno.realPath(cacheDir)])) {
    checkWorkerCache(path, permissions);
  }
  const worker = await QueueWorker.start({
    connection: redisUrlFlag(options.redis),
    queue: options.queue ?? DEFAULT_QUEUE,
    concurrency: options.concurrency ?? Math.max(1, navigator.hardwareConcurrency - 1),
    permissions,
    cacheDir,
    ...(options.sharedOutput === undefined
      ? {}
      : { sharedOutput: sharedOutputFlag(options.sharedOutput) }),
    bundleCacheMax: options.bundleCacheMax ?? DEFAULT_BUNDLE_CACHE_MAX,
    library: libraryRoot(),
    lockDurationMs: lockMs,
    stalledIntervalMs: lockMs,
    heartbeatMs: options.heartbeatMs ?? 1000,
    // Run names and error messages come from Redis: shown escaped, they cannot drive the terminal.
    log: (line) => console.error(printable(line)),
  });
  let signals = 0;
  const onSignal = () => {
    signals++;
    console.error(
      signals === 1
        ? "stopping: finishing the running batches (again: return them to the queue now)"
        : "stopping now: the running batches go back to the queue",
    );
    worker.stop(signals > 1).catch((e) => console.error(`error while stopping: ${e}`));
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, onSignal);
  await worker.stopped;
  for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.removeSignalListener(signal, onSignal);
  return EXIT.OK;
}
