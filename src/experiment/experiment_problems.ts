import type { Artifact } from "../data/artifact.ts";
import type { DataSource } from "../data/datasource.ts";
import { pathNameMessage, pathNameProblem } from "../path_name.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { BasePlugin } from "../run/plugin.ts";
import { replicatesProblem } from "../run/replicates.ts";
import type { Treatment } from "../run/treatment.ts";
import { Hypothesis } from "../verify/hypothesis.ts";

/** What {@linkcode experimentProblems} checks of an experiment. */
export interface CheckedParts {
  readonly name: string;
  readonly datasource: DataSource | undefined;
  readonly pipeline: Pipeline | undefined;
  readonly replicates: number;
  readonly treatments: readonly Treatment[];
  readonly hypotheses: readonly Hypothesis[];
  readonly outputs: readonly Artifact[];
  readonly plugins: readonly BasePlugin[];
}

/**
 * Every problem of an experiment's configuration, each with its fix: a name
 * that cannot name a folder (see `PATH_NAME_RULE`), no datasource, no
 * steps, a bad replicate count (see `MAX_REPLICATES`), duplicate treatment,
 * output or hypothesis names, non-hypotheses, non-plugins, and `settings`
 * (the problems of its seed, logging and storage settings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experimentProblems } from "./experiment_problems.ts";
 *
 * const empty = { name: "demo", datasource: undefined, pipeline: undefined, replicates: 0,
 *   treatments: [], hypotheses: [], outputs: [], plugins: [] };
 * assert.deepEqual(experimentProblems(empty, []).map((p) => p.split(":")[0]), [
 *   "no datasource",
 *   "no pipeline steps",
 *   "replicates must be a whole number from 1 to 1000000, got 0; set it with .replicates(n) or run({ replicates",
 * ]);
 * ```
 */
export function experimentProblems(
  experiment: CheckedParts,
  settings: readonly string[],
): string[] {
  const problems: string[] = [];
  const nameProblem = pathNameProblem(experiment.name);
  if (nameProblem !== undefined) {
    // It names the folder of the experiment's stored runs: <root>/<experiment>/v<N>.
    problems.push(
      `${pathNameMessage(experiment.name, "experiment", nameProblem)}; set it with ` +
        'Experiment.builder("my_experiment") or { name: "my_experiment" }',
    );
  }
  if (typeof experiment.datasource?.fetch !== "function") {
    problems.push(
      "no datasource: set one with .datasource(myData()) or { datasource: myData() }",
    );
  }
  if (experiment.pipeline === undefined) {
    problems.push(
      "no pipeline steps: add at least one with .addStep(myStep()) or { pipeline: [myStep()] }",
    );
  }
  const replicateProblem = checkReplicates(experiment.replicates);
  if (replicateProblem !== undefined) problems.push(replicateProblem);
  return [...problems, ...listProblems(experiment), ...settings];
}

/** Duplicate names, non-hypotheses and non-plugins. */
function listProblems(experiment: CheckedParts): string[] {
  const problems: string[] = [];
  for (const name of duplicates(experiment.treatments.map((t) => t.name))) {
    problems.push(`two treatments are named '${name}': treatment names must be unique`);
  }
  for (const name of duplicates(experiment.outputs.map((o) => o.name))) {
    problems.push(`two outputs are named '${name}': artifact names must be unique`);
  }
  for (const name of duplicates(experiment.hypotheses.map((h) => h.name))) {
    problems.push(`two hypotheses are named '${name}': give each a distinct name`);
  }
  experiment.hypotheses.forEach((h, i) => {
    if (!(h instanceof Hypothesis)) {
      problems.push(`hypotheses[${i}] is not a Hypothesis: create it with hypothesis({...})`);
    }
  });
  experiment.plugins.forEach((p, i) => {
    if (typeof p !== "object" || p === null) {
      problems.push(`plugins[${i}] is not a plugin object`);
    }
  });
  return problems;
}

/** The problem with a replicate count, with its fix; `undefined` when it is fine. */
export function checkReplicates(n: number): string | undefined {
  const problem = replicatesProblem(n);
  return problem && `${problem}; set it with .replicates(n) or run({ replicates: n })`;
}

/** The names listed more than once. */
export function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** `'a', 'b'` for messages, or `none`. */
export function listNames(items: readonly { readonly name: string }[]): string {
  return items.length === 0 ? "none" : items.map((i) => `'${i.name}'`).join(", ");
}
