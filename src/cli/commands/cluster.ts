import { type ClusterStatus, clusterStatus } from "../../execution/queue/cluster_status.ts";
import { DEFAULT_QUEUE } from "../../execution/queue/queue_keys.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { redisUrlFlag } from "../flags/redis_flag.ts";
import { printable } from "../printable.ts";

/**
 * `crystallize cluster status --redis URL`: prints the queue's live
 * workers and unfinished runs (or, with `--json`, one JSON document).
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { clusterStatusCommand } from "./cluster.ts";
 *
 * await clusterStatusCommand({ redis: "redis://127.0.0.1:6379", json: true });
 * ```
 */
export async function clusterStatusCommand(
  options: { readonly redis: string; readonly queue?: string; readonly json?: boolean },
): Promise<ExitCode> {
  const queue = options.queue ?? DEFAULT_QUEUE;
  const status = await clusterStatus(redisUrlFlag(options.redis), queue);
  console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, queue));
  return EXIT.OK;
}

/**
 * The status as text: one line per worker and per run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatStatus } from "./cluster.ts";
 *
 * const now = Date.now();
 * const text = formatStatus({
 *   workers: [{ id: "h:1:a", host: "h", pid: 1, concurrency: 2, current: [{ run: "r1", batch: 3, replicates: 5, since: now }], heartbeat: now }],
 *   runs: [{ run: "r1", experiment: "demo", replicates: 50, batches: 10, queued: 6, running: 1, done: 3, startedAt: "2026-01-01T00:00:00Z" }],
 * }, "crystallize", now);
 * assert.match(text, /worker h:1:a  host h, pid 1, concurrency 2, running r1#3 \(5 replicates\), heartbeat 0\.0 s ago/);
 * assert.match(text, /run r1  demo: 3 of 10 batches done, 1 running, 6 queued/);
 * ```
 */
export function formatStatus(status: ClusterStatus, queue: string, now = Date.now()): string {
  const lines = [
    `queue '${queue}': ${status.workers.length} live workers, ${status.runs.length} unfinished runs`,
  ];
  for (const w of status.workers) {
    const current = w.current.length === 0
      ? "idle"
      : `running ${
        w.current.map((c) => `${c.run}#${c.batch} (${c.replicates} replicates)`).join(", ")
      }`;
    lines.push(
      `  worker ${w.id}  host ${w.host}, pid ${w.pid}, concurrency ${w.concurrency}, ${current}, ` +
        `heartbeat ${((now - w.heartbeat) / 1000).toFixed(1)} s ago`,
    );
  }
  for (const r of status.runs) {
    lines.push(
      `  run ${r.run}  ${r.experiment}: ${r.done} of ${r.batches} batches done, ${r.running} running, ` +
        `${r.queued} queued (${r.replicates} replicates, started ${r.startedAt})`,
    );
  }
  return printable(lines.join("\n"));
}
