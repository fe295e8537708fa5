/**
 * The sandboxed side of `crystallize run` and `crystallize list`. The CLI
 * starts this in a `deno run` process with narrow permissions (read on the
 * experiment's folder, write on its output root, plus what config or flags
 * grant) through an entry module (`src/execution/worker/entry.ts`) that
 * loads the target with permission checks, so experiment code — its top
 * level included — only ever runs here, and only from files it may read. It talks
 * to the CLI in frames on stdin/stdout and asks the CLI to start worker
 * pools, since it may not start processes itself.
 * @module
 */
// The whole library and the folder loader are in the static module graph, so
// experiment modules imported later need read access only to their own files.
import "../../../mod.ts";
import { configFileOf, readerOf } from "../../config/config_reader.ts";
import type { ConfigFile } from "../../config/folder_config.ts";
import { loadGraphSpecs } from "../../config/graph_specs.ts";
import { loadFolderSpec } from "../../config/folder_spec.ts";
import { ArtifactPlugin } from "../../run/artifact_plugin.ts";
import { LoggingPlugin } from "../../run/logging_plugin.ts";
import type { BasePlugin } from "../../run/plugin.ts";
import { AsyncExecution } from "../../execution/async.ts";
import type { ImportedModules, ModuleLoader } from "../../execution/worker/entry.ts";
import { loadErrorMessage } from "./load_error.ts";
import { IN_WORKER } from "../../execution/worker/in_worker.ts";
import { claimRejection, importIsolated } from "./isolated_import.ts";
import { messagesFromParent, sendToParent } from "../../execution/worker/parent_channel.ts";
import { errorData } from "../../execution/worker/messages.ts";
import { ParallelExecution } from "../../execution/parallel.ts";
import { type PoolRequest, setPoolLauncher } from "../../execution/worker/pool_launcher.ts";
import { SerialExecution } from "../../execution/serial.ts";
import { Experiment, FolderExperiment } from "../../experiment/experiment.ts";
import { ExperimentGraph, type GraphEvent } from "../../graph/experiment_graph.ts";
import { GraphRunError } from "../../graph/graph_error.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import { outputRoot } from "../../storage/output_root.ts";
import type { Result } from "../../run/result.ts";
import { CrystallizeError } from "../../errors.ts";
import type { LoopContext } from "../../run/plugin.ts";
import type {
  ExportedExperiment,
  FromRunner,
  RunnerFailure,
  RunSettings,
  TargetSpec,
  ToRunner,
} from "./protocol.ts";

/** Exit code of a runner whose CLI went away (128 + SIGHUP, as a shell would report it). */
const EXIT_ORPHANED = 129;

/** How often batched progress events are sent to the CLI, ms. */
const EVENT_FLUSH_MS = 50;

const send: (message: FromRunner) => void = sendToParent;

/** A failure the CLI reports with exit code 2: the target or the settings are wrong. */
class UsageFailure extends CrystallizeError {}

/**
 * Serves one request from the CLI (`run` or `inspect`), then exits.
 * `loadModules` imports the target's modules (see `entry.ts`).
 *
 * @example
 * ```ts ignore
 * // Not run: it serves frames on this process's own stdin and stdout (the runner's main loop).
 * import { serveRunner } from "./serve.ts";
 *
 * await serveRunner(async () => ({ "file:///exp/demo.ts": await import("file:///exp/demo.ts") }));
 * ```
 */
export async function serveRunner(loadModules: ModuleLoader): Promise<never> {
  const channel = new Channel();
  // Ctrl-C reaches the whole process group: the CLI turns it into a cancel message.
  Deno.addSignalListener("SIGINT", () => {});
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    if (claimRejection(e.reason)) return;
    fail({ ...errorData(e.reason), kind: "run" });
  });
  const request = await channel.next();
  if (request?.type === "inspect") {
    for (const url of request.modules) send(await inspect(url));
    Deno.exit(0);
  }
  if (request?.type !== "run") Deno.exit(0);
  let target: Runnable;
  try {
    target = await load(
      request.target,
      await loadModules().catch(loadError),
      (request.configs ?? []).map(configFileOf),
    );
  } catch (error) {
    // Whatever stops the experiment from loading is a problem with the target, not a failed run.
    fail({ ...failure(error), kind: "usage" });
  }
  try {
    send({ type: "loaded", experiments: [describe(target, request.target)] });
    if (target instanceof ExperimentGraph) {
      await runGraph(target, request.settings, channel);
    } else {
      const result = await run(target, request.settings, channel);
      send({ type: "done", runs: [{ result: result.toJSON() }] });
    }
  } catch (error) {
    fail(failure(error));
  }
  Deno.exit(0);
}

/** A module that cannot be loaded (a read the sandbox refuses, a syntax error), said as such. */
function loadError(error: unknown): never {
  throw new UsageFailure(`could not load the experiment: ${loadErrorMessage(error)}`);
}

function fail(error: RunnerFailure): never {
  send({ type: "failed", error });
  Deno.exit(0);
}

function failure(error: unknown): RunnerFailure {
  const data = errorData(error);
  const carried = (error as { result?: unknown })?.result;
  const result = carried !== null && typeof carried === "object" &&
      typeof (carried as Result).toJSON === "function"
    ? (carried as Result).toJSON()
    : undefined;
  const usage = error instanceof UsageFailure ||
    ["ConfigError", "ValidationError", "RebuildError", "ParameterError", "GraphError"].includes(
      data.name,
    );
  return { ...data, kind: usage ? "usage" : "run", ...(result ? { result } : {}) };
}

/** Frames from the CLI; pool answers are routed to the pool waiting for them. */
class Channel {
  readonly #queue: ToRunner[] = [];
  readonly #waiting: ((m: ToRunner | undefined) => void)[] = [];
  readonly pools = new Map<number, PoolWaiter>();
  cancel = new AbortController();

  constructor() {
    this.#read();
  }

  async #read(): Promise<void> {
    for await (const message of messagesFromParent()) this.#dispatch(message as ToRunner);
    // The CLI never closes the runner's input: it went away (killed), and nobody
    // is left to report to, so experiment code stops here, at its next await.
    Deno.exit(EXIT_ORPHANED);
  }

  #dispatch(message: ToRunner): void {
    switch (message.type) {
      case "cancel":
        this.cancel.abort(new DOMException("The run was cancelled", "AbortError"));
        return;
      case "pool-events":
      case "pool-log":
      case "pool-done":
      case "pool-failed":
        this.pools.get(message.id)?.(message);
        return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(message);
    else this.#queue.push(message);
  }

  next(): Promise<ToRunner | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

type PoolWaiter = (message: ToRunner & { type: `pool-${string}` }) => void;

/** One module's experiments, or why it failed to load: one `inspected` message per module, in order. */
async function inspect(url: string): Promise<FromRunner> {
  const found: ExportedExperiment[] = [];
  try {
    const mod = await importIsolated(url);
    for (const [exportName, value] of experimentExports(mod)) {
      found.push(describe(value, { kind: "module", url, exportName }));
    }
  } catch (error) {
    return {
      type: "inspected",
      found: [],
      failed: [{ module: url, error: { ...errorData(error), message: loadErrorMessage(error) } }],
    };
  }
  return { type: "inspected", found, failed: [] };
}

/** What the CLI can run: an experiment or a graph of them. */
type Runnable = Experiment | ExperimentGraph;

function isRunnable(value: unknown): value is Runnable {
  return value instanceof Experiment || value instanceof ExperimentGraph;
}

/** The module's exported experiments and graphs, a default export that repeats a named one counted once. */
function experimentExports(mod: Readonly<Record<string, unknown>>): [string, Runnable][] {
  const out: [string, Runnable][] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (!isRunnable(value)) continue;
    const seen = out.findIndex(([, v]) => v === value);
    if (seen < 0) out.push([name, value]);
    else if (name === "default") out[seen] = [name, value];
  }
  return out;
}

/** The target's experiment or graph; folder experiments from `configs` (what the CLI read) where it has them. */
async function load(
  target: TargetSpec,
  modules: ImportedModules,
  configs: readonly ConfigFile[],
): Promise<Runnable> {
  // Like Experiment.fromYaml and ExperimentGraph.fromYaml, with the configs the CLI already parsed.
  const read = readerOf(configs);
  if (target.kind === "folder") {
    const { folder, outputDir, upstreams } = target;
    return new FolderExperiment(await loadFolderSpec(folder, { outputDir, upstreams, read }));
  }
  if (target.kind === "graph-folder") {
    const specs = await loadGraphSpecs(target.members ?? target.folder, { read });
    return new ExperimentGraph(specs.map((spec) => new FolderExperiment(spec)));
  }
  const mod = modules[target.url];
  if (mod === undefined) throw new UsageFailure(`the runner did not import ${target.url}`);
  const exports = experimentExports(mod);
  if (target.exportName !== undefined) {
    const value = mod[target.exportName];
    if (isRunnable(value)) return value;
    throw new UsageFailure(
      value === undefined
        ? `${target.url} has no export '${target.exportName}'; ${listed(exports, target.url)}`
        : `export '${target.exportName}' of ${target.url} is not an Experiment${
          foreignHint(value)
        }; ${listed(exports, target.url)}`,
    );
  }
  const chosen = exports.find(([name]) => name === "default") ??
    (exports.length === 1 ? exports[0] : undefined);
  if (chosen !== undefined) return chosen[1];
  if (exports.length === 0) {
    const foreign = Object.values(mod).map(foreignHint).find((h) => h !== "");
    throw new UsageFailure(
      `${fileOf(target.url)} exports no Experiment${foreign ?? ""}; export one ` +
        "(`export const experiment = Experiment.builder(...).build()` or `export default ...`)",
    );
  }
  throw new UsageFailure(
    `${fileOf(target.url)} exports ${exports.length} experiments; pick one with ${
      exports.map(([name]) => `#${name}`).join(", ")
    } (e.g. crystallize run ${fileOf(target.url)}#${exports[0][0]})`,
  );
}

function listed(exports: [string, Runnable][], url: string): string {
  return exports.length === 0
    ? "it exports no Experiment"
    : `its experiments: ${exports.map(([n]) => `${fileOf(url)}#${n}`).join(", ")}`;
}

function fileOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

/** A hint when a value is an Experiment from another copy of the library (instanceof fails). */
function foreignHint(value: unknown): string {
  const name = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === "Experiment" || name === "FolderExperiment"
    ? " (it is an Experiment from another copy of Crystallize: import the library from the same place the CLI runs from)"
    : "";
}

function describe(target: Runnable, spec: TargetSpec): ExportedExperiment {
  const where = {
    module: spec.kind === "module" ? spec.url : spec.folder,
    exportName: spec.kind === "module" ? spec.exportName ?? "default" : "",
  };
  if (target instanceof ExperimentGraph) {
    const members = [...target.experiments.values()];
    return {
      ...where,
      kind: "graph",
      name: target.name,
      description: `${target.order.join(" → ")}`,
      replicates: Math.max(...members.map((e) => e.replicates)),
      treatments: [...new Set(members.flatMap((e) => e.treatments.map((t) => t.name)))],
    };
  }
  return {
    ...where,
    kind: "experiment",
    name: target.name,
    ...(target.description ? { description: target.description } : {}),
    replicates: target.replicates,
    treatments: target.treatments.map((t) => t.name),
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

/** Batches events to the CLI (one frame per 50 ms at most). */
function eventBatcher(): { push: (event: GraphEvent) => void; stop: () => void } {
  let pending: GraphEvent[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    send({ type: "events", events: pending });
    pending = [];
  };
  const timer = setInterval(flush, EVENT_FLUSH_MS);
  return {
    push: (event) => pending.push(event),
    stop: () => {
      clearInterval(timer);
      flush();
    },
  };
}

/** The CLI shows each failure (with the sandbox hint) itself: the experiment's logger does not repeat it. */
function reportFailuresInCli(experiment: Experiment): void {
  for (const plugin of experiment.plugins) {
    if (plugin instanceof LoggingPlugin) plugin.logFailures = false;
  }
}

async function runGraph(
  graph: ExperimentGraph,
  settings: RunSettings,
  channel: Channel,
): Promise<void> {
  for (const experiment of graph.experiments.values()) {
    checkOutputRoot(experiment);
    reportFailuresInCli(experiment);
  }
  const events = eventBatcher();
  (globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] = false;
  setPoolLauncher((request, loop) => delegatePool(request, loop, channel));
  const options = {
    replicates: settings.replicates,
    strategy: settings.strategy,
    cache: settings.cache,
    treatments: settings.treatments,
    seed: settings.seed,
    git: settings.git ?? null,
    signal: channel.cancel.signal,
    onEvent: events.push,
    plugins: [executionPlugin(settings)].filter((p): p is BasePlugin => p !== undefined),
  };
  try {
    const results = await graph.run(options);
    events.stop();
    send({ type: "done", runs: Object.values(results).map((r) => ({ result: r.toJSON() })) });
  } catch (error) {
    events.stop();
    if (!(error instanceof GraphRunError)) throw error;
    send({
      type: "done",
      runs: Object.values(error.results).map((r) => ({ result: r.toJSON() })),
      failures: Object.fromEntries(
        Object.entries(error.failures).map(([name, e]) => [name, errorData(e)]),
      ),
    });
  }
}

function executionPlugin(settings: RunSettings): BasePlugin | undefined {
  switch (settings.executor) {
    case undefined:
      return undefined;
    case "serial":
      return new SerialExecution();
    case "async":
      return new AsyncExecution({ concurrency: settings.workers });
    case "thread":
    case "process":
      return new ParallelExecution({
        executorType: settings.executor,
        maxWorkers: settings.workers,
      });
  }
}

async function run(
  experiment: Experiment,
  settings: RunSettings,
  channel: Channel,
): Promise<Result> {
  checkOutputRoot(experiment);
  reportFailuresInCli(experiment);
  const events = eventBatcher();
  setPoolLauncher((request, loop) => delegatePool(request, loop, channel));
  const plugins: BasePlugin[] = [];
  if (experiment.getPlugin(ArtifactPlugin) === undefined) plugins.push(new ArtifactPlugin());
  const execution = executionPlugin(settings);
  if (execution !== undefined) plugins.push(execution);
  // Loading is over: from here on this process runs the experiment.
  (globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] = false;
  try {
    return await experiment.run({
      replicates: settings.replicates,
      strategy: settings.strategy,
      cache: settings.cache,
      treatments: settings.treatments,
      ...(settings.treatments?.length === 0 ? { hypotheses: [] } : {}),
      seed: settings.seed,
      git: settings.git ?? null,
      signal: channel.cancel.signal,
      onEvent: events.push,
      plugins,
    });
  } finally {
    events.stop();
  }
}

let nextPool = 0;

/** Runs a worker pool through the CLI: sends the request, relays events and logs, returns the outcomes. */
function delegatePool(
  request: PoolRequest,
  loop: LoopContext,
  channel: Channel,
): Promise<ReplicateOutcome[]> {
  const id = ++nextPool;
  return new Promise((resolve, reject) => {
    const onAbort = () => send({ type: "pool-cancel", id });
    loop.signal.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      channel.pools.delete(id);
      loop.signal.removeEventListener("abort", onAbort);
    };
    channel.pools.set(id, (message) => {
      switch (message.type) {
        case "pool-events":
          for (const event of message.events) loop.plan.events?.emit(event);
          break;
        case "pool-log":
          loop.plan.logger[message.record.level](message.record.message, {
            ...message.record.fields,
          });
          break;
        case "pool-done":
          done();
          resolve(message.outcomes);
          break;
        case "pool-failed":
          done();
          reject(Object.assign(new CrystallizeError(message.error.message), {
            name: message.error.name,
          }));
          break;
      }
    });
    send({ type: "pool", id, request, replicates: loop.replicates });
  });
}
