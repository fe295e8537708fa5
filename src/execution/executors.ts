/**
 * The execution strategies by name, in one place: the class names a
 * config.yaml `plugins:` list uses, and the short names of
 * `crystallize run --executor`. A new strategy (a cluster executor, say) is
 * added here once, and the config loader, the CLI's flag and its runner
 * all know it.
 * @module
 */
import type { BasePlugin } from "../run/plugin.ts";
import type { WorkerPermissions } from "./worker/permissions.ts";
import { AsyncExecution } from "./async.ts";
import { ParallelExecution } from "./parallel.ts";
import { SerialExecution } from "./serial.ts";
import { QueueExecution, type QueueExecutionOptions } from "./queue/queue_execution.ts";
import type { ExecutorName } from "./executor_names.ts";

/** An execution plugin's options as a config file gives them (checked by the config's schema). */
type Options = Record<string, unknown>;

/**
 * The execution plugins a config may list, by class name, built from their
 * options and the config's `permissions` (which only worker processes use).
 */
const EXECUTION_PLUGINS: Readonly<
  Record<string, (options: Options, permissions: WorkerPermissions) => BasePlugin>
> = {
  SerialExecution: () => new SerialExecution(),
  AsyncExecution: (o) => new AsyncExecution(o),
  ParallelExecution: (o, permissions) => new ParallelExecution({ ...o, permissions }),
  QueueExecution: (o, permissions) =>
    new QueueExecution({ ...o, permissions } as QueueExecutionOptions),
};

/**
 * The class names of the execution plugins a config may list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXECUTION_PLUGIN_NAMES } from "./executors.ts";
 *
 * assert.deepEqual(EXECUTION_PLUGIN_NAMES, ["SerialExecution", "AsyncExecution", "ParallelExecution", "QueueExecution"]);
 * ```
 */
export const EXECUTION_PLUGIN_NAMES: readonly string[] = Object.freeze(
  Object.keys(EXECUTION_PLUGINS),
);

/** What `--executor` is given with. */
export interface ExecutorSettings {
  /** `--workers`: workers (process) or concurrency (async, thread). */
  readonly workers?: number;
  /** `--redis`: the Redis of `--executor queue`. */
  readonly redis?: string;
  /** `--queue`: the queue name of `--executor queue`. */
  readonly queue?: string;
  /** `--shared-output`: the folder `--executor queue` shares with its workers. */
  readonly sharedOutput?: string;
}

/** Each `--executor` name (`executor_names.ts`) is one of the execution plugins with some options. */
const EXECUTORS: Readonly<
  Record<ExecutorName, (settings: ExecutorSettings) => readonly [string, Options]>
> = {
  serial: () => ["SerialExecution", {}],
  async: (s) => ["AsyncExecution", { concurrency: s.workers }],
  thread: (s) => ["ParallelExecution", { executorType: "thread", maxWorkers: s.workers }],
  process: (s) => ["ParallelExecution", { executorType: "process", maxWorkers: s.workers }],
  queue: (s) => [
    "QueueExecution",
    { connection: s.redis ?? "", queue: s.queue, sharedOutput: s.sharedOutput },
  ],
};

/**
 * The execution plugin of an `--executor` name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParallelExecution } from "@crystallize/deno";
 * import { executorPlugin } from "./executors.ts";
 *
 * const plugin = executorPlugin("process", { workers: 2 });
 * assert.ok(plugin instanceof ParallelExecution && plugin.maxWorkers === 2);
 * ```
 */
export function executorPlugin(name: ExecutorName, settings: ExecutorSettings = {}): BasePlugin {
  const [plugin, options] = EXECUTORS[name](settings);
  return EXECUTION_PLUGINS[plugin](options, {});
}

/**
 * Whether a config's plugin name is an execution strategy (a config may
 * list one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isExecutionPlugin } from "./executors.ts";
 *
 * assert.equal(isExecutionPlugin("ParallelExecution"), true);
 * assert.equal(isExecutionPlugin("SeedPlugin"), false);
 * ```
 */
export function isExecutionPlugin(name: string): boolean {
  return Object.hasOwn(EXECUTION_PLUGINS, name);
}

/**
 * The execution plugin a config names, built from its options;
 * `ParallelExecution` gets the config's `permissions`. Throws what the
 * plugin's constructor throws for bad options, and a `TypeError` for a name
 * that is not an execution strategy (see {@linkcode isExecutionPlugin}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParallelExecution } from "@crystallize/deno";
 * import { executionPlugin } from "./executors.ts";
 *
 * const plugin = executionPlugin("ParallelExecution", { executorType: "process" }, { net: true });
 * assert.ok(plugin instanceof ParallelExecution);
 * assert.deepEqual(plugin.permissions, { net: true });
 * ```
 */
export function executionPlugin(
  name: string,
  options: Options,
  permissions: WorkerPermissions,
): BasePlugin {
  if (!isExecutionPlugin(name)) throw new TypeError(`${name} is not an execution plugin`);
  return EXECUTION_PLUGINS[name](options, permissions);
}
