/**
 * The run screen's tree: the experiments a run covers (a graph's in
 * dependency order) with their steps, each with its state in the current or
 * last run and its caching. Plain data, changed by events.
 * @module
 */
import type { GraphEvent } from "../../graph/experiment_graph.ts";
import type { RunState } from "./run_state.ts";

/** Where an experiment of the tree stands. */
export type NodeState = "pending" | "running" | "done" | "skipped" | "failed";

/** One step of an experiment, as the tree shows it. */
export interface TreeStep {
  /** Step name (from config.yaml, then from the run's events). */
  readonly name: string;
  /** Whether its code caches it (`cacheable`), when a stored run or event told; else `undefined`. */
  readonly cacheable: boolean | undefined;
  /** Calls running now. */
  readonly running: number;
  /** Calls finished in the current or last run. */
  readonly done: number;
  /** Calls answered from the step cache. */
  readonly cached: number;
  /** Calls that failed. */
  readonly failed: number;
}

/** One experiment of the tree. */
export interface TreeNode {
  /** Experiment name. */
  readonly name: string;
  /** Its state in the current or last run. */
  readonly state: NodeState;
  /** Its steps, in pipeline order. */
  readonly steps: readonly TreeStep[];
}

/** A row of the tree: an experiment, or one of its steps. */
export interface TreeRow {
  /** Index of the experiment in the tree. */
  readonly node: number;
  /** Index of the step, for a step row. */
  readonly step?: number;
}

/**
 * A tree node before any run: every step idle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeNode } from "./run_tree.ts";
 *
 * const node = treeNode("demo", [{ name: "add_delta", cacheable: undefined }]);
 * assert.equal(node.state, "pending");
 * assert.equal(node.steps[0].done, 0);
 * ```
 */
export function treeNode(
  name: string,
  steps: readonly { readonly name: string; readonly cacheable: boolean | undefined }[],
): TreeNode {
  return {
    name,
    state: "pending",
    steps: steps.map((s) => ({ ...s, running: 0, done: 0, cached: 0, failed: 0 })),
  };
}

/**
 * The rows of the tree in display order: each experiment, then its steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeNode, treeRows } from "./run_tree.ts";
 *
 * const tree = [treeNode("up", [{ name: "a", cacheable: true }]), treeNode("down", [])];
 * assert.deepEqual(treeRows(tree), [{ node: 0 }, { node: 0, step: 0 }, { node: 1 }]);
 * ```
 */
export function treeRows(tree: readonly TreeNode[]): TreeRow[] {
  return tree.flatMap((
    node,
    i,
  ) => [{ node: i }, ...node.steps.map((_, step) => ({ node: i, step }))]);
}

/**
 * The tree when a run starts: every experiment pending, step counts cleared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resetTree, treeNode } from "./run_tree.ts";
 *
 * const done = { ...treeNode("demo", []), state: "done" as const };
 * assert.equal(resetTree([done])[0].state, "pending");
 * ```
 */
export function resetTree(tree: readonly TreeNode[]): TreeNode[] {
  return tree.map((node) => treeNode(node.name, node.steps));
}

/**
 * The tree after an event of the run: graph events set an experiment's
 * state, a run's start and end set it for experiments run alone, step
 * events count calls (and tell whether the step's code caches it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeAfter, treeNode } from "./run_tree.ts";
 *
 * const tree = [treeNode("demo", [{ name: "slow", cacheable: undefined }])];
 * const after = treeAfter(tree, {
 *   type: "step-finished", experiment: "demo", runId: "r", step: "slow", index: 0,
 *   condition: "baseline", replicate: 0, cache: "hit", durationMs: 1,
 * });
 * assert.deepEqual([after[0].steps[0].cached, after[0].steps[0].cacheable], [1, true]);
 * ```
 */
export function treeAfter(tree: readonly TreeNode[], event: GraphEvent): TreeNode[] {
  const at = tree.findIndex((n) => n.name === event.experiment);
  if (at < 0) return [...tree];
  const node = tree[at];
  const next = [...tree];
  next[at] = nodeAfter(node, event);
  return next;
}

const NODE_STATES: Partial<Record<GraphEvent["type"], NodeState>> = {
  "experiment-started": "running",
  "run-started": "running",
  "experiment-skipped": "skipped",
  "experiment-finished": "done",
  "run-finished": "done",
  "experiment-failed": "failed",
};

function nodeAfter(node: TreeNode, event: GraphEvent): TreeNode {
  const state = NODE_STATES[event.type];
  if (state !== undefined) {
    // A graph's own "finished" follows the run's: a failed experiment stays failed.
    return node.state === "failed" ? node : { ...node, state };
  }
  if (event.type !== "step-started" && event.type !== "step-finished" && event.type !== "error") {
    return node;
  }
  let at = node.steps.findIndex((s) => s.name === event.step);
  if (at < 0 && event.type === "error") return node;
  const steps = [...node.steps];
  if (at < 0) {
    // A step config.yaml names differently (by its export): the run's name wins.
    at = "index" in event && event.index < steps.length ? event.index : steps.length;
    steps[at] = { ...treeNode("", [{ name: event.step, cacheable: undefined }]).steps[0] };
  }
  const step = steps[at];
  const running = Math.max(0, step.running - 1);
  if (event.type === "step-started") steps[at] = { ...step, running: step.running + 1 };
  else if (event.type === "error") steps[at] = { ...step, running, failed: step.failed + 1 };
  else {
    steps[at] = {
      ...step,
      running,
      done: step.done + 1,
      cached: step.cached + (event.cache === "hit" ? 1 : 0),
      // The UI's runs cache: "off" is a step that is not cached (or an input that cannot be hashed).
      cacheable: event.cache === "off" ? step.cacheable ?? false : true,
    };
  }
  return { ...node, steps };
}

/**
 * Whether a step's output is cached in the next run: the choice saved for
 * it, else what its code says (`undefined` when that is not known yet).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepCached } from "./run_tree.ts";
 *
 * const choices = { inactiveTreatments: [], uncachedExperiments: [], stepCaching: { demo: { slow: false } } };
 * assert.equal(stepCached(choices, "demo", { name: "slow", cacheable: true }), false);
 * assert.equal(stepCached(choices, "demo", { name: "fast", cacheable: undefined }), undefined);
 * ```
 */
export function stepCached(
  choices: RunState,
  experiment: string,
  step: { readonly name: string; readonly cacheable: boolean | undefined },
): boolean | undefined {
  return choices.stepCaching[experiment]?.[step.name] ?? step.cacheable;
}

/**
 * The choices with a step's caching switched: on when it is off or not
 * known (the library's default is off), off when it is on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EMPTY_RUN_STATE } from "./run_state.ts";
 * import { toggleStepCaching } from "./run_tree.ts";
 *
 * const on = toggleStepCaching(EMPTY_RUN_STATE, "demo", { name: "slow", cacheable: undefined });
 * assert.deepEqual(on.stepCaching, { demo: { slow: true } });
 * ```
 */
export function toggleStepCaching(
  choices: RunState,
  experiment: string,
  step: { readonly name: string; readonly cacheable: boolean | undefined },
): RunState {
  const cached = !(stepCached(choices, experiment, step) ?? false);
  return {
    ...choices,
    stepCaching: {
      ...choices.stepCaching,
      [experiment]: { ...choices.stepCaching[experiment], [step.name]: cached },
    },
  };
}
