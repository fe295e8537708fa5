/**
 * What the runner loads and runs: the experiment or graph a target names
 * (a folder, or an export of a module), and what `list` shows of a module's
 * experiments.
 * @module
 */
import { errorData } from "../../execution/worker/messages.ts";
import type { ImportedModules } from "../../execution/worker/entry.ts";
import { readerOf } from "../../config/config_reader.ts";
import type { ConfigFile } from "../../config/folder_config.ts";
import { loadFolderSpec } from "../../config/folder_spec.ts";
import { loadGraphSpecs } from "../../config/graph_specs.ts";
import { Experiment, FolderExperiment } from "../../experiment/experiment.ts";
import { ExperimentGraph } from "../../graph/experiment_graph.ts";
import { UsageFailure } from "./failure.ts";
import { importIsolated } from "./isolated_import.ts";
import { loadErrorMessage } from "./load_error.ts";
import type { ExportedExperiment, FromRunner, TargetSpec } from "./protocol.ts";

/**
 * One module's experiments, or why it failed to load: the `inspected`
 * message `list` gets for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inspect } from "./targets.ts";
 *
 * const message = await inspect(new URL("../../../examples/scaling_demo.ts", import.meta.url).href);
 * assert.ok(message.type === "inspected" && message.found[0].name === "scaling_demo");
 * ```
 */
export async function inspect(url: string): Promise<FromRunner> {
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
export type Runnable = Experiment | ExperimentGraph;

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

/**
 * The experiment or graph `target` names: built from its folder (from
 * `configs`, the config files the CLI read, where it has them: like
 * `Experiment.fromYaml` and `ExperimentGraph.fromYaml`), or found among the
 * exports of its imported module; a `UsageFailure` says which exports
 * there are when the target names none of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTarget } from "./targets.ts";
 *
 * const url = new URL("../../../examples/scaling_demo.ts", import.meta.url).href;
 * const experiment = await loadTarget({ kind: "module", url }, { [url]: await import(url) }, []);
 * assert.equal(experiment.name, "scaling_demo");
 * ```
 */
export async function loadTarget(
  target: TargetSpec,
  modules: ImportedModules,
  configs: readonly ConfigFile[],
): Promise<Runnable> {
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

/**
 * How `list` and the progress display name a runnable target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../../examples/scaling_demo.ts";
 * import { describe } from "./targets.ts";
 *
 * const described = describe(experiment, { kind: "module", url: "file:///exp/demo.ts" });
 * assert.deepEqual([described.kind, described.exportName], ["experiment", "default"]);
 * ```
 */
export function describe(target: Runnable, spec: TargetSpec): ExportedExperiment {
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
