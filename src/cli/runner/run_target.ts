/**
 * The runner running what it loaded, with the command line's settings:
 * progress events go to the CLI in batches, worker pools are started by
 * the CLI (the runs get a {@linkcode PoolRelay} as their worker launcher),
 * and the results go to the CLI when the run is over.
 * @module
 */
import { errorData } from "../../execution/worker/messages.ts";
import { executorPlugin } from "../../execution/executors.ts";
import {
  ExperimentGraph,
  type GraphEvent,
  type GraphRunOptions,
} from "../../graph/experiment_graph.ts";
import type { Experiment } from "../../experiment/experiment.ts";
import type { RunOptions } from "../../experiment/experiment_options.ts";
import { GraphRunError } from "../../graph/graph_error.ts";
import { ArtifactPlugin } from "../../run/artifact_plugin.ts";
import { LoggingPlugin } from "../../run/logging_plugin.ts";
import type { BasePlugin } from "../../run/plugin.ts";
import type { Result } from "../../run/result.ts";
import { outputRoot } from "../../storage/output_root.ts";
import { afterMs } from "../../one_shot_timer.ts";
import { UsageFailure } from "./failure.ts";
import { PoolRelay } from "./pool_relay.ts";
import type { FromRunner, RunSettings } from "./protocol.ts";
import type { RunnerChannel } from "./runner_channel.ts";
import type { Runnable } from "./targets.ts";

/** How often batched progress events are sent to the CLI, ms. */
const EVENT_FLUSH_MS = 50;

/**
 * Runs the target and sends the CLI its results (`done`); throws what
 * stops the run (the caller reports it as `failed`). Experiments of a
 * graph that fail are reported in `done`, with the results of the others.
 *
 * @example
 * ```ts ignore
 * // Not run: it reports over this process's stdout, to the CLI that started the runner.
 * import { runTarget } from "./run_target.ts";
 *
 * await runTarget(experiment, { cache: true, replicates: 4 }, channel);
 * ```
 */
export async function runTarget(
  target: Runnable,
  settings: RunSettings,
  channel: RunnerChannel,
): Promise<void> {
  const experiments = target instanceof ExperimentGraph
    ? [...target.experiments.values()]
    : [target];
  for (const experiment of experiments) {
    checkOutputRoot(experiment);
    reportFailuresInCli(experiment);
  }
  const events = eventBatcher(channel);
  let done: FromRunner;
  try {
    const options = runOptions(settings, channel, events.push);
    done = target instanceof ExperimentGraph
      ? await runGraph(target, {
        ...options,
        strategies: settings.strategies,
        stepCachingOf: settings.stepCaching,
      })
      : await runExperiment(target, settings, options);
  } finally {
    events.stop(); // the last events go before the results
  }
  channel.send(done);
}

/** The settings every run of the target gets, an experiment's or a graph's. */
type TargetRunOptions = RunOptions & GraphRunOptions;

function runOptions(
  settings: RunSettings,
  channel: RunnerChannel,
  onEvent: (event: GraphEvent) => void,
): TargetRunOptions {
  const execution = settings.executor === undefined
    ? undefined
    : executorPlugin(settings.executor, settings);
  return {
    replicates: settings.replicates,
    strategy: settings.strategy,
    cache: settings.cache,
    treatments: settings.treatments,
    seed: settings.seed,
    git: settings.git ?? null,
    signal: channel.cancelled,
    onEvent,
    workerLauncher: new PoolRelay(channel),
    // The last plugin with a loop runs the replicates: `--executor` replaces the experiment's.
    plugins: execution === undefined ? [] : [execution],
  };
}

/** Runs an experiment, stored (in an `ArtifactPlugin` when it sets no storage): its `done` message. */
async function runExperiment(
  experiment: Experiment,
  settings: RunSettings,
  options: TargetRunOptions,
): Promise<FromRunner> {
  const storage: BasePlugin[] = experiment.storage === undefined ? [new ArtifactPlugin()] : [];
  const result = await experiment.run({
    ...options,
    // The terminal UI's choices for this experiment, when it made some.
    strategy: settings.strategies?.[experiment.name] ?? settings.strategy,
    stepCaching: settings.stepCaching?.[experiment.name],
    ...(settings.treatments?.length === 0 ? { hypotheses: [] } : {}),
    plugins: [...storage, ...options.plugins ?? []],
  });
  return { type: "done", runs: [{ result: result.toJSON() }] };
}

/** Runs a graph: its `done` message, with the experiments that failed. */
async function runGraph(graph: ExperimentGraph, options: TargetRunOptions): Promise<FromRunner> {
  let results: Record<string, Result>;
  let failures: Record<string, Error> | undefined;
  try {
    results = await graph.run(options);
  } catch (error) {
    if (!(error instanceof GraphRunError)) throw error;
    results = error.results;
    failures = error.failures;
  }
  return {
    type: "done",
    runs: Object.values(results).map((r) => ({ result: r.toJSON() })),
    ...(failures === undefined ? {} : {
      failures: Object.fromEntries(
        Object.entries(failures).map(([name, e]) => [name, errorData(e)]),
      ),
    }),
  };
}

/** Refuses to run when an experiment would write where the sandbox may not. */
function checkOutputRoot(experiment: Experiment): void {
  const root = outputRoot(experiment);
  if (Deno.permissions.querySync({ name: "write", path: root }).state !== "granted") {
    throw new UsageFailure(
      `experiment '${experiment.name}' stores its runs in ${root} (its outputDir), where this run may not write; ` +
        `run it with --out ${root}`,
    );
  }
}

/** The CLI shows each failure (with the sandbox hint) itself: the experiment's logger does not repeat it. */
function reportFailuresInCli(experiment: Experiment): void {
  for (const plugin of experiment.plugins) {
    if (plugin instanceof LoggingPlugin) plugin.logFailures = false;
  }
}

/** Batches events to the CLI (one frame per 50 ms at most). */
function eventBatcher(
  channel: RunnerChannel,
): { push: (event: GraphEvent) => void; stop: () => void } {
  let pending: GraphEvent[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    channel.send({ type: "events", events: pending });
    pending = [];
  };
  // The first event after a frame starts the clock for the next one.
  let cancel: (() => void) | undefined;
  return {
    push: (event) => {
      pending.push(event);
      cancel ??= afterMs(EVENT_FLUSH_MS, () => {
        cancel = undefined;
        flush();
      });
    },
    stop: () => {
      cancel?.();
      flush();
    },
  };
}
