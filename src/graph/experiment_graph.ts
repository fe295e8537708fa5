import type { WorkerLauncher } from "../execution/worker/worker_launcher.ts";
import type { GitInfo } from "../storage/provenance.ts";
import { type Experiment, FolderExperiment } from "../experiment/experiment.ts";
import type { RunStrategy } from "../experiment/experiment_options.ts";
import type { BasePlugin } from "../run/plugin.ts";
import type { StepCaching } from "../pipeline/step_caching.ts";
import type { ProgressEvent } from "../run/events.ts";
import { GraphError, GraphRunError } from "./graph_error.ts";
import { findCycle, type GraphEdge, graphEdges, topologicalOrder } from "./graph_structure.ts";
import type { Result } from "../run/result.ts";
import { Treatment } from "../run/treatment.ts";

/** What happens to one experiment of a graph run. */
export interface GraphNodeEvent {
  /**
   * `experiment-started`: it runs now; `experiment-skipped`: its stored run
   * is complete and unchanged (resume), nothing runs; `experiment-finished`:
   * it ran; `experiment-failed`: it threw, or an upstream experiment failed.
   */
  readonly type:
    | "experiment-started"
    | "experiment-skipped"
    | "experiment-finished"
    | "experiment-failed";
  /** Experiment name. */
  readonly experiment: string;
  /** Why it failed (`experiment-failed` only). */
  readonly message?: string;
}

/** Events of a graph run: per experiment, and every experiment's own progress events. */
export type GraphEvent = GraphNodeEvent | ProgressEvent;

/** Options of {@linkcode ExperimentGraph.run}. */
export interface GraphRunOptions {
  /**
   * `"resume"`: experiments whose last stored run is complete and unchanged
   * are not run again (their stored result is returned), the others resume;
   * `"rerun"`: everything is computed again. Default: every experiment runs
   * (step caches apply).
   */
  strategy?: RunStrategy;
  /** Per experiment name, a strategy that replaces `strategy` for that experiment. */
  strategies?: Readonly<Record<string, RunStrategy>>;
  /** Per experiment name, its steps' caching for this run (`RunOptions.stepCaching` of each). */
  stepCachingOf?: Readonly<Record<string, StepCaching>>;
  /** Replicates for every experiment (default: each one's own). */
  replicates?: number;
  /**
   * Treatments to run: names pick among each experiment's treatments (its
   * own and those it inherits); instances run on every experiment. Default:
   * each experiment's own and inherited treatments.
   */
  treatments?: readonly (Treatment | string)[];
  /** Master seed for every experiment. */
  seed?: number;
  /** `false` turns step caches off. */
  cache?: boolean;
  /** Cancels the run: no new experiment starts, running ones are cancelled. */
  signal?: AbortSignal;
  /** Per-replicate time limit, ms. */
  timeoutMs?: number;
  /** Experiments run at once when independent; default: all that are ready. */
  concurrency?: number;
  /** Receives every event. */
  onEvent?: (event: GraphEvent) => void;
  /**
   * Plugins added to every experiment's run (see `RunOptions.plugins`): an
   * execution plugin here runs every experiment's replicates.
   */
  plugins?: readonly BasePlugin[];
  /** The git commit every experiment's provenance records (see `RunOptions.git`). */
  git?: GitInfo | null;
  /**
   * The hosting program's worker launcher, for every experiment's run (see
   * `RunOptions.workerLauncher`).
   *
   * @ignore
   */
  workerLauncher?: WorkerLauncher;
}

/**
 * Experiments that read each other's outputs, run in dependency order. An
 * edge goes from a producer to every experiment whose datasource reads one of
 * its artifacts (`ExperimentInput` of `"producer#artifact"`, or a
 * `producer#output` alias in a folder's config.yaml); independent
 * experiments run concurrently. Treatments flow downstream: an experiment
 * also runs the treatments of the experiments it reads (its own definition
 * wins), so each condition reads the producer's same condition.
 *
 * Building checks every input: an experiment or artifact the graph does not
 * have, a producer that stores no runs, or a cycle (reported as its path,
 * `a -> b -> a`) throws {@linkcode GraphError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, ExperimentInput, pipelineStep, ExperimentGraph } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const pair = dataSource(() => [1, 3], { name: "pair" });
 * const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: (d[0] + d[1]) / 2 });
 *   return d;
 * }, { name: "fit" });
 * const score = pipelineStep((inputs: { model: { mean: number } }, ctx) => {
 *   ctx.metrics.add("accuracy", inputs.model.mean / 2);
 *   return inputs;
 * }, { name: "score" });
 * const train = Experiment.builder("train").datasource(pair()).addStep(fit()).outputs([model])
 *   .plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const evaluate = Experiment.builder("evaluate")
 *   .datasource(new ExperimentInput({ model: train.output("model.json") }))
 *   .addStep(score()).plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const graph = new ExperimentGraph([train, evaluate]);
 * const results = await graph.run({ strategy: "resume" });
 * assert.deepEqual(results.evaluate.metrics.baseline.metrics.accuracy, [1]);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export class ExperimentGraph {
  /** The graph's name: its only final experiment, else `"ExperimentGraph"`. */
  readonly name: string;
  /** The experiments by name, in the order given. */
  readonly experiments: ReadonlyMap<string, Experiment>;
  /** Producer → consumer edges, one per artifact read. */
  readonly edges: readonly GraphEdge[];
  /** Names in execution order: every producer before its consumers. */
  readonly order: readonly string[];

  /** Builds the graph; see the class documentation for what is checked. */
  constructor(experiments: readonly Experiment[], options: { name?: string } = {}) {
    const byName = new Map<string, Experiment>();
    for (const experiment of experiments) {
      if (byName.has(experiment.name)) {
        throw new GraphError(
          `two experiments are named '${experiment.name}'; names must be unique in a graph (they name stored runs and references)`,
        );
      }
      byName.set(experiment.name, experiment);
    }
    this.experiments = byName;
    this.edges = graphEdges(byName);
    const names = [...byName.keys()];
    const cycle = findCycle(names, this.edges);
    if (cycle !== undefined) {
      throw new GraphError(
        `Experiment graph has a cycle: ${
          cycle.join(" -> ")
        }; an experiment cannot read its own outputs, directly or through others`,
      );
    }
    this.order = topologicalOrder(names, this.edges);
    const sinks = names.filter((n) => !this.edges.some((e) => e.from === n));
    this.name = options.name ?? (sinks.length === 1 ? sinks[0] : "ExperimentGraph");
  }

  /**
   * Loads a graph of folder experiments. `path` is a folder: every
   * `**\/config.yaml` below it is an experiment (`node_modules`, `.git` and
   * hidden folders are skipped), and `experiment#output` references resolve
   * among them by name, then by folder name. When `path` is one experiment
   * (a folder with `config.yaml`, or the file), the graph is that experiment
   * and every experiment it reads, directly or not, found next to it. A
   * list of experiment folders is a graph of exactly those (references
   * resolve among them): what the CLI passes its sandboxed runner, which may
   * read those folders and nothing around them.
   * Problems in any config throw one `ConfigError` listing all of them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ExperimentGraph } from "@crystallize/deno";
   *
   * const graph = await ExperimentGraph.fromYaml(new URL("../../examples/dag", import.meta.url).pathname);
   * assert.deepEqual(graph.order, ["producer", "consumer"]);
   * ```
   */
  static async fromYaml(path: string | readonly string[]): Promise<ExperimentGraph> {
    // Imported on demand: the YAML parser and the folder loader stay out of mod.ts and workers.
    const { loadGraphSpecs } = await import("../config/graph_specs.ts");
    return new ExperimentGraph((await loadGraphSpecs(path)).map((s) => new FolderExperiment(s)));
  }

  /** The experiments `name` reads from directly. */
  upstreamOf(name: string): string[] {
    return [...new Set(this.edges.filter((e) => e.to === name).map((e) => e.from))];
  }

  /** The experiments that read from `name` directly. */
  downstreamOf(name: string): string[] {
    return [...new Set(this.edges.filter((e) => e.from === name).map((e) => e.to))];
  }

  /**
   * The treatments `name` runs by default: those of every experiment it
   * reads from (recursively), overlaid by its own (same name: its own wins).
   */
  treatmentsOf(name: string): Treatment[] {
    const experiment = this.#experiment(name);
    const merged = new Map<string, Treatment>();
    for (const upstream of this.upstreamOf(name)) {
      for (const t of this.treatmentsOf(upstream)) merged.set(t.name, t);
    }
    for (const t of experiment.treatments) merged.set(t.name, t);
    return [...merged.values()];
  }

  /**
   * The dependencies and the execution order as text, as `crystallize graph`
   * prints them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ExperimentGraph } from "@crystallize/deno";
   *
   * const graph = await ExperimentGraph.fromYaml(new URL("../../examples/dag", import.meta.url).pathname);
   * assert.equal(
   *   graph.toString(),
   *   "Dependencies:\n  producer -> consumer (readings.json)\nExecution order: producer -> consumer",
   * );
   * ```
   */
  toString(): string {
    const lines = ["Dependencies:"];
    if (this.edges.length === 0) lines.push("  (none)");
    for (const e of this.edges) lines.push(`  ${e.from} -> ${e.to} (${e.artifact})`);
    lines.push(`Execution order: ${this.order.join(" -> ")}`);
    return lines.join("\n");
  }

  /**
   * Runs every experiment in dependency order and returns the results by
   * name. An experiment that throws (a bad run setting, a hypothesis that
   * cannot be verified, cancellation) fails alone: the ones downstream of it
   * do not run, the others go on, and a {@linkcode GraphRunError} carrying the
   * finished results is thrown at the end. Failed replicates do not fail an
   * experiment (they are in its `result.errors`).
   */
  async run(options: GraphRunOptions = {}): Promise<Record<string, Result>> {
    const picks = this.#checkTreatmentPicks(options.treatments);
    const concurrency = options.concurrency ?? Infinity;
    if (!(concurrency >= 1)) {
      throw new GraphError(`concurrency must be >= 1, got ${options.concurrency}`);
    }
    this.#checkNames({ strategies: options.strategies, stepCachingOf: options.stepCachingOf });
    const results: Record<string, Result> = {};
    const failures: Record<string, Error> = {};
    const pending = new Set(this.order);
    const running = new Map<string, Promise<void>>();
    const emit = (event: GraphEvent) => {
      try {
        options.onEvent?.(event);
      } catch {
        // a listener must not break the run
      }
    };
    const fail = (name: string, error: Error) => {
      failures[name] = error;
      emit({ type: "experiment-failed", experiment: name, message: error.message });
    };
    while (pending.size > 0 || running.size > 0) {
      for (const name of this.order) {
        if (!pending.has(name)) continue;
        const upstream = this.upstreamOf(name);
        const failed = upstream.find((u) => u in failures);
        if (failed !== undefined || options.signal?.aborted) {
          pending.delete(name);
          fail(
            name,
            new GraphError(
              failed !== undefined
                ? `not run: experiment '${failed}', which it reads from, failed`
                : "not run: the graph run was cancelled",
            ),
          );
          continue;
        }
        if (running.size >= concurrency || !upstream.every((u) => u in results)) continue;
        pending.delete(name);
        running.set(
          name,
          this.#runOne(name, options, picks, emit).then(
            (result) => {
              results[name] = result;
            },
            (error: unknown) =>
              fail(name, error instanceof Error ? error : new Error(String(error))),
          ).finally(() => running.delete(name)),
        );
      }
      if (running.size > 0) await Promise.race(running.values());
    }
    if (Object.keys(failures).length > 0) throw new GraphRunError(results, failures);
    return Object.fromEntries(this.order.flatMap((n) => n in results ? [[n, results[n]]] : []));
  }

  async #runOne(
    name: string,
    options: GraphRunOptions,
    picks: readonly (Treatment | string)[] | undefined,
    emit: (event: GraphEvent) => void,
  ): Promise<Result> {
    const experiment = this.#experiment(name);
    // Its producers may have stored new runs since its inputs last looked.
    experiment.datasource?.refresh?.();
    const treatments = this.#treatmentsToRun(name, picks);
    const settings = {
      replicates: options.replicates,
      seed: options.seed,
      treatments,
      // Hypotheses compare treatments with the baseline: none run, none verified.
      hypotheses: treatments.some((t) => !t.isBaseline) ? experiment.hypotheses : [],
    };
    const strategy = options.strategies?.[name] ?? options.strategy;
    if (strategy === "resume") {
      const needed = this.edges.filter((e) => e.from === name).map((e) => e.artifact);
      // Loaded by a resumed run, not with the library (which every worker process loads).
      const { upToDateResult } = await import("../experiment/up_to_date.ts");
      const stored = await upToDateResult(experiment, settings, needed);
      if (stored !== undefined) {
        emit({ type: "experiment-skipped", experiment: name });
        return stored;
      }
    }
    emit({ type: "experiment-started", experiment: name });
    const result = await experiment.run({
      ...settings,
      strategy,
      cache: options.cache,
      stepCaching: options.stepCachingOf?.[name],
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      onEvent: options.onEvent,
      plugins: options.plugins,
      git: options.git,
      workerLauncher: options.workerLauncher,
    });
    emit({ type: "experiment-finished", experiment: name });
    return result;
  }

  /** Refuses per-experiment options that name experiments the graph does not have. */
  #checkNames(
    byOption: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>,
  ): void {
    for (const [option, byName] of Object.entries(byOption)) {
      const unknown = Object.keys(byName ?? {}).filter((n) => !this.experiments.has(n));
      if (unknown.length === 0) continue;
      throw new GraphError(
        `${option} names ${
          unknown.map((n) => `'${n}'`).join(", ")
        }, which the graph does not have; ` +
          `it has ${this.order.map((n) => `'${n}'`).join(", ")}`,
      );
    }
  }

  #treatmentsToRun(name: string, picks: readonly (Treatment | string)[] | undefined): Treatment[] {
    const own = this.treatmentsOf(name);
    if (picks === undefined) return own;
    return picks.flatMap((p) => {
      if (p instanceof Treatment) return [p];
      const found = own.find((t) => t.name === p);
      return found === undefined ? [] : [found];
    });
  }

  #checkTreatmentPicks(
    picks: readonly (Treatment | string)[] | undefined,
  ): readonly (Treatment | string)[] | undefined {
    if (picks === undefined) return undefined;
    const known = new Set(this.order.flatMap((n) => this.treatmentsOf(n).map((t) => t.name)));
    const unknown = picks.filter((p): p is string => typeof p === "string" && !known.has(p));
    if (unknown.length > 0) {
      throw new GraphError(
        `unknown treatment${unknown.length > 1 ? "s" : ""} ${
          unknown.map((u) => `'${u}'`).join(", ")
        }; the graph's experiments have ${
          known.size > 0 ? [...known].map((k) => `'${k}'`).join(", ") : "none"
        }`,
      );
    }
    return picks;
  }

  #experiment(name: string): Experiment {
    const experiment = this.experiments.get(name);
    if (experiment === undefined) {
      throw new GraphError(
        `the graph has no experiment '${name}' (it has: ${this.order.join(", ")})`,
      );
    }
    return experiment;
  }
}
