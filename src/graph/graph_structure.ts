import { resolvePath } from "../resolve_path.ts";
import type { DataSource } from "../data/datasource.ts";
import type { ArtifactRef } from "../data/experiment_input.ts";
import { experimentDir } from "../storage/run_layout.ts";
import type { Experiment } from "../experiment/experiment.ts";
import { GraphError } from "./graph_error.ts";
import { outputRoot } from "../storage/output_root.ts";

/** A dependency: `to` reads `artifact` from the runs of `from`. */
export interface GraphEdge {
  /** The producing experiment. */
  readonly from: string;
  /** The consuming experiment. */
  readonly to: string;
  /** The artifact read. */
  readonly artifact: string;
}

/** What a datasource reads from other experiments (`ExperimentInput` and folder datasources expose it). */
interface ReadsOutputs {
  readonly requiredOutputs?: readonly { readonly experiment: string; readonly artifact: string }[];
}

/**
 * The other experiments' artifacts a datasource reads, with where it looks
 * for them (`root`, when the source tells).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExperimentInput } from "@crystallize/deno";
 * import { requiredInputs } from "./graph_structure.ts";
 *
 * assert.deepEqual(requiredInputs(new ExperimentInput({ m: "train#model.json" })), [
 *   { experiment: "train", artifact: "model.json", root: undefined },
 * ]);
 * ```
 */
export function requiredInputs(
  source: DataSource | undefined,
): { readonly experiment: string; readonly artifact: string; readonly root?: string }[] {
  const required = (source as ReadsOutputs | undefined)?.requiredOutputs ?? [];
  const refs = Object.values(
    ((source?.params as { inputs?: unknown } | undefined)?.inputs ?? {}) as Record<
      string,
      ArtifactRef
    >,
  );
  return required.map((r) => ({
    ...r,
    root: refs.find((ref) => ref.experiment === r.experiment && ref.artifact === r.artifact)?.root,
  }));
}

/**
 * The edges of a graph from what each experiment's datasource reads. Throws
 * {@linkcode GraphError} when an input names an experiment the graph does not
 * have, an artifact the producer does not declare, a producer without an
 * `ArtifactPlugin`, or a place the producer does not store its runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, ExperimentInput, pipelineStep } from "@crystallize/deno";
 * import { graphEdges } from "./graph_structure.ts";
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
 * assert.deepEqual(graphEdges(new Map([["train", train], ["evaluate", evaluate]])), [
 *   { from: "train", to: "evaluate", artifact: "model.json" },
 * ]);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function graphEdges(experiments: ReadonlyMap<string, Experiment>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const problems: string[] = [];
  const names = [...experiments.keys()];
  for (const [name, experiment] of experiments) {
    for (const input of requiredInputs(experiment.datasource)) {
      const ref = `'${input.experiment}#${input.artifact}'`;
      const producer = experiments.get(input.experiment);
      if (producer === undefined) {
        problems.push(
          `experiment '${name}' reads ${ref}, but the graph has no experiment '${input.experiment}' (it has: ${
            names.join(", ")
          }); add it to the graph`,
        );
        continue;
      }
      if (!producer.outputs.some((o) => o.name === input.artifact)) {
        problems.push(
          `experiment '${name}' reads ${ref}, but '${input.experiment}' declares no output '${input.artifact}' (${
            producer.outputs.length > 0
              ? `it declares: ${producer.outputs.map((o) => o.name).join(", ")}`
              : "it declares none"
          }); declare it in its outputs`,
        );
        continue;
      }
      const store = producer.storage;
      if (store === undefined) {
        problems.push(
          `experiment '${name}' reads ${ref}, but '${input.experiment}' stores no runs; add new ArtifactPlugin() to its plugins`,
        );
        continue;
      }
      const stored = resolvePath(store.experimentDir(producer));
      const read = resolvePath(experimentDir(input.root ?? outputRoot({}), input.experiment));
      if (stored !== read) {
        problems.push(
          `experiment '${name}' reads ${ref} from ${read}, but '${input.experiment}' stores its runs in ${stored}; ` +
            `build the input from the producer (new ExperimentInput({ x: ${input.experiment}.output("${input.artifact}") })) or give it that root`,
        );
        continue;
      }
      if (
        !edges.some((e) =>
          e.from === input.experiment && e.to === name && e.artifact === input.artifact
        )
      ) edges.push({ from: input.experiment, to: name, artifact: input.artifact });
    }
  }
  if (problems.length > 0) throw new GraphError(problems.join("\n"));
  return edges;
}

/**
 * A cycle among `names` as the path of names that closes it
 * (`["a", "b", "a"]`), or `undefined` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findCycle } from "./graph_structure.ts";
 *
 * const edges = [{ from: "a", to: "b", artifact: "x" }, { from: "b", to: "a", artifact: "y" }];
 * assert.deepEqual(findCycle(["a", "b"], edges), ["a", "b", "a"]);
 * ```
 */
export function findCycle(
  names: readonly string[],
  edges: readonly GraphEdge[],
): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const edge of edges) {
      if (edge.from !== name) continue;
      const cycle = visit(edge.to);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/**
 * `names` with every producer before its consumers; among independent
 * experiments the given order is kept. Assumes no cycle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topologicalOrder } from "./graph_structure.ts";
 *
 * assert.deepEqual(
 *   topologicalOrder(["evaluate", "train"], [{ from: "train", to: "evaluate", artifact: "m" }]),
 *   ["train", "evaluate"],
 * );
 * ```
 */
export function topologicalOrder(names: readonly string[], edges: readonly GraphEdge[]): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < names.length) {
    const next = names.find((n) =>
      !placed.has(n) && edges.every((e) => e.to !== n || placed.has(e.from))
    );
    if (next === undefined) break;
    order.push(next);
    placed.add(next);
  }
  return order;
}
