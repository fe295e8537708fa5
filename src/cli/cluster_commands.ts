import type { Command } from "npm:commander@15.1.0";
import type { ExitCode } from "./exit_codes.ts";
import { wholeNumberFlag } from "./flags/whole_number_flag.ts";
import { PERMISSION_KINDS } from "./sandbox.ts";
import { lazyImport } from "../lazy_import.ts";

/**
 * Adds `crystallize worker` and `crystallize cluster status` to the
 * program; `done` receives each command's exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Command } from "npm:commander@15.1.0";
 * import { addClusterCommands } from "./cluster_commands.ts";
 *
 * const program = new Command();
 * addClusterCommands(program, () => {});
 * assert.deepEqual(program.commands.map((c) => c.name()), ["worker", "cluster"]);
 * ```
 */
export function addClusterCommands(program: Command, done: (code: ExitCode) => void): void {
  const worker = program.command("worker")
    .description(
      "Take replicates from a Redis queue (runs started with --executor queue) until SIGTERM or Ctrl-C. " +
        "Experiment code runs sandboxed as in a local run, with at most this command's --allow-* permissions.",
    )
    .requiredOption("--redis <url>", "the Redis of the queue (redis://host:port)")
    .option("--queue <name>", "queue name (default crystallize)")
    .option(
      "--concurrency <n>",
      "batches at once, one worker process each (default: cores - 1)",
      wholeNumberFlag({ flag: "--concurrency", min: 1, max: 256, example: 4 }),
    )
    .option(
      "--cache <dir>",
      "folder for code bundles and scratch output (default .crystallize-worker)",
    )
    .option(
      "--shared-output <dir>",
      "the folder shared with coordinators (their --shared-output): artifacts of their runs are written there, not sent through Redis",
    )
    .option(
      "--bundle-cache-max <n>",
      "unpacked code bundles the cache keeps, the most recently used; older ones are deleted with their scratch output and step caches, never one in use (default 16)",
      wholeNumberFlag({ flag: "--bundle-cache-max", min: 1, max: 100_000, example: 16 }),
    )
    .option(
      "--lock-ms <ms>",
      "how long a batch stays locked without renewal: a killed worker's batch is redelivered after about twice this (default 30000)",
      wholeNumberFlag({ flag: "--lock-ms", min: 100, max: 3_600_000, example: 30000 }),
    )
    .option(
      "--heartbeat-ms <ms>",
      "how often the worker reports itself (default 1000)",
      wholeNumberFlag({ flag: "--heartbeat-ms", min: 50, max: 600_000, example: 1000 }),
    );
  for (const kind of PERMISSION_KINDS) {
    worker.option(
      `--allow-${kind} [list]`,
      `the most experiment code may use of ${kind}, comma-separated; bare: all`,
    );
  }
  worker.addHelpText(
    "after",
    "\nExamples:\n  crystallize worker --redis redis://10.0.0.5:6379 --concurrency 4\n" +
      "  crystallize worker --redis redis://10.0.0.5:6379 --allow-net=api.example.com:443",
  ).action(async (options) => {
    const { workerCommand } = await lazyImport<typeof import("./commands/worker.ts")>(
      new URL("./commands/worker.ts", import.meta.url),
    );
    done(await workerCommand(options));
  });

  program.command("cluster")
    .description("Inspect a Redis queue's workers and runs.")
    .command("status")
    .description("Live workers (host, pid, concurrency, current batches, last heartbeat) and runs")
    .requiredOption("--redis <url>", "the Redis of the queue (redis://host:port)")
    .option("--queue <name>", "queue name (default crystallize)")
    .option("--json", "print JSON")
    .action(async (options) => {
      const { clusterStatusCommand } = await lazyImport<typeof import("./commands/cluster.ts")>(
        new URL("./commands/cluster.ts", import.meta.url),
      );
      done(await clusterStatusCommand(options));
    });
}
