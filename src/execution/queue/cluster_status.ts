import { count, label, number, object } from "../../shape.ts";
import { openRedis, redisAddress } from "./redis_connection.ts";
import { queueKeys } from "./queue_keys.ts";

/** A live worker, as its last heartbeat describes it. */
export interface WorkerStatus {
  /** Its id (`host:pid:random`). */
  readonly id: string;
  /** Host name. */
  readonly host: string;
  /** Process id. */
  readonly pid: number;
  /** Batches it runs at once. */
  readonly concurrency: number;
  /** The batches it is running. */
  readonly current: readonly {
    readonly run: string;
    readonly batch: number;
    readonly replicates: number;
    readonly since: number;
  }[];
  /** When it last reported, ms since the epoch. */
  readonly heartbeat: number;
}

/** An unfinished run on the queue. */
export interface RunStatus {
  /** The run's namespace. */
  readonly run: string;
  /** Experiment name. */
  readonly experiment: string;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Batches in all. */
  readonly batches: number;
  /** Batches waiting for a worker. */
  readonly queued: number;
  /** Batches a live worker is running. */
  readonly running: number;
  /** Batches finished. */
  readonly done: number;
  /** When it started (ISO 8601). */
  readonly startedAt: string;
}

/** What `crystallize cluster status` shows. */
export interface ClusterStatus {
  /** Live workers. */
  readonly workers: readonly WorkerStatus[];
  /** Unfinished runs. */
  readonly runs: readonly RunStatus[];
}

/**
 * Reads the live workers (those whose heartbeat has not expired; expired
 * ones are dropped from the set) and the unfinished runs of a queue.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { clusterStatus } from "./cluster_status.ts";
 *
 * const status = await clusterStatus("redis://127.0.0.1:6379", "crystallize");
 * console.log(status.workers.length, status.runs.length);
 * ```
 */
export async function clusterStatus(connection: string, queue: string): Promise<ClusterStatus> {
  const keys = queueKeys(queue);
  const redis = await openRedis(redisAddress(connection));
  try {
    const workers: WorkerStatus[] = [];
    for (const id of (await redis.smembers(keys.workers)).sort()) {
      const h = await redis.hgetall(keys.worker(id));
      if (h.heartbeat === undefined) {
        await redis.srem(keys.workers, id); // its record expired: the worker is dead
        continue;
      }
      workers.push({
        id,
        host: h.host ?? "?",
        pid: Number(h.pid),
        concurrency: Number(h.concurrency),
        current: parseCurrent(h.current),
        heartbeat: Number(h.heartbeat),
      });
    }
    const runs: RunStatus[] = [];
    for (const run of (await redis.smembers(keys.runs)).sort()) {
      const meta = await redis.hgetall(keys.runMeta(run));
      if (meta.batches === undefined) continue;
      const batches = Number(meta.batches);
      const done = Math.min(batches, await redis.xlen(keys.runResults(run)));
      const running = workers.flatMap((w) => w.current).filter((c) => c.run === run).length;
      runs.push({
        run,
        experiment: meta.experiment ?? "?",
        replicates: Number(meta.replicates),
        batches,
        queued: Math.max(0, batches - done - running),
        running,
        done,
        startedAt: meta.startedAt ?? "",
      });
    }
    return { workers, runs };
  } finally {
    redis.disconnect();
  }
}

/** A worker's batches as its record lists them; entries of another shape (any client may write one) are left out. */
const CURRENT = object({ run: label, batch: count, replicates: count, since: number() });

function parseCurrent(text: string | undefined): WorkerStatus["current"] {
  try {
    const value = JSON.parse(text ?? "[]");
    return Array.isArray(value) ? value.filter((c) => CURRENT(c, "batch") === undefined) : [];
  } catch {
    return [];
  }
}
